"""The action tracker's writes and its lifecycle."""
import datetime

from django.db import transaction
from django.utils import timezone

from partnership import access
from partnership.history import save_versioned
from partnership.links import site_link
from partnership.models import Action, ActionFile, ActionSource, ActionUpdate, DueDateRequest, Role, User
from partnership.uploads import UploadRefused, check_upload, random_name, sha256_of

from .errors import ServiceError
from .outbox import enqueue_email

S = Action.Status
SIGN_OFF = "sign_off"  # only business unit or QA members
AGENCY = "agency"  # the owning agency's editors (and BU/QA)

# (from, to) -> who may make the move. One place for the lifecycle.
TRANSITIONS: dict[tuple[str, str], str] = {
    (S.PROPOSED, S.AGREED): AGENCY,
    (S.PROPOSED, S.NOT_ACCEPTED): AGENCY,
    (S.AGREED, S.IN_PROGRESS): AGENCY,
    (S.AGREED, S.COMPLETED): AGENCY,
    (S.IN_PROGRESS, S.COMPLETED): AGENCY,
    (S.COMPLETED, S.IN_PROGRESS): SIGN_OFF,  # evidence not enough: back to the agency
    (S.COMPLETED, S.IMPACT_ASSURED): SIGN_OFF,
    (S.IMPACT_ASSURED, S.CLOSED): SIGN_OFF,
    (S.NOT_ACCEPTED, S.PROPOSED): SIGN_OFF,  # reopened by the partnership
}

TRANSITION_LABELS = {
    S.AGREED: "Agree the action",
    S.NOT_ACCEPTED: "Do not accept (give a reason)",
    S.IN_PROGRESS: "Mark as in progress",
    S.COMPLETED: "Mark as completed (give evidence)",
    S.IMPACT_ASSURED: "Sign off: impact assured (give evidence of impact)",
    S.CLOSED: "Close",
    S.PROPOSED: "Reopen as proposed",
}


def allowed_transitions(user, action: Action) -> list[str]:
    """The statuses this person may move this action to now."""
    result = []
    for (src, dst), who in TRANSITIONS.items():
        if src != action.status:
            continue
        if who == SIGN_OFF and access.can_sign_off_actions(user):
            result.append(dst)
        elif who == AGENCY and access.can_update_action(user, action):
            result.append(dst)
    return result


@transaction.atomic
def action_create(
    *,
    by,
    title: str,
    description: str,
    owner_agency,
    due_date: datetime.date,
    owner=None,
    priority=None,
    source: ActionSource | None = None,
    status: str = S.PROPOSED,
) -> Action:
    if not access.can_create_action(by):
        raise ServiceError("You cannot create actions.")
    if not access.can_sign_off_actions(by) and by.agency_id != owner_agency.pk:
        raise ServiceError("You can only create actions for your own agency.", field="owner_agency")
    if owner is not None and owner.agency_id != owner_agency.pk:
        raise ServiceError("The owner must work for the owning agency.", field="owner")
    if status not in (S.PROPOSED, S.AGREED):
        raise ServiceError("A new action starts as proposed or agreed.")
    action = Action(
        title=title,
        description=description,
        owner_agency=owner_agency,
        owner=owner,
        priority=priority,
        due_date=due_date,
        status=status,
        created_by=by,
        source_kind=source.action_source_kind if source is not None else "other",
    )
    action._history_user = by  # django-simple-history reads this for the creation row
    action.save()
    if source is not None:
        source.actions.add(action)
    return action


@transaction.atomic
def action_update_details(*, action: Action, by, expected_version: int, **changes) -> Action:
    """Edit title, description, owner, priority or due date, refusing a stale edit."""
    if not access.can_update_action(by, action):
        raise ServiceError("You cannot change this action.")
    allowed = {"title", "description", "owner", "priority", "due_date"}
    unknown = set(changes) - allowed
    if unknown:
        raise ServiceError(f"These cannot be changed here: {', '.join(sorted(unknown))}.")
    if "due_date" in changes and changes["due_date"] != action.due_date and not access.is_business_unit(by):
        raise ServiceError("A change of due date is a request the business unit agrees: use 'Ask to change the due "
                           "date' on the action.", field="due_date")
    owner = changes.get("owner", action.owner)
    if owner is not None and owner.agency_id != action.owner_agency_id:
        raise ServiceError("The owner must work for the owning agency.", field="owner")
    for field, value in changes.items():
        setattr(action, field, value)
    fields = [("owner_id" if f == "owner" else "priority_id" if f == "priority" else f) for f in changes]
    save_versioned(action, expected_version=expected_version, fields=fields, by=by)
    return action


@transaction.atomic
def action_add_update(*, action: Action, by, note: str) -> ActionUpdate:
    if not access.can_update_action(by, action):
        raise ServiceError("You cannot add progress to this action.")
    note = (note or "").strip()
    if not note:
        raise ServiceError("Enter what has happened since the last update.", field="note")
    return ActionUpdate.objects.create(action=action, author=by, note=note)


@transaction.atomic
def action_transition(
    *, action: Action, to: str, by, expected_version: int, evidence: str = "", reason: str = "", upload=None
) -> Action:
    """Move the action along its lifecycle. Evidence and reasons are required where the rules say so; a file of
    evidence may come with completion or impact evidence (checked like every upload, stored after the rest)."""
    if to not in S.values:
        raise ServiceError(f"There is no action status called {to!r}.")
    if to not in allowed_transitions(by, action):
        who = TRANSITIONS.get((action.status, to))
        if who == SIGN_OFF:
            raise ServiceError("Only the business unit or QA subgroup members can sign off actions.")
        if who == AGENCY:
            raise ServiceError("You cannot change this action.")
        raise ServiceError(
            f"This action cannot move from {action.get_status_display().lower()} to {S(to).label.lower()}."
        )
    evidence, reason = (evidence or "").strip(), (reason or "").strip()
    file_kind = {S.COMPLETED: ActionFile.Kind.COMPLETION, S.IMPACT_ASSURED: ActionFile.Kind.IMPACT}.get(to)
    if upload and file_kind is None:
        raise ServiceError("Attach a file only with evidence of completion or of impact.", field="evidence_file")
    kind = _checked(upload) if upload else None
    fields = ["status"]
    if to == S.NOT_ACCEPTED:
        if not reason:
            raise ServiceError("Give the reason the action is not accepted.", field="reason")
        action.not_accepted_reason = reason
        fields.append("not_accepted_reason")
    elif to == S.COMPLETED:
        if not evidence:
            raise ServiceError("Describe the evidence that the action is complete.", field="evidence")
        action.completion_evidence = evidence
        action.completed_at = timezone.now()
        fields += ["completion_evidence", "completed_at"]
    elif to == S.IMPACT_ASSURED:
        if not evidence and not action.impact_evidence:
            raise ServiceError(
                "Describe the evidence of impact: what is better for children because of this action.",
                field="evidence",
            )
        if not action.impact_evidence:  # the agency's own evidence of impact, when written, is what is signed off
            action.impact_evidence = evidence
        action.signed_off_by = by
        action.signed_off_at = timezone.now()
        fields += ["impact_evidence", "signed_off_by_id", "signed_off_at"]
    elif to == S.IN_PROGRESS and action.status == S.COMPLETED:
        if not reason:
            raise ServiceError("Say why the evidence is not enough, so the agency knows what to do.", field="reason")
        action.completed_at = None  # sent back: no longer counts as completed (the evidence stays on record)
        fields.append("completed_at")
    action.status = to
    save_versioned(action, expected_version=expected_version, fields=fields, by=by)
    note = reason or evidence
    ActionUpdate.objects.create(
        action=action, author=by, note=f"Status changed to {S(to).label.lower()}." + (f" {note}" if note else "")
    )
    if kind is not None:
        _store_file(action, by=by, upload=upload, kind=kind, file_kind=file_kind)
    return action


def _checked(upload):
    """The upload's checked kind (type by content, size, Office macros: `partnership.uploads`), or a refusal shown
    next to the file field."""
    try:
        return check_upload(upload)
    except UploadRefused as refused:
        raise ServiceError(str(refused), field="evidence_file") from refused


def _store_file(action: Action, *, by, upload, kind, file_kind: str) -> ActionFile:
    name = random_name(kind)
    stored = ActionFile(action=action, kind=file_kind, stored_name=name, original_name=(upload.name or name)[:200],
                        content_type=kind.content_type, size=upload.size, sha256=sha256_of(upload), uploaded_by=by)
    stored.file.save(name, upload, save=False)
    stored.save()
    return stored  # stored last, after every check and write that could refuse


def can_record_impact(user, action: Action) -> bool:
    """The owning agency writes its evidence of impact once the action is completed (the business unit or QA then
    signs it off: impact assured)."""
    return action.status == S.COMPLETED and access.can_update_action(user, action)


@transaction.atomic
def action_record_impact(*, action: Action, by, expected_version: int, evidence: str, upload=None) -> Action:
    """The agency's evidence of impact: what is better for children because of this action, with a file if any."""
    if not can_record_impact(by, action):
        raise ServiceError("Evidence of impact is written once the action is completed, by its agency."
                           if access.can_update_action(by, action) else "You cannot change this action.")
    evidence = (evidence or "").strip()
    if not evidence:
        raise ServiceError("Describe the evidence of impact: what is better for children because of this action.",
                           field="evidence")
    kind = _checked(upload) if upload else None
    action.impact_evidence = evidence
    save_versioned(action, expected_version=expected_version, fields=["impact_evidence"], by=by)
    ActionUpdate.objects.create(action=action, author=by, note=f"Evidence of impact recorded. {evidence}")
    if kind is not None:
        _store_file(action, by=by, upload=upload, kind=kind, file_kind=ActionFile.Kind.IMPACT)
    return action


# --- A change of due date: the agency asks, the business unit agrees or declines ------------------------------
def _day(date: datetime.date) -> str:
    return f"{date.day} {date:%B %Y}"


def can_ask_to_move_due_date(user, action: Action) -> bool:
    """The owning agency's editors (and QA) ask; the business unit moves the date itself (action_update_details)."""
    return action.is_open and access.can_update_action(user, action) and not access.is_business_unit(user)


@transaction.atomic
def due_date_request(*, action: Action, by, to_date: datetime.date, reason: str,
                     today: datetime.date | None = None) -> DueDateRequest:
    """Ask the business unit to move the due date. The action keeps its date until agreed; the business unit is
    emailed at once (through the outbox, a link only)."""
    action = Action.objects.select_for_update(of=("self",)).select_related("owner_agency").get(pk=action.pk)
    if not can_ask_to_move_due_date(by, action):
        if not access.can_update_action(by, action):
            raise ServiceError("You cannot change this action.")
        raise ServiceError("Only an open action's due date can move." if not action.is_open else
                           "The business unit changes the due date on the action's details.")
    today = today or timezone.localdate()
    reason = (reason or "").strip()
    if to_date < today:
        raise ServiceError("The new due date must be today or in the future.", field="to_date")
    if to_date == action.due_date:
        raise ServiceError(f"{_day(to_date)} is the due date already. Enter the new date you are asking for.",
                           field="to_date")
    if not reason:
        raise ServiceError("Say why the due date needs to move.", field="reason")
    if action.due_date_requests.filter(status=DueDateRequest.Status.PENDING).exists():
        raise ServiceError("A request to move this due date is already waiting for the business unit.")
    request = DueDateRequest(action=action, from_date=action.due_date, to_date=to_date, reason=reason,
                             requested_by=by)
    request._history_user = by
    request.save()
    ActionUpdate.objects.create(action=action, author=by, note=(
        f"Asked the business unit to move the due date from {_day(action.due_date)} to {_day(to_date)}. {reason}"))
    link = site_link(request.get_absolute_url())
    for person in User.objects.filter(is_active=True, roles__role=Role.BUSINESS_UNIT).exclude(email="").distinct():
        enqueue_email(to=person.email, subject=f"{action.reference}: a change of due date to agree",
                      template="action_due_date_requested", key=f"due-date-request:{request.pk}:{person.pk}",
                      context={"person": person, "action": action, "request": request, "link": link})
    return request


@transaction.atomic
def due_date_decide(*, request: DueDateRequest, by, agree: bool, note: str = "") -> DueDateRequest:
    """The business unit agrees (the action moves to the new date) or declines (it keeps its date, and the note
    says why). The person who asked is emailed at once (through the outbox, a link only)."""
    if not access.is_business_unit(by):
        raise ServiceError("Only the business unit agrees or declines a change of due date.")
    request = DueDateRequest.objects.select_for_update(of=("self",)).select_related("requested_by").get(pk=request.pk)
    if request.status != DueDateRequest.Status.PENDING:
        raise ServiceError(f"This request has already been {request.get_status_display().lower()}.")
    note = (note or "").strip()
    if not agree and not note:
        raise ServiceError("Say why the due date stays, so the agency knows what to do.", field="note")
    action = Action.objects.select_for_update().get(pk=request.action_id)
    if agree:
        action.due_date = request.to_date
        save_versioned(action, expected_version=action.version, fields=["due_date"], by=by)
    request.status = DueDateRequest.Status.AGREED if agree else DueDateRequest.Status.DECLINED
    request.decided_by, request.decided_at, request.decision_note = by, timezone.now(), note
    request._history_user = by
    request.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    words = "agreed to move" if agree else "declined to move"
    ActionUpdate.objects.create(action=action, author=by, note=(
        f"The business unit {words} the due date from {_day(request.from_date)} to {_day(request.to_date)}."
        + (f" {note}" if note else "")))
    asker = request.requested_by
    if asker is not None and asker.is_active and asker.email:
        enqueue_email(to=asker.email, subject=f"{action.reference}: your change of due date has been "
                                              f"{request.get_status_display().lower()}",
                      template="action_due_date_decided", key=f"due-date-decided:{request.pk}",
                      context={"person": asker, "action": action, "request": request,
                               "link": site_link(request.get_absolute_url())})
    return request
