"""Data returns: opening them for a period, entering values, submitting, validating and querying."""
import datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from partnership import history, selectors
from partnership.dates import day_words
from partnership.history import save_versioned
from partnership.links import site_link
from partnership.models import Role, User
from partnership.services.errors import ConflictError, ServiceError
from partnership.services.outbox import enqueue_email
from partnership.services.reminders import leads_to_remind, reminder_record

from .. import access
from ..models import DataReturn, DataReturnMessage, Indicator, Period, Unit, Value
from ..rules import ratio_value

MAX_TEXT = 5000


@transaction.atomic
def data_returns_open(*, period: Period, due_date: datetime.date, by) -> list[DataReturn]:
    """One data return per agency owning an active indicator of the period's frequency; email each lead."""
    if not access.can_manage(by):
        raise ServiceError("Only the business unit can open data returns.")
    if due_date < period.end:
        raise ServiceError("The due date must be after the period ends.", field="due_date")
    agency_ids = set(Indicator.objects.filter(active=True, frequency=period.kind)
                     .values_list("owner_agency_id", flat=True))
    if not agency_ids:
        raise ServiceError("No active indicator is reported at this frequency.")
    existing = set(DataReturn.objects.filter(period=period).values_list("agency_id", flat=True))
    history.bulk_create(
        [DataReturn(agency_id=a, period=period, due_date=due_date) for a in sorted(agency_ids - existing)], user=by)
    created = list(DataReturn.objects.filter(period=period, agency_id__in=agency_ids - existing)
                   .select_related("agency", "period"))
    by_agency = selectors.agency_leads_by_agency(r.agency_id for r in created)
    for data_return in created:
        for lead in by_agency.get(data_return.agency_id, []):
            enqueue_email(
                to=lead.email, key=f"data-return-open:{data_return.pk}:{lead.pk}", template="performance_due",
                subject=f"Performance data for {period} is due by {day_words(due_date)}",
                context={"data_return": data_return, "lead": lead, "due_date": due_date,
                         "link": site_link(reverse("performance:data-return-detail", args=[data_return.pk]))})
    return created


def check_value(indicator: Indicator, *, numerator, denominator, value, commentary: str) -> list[tuple[str, str]]:
    """The problems with a figure, as (field, message). One place for the rules the form and the upload share."""
    problems = []
    if indicator.uses_ratio:
        if denominator is not None and Decimal(denominator) == 0:
            problems.append(("denominator", "The denominator cannot be zero"))
        if (numerator is None) != (denominator is None):
            problems.append(("denominator" if denominator is None else "numerator",
                             "Enter both the numerator and the denominator, or neither"))
        if numerator is not None and denominator not in (None, 0) and Decimal(numerator) > Decimal(denominator) \
                and indicator.unit == Unit.PERCENTAGE:
            problems.append(("numerator", "The numerator cannot be more than the denominator for a percentage"))
    for name, number in (("numerator", numerator), ("denominator", denominator), ("value", value)):
        if number is not None and Decimal(number) < 0:
            problems.append((name, "Enter a number that is 0 or more"))
    if value is not None and indicator.unit == Unit.PERCENTAGE and Decimal(value) > 100:
        problems.append(("value", "A percentage cannot be more than 100"))
    if value is not None and indicator.unit == Unit.YES_NO and Decimal(value) not in (0, 1):
        problems.append(("value", "Enter 1 for yes or 0 for no"))
    if len(commentary or "") > MAX_TEXT:
        problems.append(("commentary", f"Commentary must be {MAX_TEXT} characters or fewer"))
    return problems


@transaction.atomic
def value_save(*, data_return: DataReturn, indicator: Indicator, by, numerator=None, denominator=None, value=None,
               provisional: bool = False, commentary: str = "", expected_version: int | None = None) -> Value:
    """Enter or change one figure. Ratios are computed from their parts. Refuses a stale edit.

    `expected_version` is the version the person saw; 0 means they saw no figure yet, so a figure
    someone else entered meanwhile is a conflict too. None skips the check (for scripts).

    The data return is locked and read afresh first, so a figure saved while the lead submits either lands
    before the submission's completeness check or is refused after it.
    """
    data_return = DataReturn.objects.select_for_update(of=("self",)).select_related("period").get(pk=data_return.pk)
    if not access.can_edit_data_return(by, data_return):
        raise ServiceError("You cannot change this data return.")
    if indicator.owner_agency_id != data_return.agency_id or indicator.frequency != data_return.period.kind:
        raise ServiceError(f"{indicator.code} is not part of this data return.", field="indicator")
    problems = check_value(indicator, numerator=numerator, denominator=denominator, value=value,
                           commentary=commentary)
    if problems:
        field, message = problems[0]
        raise ServiceError(message, field=field)
    if indicator.uses_ratio and numerator is not None:
        value = ratio_value(numerator, denominator, indicator.unit)
    fields = {"numerator": numerator, "denominator": denominator, "value": value, "provisional": provisional,
              "commentary": (commentary or "").strip(), "entered_by": by, "entered_at": timezone.now()}
    existing = Value.objects.filter(indicator=indicator, period=data_return.period).first()
    if existing is None:
        created = Value(indicator=indicator, period=data_return.period, data_return=data_return, **fields)
        created._history_user = by  # the history row says who, in a task or a test as in a request
        try:
            with transaction.atomic():
                created.save()
        except IntegrityError as error:  # someone else entered the first figure at the same moment
            raise ConflictError() from error
        return created
    if existing.data_return_id != data_return.pk:
        raise ServiceError(f"{indicator.code} already has a figure for {data_return.period} in another return.")
    for name, new in fields.items():
        setattr(existing, name, new)
    save_versioned(existing, expected_version=existing.version if expected_version is None else expected_version,
                   fields=[("entered_by_id" if f == "entered_by" else f) for f in fields], by=by)
    return existing


def return_indicators(data_return: DataReturn):
    """The indicators a data return reports, in the dataset's order: the agency's active indicators of the
    period's frequency, and any indicator that already has a figure in this return. One query."""
    return (Indicator.objects.filter(Q(active=True, owner_agency_id=data_return.agency_id,
                                       frequency=data_return.period.kind) | Q(values__data_return=data_return))
            .distinct().order_by("order", "code"))


def missing_indicators(data_return: DataReturn) -> list[Indicator]:
    have = set(data_return.values.exclude(value__isnull=True).values_list("indicator_id", flat=True))
    return [i for i in Indicator.objects.filter(active=True, owner_agency_id=data_return.agency_id,
                                                frequency=data_return.period.kind) if i.pk not in have]


@transaction.atomic
def data_return_submit(*, data_return: DataReturn, by) -> DataReturn:
    data_return = DataReturn.objects.select_for_update().get(pk=data_return.pk)
    if not access.can_submit_data_return(by, data_return):
        raise ServiceError("Only your agency lead can submit the data return.")
    missing = missing_indicators(data_return)
    if missing:
        raise ServiceError(f"Enter a figure for {', '.join(i.code for i in missing)} before you submit, or "
                           "explain in the commentary why it is not available and enter what you have.")
    data_return.status = DataReturn.Status.SUBMITTED
    data_return.submitted_at = timezone.now()
    data_return.submitted_by = by
    data_return.save(update_fields=["status", "submitted_at", "submitted_by", "updated_at"])
    return data_return


@transaction.atomic
def data_return_validate(*, data_return: DataReturn, by) -> DataReturn:
    data_return = DataReturn.objects.select_for_update().get(pk=data_return.pk)
    if not access.can_manage(by):
        raise ServiceError("Only the business unit validates data returns.")
    if not data_return.is_submitted:
        raise ServiceError("Only a submitted data return can be validated.")
    data_return.status = DataReturn.Status.VALIDATED
    data_return.validated_at = timezone.now()
    data_return.validated_by = by
    data_return.save(update_fields=["status", "validated_at", "validated_by", "updated_at"])
    return data_return


@transaction.atomic
def data_return_query(*, data_return: DataReturn, by, message: str) -> DataReturn:
    """Send a submitted (or validated) return back with a question: it opens (or continues) the return's query
    thread, and the agency's leads are emailed a link at once."""
    data_return = DataReturn.objects.select_for_update().get(pk=data_return.pk)
    if not access.can_manage(by):
        raise ServiceError("Only the business unit can query a data return.")
    if not data_return.is_queryable:
        raise ServiceError("Only a submitted or validated data return can be queried.")
    message = (message or "").strip()
    if not message:
        raise ServiceError("Say what needs checking, so the agency can answer.", field="message")
    data_return.status = DataReturn.Status.QUERIED
    data_return.query_message = message
    data_return.save(update_fields=["status", "query_message", "updated_at"])
    _post(data_return, by=by, side=DataReturnMessage.Side.BUSINESS_UNIT, kind=DataReturnMessage.Kind.QUERY,
          text=message)
    return data_return


def can_reply(user, data_return: DataReturn, *, has_thread: bool | None = None) -> bool:
    """The business unit, and the agency's lead and contributors, once the return has been queried (`has_thread`:
    whether it has been, when the caller has read the thread already)."""
    if not (access.can_manage(user) or access.is_agency_editor(user, data_return.agency_id)):
        return False
    return data_return.messages.exists() if has_thread is None else has_thread


@transaction.atomic
def data_return_reply(*, data_return: DataReturn, by, text: str) -> DataReturnMessage:
    """A reply in the return's query thread, from the agency or the business unit. The other side is emailed a
    link at once (through the outbox); the text stays in the service."""
    data_return = (DataReturn.objects.select_for_update(of=("self",)).select_related("agency", "period")
                   .get(pk=data_return.pk))
    if not can_reply(by, data_return):
        raise ServiceError("Only the business unit and the agency's own people can reply to this query.")
    text = (text or "").strip()
    if not text:
        raise ServiceError("Write your reply.", field="text")
    if len(text) > MAX_TEXT:
        raise ServiceError(f"Keep your reply to {MAX_TEXT:,} characters or fewer.", field="text")
    side = DataReturnMessage.Side.BUSINESS_UNIT if access.can_manage(by) else DataReturnMessage.Side.AGENCY
    return _post(data_return, by=by, side=side, kind=DataReturnMessage.Kind.REPLY, text=text)


def thread_recipients(data_return: DataReturn, *, side: str) -> list[User]:
    """Who is told of a new message written by `side`: the other side. For the agency's messages, the business
    unit people who have written in the thread (all of the business unit if none has); for the business unit's,
    the agency's leads and anyone of the agency who has written in it. Two queries."""
    authors = set(data_return.messages.exclude(author=None).values_list("author_id", flat=True))
    people = User.objects.filter(is_active=True)
    if side == DataReturnMessage.Side.AGENCY:
        unit = people.filter(roles__role=Role.BUSINESS_UNIT).distinct()
        writers = [u for u in unit if u.pk in authors]
        return writers or list(unit)
    return list(people.filter(Q(roles__role=Role.AGENCY_LEAD) | Q(pk__in=authors), agency_id=data_return.agency_id)
                .distinct().order_by("full_name"))


def _post(data_return: DataReturn, *, by, side: str, kind: str, text: str) -> DataReturnMessage:
    message = DataReturnMessage.objects.create(data_return=data_return, author=by, side=side, kind=kind, text=text)
    link = site_link(reverse("performance:data-return-detail", args=[data_return.pk]) + f"#message-{message.pk}")
    what = "Query" if message.is_query else "Reply"
    for person in thread_recipients(data_return, side=side):
        if person.pk == by.pk:
            continue
        enqueue_email(
            to=person.email, key=f"data-return-message:{message.pk}:{person.pk}", template="performance_query_message",
            subject=f"{what} about {data_return.agency.display_name}'s performance data for {data_return.period}",
            context={"data_return": data_return, "message": message, "person": person, "link": link})
    return message


def outstanding_data_returns(period, *, by) -> list:
    """The period's data returns not yet submitted (or queried back), each with its agency's leads and its
    one-agency reminder, for "remind all outstanding agencies" (two queries)."""
    from partnership.services.reminders import Outstanding

    returns = list(DataReturn.objects.filter(period=period, status__in=DataReturn.EDITABLE)
                   .select_related("agency", "period").order_by("agency__name"))
    leads = selectors.agency_leads_by_agency(r.agency_id for r in returns)
    return [Outstanding(item=ret, agency=ret.agency.display_name, leads=leads.get(ret.agency_id, []),
                        send=lambda ret=ret: data_return_remind(data_return=ret, by=by))
            for ret in returns]


@transaction.atomic
def data_return_remind(*, data_return: DataReturn, by) -> int:
    """Email the agency's leads a reminder now: at most once per lead per day. Returns how many were sent."""
    if not access.can_manage(by):
        raise ServiceError("Only the business unit can send reminders.")
    if not data_return.is_editable:
        raise ServiceError("This data return has been submitted, so there is nothing to remind about.")
    leads = leads_to_remind(data_return.agency)
    today = timezone.localdate()
    link = site_link(reverse("performance:data-return-detail", args=[data_return.pk]))
    sent = 0
    for lead in leads:
        if not reminder_record(person=lead, item=data_return, stage="manual", on=today):
            continue
        late = data_return.is_late
        enqueue_email(
            to=lead.email, key=f"data-return-remind:{data_return.pk}:{lead.pk}:{today.isoformat()}",
            template="performance_reminder",
            subject=(f"Overdue: performance data for {data_return.period}" if late else
                     f"Reminder: performance data for {data_return.period} is due by "
                     f"{day_words(data_return.due_date)}"),
            context={"data_return": data_return, "lead": lead, "due_date": data_return.due_date, "late": late,
                     "link": link})
        sent += 1
    return sent
