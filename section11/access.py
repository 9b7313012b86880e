"""Who may see and change Section 11 records. Views and templates ask these, nothing else."""
from django.db.models import QuerySet

from partnership.models import Role

from .models import Evidence, Return

OVERSIGHT = (Role.BUSINESS_UNIT, Role.QA_MEMBER)
ANALYSIS_READERS = (Role.BUSINESS_UNIT, Role.QA_MEMBER, Role.CHAIR, Role.READER)
AGENCY_EDITORS = (Role.AGENCY_LEAD, Role.AGENCY_CONTRIBUTOR)


def is_oversight(user) -> bool:
    return user.is_authenticated and user.has_role(*OVERSIGHT)


def can_manage_cycles(user) -> bool:
    return user.is_authenticated and user.has_role(Role.BUSINESS_UNIT)


def can_see_analysis(user) -> bool:
    return user.is_authenticated and user.has_role(*ANALYSIS_READERS)


def visible_returns(user) -> QuerySet[Return]:
    """Business unit and QA members see every return; an agency's people see their own agency's.

    The senior officer named on a return reads it too (they sign it off), whatever their roles: the
    header form lets the lead name any active colleague, not only the agency's editors.
    """
    qs = Return.objects.select_related("cycle", "agency", "cycle__framework")
    if is_oversight(user):
        return qs
    if not (user.is_authenticated and user.agency_id):
        return qs.none()
    if user.has_role(*AGENCY_EDITORS):
        return qs.filter(agency_id=user.agency_id)
    return qs.filter(agency_id=user.agency_id, senior_officer_id=user.pk)


def visible_evidence(user) -> QuerySet[Evidence]:
    """Evidence files follow their return; chairs and readers never see individual evidence."""
    return Evidence.objects.filter(answer__ret__in=visible_returns(user).values("pk")).select_related(
        "answer__ret"
    )


def is_agency_editor(user, ret: Return) -> bool:
    return (
        user.is_authenticated
        and user.has_role(*AGENCY_EDITORS)
        and user.agency_id is not None
        and user.agency_id == ret.agency_id
    )


def can_edit_return(user, ret: Return) -> bool:
    return ret.is_editable and is_agency_editor(user, ret)


def can_submit_return(user, ret: Return) -> bool:
    return ret.is_editable and is_agency_editor(user, ret) and user.has_role(Role.AGENCY_LEAD)


def can_sign_off_return(user, ret: Return) -> bool:
    return (ret.status == Return.Status.SUBMITTED and user.is_authenticated and ret.senior_officer_id == user.pk
            and ret.sign_off_refusal(user=user) is None)


def can_name_senior_officer(user, ret: Return) -> bool:
    """The agency's lead, or the business unit, names the senior officer: never a contributor (nor anyone else),
    and not once the return is signed off."""
    if ret.status == Return.Status.SIGNED_OFF or not user.is_authenticated:
        return False
    return can_manage_cycles(user) or (is_agency_editor(user, ret) and user.has_role(Role.AGENCY_LEAD))


def can_moderate(user, ret: Return) -> bool:
    return is_oversight(user) and ret.status in Return.FINISHED


def can_send_back(user, ret: Return) -> bool:
    return can_manage_cycles(user) and ret.status in Return.FINISHED


CHALLENGE_STATUSES = (*Return.FINISHED, Return.Status.RETURNED)


def can_record_challenge(user, ret: Return) -> bool:
    return is_oversight(user) and ret.status in CHALLENGE_STATUSES


def can_read_feedback_letter(user, ret: Return) -> bool:
    """Oversight, and the agency's own lead (the letter is addressed to the agency)."""
    return is_oversight(user) or (is_agency_editor(user, ret) and user.has_role(Role.AGENCY_LEAD))
