"""Multi-agency audits in a real browser: an agency auditor's return, an immediate concern and its
acknowledgement, the business unit's meeting and consensus, and the report. axe-core on every page type."""
import datetime
import re

import pytest

from audits.models import AgencyAudit, Audit
from partnership import history
from tests.audits.conftest import make_audit, programme, submit_all, tool  # noqa: F401 (fixtures)
from tests.factories import AgencyFactory

from .conftest import axe_check, expect, screenshot

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def world(police, programme, tool):  # noqa: F811
    health = AgencyFactory(name="Community Health Trust")
    audit = make_audit(tool, programme, [police, health], status=Audit.Status.IN_PROGRESS, cases=2,
                       theme="Neglect", meeting_date=datetime.date.today())
    return {"audit": audit, "health": health}


def check(page, name, *, mobile=False):
    axe_check(page)
    screenshot(page, f"audits-{name}", mobile=mobile)


def fill_date(page, name, day):
    page.locator(f'input[name="{name}_0"]').fill(str(day.day))
    page.locator(f'input[name="{name}_1"]').fill(str(day.month))
    page.locator(f'input[name="{name}_2"]').fill(str(day.year))


def test_agency_audit_to_consensus_to_report(signed_in_page, world, contributor, agency_lead, business_unit,
                                              chair, police):
    audit = world["audit"]
    case = audit.cases.order_by("pk").first()

    # The police auditor completes an agency audit: a draft refused on submit, then every domain graded.
    page = signed_in_page(contributor)
    expect(page.get_by_role("heading", name="Agency audits for you to complete")).to_be_visible()
    page.goto("/audits/mine/")
    check(page, "my-audits")
    page.get_by_role("link", name=case.case_reference).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Agency audit of case {case.case_reference}")
    check(page, "agency-audit-form")
    page.get_by_label("Good practice for recognition of need and risk").fill("Concerns were shared the same day.")
    page.get_by_role("button", name="Submit the agency audit").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Grade every domain before you submit")
    expect(page.get_by_label("Good practice for recognition of need and risk")).to_have_value(
        "Concerns were shared the same day.")
    check(page, "agency-audit-error")
    for fieldset in page.locator("fieldset").all():
        fieldset.get_by_label("Good", exact=True).check()
    page.get_by_role("button", name="Submit the agency audit").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("submitted")
    check(page, "audit-detail-auditor")

    # An immediate concern from the case page.
    page.goto(f"/audits/cases/{case.pk}/")
    check(page, "case-detail")
    page.get_by_role("link", name="Raise an immediate concern").click()
    check(page, "concern-form")
    page.get_by_label("Responsible agency").select_option(label=police.name)
    page.get_by_label("Why the child may be unsafe now").fill("Missing episodes not linked to intelligence.")
    page.get_by_role("button", name="Send the concern now").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Immediate concern")
    check(page, "concern-detail")

    lead = signed_in_page(agency_lead)
    lead.get_by_role("link", name=f"Case {case.case_reference}").first.click()
    lead.get_by_label("Action your agency has taken").fill("Strategy discussion held today.")
    lead.get_by_role("button", name="Acknowledge").click()
    expect(lead.locator(".govuk-notification-banner--success")).to_contain_text("acknowledged")
    check(lead, "concern-acknowledged")

    # Every other return in; the business unit runs the meeting and agrees the grades.
    history.update(AgencyAudit.objects.filter(case__audit=audit).exclude(status="submitted"), status="submitted")
    submit_all(audit)
    bu = signed_in_page(business_unit)
    bu.goto(f"/audits/{audit.pk}/")
    check(bu, "audit-detail", mobile=True)
    bu.get_by_role("button", name="Move to the audit meeting").click()
    bu.get_by_role("link", name="Record the meeting").click()
    check(bu, "meeting-form")
    fill_date(bu, "held_on", datetime.date.today())
    bu.get_by_role("button", name="Save").click()
    for c in audit.cases.order_by("pk"):
        bu.get_by_role("link", name=f"Agree grades for case {c.case_reference}").click()
        if c == case:
            check(bu, "consensus-form")
        for fieldset in bu.locator("fieldset").all():
            fieldset.get_by_label("Good", exact=True).check()
        bu.locator('label:has-text("Agreed grade for overall")').count()
        bu.get_by_role("button", name="Save the consensus grades").click()
    bu.get_by_role("button", name="Start drafting the report").click()
    bu.get_by_role("link", name="Add a finding").click()
    check(bu, "finding-form")
    bu.get_by_label("Strength").check()
    bu.get_by_label("Theme").fill("Voice of the child")
    bu.get_by_label("Finding", exact=True).fill("Children were seen alone and their words recorded.")
    bu.get_by_role("button", name="Save").click()
    bu.get_by_role("link", name="Write the chair's summary").click()
    bu.get_by_label("The chair's summary").fill("Help for these children was good.")
    bu.get_by_role("button", name="Save").click()
    bu.get_by_role("button", name="Record that the report is agreed").click()
    expect(bu.locator(".govuk-notification-banner--success")).to_contain_text("report agreed")

    # Feedback to practitioners, a submitted return read by the business unit, the set-up forms, home.
    bu.goto(f"/audits/cases/{case.pk}/")
    bu.get_by_role("link", name="Record feedback given to practitioners").click()
    check(bu, "feedback-form")
    fill_date(bu, "given_on", datetime.date.today())
    bu.get_by_role("button", name="Save").click()
    expect(bu.locator(".govuk-notification-banner--success")).to_contain_text("feedback has been recorded")
    bu.goto(f"/audits/agency-audits/{AgencyAudit.objects.filter(case=case).first().pk}/")
    check(bu, "agency-audit-read-only")
    bu.goto(f"/audits/programmes/{audit.programme_id}/audits/new/")
    check(bu, "audit-form")
    bu.goto("/audits/programmes/new/")
    check(bu, "programme-form")
    bu.goto("/")
    check(bu, "home-business-unit")

    # The chair reads the programme and the report, never a case.
    ch = signed_in_page(chair)
    ch.goto("/audits/")
    check(ch, "programme-list")
    ch.get_by_role("link", name="Programme 2025-26").click()
    check(ch, "programme-detail")
    ch.get_by_role("link", name="Neglect").click()
    ch.get_by_role("link", name="Read the report").click()
    expect(ch.get_by_text("2 of 2 cases good or better").first).to_be_visible()
    check(ch, "report", mobile=True)
    ch.get_by_role("button", name=re.compile("^Make a PDF")).click()  # made in the background
    expect(ch.get_by_role("heading", level=1)).to_have_text("Multi-agency audit report (PDF)")
    check(ch, "report-pdf-asked")


def test_case_reference_refused_in_the_browser(signed_in_page, tool, programme, police, business_unit):  # noqa: F811
    audit = make_audit(tool, programme, [police], status=Audit.Status.SCOPING, cases=0, theme="Exploitation")
    page = signed_in_page(business_unit)
    page.goto(f"/audits/{audit.pk}/cases/new/")
    page.get_by_label("Case reference").fill("Jayden Smith")
    page.get_by_label("1 to 5").check()
    page.get_by_role("button", name="Add the case").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("looks like a name")
    check(page, "case-form-error")
    page.get_by_label("Case reference").fill("MA-2026-014")
    page.get_by_role("button", name="Add the case").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("MA-2026-014")
