"""The main journey of each area, twice: with the keyboard alone, and with JavaScript off.

- keyboard: JavaScript on, and after `page.goto` only `page.keyboard` (tests/e2e/keyboard.py KeyboardDriver).
  On every page: the skip link is the first stop and takes focus to <main>, every stop shows the GOV.UK
  yellow focus style (and looks different unfocused), Tab leaves the last control and Shift+Tab retraces
  the way (no keyboard trap).
- nojs: a browser context with JavaScript disabled (FormDriver): every step is a plain form post and a
  redirect, and nothing a person needs is hidden (conditional reveals, details, the menu).

Both end with what the server did, read from the database.
"""
import datetime
import re

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from audits.models import AgencyAudit, Audit
from learning.models import Booking, PostCourseEvaluation, Session
from learning.services.evaluation import mark_attendance
from merton_qa import board_report
from partnership import history
from partnership.models import ActionUpdate, EmailMessage, ReportExport
from performance.models import DataReturn, Value
from reviews.models import Referral
from section11.models import Answer, RatingLevel, Return
from tests.audits.conftest import make_audit, programme, tool  # noqa: F401 (fixtures)
from tests.factories import AgencyFactory
from tests.performance.conftest import quarters  # noqa: F401 (fixture)
from tests.reports.conftest import past_quarter
from tests.section11.conftest import rag_scale  # noqa: F401 (fixture)

from .conftest import PASSWORD, expect, screenshot
from .keyboard import FormDriver, KeyboardDriver, KeyboardTrap
from .test_journeys import police_actions  # noqa: F401 (fixture)
from .test_learning import link_in
from .test_learning import world as learning  # noqa: F401 (fixture)
from .test_performance import perf  # noqa: F401 (fixture)
from .test_section11 import answer_of, criterion, s11  # noqa: F401 (fixture)

MODES = ["keyboard", "nojs"]


@pytest.fixture(params=MODES)
def driven(request, new_page):
    """`driven()` → (page, driver): a fresh page with JavaScript on (keyboard) or off (nojs)."""
    drivers = []

    def make():
        keyboard = request.param == "keyboard"
        page = new_page(java_script_enabled=keyboard)
        drivers.append(KeyboardDriver(page) if keyboard else FormDriver(page))
        return page, drivers[-1]

    yield make
    for driver in drivers:  # the checks ran: focus styles compared, pages looked over without JavaScript
        assert driver.checked > 0, f"the {driver.name} driver checked nothing"


def go(page, driver, path: str) -> None:
    page.goto(path)
    driver.arrive()


def sign_in(page, driver, user, *, password: str = PASSWORD) -> None:
    go(page, driver, "/sign-in/")
    driver.type(page.get_by_label("Email address"), user.email)
    driver.type(page.get_by_label("Password"), password)
    driver.press(page.get_by_role("button", name="Sign in"))
    assert "/sign-in/" not in page.url, f"signing in as {user.email} failed: still on {page.url}"


def success_banner(page):
    return page.locator(".govuk-notification-banner--success")


def code_for(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift):06d}"


# --- Signing in, with the second factor ------------------------------------------------------------------
def test_sign_in_with_a_security_code(settings, driven, agency_lead):
    settings.REQUIRE_2FA = True
    device = TOTPDevice.objects.create(user=agency_lead, name="Authenticator app", confirmed=True)
    page, driver = driven()
    sign_in(page, driver, agency_lead)
    expect(page).to_have_url(re.compile(r"/two-factor/verify/\?next=/(#main-content)?$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter your security code")

    driver.type(page.get_by_label("Security code"), "000000")
    driver.press(page.get_by_role("button", name="Continue"))
    expect(page.locator(".govuk-error-summary")).to_contain_text("The code is not right")
    device.refresh_from_db()
    assert device.throttling_failure_count == 1
    device.throttle_reset()  # a person waits a moment before the next code (django-otp's 1 s back-off)
    driver.type(page.get_by_label("Security code"), code_for(device))
    driver.press(page.get_by_role("button", name="Continue"))
    expect(page.get_by_role("heading", level=1)).to_have_text("What needs you now")
    screenshot(page, f"kbd-home-{driver.name}")

    agency_lead.refresh_from_db(), device.refresh_from_db()
    assert agency_lead.last_login is not None
    assert device.last_t > 0  # the code was used: it cannot be used again


# --- Actions: progress on an action ----------------------------------------------------------------------
def test_update_progress_on_an_action(driven, agency_lead, police_actions):  # noqa: F811
    action = police_actions["overdue"]
    page, driver = driven()
    sign_in(page, driver, agency_lead)
    go(page, driver, action.get_absolute_url())
    driver.press(page.get_by_role("button", name="Add update"))
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter what has happened since the last update")

    note = f"Draft form shared with social care leads ({driver.name})."
    driver.type(page.get_by_label("Add a progress update"), note)
    driver.press(page.get_by_role("button", name="Add update"))
    expect(success_banner(page)).to_contain_text("Your progress update has been added.")
    expect(page.locator(".app-timeline")).to_contain_text(note)
    assert ActionUpdate.objects.filter(action=action, author=agency_lead, note=note).exists()


# --- Section 11: an agency lead answers a standard and submits the return --------------------------------
def settled(page, htmx: bool, code: str) -> None:
    """With JavaScript, wait until the in-place save has moved focus to its confirmation, as it does after the
    swap: a key pressed before that would race the page's own focus move. The focused element must be the
    message itself: between the swap and the focus move, focus is on <body>, whose text holds the message too."""
    if htmx:
        page.wait_for_function(
            "(code) => { const el = document.activeElement;"
            " return !!el && el.matches('.app-saved')"
            " && (el.textContent || '').includes(`Your answer to ${code} has been saved`); }",
            arg=code, timeout=10_000)


def test_section_11_answer_a_standard_and_submit(driven, agency_lead, s11):  # noqa: F811
    ret, officer = s11["police"], s11["officer"]
    page, driver = driven()
    sign_in(page, driver, agency_lead)
    go(page, driver, ret.get_absolute_url())

    driver.follow(page.get_by_role("link", name="Change senior officer"))
    driver.select(page.get_by_label("Senior officer with an account"), officer.full_name)
    driver.press(page.get_by_role("button", name="Save"))
    expect(success_banner(page)).to_contain_text(f"{officer.full_name} is named as the senior officer.")

    driver.follow(page.get_by_role("link", name="1. Standard 1 title"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Standard 1: Standard 1 title")
    htmx = driver.name == "keyboard"  # with JavaScript a criterion is saved in place; without, the page reloads
    if htmx:
        page.evaluate("() => { window.noReload = true; }")  # gone if a save below reloads the page
    else:
        screenshot(page, "kbd-s11-standard-nojs")

    first, second, third = (answer_of(ret, code) for code in ("1.1", "1.2", "1.3"))
    box = criterion(page, first)
    examples = box.locator("details").filter(has_text="Examples of evidence for 1.1")
    expect(examples.locator(".govuk-details__text")).to_be_hidden()
    driver.reveal(examples.locator("summary"))  # a native <details>: it opens by keyboard, and without JavaScript
    expect(examples.locator(".govuk-details__text")).to_be_visible()
    driver.choose(box.get_by_label("Green: fully met"))
    driver.type(box.get_by_label("How do you know?"), "The board reviews the safeguarding policy every year.")
    driver.press(box.get_by_role("button", name="Save answer to 1.1"), htmx=True)
    expect(page.locator("main")).to_contain_text("Your answer to 1.1 has been saved.")
    settled(page, htmx, "1.1")

    # "Does not apply" and its reason: revealed by the radio with JavaScript, always shown without.
    box = criterion(page, second)
    driver.choose(box.get_by_label("This does not apply to our agency"))
    driver.type(box.get_by_label("Why it does not apply"), "Custody records sit with the national system.")
    driver.press(box.get_by_role("button", name="Save answer to 1.2"), htmx=True)
    expect(page.locator("main")).to_contain_text("Your answer to 1.2 has been saved.")
    settled(page, htmx, "1.2")

    box = criterion(page, third)
    driver.choose(box.get_by_label("Amber: partly met"))
    driver.press(box.get_by_role("button", name="Save answer to 1.3"), htmx=True)
    expect(page.locator("main")).to_contain_text("Your answer to 1.3 has been saved.")
    settled(page, htmx, "1.3")
    if htmx:
        assert page.evaluate("() => window.noReload") is True, "saving with JavaScript reloaded the page"
    first.refresh_from_db(), second.refresh_from_db(), third.refresh_from_db()
    assert (first.rating.code, first.narrative) == ("green", "The board reviews the safeguarding policy every year.")
    assert second.not_applicable and second.rating is None
    assert third.rating.code == "amber"

    green = RatingLevel.objects.get(scale=s11["framework"].scale, code="green")  # standard 2 as done already
    history.update(ret.answers.filter(criterion__standard__number=2), rating=green, status=Answer.Status.DONE,
                   narrative="Audited by internal audit in 2025.")
    go(page, driver, ret.get_absolute_url())
    driver.press(page.get_by_role("button", name="Check and submit"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your answers before submitting your return")
    driver.press(page.get_by_role("button", name="Submit the return"))
    expect(success_banner(page)).to_contain_text("Your return has been submitted.")
    ret.refresh_from_db()
    assert ret.status == Return.Status.SUBMITTED and ret.submitted_by == agency_lead
    assert ret.senior_officer == officer


# --- Performance: an agency enters its figures online and submits ----------------------------------------
def test_performance_data_return_entered_online(driven, agency_lead, perf):  # noqa: F811
    ret, rhi, missing, encompass = perf["police"], perf["rhi"], perf["missing"], perf["encompass"]
    page, driver = driven()
    sign_in(page, driver, agency_lead)
    driver.follow(page.get_by_role("link", name=f"{perf['q2'].label} figures"))
    expect(page.locator("main")).to_contain_text("0 of 3 figures entered")
    if driver.name == "nojs":
        screenshot(page, "kbd-perf-return-nojs")

    section = page.locator(f"#i-{rhi.pk}")
    driver.type(section.get_by_label("Numerator for rhi-72-hours"), "150")
    driver.type(section.get_by_label("Denominator for rhi-72-hours"), "180")
    driver.press(section.get_by_role("button", name="Save rhi-72-hours"))
    expect(page.locator(f"#i-{rhi.pk}").get_by_role("status")).to_have_text(
        "Your figure for rhi-72-hours has been saved.")

    section = page.locator(f"#i-{missing.pk}")
    driver.type(section.get_by_label("Number for missing-episodes"), "212")
    driver.check(section.get_by_label("This figure is provisional: it may still change for missing-episodes"))
    driver.press(section.get_by_role("button", name="Save missing-episodes"))

    section = page.locator(f"#i-{encompass.pk}")
    driver.type(section.get_by_label("Number for operation-encompass"), "two hundred")
    driver.press(section.get_by_role("button", name="Save operation-encompass"))
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a number, like 12 or 12.5")
    driver.type(section.get_by_label("Number for operation-encompass"), "232")
    driver.type(section.get_by_label("Commentary for operation-encompass"), "Schools told the next morning.")
    driver.press(section.get_by_role("button", name="Save operation-encompass"))
    expect(page.locator("main")).to_contain_text("3 of 3 figures entered")

    driver.press(page.get_by_role("button", name="Check and submit"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Submit your figures")
    driver.press(page.get_by_role("button", name="Submit the data return"))
    expect(success_banner(page)).to_contain_text(f"Your figures for {perf['q2'].label} have been submitted.")

    ret.refresh_from_db()
    assert ret.status == DataReturn.Status.SUBMITTED
    figures = {v.indicator_id: v for v in Value.objects.filter(data_return=ret)}
    assert (figures[rhi.pk].numerator, figures[rhi.pk].denominator) == (150, 180)
    assert figures[missing.pk].value == 212 and figures[missing.pk].provisional
    assert figures[encompass.pk].value == 232 and figures[encompass.pk].commentary == "Schools told the next morning."


# --- Audits: an agency audit saved as a draft, then submitted --------------------------------------------
@pytest.fixture
def agency_audit(police, programme, tool):  # noqa: F811
    audit = make_audit(tool, programme, [police, AgencyFactory(name="Community Health Trust")],
                       status=Audit.Status.IN_PROGRESS, cases=1, theme="Neglect", meeting_date=datetime.date.today())
    return AgencyAudit.objects.get(case__audit=audit, agency=police)


def test_agency_audit_saved_and_submitted(driven, contributor, agency_audit):
    case = agency_audit.case
    page, driver = driven()
    sign_in(page, driver, contributor)
    go(page, driver, "/audits/mine/")
    driver.follow(page.get_by_role("link", name=case.case_reference))
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Agency audit of case {case.case_reference}")
    if driver.name == "nojs":
        screenshot(page, "kbd-agency-audit-nojs")

    note = "Concerns were shared the same day."
    driver.type(page.get_by_label("Good practice for recognition of need and risk"), note)
    driver.press(page.get_by_role("button", name="Save as draft"))
    expect(page.get_by_label("Good practice for recognition of need and risk")).to_have_value(note)
    agency_audit.refresh_from_db()
    assert agency_audit.status != "submitted"
    assert agency_audit.answers.filter(good_practice=note).exists()

    for fieldset in page.locator("form#domains fieldset").all():
        driver.choose(fieldset.get_by_label("Good", exact=True))
    driver.press(page.get_by_role("button", name="Submit the agency audit"))
    expect(success_banner(page)).to_contain_text("submitted")
    agency_audit.refresh_from_db()
    assert agency_audit.status == "submitted" and agency_audit.submitted_at is not None
    assert not agency_audit.answers.filter(grade__isnull=True).exists()


# --- Reviews: a partner agency refers a case -------------------------------------------------------------
def test_partner_referral(driven, agency_lead):
    page, driver = driven()
    sign_in(page, driver, agency_lead)
    driver.follow(page.get_by_role("link", name=re.compile("Refer a case")).first)
    expect(page.get_by_role("heading", level=1)).to_have_text("Refer a case for a safeguarding practice review")
    driver.press(page.get_by_role("button", name="Send the referral"))
    expect(page.locator(".govuk-error-summary")).to_contain_text("Describe what happened")
    summary = "Infant admitted with unexplained injuries; health and police involved."
    driver.type(page.get_by_label("What happened?"), summary)
    driver.press(page.get_by_role("button", name="Send the referral"))
    referral = Referral.objects.get()
    expect(page.locator("main")).to_contain_text(referral.case_reference)
    assert referral.summary == summary


# --- Learning: a member of the public books a place, then evaluates the course -------------------------
def test_public_booking_and_evaluation(driven, learning, police, ld_coordinator):  # noqa: F811
    session = learning["session"]
    page, driver = driven()
    go(page, driver, "/learning/sessions/")
    driver.follow(page.get_by_role("link", name=learning["course"].title))
    driver.press(page.get_by_role("button", name="Book a place"))
    driver.type(page.get_by_label("Full name"), "Jo Bloggs")
    driver.type(page.get_by_label("Work email address"), "jo.bloggs@police.example.org")
    driver.select(page.get_by_label("Agency or organisation"), police.name)
    driver.type(page.get_by_label("Your role"), "Detective constable")
    driver.press(page.get_by_role("button", name="Book", exact=True))
    # No place is held until the address confirms: the link in the email, then one button.
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    request = EmailMessage.objects.get(to="jo.bloggs@police.example.org", subject__startswith="Confirm your booking")
    go(page, driver, link_in(request, "confirm"))
    driver.press(page.get_by_role("button", name="Confirm my booking"))
    expect(page.get_by_role("heading", name="Your place is booked")).to_be_visible()
    booking = Booking.objects.get(email="jo.bloggs@police.example.org")
    assert booking.session == session and booking.agency == police and booking.name == "Jo Bloggs"

    # The day comes and goes; the coordinator marks attendance, which sends the evaluation link.
    history.update(Session.objects.filter(pk=session.pk), starts_at=session.starts_at - datetime.timedelta(days=22),
                   ends_at=session.ends_at - datetime.timedelta(days=22))
    mark_attendance(session=Session.objects.get(pk=session.pk), marks={booking.pk: "attended"}, by=ld_coordinator)
    invitation = EmailMessage.objects.get(to=booking.email, subject__startswith="How was it")
    go(page, driver, link_in(invitation, "after"))
    if driver.name == "nojs":
        screenshot(page, "kbd-learning-evaluation-nojs")
    driver.choose(page.locator('input[name="quality"][value="5"]'))
    driver.choose(page.locator('input[name="relevance"][value="4"]'))
    outcomes = list(learning["course"].outcomes.all())
    for outcome in outcomes:
        driver.choose(page.locator(f'input[name="outcome_{outcome.pk}"][value="8"]'))
    driver.press(page.get_by_role("button", name="Send and get my certificate"))
    download = driver.download(page.get_by_role("link", name="Download your certificate (PDF)"))
    assert download.suggested_filename.endswith(".pdf")
    evaluation = PostCourseEvaluation.objects.get(booking=booking)
    assert (evaluation.quality, evaluation.relevance) == (5, 4)


# --- The board report: the business unit asks for a quarter's report and downloads it -------------------
def test_board_report_made_and_downloaded(driven, business_unit, monkeypatch):
    # The page and the download, not the document (the real PDF is tested in tests/reports).
    monkeypatch.setattr(board_report, "render", lambda quarter, **kw: b"%PDF-1.7 board report " + quarter.code.encode())
    quarter = past_quarter()
    page, driver = driven()
    sign_in(page, driver, business_unit)
    go(page, driver, "/reports/board/")
    if driver.name == "nojs":
        screenshot(page, "kbd-board-reports-nojs")
    driver.choose(page.locator(f'input[name="period"][value="{quarter.code}"]'))
    driver.press(page.get_by_role("button", name="Make the figures as a PDF"))
    export = ReportExport.objects.get()
    assert export.parameters == {"period": quarter.code} and export.requested_by == business_unit
    assert export.status == ReportExport.Status.READY
    download = driver.download(page.get_by_role("button", name=re.compile(r"^Download ")))
    assert download.suggested_filename == export.filename
    assert download.path().read_bytes().startswith(b"%PDF")


# --- The checks themselves: each one fails when what it guards is broken --------------------------------
def test_the_keyboard_checks_catch_a_missing_focus_style_and_a_trap(new_page):
    page = new_page()
    page.goto("/sign-in/")
    # The password box loses its focus style (set through the CSSOM, which the CSP allows).
    page.evaluate("""() => { const box = document.querySelector('#id_password');
        for (const p of ['outline', 'box-shadow']) box.style.setProperty(p, 'none', 'important'); }""")
    with pytest.raises(AssertionError, match=r'input\[password\]#id_password "Password" has no GOV.UK focus style'):
        KeyboardDriver(page).walk()

    page.goto("/sign-in/")
    # The email box keeps focus when Tab is pressed: a keyboard trap.
    page.evaluate("""() => document.querySelector('#id_username').addEventListener('keydown', (event) => {
                             if (event.key === 'Tab') event.preventDefault(); })""")
    with pytest.raises(KeyboardTrap, match="Tab went round in a loop"):
        KeyboardDriver(page).walk()

    page.goto("/sign-in/")
    # The skip link does nothing.
    page.evaluate("""() => document.addEventListener('click', (event) => {
        if (event.target.closest('.govuk-skip-link')) { event.preventDefault(); event.stopPropagation(); } }, true)""")
    with pytest.raises(AssertionError, match="the skip link did not move focus to <main>"):
        KeyboardDriver(page).skip_to_main()


def test_the_no_javascript_check_catches_a_hidden_control(new_page):
    page = new_page(java_script_enabled=False)
    page.goto("/sign-in/")
    FormDriver(page).arrive()
    page.evaluate("() => { document.querySelector('#id_password').closest('.govuk-form-group').hidden = true; }")
    with pytest.raises(AssertionError, match=r'hidden without JavaScript(.|\n)*id_password'):
        FormDriver(page).arrive()
