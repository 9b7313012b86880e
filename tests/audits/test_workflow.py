"""The audit workflow: each transition, its refusals (explained), cases, agency audits and reminders."""
import pytest
from django.core import mail  # noqa: F401
from django.urls import reverse
from django.utils import timezone

from audits.models import AgencyAudit, Audit, Finding, Grade
from audits.services import meeting as meeting_services
from audits.services import returns as return_services
from audits.services import workflow
from partnership.models import EmailMessage, ReminderLog
from partnership.services.errors import ConflictError, ServiceError
from tests.audits.conftest import agree_all, make_audit, submit_all

pytestmark = pytest.mark.django_db
S = Audit.Status


def move(audit, to, by):
    audit.refresh_from_db()
    return workflow.audit_transition(audit=audit, to=to, by=by, expected_version=audit.version)


def test_full_workflow_from_planned_to_closed(tool, programme, police, health, business_unit, agency_lead,
                                               django_capture_on_commit_callbacks):
    audit = make_audit(tool, programme, [police, health], status=S.PLANNED)
    move(audit, S.SCOPING, business_unit)
    with django_capture_on_commit_callbacks(execute=True):
        move(audit, S.IN_PROGRESS, business_unit)
    assert AgencyAudit.objects.filter(case__audit=audit).count() == 4
    assert AgencyAudit.objects.first().answers.count() == tool.domains.count()
    assert EmailMessage.objects.filter(to=agency_lead.email, subject__contains="Neglect").count() == 1
    with pytest.raises(ServiceError, match="4 agency audits are still outstanding"):
        move(audit, S.MEETING, business_unit)
    submit_all(audit)
    move(audit, S.MEETING, business_unit)
    with pytest.raises(ServiceError, match="overall consensus grade for every case"):
        move(audit, S.DRAFTING, business_unit)
    agree_all(audit)
    with pytest.raises(ServiceError, match="Record the audit meeting"):
        move(audit, S.DRAFTING, business_unit)
    meeting_services.meeting_save(audit=audit, by=business_unit, held_on=audit.agency_audits_due)
    move(audit, S.DRAFTING, business_unit)
    with pytest.raises(ServiceError, match="at least one finding"):
        move(audit, S.AGREED, business_unit)
    meeting_services.finding_add(audit=audit, by=business_unit, kind=Finding.Kind.STRENGTH, theme="Voice",
                                 text="Children were seen alone.")
    audit.summary = "A good audit."
    audit.save()
    move(audit, S.AGREED, business_unit)
    action = meeting_services.audit_action_add(audit=audit, by=business_unit, title="Neglect toolkit",
                                               description="Roll out the toolkit.", owner_agency=police,
                                               due_date=audit.agency_audits_due)
    assert action.source_kind == "audit" and list(audit.actions.all()) == [action]
    move(audit, S.MONITORED, business_unit)
    with pytest.raises(ServiceError, match="1 action from this audit is still open"):
        move(audit, S.CLOSED, business_unit)
    action.status = "not_accepted"
    action.not_accepted_reason = "Covered elsewhere"
    action.save()
    move(audit, S.CLOSED, business_unit)
    audit.refresh_from_db()
    assert audit.status == S.CLOSED and audit.closed_on and audit.report_agreed_on


def test_skipping_a_stage_and_outsiders_are_refused(audit, business_unit, agency_lead, qa_member):
    with pytest.raises(ServiceError, match="cannot move"):
        move(audit, S.CLOSED, business_unit)
    with pytest.raises(ServiceError, match="Only the business unit and QA"):
        move(audit, S.MEETING, agency_lead)
    submit_all(audit)
    with pytest.raises(ConflictError):
        workflow.audit_transition(audit=audit, to=S.MEETING, by=qa_member, expected_version=audit.version - 1)
    move(audit, S.MEETING, qa_member)


def test_starting_needs_cases_and_a_due_date(tool, programme, police, business_unit):
    audit = make_audit(tool, programme, [police], status=S.SCOPING, cases=0)
    audit.agency_audits_due = None
    audit.save()
    problems = workflow.transition_problems(audit, S.IN_PROGRESS)
    assert "Add the cases in the sample first." in problems
    assert "Set the date the agency audits are due." in problems


def test_inspection_mode_gets_a_short_deadline_in_working_days(tool, programme, police, business_unit, settings):
    audit = workflow.audit_create(by=business_unit, programme=programme, tool=tool, theme="JTAI: neglect",
                                  inspection_mode=True)
    # the local date (in a summer's late evening, UTC is still on the day before)
    assert audit.agency_audits_due == workflow.inspection_deadline(timezone.localtime(audit.created_at).date())
    workflow.case_add(audit=audit, by=business_unit, case_reference="JTAI-2026-1", age_band="1_5",
                      agencies=[police], named_by_inspectors=True)
    assert audit.cases.get().named_by_inspectors


def test_case_add_refuses_names_dates_and_duplicates(audit, business_unit, police, client_for):
    for ref in ("Jane Smith", "01/02/2020"):
        with pytest.raises(ServiceError) as exc:
            workflow.case_add(audit=audit, by=business_unit, case_reference=ref, age_band="1_5", agencies=[police])
        assert exc.value.field == "case_reference"
    with pytest.raises(ServiceError, match="already has a case"):
        workflow.case_add(audit=audit, by=business_unit, case_reference=audit.cases.first().case_reference,
                          age_band="1_5", agencies=[police])
    with pytest.raises(ServiceError, match="inspection"):
        workflow.case_add(audit=audit, by=business_unit, case_reference="MA-2026-999", age_band="1_5",
                          agencies=[police], named_by_inspectors=True)
    # Through the page: the refusal is explained next to the field, and what was typed is kept.
    r = client_for(business_unit).post(reverse("audits:case-add", args=[audit.pk]), {
        "case_reference": "Jayden Smith", "age_band": "1_5", "agencies": [police.pk]})
    assert r.status_code == 400
    assert "looks like a name" in r.content.decode() and 'value="Jayden Smith"' in r.content.decode()
    # Added while agency audits run (JTAI-style late addition): its agency audits open at once.
    case = workflow.case_add(audit=audit, by=business_unit, case_reference="MA-2026-900", age_band="6_10",
                             agencies=[police])
    assert case.agency_audits.get().answers.count() == audit.tool.domains.count()


def test_agency_audit_draft_then_submit(audit, contributor, police, client_for):
    aa = AgencyAudit.objects.get(case=audit.cases.first(), agency=police)
    domains = list(audit.tool.domains.all())
    good = Grade.objects.get(tool=audit.tool, code="good")
    c = client_for(contributor)
    url = reverse("audits:agency-audit", args=[aa.pk])
    data = {"version": aa.version, "action": "save", f"grade-{domains[0].pk}": good.pk,
            f"good_practice-{domains[0].pk}": "Seen alone at every visit"}
    assert c.post(url, data).status_code == 302
    aa.refresh_from_db()
    assert aa.status == "draft" and aa.answers.get(domain=domains[0]).good_practice == "Seen alone at every visit"
    data.update(version=aa.version, action="submit")
    r = c.post(url, data)
    assert r.status_code == 400 and "Grade every domain before you submit" in r.content.decode()
    assert "Seen alone at every visit" in r.content.decode()
    # The summary's link goes to the first radio of the first domain without a grade (not to the form).
    first_missing = f"grade-{domains[1].pk}-{Grade.objects.filter(tool=audit.tool).first().pk}"
    assert f'<a href="#{first_missing}">' in r.content.decode() and f'id="{first_missing}"' in r.content.decode()
    data.update({f"grade-{d.pk}": good.pk for d in domains})
    assert c.post(url, data).status_code == 302
    aa.refresh_from_db()
    assert aa.status == "submitted" and aa.submitted_at and aa.auditor == contributor
    assert c.post(url, data).status_code == 403  # submitted: no more changes
    # A stale version is refused, never silently overwriting.
    other = AgencyAudit.objects.get(case=audit.cases.last(), agency=police)
    with pytest.raises(ConflictError):
        return_services.agency_audit_save(agency_audit=other, by=contributor, answers={},
                                          expected_version=other.version + 1)


def test_business_unit_reminds_an_agency_once_a_day(audit, business_unit, agency_lead, police, client_for):
    c = client_for(business_unit)
    url = reverse("audits:audit-remind", args=[audit.pk, police.pk])
    assert c.get(url).status_code == 405
    c.post(url)
    c.post(url)
    assert EmailMessage.objects.filter(to=agency_lead.email, subject__startswith="Reminder").count() == 1
    assert ReminderLog.objects.filter(person=agency_lead).count() == 1
    page = c.get(reverse("audits:audit-detail", args=[audit.pk])).content.decode()
    assert "Never" in page  # health has never been reminded
    submit_all(audit)
    with pytest.raises(ServiceError, match="no outstanding"):
        return_services.agency_audits_remind(audit=audit, agency=police, by=business_unit)


def test_transition_button_posts_and_explains_refusals(audit, business_unit, client_for):
    c = client_for(business_unit)
    page = c.get(reverse("audits:audit-detail", args=[audit.pk])).content.decode()
    assert "You cannot do this yet" in page and "still outstanding" in page
    r = c.post(reverse("audits:audit-transition", args=[audit.pk]), {"to": "meeting", "version": audit.version},
               follow=True)
    assert "still outstanding" in r.content.decode()
    submit_all(audit)
    c.post(reverse("audits:audit-transition", args=[audit.pk]), {"to": "meeting", "version": audit.version})
    audit.refresh_from_db()
    assert audit.status == S.MEETING


def test_an_agency_without_a_lead_is_not_reminded(tool, programme, police, outsider_agency, business_unit):
    audit = make_audit(tool, programme, [police, outsider_agency], status=S.IN_PROGRESS)
    with pytest.raises(ServiceError, match="has no agency lead with an account. Invite one first."):
        return_services.agency_audits_remind(audit=audit, agency=outsider_agency, by=business_unit)
    assert not EmailMessage.objects.exists() and not ReminderLog.objects.exists()
