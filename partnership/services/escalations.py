"""The escalation ladder's life: raised at stage 1 by the business unit, escalated to the chair (stage 2) and the
lead safeguarding partners (stage 3), the agency's response recorded, closed.

Who may do what is decided here (one place, with partnership.access). The facts a letter cites are given by the
caller as text (the composition root reads every app's profile): they are kept on the record as they stood, so the
letter made from it says the same thing whenever it is downloaded. The agency's leads are told at once, by an email
that carries a link, never the letter's text.
"""
import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from partnership import access, selectors
from partnership.dates import day_words
from partnership.history import save_versioned
from partnership.models import Agency, Escalation, Role

from .errors import ConflictError, ServiceError
from .outbox import enqueue_email

TEXT_LIMIT = 5_000
LONGEST_WAIT = datetime.timedelta(days=92)


def signatory_role(user, stage: int) -> str:
    if stage >= 2 and user.has_role(Role.CHAIR):
        return "Independent chair and scrutineer"
    return "Business manager, for the partnership"


def _text(value: str, *, field: str, label: str, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ServiceError(f"Enter {label}.", field=field)
    if len(value) > TEXT_LIMIT:
        raise ServiceError(f"{label[0].upper()}{label[1:]} must be {TEXT_LIMIT:,} characters or fewer.", field=field)
    return value


def _check_due(response_due, today) -> None:
    if response_due is None:
        raise ServiceError("Enter the date the response is due by.", field="response_due")
    if response_due <= today:
        raise ServiceError("The response must be due after today.", field="response_due")
    if response_due > today + LONGEST_WAIT:
        raise ServiceError("The response must be due within three months.", field="response_due")


@transaction.atomic
def escalation_raise(*, agency: Agency, reason: str, response_due, cited_facts: str, by,
                     today: datetime.date | None = None) -> Escalation:
    """Stage 1: the business unit's letter to an agency that has no escalation open."""
    if not access.can_escalate(by, 1):
        raise ServiceError("Only the business unit can raise a stage 1 escalation.")
    Agency.objects.select_for_update().get(pk=agency.pk)  # one open ladder per agency, even when two click at once
    current = Escalation.objects.filter(agency=agency, status__in=Escalation.OPEN_STATUSES).first()
    if current is not None:
        raise ServiceError(f"{agency.display_name} already has an open escalation ({current.stage_words}). "
                           "Escalate or close that one instead.")
    return _create(agency=agency, stage=1, previous=None, reason=reason, response_due=response_due,
                   cited_facts=cited_facts, by=by, today=today)


@transaction.atomic
def escalation_escalate(*, escalation: Escalation, reason: str, response_due, cited_facts: str,
                        expected_version: int, by, today: datetime.date | None = None) -> Escalation:
    """The next stage: the chair's letter (stage 2), then the referral to the lead safeguarding partners (stage 3).
    The stage it escalates is closed, saying so."""
    stage = escalation.stage + 1
    if stage > Escalation.Stage.PARTNERS:
        raise ServiceError("Stage 3 is the last stage of the ladder: close it when the partners have acted.")
    if not access.can_escalate(by, stage):
        raise ServiceError("Only the business unit or the chair can escalate.")
    if not escalation.is_open:
        raise ServiceError("This escalation is closed, so it cannot be escalated.")
    today = today or timezone.localdate()
    escalation.status, escalation.closed_on = Escalation.Status.CLOSED, today
    escalation.closing_note = f"Escalated to stage {stage} on {day_words(today)}."
    save_versioned(escalation, expected_version=expected_version, fields=["status", "closed_on", "closing_note"],
                   by=by)
    return _create(agency=escalation.agency, stage=stage, previous=escalation, reason=reason,
                   response_due=response_due, cited_facts=cited_facts, by=by, today=today)


def _create(*, agency, stage, previous, reason, response_due, cited_facts, by, today) -> Escalation:
    today = today or timezone.localdate()
    reason = _text(reason, field="reason", label="why the partnership is escalating")
    _check_due(response_due, today)
    leads = list(selectors.agency_leads([agency.pk]))
    escalation = Escalation.objects.create(
        agency=agency, stage=stage, previous=previous, reason=reason, cited_facts=cited_facts[:20_000],
        letter_date=today, response_due=response_due, signatory=by.full_name,
        signatory_role=signatory_role(by, stage), addressee=leads[0].full_name if leads else "", raised_by=by,
    )
    for lead in leads:
        enqueue_email(to=lead.email, subject=f"{escalation.stage_words}: a letter to {agency.display_name}",
                      template="escalation_letter", key=f"escalation:{escalation.pk}:{lead.pk}",
                      context={"person": lead, "escalation": escalation,
                               "link": settings.SITE_URL + escalation.get_absolute_url()})
    return escalation


@transaction.atomic
def escalation_record_response(*, escalation: Escalation, received_on, response: str, expected_version: int,
                               by, today: datetime.date | None = None) -> Escalation:
    if not access.can_record_response(by, escalation.agency_id):
        raise ServiceError("Only the business unit, the chair or the agency's lead can record the response.")
    if escalation.status != Escalation.Status.OPEN:
        raise ConflictError("A response has already been recorded, or the escalation is closed. Check it below.")
    today = today or timezone.localdate()
    if received_on is None:
        raise ServiceError("Enter the date the response was received.", field="received_on")
    if received_on < escalation.letter_date or received_on > today:
        raise ServiceError("The response must have been received between the letter's date and today.",
                           field="received_on")
    escalation.response = _text(response, field="response", label="what the agency said")
    escalation.response_received_on, escalation.status = received_on, Escalation.Status.RESPONDED
    save_versioned(escalation, expected_version=expected_version,
                   fields=["response", "response_received_on", "status"], by=by)
    return escalation


@transaction.atomic
def escalation_close(*, escalation: Escalation, note: str, expected_version: int, by,
                     today: datetime.date | None = None) -> Escalation:
    if not access.can_manage_escalation(by):
        raise ServiceError("Only the business unit or the chair can close an escalation.")
    if not escalation.is_open:
        raise ConflictError("This escalation is already closed.")
    escalation.closing_note = _text(note, field="note", label="why it can close")
    escalation.status, escalation.closed_on = Escalation.Status.CLOSED, today or timezone.localdate()
    save_versioned(escalation, expected_version=expected_version, fields=["status", "closed_on", "closing_note"],
                   by=by)
    return escalation


def open_escalations():
    return Escalation.objects.filter(status__in=Escalation.OPEN_STATUSES).select_related("agency")
