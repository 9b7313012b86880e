"""Who may see and change audit records. Views and templates ask these, nothing else.

- Business unit and QA members see and manage everything.
- Agency leads and contributors (the agency's auditors) see audits their agency takes part in, only
  the cases their agency is involved in, and only their own agency's returns; they edit and submit
  their agency's returns (lead or contributor: the auditor is often a contributor). Anyone else's
  case or return answers 404.
- Chairs and readers see the programme, the audits and the reports, never a case or a return (404).
"""
from django.db.models import Q, QuerySet

from partnership.models import Role

from .models import AgencyAudit, Audit, AuditCase, ImmediateConcern

OVERSIGHT = (Role.BUSINESS_UNIT, Role.QA_MEMBER)
READERS = (Role.CHAIR, Role.READER)
AGENCY_EDITORS = (Role.AGENCY_LEAD, Role.AGENCY_CONTRIBUTOR)


def is_oversight(user) -> bool:
    return user.is_authenticated and user.has_role(*OVERSIGHT)


def is_reader(user) -> bool:
    return user.is_authenticated and user.has_role(*READERS)


def is_auditor(user) -> bool:
    return user.is_authenticated and user.agency_id is not None and user.has_role(*AGENCY_EDITORS)


def can_manage(user) -> bool:
    return is_oversight(user)


def visible_audits(user) -> QuerySet[Audit]:
    qs = Audit.objects.select_related("programme", "tool", "priority")
    if is_oversight(user) or is_reader(user):
        return qs
    if is_auditor(user):
        return qs.filter(Q(agencies=user.agency_id) | Q(cases__agencies=user.agency_id)).distinct()
    return qs.none()


def visible_cases(user) -> QuerySet[AuditCase]:
    qs = AuditCase.objects.select_related("audit", "audit__tool")
    if is_oversight(user):
        return qs
    if is_auditor(user):
        return qs.filter(agencies=user.agency_id)
    return qs.none()


def visible_agency_audits(user) -> QuerySet[AgencyAudit]:
    qs = AgencyAudit.objects.select_related("case", "case__audit", "agency", "auditor")
    if is_oversight(user):
        return qs
    if is_auditor(user):
        return qs.filter(agency_id=user.agency_id)
    return qs.none()


def visible_concerns(user) -> QuerySet[ImmediateConcern]:
    """Oversight: all. An agency's auditors: concerns on cases their agency is involved in."""
    qs = ImmediateConcern.objects.select_related("case", "case__audit", "agency", "raised_by", "acknowledged_by")
    if is_oversight(user):
        return qs
    if is_auditor(user):
        return qs.filter(Q(case__agencies=user.agency_id) | Q(agency_id=user.agency_id)).distinct()
    return qs.none()


def sees_cases(user) -> bool:
    return is_oversight(user) or is_auditor(user)


def can_see_report(user, audit: Audit) -> bool:
    """The report is aggregated (no returns): oversight, chairs, readers and participating agencies."""
    return is_oversight(user) or is_reader(user) or (
        is_auditor(user) and visible_audits(user).filter(pk=audit.pk).exists()
    )


def can_edit_agency_audit(user, agency_audit: AgencyAudit) -> bool:
    return (
        agency_audit.is_draft
        and agency_audit.case.audit.status == Audit.Status.IN_PROGRESS
        and is_auditor(user)
        and user.agency_id == agency_audit.agency_id
    )


can_submit_agency_audit = can_edit_agency_audit


def can_raise_concern(user, case: AuditCase) -> bool:
    """Any auditor who can see the case, and the partnership's own people running the audit."""
    return is_oversight(user) or is_auditor(user)


def can_acknowledge(user, concern: ImmediateConcern) -> bool:
    return (
        not concern.acknowledged
        and user.is_authenticated
        and user.has_role(Role.AGENCY_LEAD)
        and user.agency_id == concern.agency_id
    )
