"""Turning the curve: the OBA record for an indicator, and the actions it puts in the shared tracker."""
import datetime

from django.db import transaction
from django.utils import timezone

from partnership.models import Action, Role
from partnership.services.actions import action_create
from partnership.services.errors import ConflictError, ServiceError

from .. import access
from ..models import Indicator, TurnTheCurve

MAX_TEXT = 5000
FIELDS = ("baseline", "forecast", "story", "partners", "what_works")


def can_edit_curve(user, indicator: Indicator) -> bool:
    """The business unit, and the lead of the agency that owns the indicator."""
    if access.can_manage(user):
        return True
    return (user.is_authenticated and user.has_role(Role.AGENCY_LEAD) and user.agency_id is not None
            and user.agency_id == indicator.owner_agency_id)


@transaction.atomic
def curve_save(*, indicator: Indicator, by, values: dict, record: TurnTheCurve | None = None,
               last_updated: str = "", action: dict | None = None) -> tuple[TurnTheCurve, Action | None]:
    """Create or edit a turn-the-curve record and, if asked, add an action to the tracker linked to it.

    All or nothing: a refused action leaves the record unsaved. An edit is refused if someone else
    saved the record since it was read (`last_updated` is the `updated_at` the form was built from).
    """
    if not can_edit_curve(by, indicator):
        raise ServiceError("Only the business unit or the owning agency's lead can change this record.")
    unknown = set(values) - set(FIELDS)
    if unknown:
        raise ServiceError(f"These cannot be changed here: {', '.join(sorted(unknown))}.")
    cleaned = {name: (values.get(name) or "").strip() for name in FIELDS}
    for name, text in cleaned.items():
        if not text:
            raise ServiceError("Fill in every part of the record.", field=name)
        if len(text) > MAX_TEXT:
            raise ServiceError(f"Keep this to {MAX_TEXT:,} characters or fewer.", field=name)
    if record is None:
        record = TurnTheCurve(indicator=indicator)
    else:
        if record.indicator_id != indicator.pk:
            raise ServiceError("This record belongs to another indicator.")
        current = TurnTheCurve.objects.select_for_update().get(pk=record.pk)
        if last_updated and current.updated_at.isoformat() != last_updated:
            raise ConflictError()
    for name, text in cleaned.items():
        setattr(record, name, text)
    record.updated_by = by
    record._history_user = by  # django-simple-history reads this
    record.save()
    created = None
    if action:
        created = curve_add_action(record=record, by=by, **action)
    return record, created


@transaction.atomic
def curve_add_action(*, record: TurnTheCurve, by, title: str, description: str, due_date: datetime.date,
                     owner=None) -> Action:
    """An action to turn the curve, owned by the indicator's agency, in the shared tracker (linked both ways)."""
    indicator = record.indicator
    if not can_edit_curve(by, indicator):
        raise ServiceError("Only the business unit or the owning agency's lead can add actions here.")
    if due_date < timezone.localdate():
        raise ServiceError("The due date must be today or later.", field="action_due_date")
    try:
        return action_create(by=by, title=title.strip(), description=description.strip(),
                             owner_agency=indicator.owner_agency, owner=owner, priority=indicator.priority,
                             due_date=due_date, source=record, status=Action.Status.PROPOSED)
    except ServiceError as error:  # name the form's field, not the tracker's
        raise ServiceError(error.message, field=f"action_{error.field}" if error.field else None) from error
