"""Cycles: create, launch (returns for each agency, emails through the outbox), remind, close."""
import datetime

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from partnership import history, selectors
from partnership.dates import day_words
from partnership.models import Agency
from partnership.services.errors import ServiceError
from partnership.services.reminders import last_reminder, leads_to_remind, reminder_record

from .. import access
from ..models import Answer, Cycle, Framework, Return
from . import lead_emails
from .returns import copy_answers_from


@transaction.atomic
def cycle_create(*, by, name: str, framework: Framework, opens_on: datetime.date, deadline: datetime.date,
                 agencies, cycle_length_months: int = 24, previous: Cycle | None = None) -> Cycle:
    if not access.can_manage_cycles(by):
        raise ServiceError("Only the business unit can set up a Section 11 cycle.")
    if deadline < opens_on:
        raise ServiceError("The deadline must be on or after the opening date.", field="deadline")
    agencies = list(agencies)
    if not agencies:
        raise ServiceError("Choose at least one agency to take part.", field="agencies")
    cycle = Cycle.objects.create(name=name, framework=framework, opens_on=opens_on, deadline=deadline,
                                 cycle_length_months=cycle_length_months, previous=previous)
    cycle.agencies.set(agencies)
    return cycle


@transaction.atomic
def cycle_launch(*, cycle: Cycle, by, copy_previous: bool = True) -> int:
    """Open the cycle: one return per agency with one answer per criterion, then email each agency lead.

    With `copy_previous`, an agency's answers from the previous cycle are copied as a starting point,
    each marked "check this still holds". Returns the number of returns created.
    """
    if not access.can_manage_cycles(by):
        raise ServiceError("Only the business unit can launch a cycle.")
    cycle = Cycle.objects.select_for_update().get(pk=cycle.pk)
    if cycle.status != Cycle.Status.DRAFT:
        raise ServiceError("This cycle has already been launched.")
    agencies = list(cycle.agencies.all())
    if not agencies:
        raise ServiceError("Choose at least one agency before launching.")
    criteria = list(cycle.framework.standards.values_list("criteria__pk", flat=True))
    history.bulk_create([Return(cycle=cycle, agency=a) for a in agencies], user=by)
    returns = list(Return.objects.filter(cycle=cycle).select_related("agency"))
    history.bulk_create([Answer(ret=r, criterion_id=c) for r in returns for c in criteria if c], user=by)
    if copy_previous and cycle.previous_id:
        previous = {r.agency_id: r for r in Return.objects.filter(cycle_id=cycle.previous_id)}
        for ret in returns:
            if ret.agency_id in previous:
                copy_answers_from(ret=ret, source=previous[ret.agency_id])
    cycle.status = Cycle.Status.OPEN
    cycle.launched_at = timezone.now()
    cycle.launched_by = by
    cycle.save(update_fields=["status", "launched_at", "launched_by"])
    leads = lead_emails.leads([a.pk for a in agencies])
    for ret in returns:
        for lead in leads.get(ret.agency_id, []):
            lead_emails.email_lead(ret, lead, template="section11_launch",
                        subject=f"{cycle.name}: your agency's Section 11 self-assessment is open",
                        key=f"s11-launch:{ret.pk}:{lead.pk}")
    return len(returns)


@transaction.atomic
def return_remind(*, ret: Return, by) -> int:
    """Email the agency's leads a reminder now (at most once per person per day). Returns emails sent."""
    if not access.can_manage_cycles(by):
        raise ServiceError("Only the business unit can send reminders.")
    if not ret.is_editable:
        raise ServiceError("This return has been submitted; there is nothing to remind about.")
    leads_to_remind(ret.agency)  # refused when the agency has nobody to remind
    return return_remind_quietly(ret)


def outstanding_returns(cycle: Cycle) -> list:
    """The cycle's returns not yet submitted, each with its agency's leads and its one-agency reminder, for
    "remind all outstanding agencies" (two queries)."""
    from partnership.services.reminders import Outstanding

    returns = list(cycle.returns.filter(status__in=Return.EDITABLE).select_related("agency", "cycle")
                   .order_by("agency__name"))
    leads = lead_emails.leads([r.agency_id for r in returns])
    return [Outstanding(item=ret, agency=ret.agency.display_name, leads=leads.get(ret.agency_id, []),
                        send=lambda ret=ret: return_remind_quietly(ret))
            for ret in returns]


def return_remind_quietly(ret: Return) -> int:
    """`return_remind`'s emails without its refusals (the caller has checked who may and what is outstanding)."""
    today = timezone.localdate()
    sent = 0
    for lead in lead_emails.leads([ret.agency_id]).get(ret.agency_id, []):
        if reminder_record(person=lead, item=ret, stage="manual", on=today):
            lead_emails.email_lead(ret, lead, template="section11_reminder",
                        subject=f"Reminder: {ret.cycle.name} is due on {day_words(ret.cycle.deadline)}",
                        key=f"s11-remind:{ret.pk}:{lead.pk}:{today.isoformat()}")
            sent += 1
    return sent


def last_reminders(returns) -> dict[int, object]:
    """The last reminder per return, for the tracker: one query."""
    from partnership.models import ReminderLog

    keys = {f"section11.return:{r.pk}": r.pk for r in returns}
    result = {}
    for log in ReminderLog.objects.filter(item__in=keys).select_related("person").order_by("sent_at", "pk"):
        result[keys[log.item]] = log
    return result


@transaction.atomic
def cycle_close(*, cycle: Cycle, by) -> Cycle:
    if not access.can_manage_cycles(by):
        raise ServiceError("Only the business unit can close a cycle.")
    cycle = Cycle.objects.select_for_update().get(pk=cycle.pk)
    if cycle.status != Cycle.Status.OPEN:
        raise ServiceError("Only an open cycle can be closed.")
    cycle.status = Cycle.Status.CLOSED
    cycle.save(update_fields=["status"])
    return cycle


def participating_choices(*, sector: str = "", statutory_only: bool = False, section11_only: bool = False):
    qs = Agency.objects.active()
    if sector:
        qs = qs.filter(sector=sector)
    if statutory_only:
        qs = qs.filter(statutory_partner=True)
    if section11_only:
        qs = qs.filter(section11_duty=True)
    return qs


def lead_counts(agency_ids) -> dict[int, int]:
    """How many active agency leads (the people launch emails and reminders go to) each agency has: one query."""
    rows = selectors.agency_leads(agency_ids).order_by().values("agency_id").annotate(n=Count("pk", distinct=True))
    return {row["agency_id"]: row["n"] for row in rows}


__all__ = ["cycle_close", "cycle_create", "cycle_launch", "last_reminder", "last_reminders",
           "lead_counts", "participating_choices", "return_remind"]
