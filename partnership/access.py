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
    scope, agency_id = action_scope(user)
    return scoped_actions(scope, *agency_id)


def action_scope(user) -> tuple[tuple, tuple]:
    """(the shape of `visible_actions(user)`: ("all",), ("none",) or ("own", the source kinds read, whether of an
    agency), (the agency's id, where the shape has one)): a query compiled once per shape
    (`partnership.compiled`) binds the id at each call."""
    if sees_all_actions(user):
        return ("all",), ()
    if not user.is_authenticated:
        return ("none",), ()
    kinds = tuple(sorted({m.action_source_kind for m in source_models()
                          if user.role_set.intersection(m.action_readers)}))
    return ("own", kinds, bool(user.agency_id)), ((user.agency_id,) if user.agency_id else ())


def scoped_actions(scope: tuple, *agency_id: int) -> QuerySet[Action]:
    """The actions of an `action_scope`: its shape, and its agency's id where it has one."""
    qs = Action.objects.all()
    if scope[0] == "all":
        return qs
    if scope[0] == "none":
        return qs.none()
    _, kinds, _ = scope
    allowed = Q(source_kind__in=kinds) if kinds else Q(pk__in=[])
    if agency_id:
        allowed |= Q(owner_agency_id=agency_id[0])
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

    qs = ReportExport.objects.select_related("requested_by")
    if not user.is_authenticated:
        return qs.none()
    if can_request_reports(user):
        return exports_of_report_requester(user.pk)
    return qs.filter(requested_by_id=user.pk)


def exports_of_report_requester(person_id: int):
    """The exports a person who may request reports reads: every report but another person's private one (an
    agency's own record)."""
    from partnership.export_registry import private_kinds
    from partnership.models import ReportExport

    return ReportExport.objects.select_related("requested_by").filter(
        ~Q(kind__in=private_kinds()) | Q(requested_by_id=person_id))


# --- Agencies' accountability profiles and the escalation ladder
PROFILE_READERS = (Role.BUSINESS_UNIT, Role.QA_MEMBER, Role.CHAIR)
ESCALATION_SIGNERS = (Role.BUSINESS_UNIT, Role.CHAIR)  # stage 2 and 3 letters; stage 1 is the business unit's


def sees_all_profiles(user) -> bool:
    """The business unit, QA members and the chair read every agency's profile and escalations."""
    return user.is_authenticated and user.has_role(*PROFILE_READERS)


def can_see_profile(user, agency_id: int) -> bool:
    """Everyone who oversees, and an agency's own lead and contributors (a school's DSL is its lead)."""
    return sees_all_profiles(user) or (
        user.is_authenticated and user.agency_id is not None and user.agency_id == agency_id
        and user.has_role(*AGENCY_EDITORS))


def can_escalate(user, stage: int) -> bool:
    """Stage 1 is the business unit's letter; stage 2 (the independent chair) and 3 (to the lead safeguarding
    partners) the business unit's or the chair's."""
    if not user.is_authenticated:
        return False
    return user.has_role(Role.BUSINESS_UNIT) if stage == 1 else user.has_role(*ESCALATION_SIGNERS)


def can_manage_escalation(user) -> bool:
    """Record a response, escalate, close: the business unit or the chair."""
    return user.is_authenticated and user.has_role(*ESCALATION_SIGNERS)


def can_record_response(user, agency_id: int) -> bool:
    """The partnership records the response it received, or the agency's lead records its own."""
    return can_manage_escalation(user) or (
        user.is_authenticated and user.agency_id == agency_id and user.has_role(Role.AGENCY_LEAD))


# --- Subgroups and meetings
MEETING_READERS = (Role.BUSINESS_UNIT, Role.QA_MEMBER, Role.CHAIR)


def can_manage_meetings(user) -> bool:
    """Subgroups, the forward plan, agendas, papers, attendance, minutes and decisions: the business unit."""
    return is_business_unit(user)


def reads_every_meeting(user) -> bool:
    return user.is_authenticated and user.has_role(*MEETING_READERS)


def _member_q(user) -> Q:
    """The subgroups `user` is a current member (or a member's named deputy) of: a past member sees no more."""
    from django.utils import timezone

    today = timezone.localdate()
    return ((Q(memberships__person_id=user.pk) | Q(memberships__deputy_id=user.pk))
            & (Q(memberships__end_date__isnull=True) | Q(memberships__end_date__gte=today)))


def visible_subgroups(user) -> QuerySet:
    from partnership.models import Subgroup

    qs = Subgroup.objects.all()
    if reads_every_meeting(user):
        return qs
    if not user.is_authenticated:
        return qs.none()
    return qs.filter(pk__in=Subgroup.objects.filter(_member_q(user)).values("pk"))


def visible_meetings(user) -> QuerySet:
    from partnership.models import Meeting

    qs = Meeting.objects.all()
    if reads_every_meeting(user):
        return qs
    if not user.is_authenticated:
        return qs.none()
    return qs.filter(subgroup_id__in=visible_subgroups(user).values("pk"))


def can_read_meeting(user, meeting) -> bool:
    return reads_every_meeting(user) or visible_meetings(user).filter(pk=meeting.pk).exists()
