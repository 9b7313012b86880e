"""The action tracker's writes and its lifecycle."""
import datetime

from django.db import transaction
from django.utils import timezone

from partnership import access
from partnership.history import save_versioned
from partnership.models import Action, ActionSource, ActionUpdate

from .errors import ServiceError

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
    *, action: Action, to: str, by, expected_version: int, evidence: str = "", reason: str = ""
) -> Action:
    """Move the action along its lifecycle. Evidence and reasons are required where the rules say so."""
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
        if not evidence:
            raise ServiceError(
                "Describe the evidence of impact: what is better for children because of this action.",
                field="evidence",
            )
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
    return action
