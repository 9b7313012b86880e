"""The audit's life: set up, cases, and the status workflow (one place for its rules)."""
from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from partnership import selectors
from partnership.dates import add_working_days
from partnership.history import save_versioned
from partnership.services.errors import ServiceError
from partnership.services.outbox import enqueue_email

from .. import access
from ..models import AgencyAudit, AgencyAuditAnswer, Audit, AuditCase, ConsensusGrade
from ..validators import case_reference_problem

S = Audit.Status
ORDER = list(S.values)
AUDIT_FIELDS = ["programme", "theme", "question", "terms_of_reference", "prompted_by", "priority",
                "sample_criteria", "tool", "planned_month", "agency_audits_due", "meeting_date", "follow_up_of",
                "inspection_mode"]
CASES_OPEN = Audit.BEFORE_MEETING  # cases may be added until the meeting
TRANSITION_LABELS = {
    S.SCOPING: "Start scoping", S.IN_PROGRESS: "Start the agency audits", S.MEETING: "Move to the audit meeting",
    S.DRAFTING: "Start drafting the report", S.AGREED: "Record that the report is agreed",
    S.MONITORED: "Move to monitoring the actions", S.CLOSED: "Close the audit",
}


def _need(user) -> None:
    if not access.can_manage(user):
        raise ServiceError("Only the business unit and QA subgroup members can change audits.")


def inspection_deadline(start):
    return add_working_days(start, settings.AUDITS_INSPECTION_WORKING_DAYS)


@transaction.atomic
def audit_create(*, by, agencies=(), journey_stages=(), inspection_criteria=(), **values) -> Audit:
    _need(by)
    unknown = set(values) - set(AUDIT_FIELDS)
    if unknown:
        raise ValueError(f"unknown audit fields: {unknown}")
    audit = Audit(**values)
    if audit.inspection_mode and not audit.agency_audits_due:
        audit.agency_audits_due = inspection_deadline(timezone.localdate())
    audit.save()
    audit.agencies.set(agencies)
    audit.journey_stages.set(journey_stages)
    audit.inspection_criteria.set(inspection_criteria)
    return audit


@transaction.atomic
def audit_update(*, audit: Audit, by, expected_version: int, agencies=None, journey_stages=None,
                 inspection_criteria=None, **values) -> Audit:
    _need(by)
    if audit.status == S.CLOSED:
        raise ServiceError("This audit is closed and can no longer be changed.")
    if "tool" in values and values["tool"] != audit.tool and audit.status not in (S.PLANNED, S.SCOPING):
        raise ServiceError("The audit tool cannot change once agency audits have started.", field="tool")
    if values.get("follow_up_of") is not None and values["follow_up_of"].pk == audit.pk:
        raise ServiceError("An audit cannot be a follow-up of itself.", field="follow_up_of")
    for name, value in values.items():
        if name not in AUDIT_FIELDS:
            raise ValueError(name)
        setattr(audit, name, value)
    save_versioned(audit, expected_version=expected_version, fields=[f for f in values], by=by)
    for name, chosen in (("agencies", agencies), ("journey_stages", journey_stages),
                         ("inspection_criteria", inspection_criteria)):
        if chosen is not None:
            getattr(audit, name).set(chosen)
    return audit


# --- Cases
@transaction.atomic
def case_add(*, audit: Audit, by, case_reference: str, age_band: str, agencies, named_by_inspectors=False
             ) -> AuditCase:
    _need(by)
    if audit.status not in CASES_OPEN:
        raise ServiceError("Cases can only be added before the audit meeting.")
    case_reference = (case_reference or "").strip()
    problem = case_reference_problem(case_reference)
    if problem:
        raise ServiceError(problem, field="case_reference")
    if audit.cases.filter(case_reference=case_reference).exists():
        raise ServiceError("This audit already has a case with that reference.", field="case_reference")
    agencies = list(agencies)
    if not agencies:
        raise ServiceError("Choose at least one agency involved with the child.", field="agencies")
    if named_by_inspectors and not audit.inspection_mode:
        raise ServiceError("Only an audit in inspection (JTAI) mode has cases named by inspectors.",
                           field="named_by_inspectors")
    case = AuditCase.objects.create(audit=audit, case_reference=case_reference, age_band=age_band,
                                    named_by_inspectors=named_by_inspectors)
    case.agencies.set(agencies)
    audit.agencies.add(*agencies)  # an agency involved in a case takes part in the audit
    if audit.status == S.IN_PROGRESS:
        _open_agency_audits(audit, [case])
    return case


@transaction.atomic
def case_remove(*, case: AuditCase, by) -> None:
    _need(by)
    if not case.audit.cases_removable:
        raise ServiceError("Cases can only be removed before the agency audits start.")
    case.delete()


def _open_agency_audits(audit: Audit, cases) -> int:
    domains = list(audit.tool.domains.all())
    made = 0
    for case in cases:
        for agency in case.agencies.all():
            agency_audit, created = AgencyAudit.objects.get_or_create(case=case, agency=agency)
            if created:
                AgencyAuditAnswer.objects.bulk_create(
                    [AgencyAuditAnswer(agency_audit=agency_audit, domain=d) for d in domains])
                made += 1
    return made


# --- The workflow
def next_status(audit: Audit) -> str | None:
    i = ORDER.index(audit.status)
    return ORDER[i + 1] if i + 1 < len(ORDER) else None


def transition_problems(audit: Audit, to: str) -> list[str]:
    """Why the audit cannot move to `to` now (empty when it can). One place for the workflow's rules."""
    if to != next_status(audit):
        return [f"An audit that is {audit.get_status_display().lower()} cannot move to "
                f"“{S(to).label.lower()}”." if to in S.values else "Unknown status."]
    problems = []
    if to == S.IN_PROGRESS:
        cases = audit.cases.annotate(n=Count("agencies"))
        if not cases:
            problems.append("Add the cases in the sample first.")
        if any(c.n == 0 for c in cases):
            problems.append("Every case needs at least one involved agency.")
        if not audit.agency_audits_due and not audit.inspection_mode:
            problems.append("Set the date the agency audits are due.")
        if not audit.tool.domains.exists():
            problems.append("The audit tool has no domains.")
    elif to == S.MEETING:
        outstanding = AgencyAudit.objects.filter(case__audit=audit, status=AgencyAudit.Status.DRAFT).count()
        if outstanding:
            problems.append(f"{outstanding} agency audit{'s are' if outstanding != 1 else ' is'} still outstanding. "
                            "Send reminders, or wait until every agency has submitted.")
    elif to == S.DRAFTING:
        missing = audit.cases.exclude(consensus__domain__is_overall=True).count()
        if missing:
            problems.append(f"Agree the overall consensus grade for every case first ({missing} without one).")
        if not hasattr(audit, "meeting"):
            problems.append("Record the audit meeting (date and attendees) first.")
    elif to == S.AGREED:
        if not audit.findings.exists():
            problems.append("Record at least one finding before the report is agreed.")
        if not audit.summary.strip():
            problems.append("Write the chair's summary for the report first.")
    elif to == S.CLOSED:
        open_actions = audit.actions.open().count()
        if open_actions:
            problems.append(f"{open_actions} action{'s' if open_actions != 1 else ''} from this audit "
                            f"{'are' if open_actions != 1 else 'is'} still open in the tracker.")
    return problems


@transaction.atomic
def audit_transition(*, audit: Audit, to: str, by, expected_version: int) -> Audit:
    _need(by)
    problems = transition_problems(audit, to)
    if problems:
        raise ServiceError(" ".join(problems))
    fields = ["status"]
    audit.status = to
    today = timezone.localdate()
    if to == S.IN_PROGRESS:
        if not audit.agency_audits_due:
            audit.agency_audits_due = inspection_deadline(today)
            fields.append("agency_audits_due")
        _open_agency_audits(audit, list(audit.cases.prefetch_related("agencies")))
        _email_launch(audit)
    elif to == S.AGREED:
        audit.report_agreed_on = today
        fields.append("report_agreed_on")
    elif to == S.CLOSED:
        audit.closed_on = today
        fields.append("closed_on")
    save_versioned(audit, expected_version=expected_version, fields=fields, by=by)
    return audit


agency_leads = selectors.agency_leads_by_agency  # the partnership's one rule: {agency id: its leads}


def _email_launch(audit: Audit) -> None:
    counts = dict(AgencyAudit.objects.filter(case__audit=audit).values_list("agency").annotate(n=Count("pk")))
    for agency_id, people in agency_leads(counts).items():
        for lead in people:
            enqueue_email(to=lead.email, subject=f"Multi-agency audit: {audit.theme}",
                          template="audits_launch", key=f"audits-launch:{audit.pk}:{lead.pk}",
                          context={"audit": audit, "person": lead, "count": counts[agency_id]})


def consensus_complete_cases(audit: Audit) -> int:
    return audit.cases.filter(Q(consensus__domain__is_overall=True)).count()


def consensus_for(case: AuditCase) -> dict[int, ConsensusGrade]:
    return {c.domain_id: c for c in case.consensus.select_related("grade")}
