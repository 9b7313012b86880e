"""The audit meeting and what it produces: consensus grades, findings, recommendations, actions, feedback."""
from django.db import transaction

from partnership import history
from partnership.input_rules import text_problem
from partnership.personal_data import personal_data_problem
from partnership.services.actions import action_create
from partnership.services.errors import ConflictError, ServiceError

from ..models import Audit, AuditCase, ConsensusGrade, Finding, Grade, Meeting, PractitionerFeedback, Recommendation
from .workflow import _need

S = Audit.Status
MEETING_OPEN = (S.MEETING, S.DRAFTING)
LEARNING_OPEN = (S.MEETING, S.DRAFTING)
ACTIONS_OPEN = (S.DRAFTING, S.AGREED, S.MONITORED)


def _in(audit: Audit, statuses, what: str) -> None:
    if audit.status not in statuses:
        labels = " or ".join(S(s).label.lower() for s in statuses)
        raise ServiceError(f"{what} only while the audit is at the {labels} stage.")


@transaction.atomic
def meeting_save(*, audit: Audit, by, held_on, attendees=(), attending_agencies=(), notes="") -> Meeting:
    _need(by)
    _in(audit, MEETING_OPEN, "The meeting can be recorded")
    meeting, _ = Meeting.objects.update_or_create(audit=audit, defaults={"held_on": held_on, "notes": notes})
    meeting.attendees.set(attendees)
    meeting.attending_agencies.set(attending_agencies)
    if audit.meeting_date != held_on:
        history.update(Audit.objects.filter(pk=audit.pk), user=by, meeting_date=held_on)
        audit.meeting_date = held_on
    return meeting


@transaction.atomic
def consensus_save(*, case: AuditCase, by, grades: dict, notes: dict | None = None, discussion_notes: str = "",
                   versions: dict | None = None) -> None:
    """`grades`: domain id -> Grade or None (left ungraded); `notes`: domain id -> text. `versions`: domain id ->
    the version of its grade the person started from (0: none yet); a grade saved meanwhile raises ConflictError
    and nothing is saved. (Without `versions`, as the demo does, nothing is checked.)"""
    _need(by)
    _in(case.audit, MEETING_OPEN, "Consensus grades can be recorded")
    notes = notes or {}
    domains = {d.pk: d for d in case.audit.tool.domains.all()}
    AuditCase.objects.select_for_update().filter(pk=case.pk).first()  # one consensus save of a case at a time
    saved = {c.domain_id: c for c in ConsensusGrade.objects.filter(case=case)}
    if versions is not None and any(versions.get(d, 0) != (saved[d].version if d in saved else 0)
                                    for d in set(grades) | set(saved)):
        raise ConflictError()
    for domain_id, text in notes.items():
        if (problem := text_problem(text, "Learning") or personal_data_problem(text or "")) and domain_id in domains:
            raise ServiceError(f"Learning on {domains[domain_id].title.lower()}: {problem}", field=f"notes-{domain_id}")
    if problem := text_problem(discussion_notes, "Discussion notes") or personal_data_problem(discussion_notes or ""):
        raise ServiceError(f"Discussion notes: {problem}", field="discussion_notes")
    for domain_id, grade in grades.items():
        if domain_id not in domains:
            raise ServiceError("That domain is not part of this audit tool.")
        current = saved.get(domain_id)
        if grade is None:
            if current is not None:
                current.delete()
            continue
        if not isinstance(grade, Grade) or grade.tool_id != case.audit.tool_id:
            raise ServiceError("Choose a grade from the audit tool's scale.")
        text = (notes.get(domain_id) or "").strip()
        if current is None:
            ConsensusGrade.objects.create(case=case, domain_id=domain_id, grade=grade, notes=text)
        elif (current.grade_id, current.notes) != (grade.pk, text):
            current.grade, current.notes, current.version = grade, text, current.version + 1
            current.save()
    case.discussion_notes = discussion_notes.strip()
    case.save(update_fields=["discussion_notes", "updated_at"])


@transaction.atomic
def finding_add(*, audit: Audit, by, kind: str, theme: str, text: str, journey_stages=(), inspection_criteria=()
                ) -> Finding:
    _need(by)
    _in(audit, LEARNING_OPEN, "Findings can be added")
    if kind not in Finding.Kind.values:
        raise ServiceError("Choose whether this is a strength or an area for development.", field="kind")
    finding = Finding.objects.create(audit=audit, kind=kind, theme=theme.strip(), text=text.strip())
    finding.journey_stages.set(journey_stages)
    finding.inspection_criteria.set(inspection_criteria)
    return finding


@transaction.atomic
def finding_delete(*, finding: Finding, by) -> None:
    _need(by)
    _in(finding.audit, LEARNING_OPEN, "Findings can be removed")
    finding.delete()


@transaction.atomic
def recommendation_add(*, audit: Audit, by, text: str) -> Recommendation:
    _need(by)
    _in(audit, LEARNING_OPEN, "Recommendations can be added")
    return Recommendation.objects.create(audit=audit, text=text.strip())


@transaction.atomic
def audit_action_add(*, audit: Audit, by, **values):
    _need(by)
    _in(audit, ACTIONS_OPEN, "Actions can be added")
    return action_create(by=by, source=audit, priority=values.pop("priority", None) or audit.priority, **values)


@transaction.atomic
def feedback_record(*, case: AuditCase, by, given_on, agency=None, note="") -> PractitionerFeedback:
    _need(by)
    if case.audit.status in (S.PLANNED, S.SCOPING, S.IN_PROGRESS):
        raise ServiceError("Feedback to practitioners is recorded after the audit meeting.")
    if agency is not None and not case.agencies.filter(pk=agency.pk).exists():
        raise ServiceError("Choose one of the agencies involved with this child.", field="agency")
    return PractitionerFeedback.objects.create(case=case, given_on=given_on, agency=agency, given_by=by,
                                               note=note.strip())
