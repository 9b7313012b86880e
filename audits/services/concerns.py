"""Immediate concerns: routed to the responsible agency at once, acknowledged, escalated after a working day."""
import datetime

from django.db import transaction
from django.utils import timezone

from partnership.dates import add_working_days, closure_days, is_working_day, working_day_ends
from partnership.models import Role, User
from partnership.services.errors import ServiceError
from partnership.services.outbox import enqueue_email
from partnership.services.reminders import reminder_record

from .. import access
from ..models import AuditCase, ImmediateConcern
from .workflow import agency_leads


def acknowledge_by(concern: ImmediateConcern, *, closures: frozenset | None = None) -> datetime.datetime:
    """By the end of the next working day's working hours after it was raised (kernel calendar and
    `working_day_ends`): raised on a Friday afternoon, it is due at 17:00 on Monday, not 24 clock hours later.

    Pass `closures` (from `closures_for`) to work out many deadlines without a query each."""
    raised = timezone.localtime(concern.raised_at)
    if closures is None:
        day = add_working_days(raised.date(), 1)
    else:
        day = raised.date() + datetime.timedelta(days=1)
        while not is_working_day(day, closures=closures):
            day += datetime.timedelta(days=1)
    return working_day_ends(day)


def closures_for(concerns) -> frozenset:
    """The closure days that can matter to these concerns' deadlines, in one query (none without concerns)."""
    dates = [timezone.localtime(c.raised_at).date() for c in concerns]
    if not dates:
        return frozenset()
    return closure_days(min(dates), max(dates) + datetime.timedelta(days=30))


def _business_unit():
    return list(User.objects.filter(is_active=True, roles__role=Role.BUSINESS_UNIT).distinct())


@transaction.atomic
def concern_raise(*, case: AuditCase, agency, description: str, by) -> ImmediateConcern:
    if not access.can_raise_concern(by, case):
        raise ServiceError("You cannot raise a concern on this case.")
    description = (description or "").strip()
    if not description:
        raise ServiceError("Describe why the child may be unsafe now (without naming anyone in the family).",
                           field="description")
    if not case.agencies.filter(pk=agency.pk).exists():
        raise ServiceError("Choose one of the agencies involved with this child.", field="agency")
    concern = ImmediateConcern.objects.create(case=case, agency=agency, description=description, raised_by=by,
                                              raised_at=timezone.now())
    people = agency_leads([agency.pk]).get(agency.pk, []) or _business_unit()  # nobody to route to: the BU
    for person in people:
        enqueue_email(to=person.email, subject=f"Immediate concern from a multi-agency audit: case {case}",
                      template="audits_concern", key=f"audits-concern:{concern.pk}:{person.pk}",
                      context={"concern": concern, "person": person, "acknowledge_by": acknowledge_by(concern)})
    return concern


@transaction.atomic
def concern_acknowledge(*, concern: ImmediateConcern, by, action_taken: str) -> ImmediateConcern:
    concern = ImmediateConcern.objects.select_for_update().get(pk=concern.pk)
    if concern.acknowledged:
        raise ServiceError("This concern has already been acknowledged.")
    if not access.can_acknowledge(by, concern):
        raise ServiceError("Only a lead of the responsible agency can acknowledge this concern.")
    action_taken = (action_taken or "").strip()
    if not action_taken:
        raise ServiceError("Say what action your agency has taken.", field="action_taken")
    concern.acknowledged_by, concern.acknowledged_at, concern.action_taken = by, timezone.now(), action_taken
    concern.save(update_fields=["acknowledged_by", "acknowledged_at", "action_taken", "updated_at"])
    return concern


def acknowledged_in_time(concern: ImmediateConcern, *, closures: frozenset | None = None) -> bool:
    return concern.acknowledged and concern.acknowledged_at <= acknowledge_by(concern, closures=closures)


def escalate_concerns(*, now: datetime.datetime | None = None) -> int:
    """Escalate each unacknowledged concern past its deadline to the business unit, once. Idempotent."""
    now = now or timezone.now()
    escalated = 0
    candidates = ImmediateConcern.objects.filter(acknowledged_at__isnull=True, escalated_at__isnull=True,
                                                 raised_at__lte=now).select_related("case", "agency")
    for concern in candidates:
        if acknowledge_by(concern) > now:
            continue
        with transaction.atomic():
            locked = ImmediateConcern.objects.select_for_update().get(pk=concern.pk)
            if locked.acknowledged_at or locked.escalated_at:
                continue
            for person in _business_unit():
                if reminder_record(person=person, item=locked, stage="escalated", on=timezone.localdate(now)):
                    enqueue_email(to=person.email, subject=f"Unacknowledged immediate concern: case {concern.case}",
                                  template="audits_concern_escalated", key=f"audits-escalated:{locked.pk}:{person.pk}",
                                  context={"concern": concern, "person": person,
                                           "acknowledge_by": acknowledge_by(concern)})
            locked.escalated_at = now
            locked.save(update_fields=["escalated_at", "updated_at"])
            escalated += 1
    return escalated
