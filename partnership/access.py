"""Who may see and change what in the shared kernel. Views and templates ask these, nothing else.

A detail the user may not see answers 404 (`get_visible_or_404`); one they may see but not change
answers 403 (`require`).
"""
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from partnership.models import Action, Role
from partnership.models.actions import source_models

# Roles that read everything in the action tracker (the partnership's own oversight).
PARTNERSHIP_READERS = (Role.BUSINESS_UNIT, Role.QA_MEMBER, Role.CHAIR, Role.READER)
SIGN_OFF_ROLES = (Role.BUSINESS_UNIT, Role.QA_MEMBER)
AGENCY_EDITORS = (Role.AGENCY_LEAD, Role.AGENCY_CONTRIBUTOR)


def is_business_unit(user) -> bool:
    return user.is_authenticated and user.has_role(Role.BUSINESS_UNIT)


def sees_all_actions(user) -> bool:
    return user.is_authenticated and user.has_role(*PARTNERSHIP_READERS)


def visible_actions(user) -> QuerySet[Action]:
    """The actions a person may read: all for the partnership's oversight roles; else their agency's, and
    every action of the kinds whose source their role oversees (`ActionSource.action_readers`)."""
    qs = Action.objects.all()
    if sees_all_actions(user):
        return qs
    if not user.is_authenticated:
        return qs.none()
    kinds = {m.action_source_kind for m in source_models() if user.role_set.intersection(m.action_readers)}
    allowed = Q(source_kind__in=sorted(kinds)) if kinds else Q(pk__in=[])
    if user.agency_id:
        allowed |= Q(owner_agency_id=user.agency_id)
    return qs.filter(allowed)


def can_sign_off_actions(user) -> bool:
    return user.is_authenticated and user.has_role(*SIGN_OFF_ROLES)


def can_create_action(user) -> bool:
    return can_sign_off_actions(user) or (user.is_authenticated and user.has_role(Role.AGENCY_LEAD))


def can_update_action(user, action: Action) -> bool:
    """Add progress, edit details and move the action along: its own agency's editors, or BU/QA."""
    if can_sign_off_actions(user):
        return True
    return (
        user.is_authenticated
        and user.has_role(*AGENCY_EDITORS)
        and user.agency_id is not None
        and user.agency_id == action.owner_agency_id
    )


def can_invite_users(user) -> bool:
    return is_business_unit(user)


def get_visible_or_404(queryset: QuerySet, **lookup):
    return get_object_or_404(queryset, **lookup)


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


# --- Reports generated in the background
REPORT_READERS = (Role.BUSINESS_UNIT, Role.QA_MEMBER, Role.CHAIR)


def can_request_reports(user) -> bool:
    return user.is_authenticated and user.has_role(*REPORT_READERS)


def visible_exports(user):
    from partnership.models import ReportExport
    from partnership.services.exports import private_kinds

    qs = ReportExport.objects.select_related("requested_by")
    if not user.is_authenticated:
        return qs.none()
    if can_request_reports(user):  # every report but another person's private one (an agency's own record)
        return qs.filter(~Q(kind__in=private_kinds()) | Q(requested_by_id=user.pk))
    return qs.filter(requested_by_id=user.pk)
