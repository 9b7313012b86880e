"""An agency's audit of a case: save as draft, submit, and the business unit's reminders."""
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from partnership.history import save_versioned
from partnership.input_rules import text_problem
from partnership.models import ReminderLog
from partnership.personal_data import personal_data_problem
from partnership.services.errors import ServiceError
from partnership.services.outbox import enqueue_email
from partnership.services.reminders import leads_to_remind, reminder_record

from .. import access
from ..models import AgencyAudit, Audit, Grade
from .workflow import agency_leads

ANSWER_FIELDS = ("good_practice", "areas_for_development", "recommendations")


@transaction.atomic
def agency_audit_save(*, agency_audit: AgencyAudit, by, answers: dict, expected_version: int,
                      submit: bool = False) -> AgencyAudit:
    """`answers`: domain id -> {"grade": Grade | None, "good_practice": str, ...}. Submitting needs every grade."""
    if not access.can_edit_agency_audit(by, agency_audit):
        raise ServiceError("You cannot change this agency audit: it is submitted, or not your agency's.")
    rows = {a.domain_id: a for a in agency_audit.answers.select_related("domain")}
    tool_id = agency_audit.case.audit.tool_id
    for domain_id, values in answers.items():
        answer = rows.get(domain_id)
        if answer is None:
            raise ServiceError("That domain is not part of this audit tool.")
        grade = values.get("grade")
        if grade is not None and (not isinstance(grade, Grade) or grade.tool_id != tool_id):
            raise ServiceError("Choose a grade from the audit tool's scale.")
        for name in ANSWER_FIELDS:
            problem = (text_problem(values.get(name), name.replace("_", " ").capitalize())
                       or personal_data_problem(values.get(name) or ""))
            if problem:
                raise ServiceError(f"{answer.domain.title}, {name.replace('_', ' ')}: {problem}",
                                   field=f"{name}-{domain_id}")
        answer.grade = grade
        for name in ANSWER_FIELDS:
            setattr(answer, name, (values.get(name) or "").strip())
        answer.save()
    fields = ["auditor"]
    agency_audit.auditor = by
    if submit:
        missing = [a.domain.title for a in rows.values() if a.grade_id is None]
        if missing:
            raise ServiceError("Grade every domain before you submit. Not graded yet: " + ", ".join(missing) + ".")
        agency_audit.status = AgencyAudit.Status.SUBMITTED
        agency_audit.submitted_at = timezone.now()
        fields += ["status", "submitted_at"]
    save_versioned(agency_audit, expected_version=expected_version, fields=fields, by=by)
    return agency_audit


def reminder_item(audit: Audit, agency_id: int) -> str:
    """The ReminderLog key for 'agency X's returns on audit Y'."""
    return f"audits.audit:{audit.pk}:agency:{agency_id}"


def outstanding_by_agency(audit: Audit) -> dict[int, int]:
    return dict(
        AgencyAudit.objects.filter(case__audit=audit, status=AgencyAudit.Status.DRAFT)
        .values_list("agency").annotate(n=Count("pk"))
    )


def last_reminded(audit: Audit, agency_ids) -> dict[int, ReminderLog]:
    """Agency id -> the latest reminder about its returns on this audit. One query."""
    keys = {reminder_item(audit, a): a for a in agency_ids}
    result = {}
    for log in ReminderLog.objects.filter(item__in=keys).order_by("sent_at", "pk"):
        result[keys[log.item]] = log
    return result


def outstanding_agencies(audit: Audit, *, by) -> list:
    """Each agency with agency audits still in draft on the audit, with its leads and its one-agency reminder, for
    "remind all outstanding agencies" (two queries)."""
    from partnership.models import Agency
    from partnership.services.reminders import Outstanding

    ids = set(AgencyAudit.objects.filter(case__audit=audit, status=AgencyAudit.Status.DRAFT)
              .values_list("agency_id", flat=True))
    leads = agency_leads(list(ids))
    return [Outstanding(item=reminder_item(audit, agency.pk), agency=agency.display_name,
                        leads=leads.get(agency.pk, []),
                        send=lambda agency=agency: agency_audits_remind(audit=audit, agency=agency, by=by))
            for agency in Agency.objects.filter(pk__in=ids).order_by("name")]


@transaction.atomic
def agency_audits_remind(*, audit: Audit, agency, by) -> int:
    """Email the agency's leads about its outstanding returns; once a day per lead. Returns emails sent."""
    if not access.can_manage(by):
        raise ServiceError("Only the business unit and QA subgroup members can send reminders.")
    if audit.status != Audit.Status.IN_PROGRESS:
        raise ServiceError("Reminders are sent only while agency audits are in progress.")
    outstanding = list(AgencyAudit.objects.filter(case__audit=audit, agency=agency, status=AgencyAudit.Status.DRAFT)
                       .select_related("case"))
    if not outstanding:
        raise ServiceError(f"{agency} has no outstanding agency audits on this audit.")
    leads = leads_to_remind(agency)
    today = timezone.localdate()
    sent = 0
    for lead in leads:
        if not reminder_record(person=lead, item=reminder_item(audit, agency.pk), stage="manual", on=today):
            continue
        enqueue_email(to=lead.email, subject=f"Reminder: agency audits due for {audit.theme}",
                      template="audits_reminder", key=f"audits-remind:{audit.pk}:{agency.pk}:{lead.pk}:{today}",
                      context={"audit": audit, "person": lead, "agency_audits": outstanding})
        sent += 1
    return sent


def progress(audit: Audit) -> dict:
    counts = AgencyAudit.objects.filter(case__audit=audit).aggregate(
        total=Count("pk"), submitted=Count("pk", filter=Q(status=AgencyAudit.Status.SUBMITTED)))
    counts["outstanding"] = counts["total"] - counts["submitted"]
    return counts
