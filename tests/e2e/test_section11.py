"""Section 11 in a real browser: the agency's return, sign-off, the business unit's cycle, moderation,
challenge and analysis, and the chair's read-only view. axe-core on every Section 11 page type.

A small framework (2 standards of 3 criteria, the RAG scale) keeps it quick; standard 1 is answered
through the browser, the rest through the ORM.
"""
import datetime
import re

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from partnership import history
from partnership.models import Agency, ReportExport, Sector
from partnership.services.exports import export_run
from section11 import reports
from section11.models import Answer, ChallengeSession, Cycle, RatingLevel, Return
from tests.factories import AgencyFactory, UserFactory
from tests.section11.conftest import answer_all, make_cycle, make_framework, rag_scale  # noqa: F401 (fixture)

from .conftest import SCREENSHOTS, axe_check, axe_violations, expect, format_violations
from .conftest import screenshot as _screenshot
from .sweep import check_reflow, window

# The smallest well-formed PDF the upload check accepts (it reads the content, not the name).
PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


@pytest.fixture
def s11(rag_scale, police, outsider_agency, outsider, agency_lead):  # noqa: F811
    """An open cycle with the police and outsider returns, and the police's senior officer."""
    framework = make_framework(rag_scale)
    cycle = make_cycle(framework, [police, outsider_agency], name="Section 11 2026")
    officer = UserFactory(email="chief@police.example.org", full_name="Sam Superintendent", agency=police,
                          job_title="Chief Superintendent")  # no role: an account only, to sign off
    return {
        "framework": framework, "cycle": cycle, "officer": officer,
        "police": Return.objects.get(cycle=cycle, agency=police),
        "outsider": Return.objects.get(cycle=cycle, agency=outsider_agency),
    }


def expect_refused_save(page, answer) -> None:
    """htmx got the intended 400 (the criterion with its error) and Chromium logged it: that one is expected."""
    url = f"/section-11/returns/{answer.ret_id}/answers/{answer.pk}/)"
    refused = [e for e in page.problems.errors if "status of 400" in e and e.endswith(url)]
    assert refused, f"no 400 response was logged for {url}: {page.problems.errors}"
    for entry in refused:
        page.problems.errors.remove(entry)


def screenshot(page, name: str, *, mobile: bool = False) -> None:
    """conftest's screenshot, then tidy up after it: Playwright hides the text caret by setting
    `style.caretColor` on every input and restoring it, which leaves `style=""` behind. htmx copies
    `style` when it settles a swapped criterion, and the CSP (style-src 'self') rightly blocks that."""
    _screenshot(page, name, mobile=mobile)
    page.evaluate("() => document.querySelectorAll('[style=\"\"]').forEach(e => e.removeAttribute('style'))")


def assert_reflows(page) -> None:
    """320 px (400% zoom), 375 px (a phone) and 640 px (200% zoom) wide: nothing but a table's own scroll box is
    wider than the screen, and no table cell is too narrow for its text (WCAG 1.4.4, 1.4.10)."""
    check_reflow(page, page.url, widths=(320, 375, 640))


def service_navigation(page):
    return page.get_by_role("navigation", name="Menu")


def success_banner(page):
    return page.locator(".govuk-notification-banner--success")


def criterion(page, answer):
    return page.locator(f"#c-{answer.pk}")


def answer_of(ret, code) -> Answer:
    return ret.answers.select_related("criterion").get(criterion__code=code)


def submit_via_orm(ret, *, by, officer):
    answer_all(ret)
    now = timezone.now()
    history.update(Return.objects.filter(pk=ret.pk),
                   status=Return.Status.SUBMITTED, senior_officer=officer, submitted_by=by,
                   submitted_at=now, started_at=now, completed_by=by)
    ret.refresh_from_db()
    return ret


def test_agency_lead_completes_and_submits_a_return(signed_in_page, agency_lead, s11, tmp_path):
    ret, officer = s11["police"], s11["officer"]
    page = signed_in_page(agency_lead)
    expect(page.get_by_role("table", name="Your agency's open Section 11 returns")).to_contain_text("Section 11 2026")

    service_navigation(page).get_by_role("link", name="Section 11").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Section 11 self-assessments")
    axe_check(page)
    screenshot(page, "s11-return-list")

    page.get_by_role("link", name="Section 11 2026").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(ret.agency.name)
    expect(page.locator(".govuk-task-list")).to_contain_text("Not started")
    axe_check(page)
    screenshot(page, "s11-task-list", mobile=True)
    assert_reflows(page)

    # Name the senior officer who signs off (never herself: refused beside the field).
    page.get_by_role("link", name="Change senior officer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Senior officer who signs off")
    axe_check(page)
    screenshot(page, "s11-return-officer")
    page.get_by_label("Senior officer with an account").select_option(label=agency_lead.full_name)
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#div_id_senior_officer .govuk-error-message")).to_contain_text("You cannot name yourself")
    axe_check(page)
    page.get_by_label("Senior officer with an account").select_option(label=officer.full_name)
    page.get_by_role("button", name="Save").click()
    expect(success_banner(page)).to_contain_text(f"{officer.full_name} is named as the senior officer.")
    expect(page.locator(".govuk-summary-list")).to_contain_text(officer.full_name)

    page.get_by_role("link", name="1. Standard 1 title").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Standard 1: Standard 1 title")
    axe_check(page)
    page.evaluate("() => { window.noReload = true; }")  # gone if anything below reloads the page

    # 1.1 with htmx: a rating, a narrative and an evidence PDF; saved in place.
    first = answer_of(ret, "1.1")
    pdf = tmp_path / "safeguarding-policy.pdf"
    pdf.write_bytes(PDF_BYTES)
    box = criterion(page, first)
    box.get_by_label("Green: fully met").check()
    box.get_by_label("How do you know?").fill("The board reviews the safeguarding policy every year.")
    box.get_by_label("Upload evidence (optional)").set_input_files(pdf)
    box.get_by_role("button", name="Save answer to 1.1").click()
    expect(box.get_by_role("status")).to_have_text("Your answer to 1.1 has been saved.")
    expect(box.get_by_role("link", name="safeguarding-policy.pdf")).to_be_visible()
    expect(box.get_by_label("Green: fully met")).to_be_checked()

    # 1.2: "does not apply" reveals the reason box; saving without a reason puts the error by the field.
    second = answer_of(ret, "1.2")
    box = criterion(page, second)
    reason = box.get_by_label("Why it does not apply")
    expect(reason).to_be_hidden()
    box.get_by_label("This does not apply to our agency").check()
    expect(reason).to_be_visible()
    box.get_by_role("button", name="Save answer to 1.2").click()
    error = box.locator(".govuk-error-message")
    expect(error).to_contain_text("Explain why this does not apply to your agency")
    expect_refused_save(page, second)
    expect(error).to_be_focused()  # htmx-govuk.js moves focus to the message
    expect(reason).to_be_visible()  # the swapped-in reveal is started again, still open
    expect(reason).to_have_attribute("aria-describedby", re.compile(r"error"))
    axe_check(page)
    screenshot(page, "s11-standard-error", mobile=True)
    reason.fill("We hold no children's records: custody records sit with the national system.")
    box.get_by_role("button", name="Save answer to 1.2").click()
    expect(box.get_by_role("status")).to_have_text("Your answer to 1.2 has been saved.")

    third = answer_of(ret, "1.3")
    box = criterion(page, third)
    box.get_by_label("Amber: partly met").check()
    box.get_by_role("button", name="Save answer to 1.3").click()
    expect(box.get_by_role("status")).to_have_text("Your answer to 1.3 has been saved.")
    assert page.evaluate("() => window.noReload") is True, "saving with JavaScript reloaded the page"
    axe_check(page)
    screenshot(page, "s11-standard", mobile=True)
    assert_reflows(page)

    first.refresh_from_db(), second.refresh_from_db(), third.refresh_from_db()
    assert first.rating.code == "green" and first.evidence.get().original_name == "safeguarding-policy.pdf"
    assert second.not_applicable and second.rating is None
    assert third.rating.code == "amber"

    # An improvement action from a criterion (the page, not the whole form).
    page.get_by_role("link", name="Add an improvement action for 1.3").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add an improvement action")
    axe_check(page)
    page.go_back()

    # Standard 2 through the ORM, then the task list shows both done.
    green = RatingLevel.objects.get(scale=s11["framework"].scale, code="green")
    history.update(ret.answers.filter(criterion__standard__number=2), rating=green, status=Answer.Status.DONE,
                   narrative="Audited by internal audit in 2025.")
    page.goto(ret.get_absolute_url())
    expect(page.locator("#standard-1-status")).to_have_text("Completed")
    expect(page.locator("#standard-2-status")).to_have_text("Completed")

    page.get_by_role("button", name="Check and submit").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your answers before submitting your return")
    expect(page.locator("#check-1\\.1")).to_be_visible()
    expect(page.get_by_text(f"we email {officer.full_name} a link to sign the return off")).to_be_visible()
    axe_check(page)
    screenshot(page, "s11-submit")
    page.get_by_role("button", name="Submit the return").click()
    expect(success_banner(page)).to_contain_text("Your return has been submitted.")
    expect(page.locator("main .govuk-tag").first).to_have_text("Submitted")
    expect(page.get_by_role("button", name="Check and submit")).to_have_count(0)
    axe_check(page)
    screenshot(page, "s11-return-submitted")
    ret.refresh_from_db()
    assert ret.status == Return.Status.SUBMITTED and ret.submitted_by == agency_lead

    # Read-only now: the standard shows the answers instead of forms.
    page.get_by_role("link", name="1. Standard 1 title").click()
    expect(page.get_by_text("it has been submitted")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("Save answer"))).to_have_count(0)
    axe_check(page)


def test_answering_without_javascript_posts_and_redirects(signed_in_page, contributor, s11):
    ret = s11["police"]
    answer = answer_of(ret, "1.1")
    page = signed_in_page(contributor, java_script_enabled=False)
    page.goto(f"/section-11/returns/{ret.pk}/standards/1/")
    box = criterion(page, answer)
    # Without JavaScript nothing is hidden: the reason box is always there.
    expect(box.get_by_label("Why it does not apply")).to_be_visible()

    box.get_by_label("This does not apply to our agency").check()
    box.get_by_role("button", name="Save answer to 1.1").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Explain why this does not apply to your agency")
    expect(box.locator(".govuk-error-message")).to_contain_text("Explain why this does not apply to your agency")
    # No axe here: axe.run never settles with JavaScript off (its timers do not run), and evaluate waits forever.

    box.get_by_label("Red: not met").check()
    box.get_by_label("How do you know?").fill("No audit yet: booked for the spring.")
    box.get_by_role("button", name="Save answer to 1.1").click()
    expect(page).to_have_url(re.compile(rf"/standards/1/#c-{answer.pk}$"))
    expect(success_banner(page)).to_contain_text("Your answer to 1.1 has been saved.")
    expect(box.get_by_label("Red: not met")).to_be_checked()
    answer.refresh_from_db()
    assert answer.rating.code == "red" and answer.narrative == "No audit yet: booked for the spring."


def test_agency_lead_imports_a_spreadsheet_with_a_problem_row(signed_in_page, agency_lead, s11, tmp_path):
    ret = s11["police"]
    page = signed_in_page(agency_lead)
    page.goto(ret.get_absolute_url())
    page.get_by_role("link", name="upload it to update your answers").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Upload a completed return")
    axe_check(page)
    screenshot(page, "s11-import-upload")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download this return as a spreadsheet").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    exported = tmp_path / download.suggested_filename
    download.save_as(exported)
    workbook = load_workbook(exported)
    sheet = workbook["Return"]
    assert sheet["C6"].value == "1.1"
    sheet["F6"] = "Purple: off the scale"
    sheet["I7"] = "Our lead is named in the policy, page 2."
    edited = tmp_path / "completed.xlsx"
    workbook.save(edited)

    page.get_by_label("Upload your completed workbook").set_input_files(edited)
    page.get_by_role("button", name="Upload and check").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check the changes from your spreadsheet")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Row 6 (1.1)")
    expect(page.locator("#row-6")).to_contain_text("Problem")
    expect(page.locator("#row-7")).to_contain_text("Our lead is named in the policy, page 2.")
    expect(page.get_by_role("button", name=re.compile("Save all"))).to_have_count(0)
    expect(page).to_have_title(re.compile(r"^Error: "))
    axe_check(page)
    screenshot(page, "s11-import-preview", mobile=True)
    assert_reflows(page)

    page.get_by_role("button", name="Cancel").click()
    expect(success_banner(page)).to_contain_text("Nothing was imported.")
    assert answer_of(ret, "1.2").narrative == ""


def test_senior_officer_signs_off(signed_in_page, agency_lead, s11):
    ret = submit_via_orm(s11["police"], by=agency_lead, officer=s11["officer"])
    page = signed_in_page(s11["officer"])
    expect(page.get_by_role("heading", name="Section 11 returns for you to sign off")).to_be_visible()
    axe_check(page)  # the home page with its Section 11 panel
    page.get_by_role("link", name=f"{ret.agency.name}: {ret.cycle.name}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign off the return")
    expect(page.get_by_text(f"{agency_lead.full_name} submitted this return")).to_be_visible()
    axe_check(page)
    screenshot(page, "s11-sign-off")
    page.get_by_role("button", name="Sign off the return").click()
    expect(success_banner(page)).to_contain_text("You have signed off the return.")
    expect(page.locator(".govuk-summary-list")).to_contain_text(f"by {s11['officer'].full_name}")
    ret.refresh_from_db()
    assert ret.status == Return.Status.SIGNED_OFF and ret.signed_off_by == s11["officer"]


def test_officer_without_an_account_signs_off_by_the_emailed_link(signed_in_page, new_page, agency_lead, s11):
    """The lead names a senior officer without an account; submitting emails them at once (read here from the
    outbox); they follow the link signed out, sign off once, and the link then refuses."""
    from partnership.models import EmailMessage

    ret = s11["police"]
    answer_all(ret)
    page = signed_in_page(agency_lead)
    page.goto(ret.get_absolute_url())
    page.get_by_role("link", name="Change senior officer").click()
    page.get_by_label("Or, without an account: their name").fill("Dana Director")
    page.get_by_label("Their work email").fill("dana.director@police.example.org")
    page.get_by_role("button", name="Save").click()
    expect(success_banner(page)).to_contain_text("Dana Director is named as the senior officer.")
    page.get_by_role("button", name="Check and submit").click()
    page.get_by_role("button", name="Submit the return").click()
    expect(success_banner(page)).to_contain_text("Your return has been submitted.")

    email = EmailMessage.objects.get(to="dana.director@police.example.org")
    assert ret.answers.first().narrative not in email.body_text
    link = re.search(r"https?://\S+(/section-11/sign-off/\S+/)", email.body_text).group(1)
    officer = new_page()  # signed out: no account
    officer.goto(link)
    expect(officer.get_by_role("heading", level=1)).to_have_text("Sign off a Section 11 return")
    expect(officer.get_by_text("named you, Dana Director")).to_be_visible()
    axe_check(officer)
    officer.get_by_role("button", name="Sign off the return").click()
    expect(officer.get_by_role("heading", level=1)).to_have_text("Return signed off")
    axe_check(officer)
    ret.refresh_from_db()
    assert ret.status == Return.Status.SIGNED_OFF and ret.signed_off_name == "Dana Director"
    officer.goto(link)
    expect(officer.locator(".govuk-error-summary")).to_contain_text("already been used")


def test_business_unit_runs_a_cycle(signed_in_page, business_unit, agency_lead, s11):
    cycle = s11["cycle"]
    ret = submit_via_orm(s11["police"], by=agency_lead, officer=s11["officer"])
    history.update(s11["outsider"].answers.filter(criterion__code="1.1"), status=Answer.Status.IN_PROGRESS)
    history.update(Return.objects.filter(pk=s11["outsider"].pk), status=Return.Status.IN_PROGRESS)
    health = AgencyFactory(name="South West London ICB", sector=Sector.HEALTH_ICB, statutory_partner=True)

    page = signed_in_page(business_unit)
    service_navigation(page).get_by_role("link", name="Section 11").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Section 11 cycles")
    expect(page.get_by_role("table")).to_contain_text("1 of 2 (50%)")
    axe_check(page)
    screenshot(page, "s11-cycle-list")
    assert_reflows(page)

    # Set up a cycle: filter by sector, tick, then an invalid submit keeps what was ticked.
    page.get_by_role("button", name="Set up a new cycle").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up a cycle")
    axe_check(page)
    page.get_by_label("Sector").select_option(label="Health: integrated care board")
    page.get_by_role("button", name="Update the list").click()
    agencies = page.get_by_role("group", name="Agencies taking part")
    expect(agencies.get_by_label(health.name)).to_be_visible()
    expect(agencies.get_by_label(ret.agency.name)).to_have_count(0)
    agencies.get_by_label(health.name).check()
    page.get_by_role("button", name="Set up the cycle").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter a name for the cycle")
    expect(summary).to_contain_text("Choose the framework")
    expect(page.get_by_role("group", name="Agencies taking part").get_by_label(health.name)).to_be_checked()
    expect(page).to_have_title(re.compile(r"^Error: "))
    axe_check(page)
    screenshot(page, "s11-cycle-form-error", mobile=True)

    page.get_by_label("Name of the cycle").fill("Health Section 11 2026")
    page.get_by_label("Framework", exact=True).select_option(index=1)
    today = timezone.localdate()
    for legend, day in (("Opening date", today), ("Deadline", today + datetime.timedelta(days=60))):
        group = page.get_by_role("group", name=legend)
        group.get_by_label("Day").fill(str(day.day))
        group.get_by_label("Month").fill(str(day.month))
        group.get_by_label("Year").fill(str(day.year))
    page.get_by_role("button", name="Set up the cycle").click()
    expect(success_banner(page)).to_contain_text("Health Section 11 2026 has been set up with 1 agencies")
    expect(page.locator("main")).to_contain_text("Being prepared")
    page.get_by_role("button", name="Launch the cycle").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Launch Health Section 11 2026")
    axe_check(page)
    screenshot(page, "s11-cycle-launch")

    # The live tracker of the open cycle, and a reminder to the agency still working on its return.
    page.goto(cycle.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_have_text(cycle.name)
    tracker = page.get_by_role("table", name="Progress of each agency taking part")
    expect(tracker.locator(f"#agency-{ret.agency_id}")).to_contain_text("Submitted")
    expect(tracker.locator(f"#agency-{s11['outsider'].agency_id}")).to_contain_text("In progress")
    axe_check(page)
    screenshot(page, "s11-tracker", mobile=True)
    assert_reflows(page)
    tracker.get_by_role("button", name="Send reminder to Outsider Youth Club").click()
    expect(success_banner(page)).to_contain_text("A reminder has been emailed to Outsider Youth Club")
    expect(page).to_have_url(re.compile(rf"#agency-{s11['outsider'].agency_id}$"))

    # Moderation of the submitted return.
    page.get_by_role("link", name=ret.agency.name).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(ret.agency.name)
    axe_check(page)  # the return as the business unit sees it: oversight links, no forms
    page.get_by_role("link", name="Return this for clarification").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Return for clarification")
    axe_check(page)
    page.go_back()
    page.get_by_role("link", name="Moderate this return").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Moderation")
    axe_check(page)
    page.get_by_role("link", name="Moderate standard 1").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Standard 1: Standard 1 title")
    axe_check(page)
    answer = answer_of(ret, "1.1")
    form = page.locator(f"#m-{answer.pk}")
    form.get_by_role("button", name="Save moderation of 1.1").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose a moderated rating for 1.1")
    axe_check(page)
    form.get_by_label("Amber: partly met").check()
    form.get_by_label("Moderator's comment on 1.1").fill("The policy is three years old: the review is overdue.")
    form.get_by_role("button", name="Save moderation of 1.1").click()
    expect(success_banner(page)).to_contain_text("Your moderation of 1.1 has been saved.")
    expect(form).to_contain_text(f"Last moderated by {business_unit.full_name}")
    axe_check(page)
    screenshot(page, "s11-moderate-standard", mobile=True)
    assert_reflows(page)
    page.get_by_role("link", name="Moderation", exact=True).click()
    expect(page.get_by_role("table", name="Self and moderated ratings for standard 1")).to_contain_text(
        "Lower than self rating")
    axe_check(page)
    screenshot(page, "s11-moderation-summary", mobile=True)
    assert_reflows(page)

    # The challenge session, then its feedback letter.
    page.get_by_role("link", name="Record the challenge session").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record the challenge session")
    axe_check(page)
    page.get_by_role("button", name="Save the challenge session").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the panel members")
    axe_check(page)
    screenshot(page, "s11-challenge-error")
    held = page.get_by_role("group", name="Date the session was held")
    held.get_by_label("Day").fill(str(today.day))
    held.get_by_label("Month").fill(str(today.month))
    held.get_by_label("Year").fill(str(today.year))
    page.get_by_label("Panel members").fill("Jo Smith, Independent Scrutineer\nBea Manager, Business Unit")
    page.get_by_label("Who attended for the agency").fill("Lee Lead, Detective Inspector")
    page.get_by_label("Questions asked").fill("How do you know staff know the escalation policy?")
    page.get_by_label("Outcome").fill("Review the safeguarding policy by March.")
    page.get_by_role("button", name="Save the challenge session").click()
    expect(success_banner(page)).to_contain_text("has been recorded")
    session = ChallengeSession.objects.get(ret=ret)
    screenshot(page, "s11-challenge-recorded")
    page.get_by_role("button", name=re.compile("Make the feedback letter")).click()  # made in the background
    # One criterion moderated: the page says how many and asks before making the letter.
    expect(page.get_by_role("heading", level=1)).to_have_text("Not every criterion is moderated yet")
    expect(page.locator(".govuk-warning-text")).to_contain_text("1 of")
    axe_check(page)
    screenshot(page, "s11-feedback-letter-confirm")
    page.get_by_role("button", name=re.compile(r"^Make the letter with 1 of \d+ moderated")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Section 11 feedback letter (PDF)")
    export_run(export_id=ReportExport.objects.get(kind=reports.FEEDBACK_LETTER_KIND).pk)
    page.reload()
    with page.expect_download() as download_info:
        page.get_by_role("button", name=re.compile(r"^Download section11-feedback-")).click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    with open(download.path(), "rb") as letter:
        assert letter.read(5) == b"%PDF-"
    assert session.outcome.startswith("Review the safeguarding policy")
    page.goto(ret.get_absolute_url())

    # The analysis, with the agencies' own and the moderated ratings.
    page.get_by_role("link", name=f"Analysis of {cycle.name}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Analysis: {cycle.name}")
    heat_map = page.get_by_role("table", name=re.compile(r"^Average .* rating by agency and standard"))
    expect(heat_map).to_contain_text(ret.agency.name)
    axe_check(page)
    screenshot(page, "s11-analysis", mobile=True)
    assert_reflows(page)
    for width in (320, 640):  # the heat map scrolls whole inside its region, the agency column in view
        with window(page, width):
            heat_map.locator("xpath=..").screenshot(path=SCREENSHOTS / f"s11-heat-map-{width}.png")
    page.get_by_role("link", name="show moderated ratings").click()
    expect(page).to_have_url(re.compile(r"ratings=moderated"))
    expect(page.get_by_label("Moderated ratings")).to_be_checked()
    axe_check(page)
    screenshot(page, "s11-analysis-moderated")
    assert Agency.objects.filter(section11_cycles__name="Health Section 11 2026").get() == health
    assert Cycle.objects.filter(status=Cycle.Status.DRAFT).count() == 1


def test_chair_reads_the_analysis_but_not_returns(signed_in_page, chair, agency_lead, s11):
    ret = submit_via_orm(s11["police"], by=agency_lead, officer=s11["officer"])
    page = signed_in_page(chair)
    service_navigation(page).get_by_role("link", name="Section 11").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Section 11 analysis")
    axe_check(page)
    screenshot(page, "s11-analysis-list")
    page.get_by_role("link", name=s11["cycle"].name).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Analysis: {s11['cycle'].name}")
    expect(page.get_by_role("link", name=ret.agency.name)).to_have_count(0)  # names, not links to returns
    axe_check(page)

    response = page.goto(ret.get_absolute_url())
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    axe_check(page)


def test_rating_radios_point_aria_controls_only_at_what_they_reveal(signed_in_page, contributor, s11):
    page = signed_in_page(contributor)
    page.goto(f"/section-11/returns/{s11['police'].pk}/standards/1/")
    found = [v for v in axe_violations(page) if v["id"] == "aria-valid-attr-value"]
    assert not found, format_violations(found)
