"""Learning and development in a real browser: a member of the public books, the coordinator marks
attendance, the delegate evaluates through the emailed link and downloads the certificate. axe-core on
every learning page type, the public ones included.
"""
import datetime
import io
import re
import shutil
import subprocess

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from learning.models import Booking, Briefing, BriefingUse, Course, Session
from learning.services.bookings import issue_token
from partnership import history
from partnership.models import EmailMessage, Sector
from tests.factories import AgencyFactory
from tests.learning.conftest import make_course, make_session

from .conftest import axe_check, screenshot


def link_in(email: EmailMessage, kind: str) -> str:
    return re.search(rf"https?://[^/\s]+(/learning/{kind}/[A-Za-z0-9_\-]+/)", email.body_text).group(1)


@pytest.fixture
def world(db, settings, police, ld_coordinator):
    settings.LEARNING_BOOKING_MIN_SECONDS = 0
    AgencyFactory(name="Wandle Valley Primary School", sector=Sector.SCHOOL)
    course = make_course()
    session = make_session(course, timezone.localdate() + datetime.timedelta(days=21), capacity=12)
    briefing = Briefing.objects.create(
        title="Professional curiosity: learning from Child R", background="What the review found.",
        why_it_matters="It applies to every agency.", key_points="Look beyond the first answer\nTalk to the child",
        what_to_do="Discuss a case in supervision", reflection_questions="When did you last challenge?",
        source_kind="local_review", source_title="LCSPR Child R", status="published",
        published_on=timezone.localdate())
    BriefingUse.objects.create(briefing=briefing, agency=police, team="CAIT team meeting",
                               used_on=timezone.localdate(), attendees=9, logged_by=ld_coordinator)
    return {"course": course, "session": session, "briefing": briefing}


def test_book_attend_evaluate_and_download_certificate(new_page, signed_in_page, world, ld_coordinator, police,
                                                       tmp_path):
    session = world["session"]
    page = new_page()
    page.goto("/learning/sessions/")
    axe_check(page)
    screenshot(page, "learning-public-list", mobile=True)
    page.get_by_role("link", name=world["course"].title).click()
    axe_check(page)
    screenshot(page, "learning-public-session")
    page.get_by_role("button", name="Book a place").click()
    page.get_by_role("button", name="Book").click()  # nothing filled in: errors, axe on the error state
    assert page.locator(".govuk-error-summary").is_visible()
    axe_check(page)
    page.get_by_label("Full name").fill("Jo Bloggs")
    page.get_by_label("Work email address").fill("info@police.example.org")
    page.get_by_label("Agency or organisation").select_option(label=police.name)
    page.get_by_label("Your role").fill("Detective constable")
    page.get_by_role("button", name="Book").click()
    assert "not a shared inbox" in page.content()
    axe_check(page)
    screenshot(page, "learning-public-book-error", mobile=True)
    page.get_by_label("Work email address").fill("jo.bloggs@police.example.org")
    page.get_by_role("button", name="Book").click()
    page.get_by_role("heading", name="Check your email").wait_for()
    axe_check(page)
    screenshot(page, "learning-public-check-email")
    request = EmailMessage.objects.get(to="jo.bloggs@police.example.org", subject__startswith="Confirm your booking")
    page.goto(link_in(request, "confirm"))
    axe_check(page)
    page.get_by_role("button", name="Confirm my booking").click()
    page.get_by_role("heading", name="Your place is booked").wait_for()
    axe_check(page)
    screenshot(page, "learning-public-booked")

    booking = Booking.objects.get(email="jo.bloggs@police.example.org")
    confirmation = EmailMessage.objects.get(to=booking.email, subject__startswith="Your place is booked")
    page.goto(link_in(confirmation, "my"))
    assert "Room 3, bring ID" in page.content()
    axe_check(page)
    screenshot(page, "learning-public-booking", mobile=True)
    page.get_by_role("link", name="Cancel my booking").click()
    axe_check(page)
    page.get_by_role("link", name="No, keep it").click()

    page.goto(link_in(confirmation, "before"))
    axe_check(page)
    for outcome in world["course"].outcomes.all():
        page.locator(f'input[name="outcome_{outcome.pk}"][value="4"]').check()
    page.get_by_role("button", name="Send").click()
    assert "this form is closed" in page.content()
    axe_check(page)

    # The day comes: the session is now in the past, and the coordinator marks attendance.
    history.update(Session.objects.filter(pk=session.pk), starts_at=session.starts_at - datetime.timedelta(days=22),
                   ends_at=session.ends_at - datetime.timedelta(days=22))
    staff = signed_in_page(ld_coordinator)
    staff.goto(f"/learning/manage/sessions/{session.pk}/")
    axe_check(staff)
    screenshot(staff, "learning-session-manage")
    staff.get_by_role("link", name="Mark attendance").click()
    axe_check(staff)
    staff.get_by_label("Attendance of Jo Bloggs").select_option("attended")
    staff.get_by_role("button", name="Save attendance").click()
    assert "Attendance saved" in staff.content()
    screenshot(staff, "learning-attendance")

    invitation = EmailMessage.objects.get(to=booking.email, subject__startswith="How was it")
    page.goto(link_in(invitation, "after"))
    axe_check(page)
    page.locator('input[name="quality"][value="5"]').check()
    page.locator('input[name="relevance"][value="4"]').check()
    for outcome in world["course"].outcomes.all():
        page.locator(f'input[name="outcome_{outcome.pk}"][value="8"]').check()
    screenshot(page, "learning-public-evaluate-post")
    page.get_by_role("button", name="Send and get my certificate").click()
    axe_check(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download your certificate (PDF)").click()
    path = tmp_path / "certificate.pdf"
    download.value.save_as(path)
    if shutil.which("pdftotext"):
        text = " ".join(subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True)
                        .stdout.decode().split())
        assert "Jo Bloggs" in text and world["course"].title in text
        subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(path),
                        str(screenshot.__globals__["SCREENSHOTS"] / "learning-certificate")], check=True)

    # The figures now show the uplift (4 before, 8 after).
    staff.goto(f"/learning/courses/{world['course'].pk}/impact/")
    assert "+4.0" in staff.content()
    axe_check(staff)
    screenshot(staff, "learning-course-impact")


def test_follow_up_and_approval_pages(new_page, world, settings):
    session = world["session"]
    course = Course.objects.create(title="Designated leads", summary="s", level=world["course"].level,
                                   audience="Leads", requires_manager_approval=True)
    approval_session = make_session(course, timezone.localdate() + datetime.timedelta(days=30))
    booking = Booking.objects.create(session=approval_session, name="Kit Larkspur", email="kit@school.example.org",
                                     role="DSL", other_agency_name="Nursery", manager_email="boss@school.example.org",
                                     status="requested")
    page = new_page()
    page.goto(f"/learning/approve/{issue_token(booking, 'approve')}/")
    axe_check(page)
    page.get_by_role("button", name="Approve", exact=True).click()
    assert "Confirmed".lower() in page.content().lower()
    attended = Booking.objects.create(session=session, name="Bea Oakhurst", email="bea@school.example.org",
                                      role="Teacher", other_agency_name="School", status="confirmed",
                                      attendance="attended")
    from learning.models import PostCourseEvaluation

    PostCourseEvaluation.objects.create(booking=attended, quality=4, relevance=4)
    history.update(Session.objects.filter(pk=session.pk), starts_at=session.starts_at - datetime.timedelta(weeks=16),
                   ends_at=session.ends_at - datetime.timedelta(weeks=16))
    page.goto(f"/learning/follow-up/{issue_token(attended, 'follow_up')}/")
    axe_check(page)
    page.get_by_role("button", name="Send").click()  # nothing chosen: the error state
    axe_check(page)
    page.get_by_label("Yes").check()
    page.get_by_label("What have you done differently?").fill("I ask to see where the child sleeps.")
    page.get_by_role("button", name="Send").click()
    assert "Thank you" in page.content()
    screenshot(page, "learning-public-follow-up")


def test_staff_pages_pass_axe(signed_in_page, world, ld_coordinator, agency_lead):
    page = signed_in_page(ld_coordinator)
    course, session, briefing = world["course"], world["session"], world["briefing"]
    for url, name in [
        ("/learning/", "learning-courses"),
        (f"/learning/courses/{course.pk}/", "learning-course"),
        ("/learning/courses/new/", "learning-course-form"),
        ("/learning/manage/sessions/new/", "learning-session-form"),
        ("/learning/manage/bookings/", "learning-bookings"),
        ("/learning/charges/", "learning-charges"),
        ("/learning/figures/", "learning-figures"),
        ("/learning/briefings/", "learning-briefings"),
        (f"/learning/briefings/{briefing.pk}/", "learning-briefing"),
        ("/learning/briefings/new/", "learning-briefing-form"),
        (f"/learning/briefings/{briefing.pk}/use/", "learning-briefing-use"),
        ("/learning/coverage/", "learning-coverage"),
        ("/", "learning-home-panel"),
    ]:
        page.goto(url)
        axe_check(page)
        screenshot(page, name)
    page.goto("/learning/courses/new/")
    page.get_by_role("button", name="Save the course").click()
    assert page.locator(".govuk-error-summary").is_visible()
    axe_check(page)
    lead = signed_in_page(agency_lead)
    lead.goto(f"/learning/briefings/{briefing.pk}/use/")
    lead.get_by_label("Team or meeting").fill("Public protection unit")
    lead.locator("#id_used_on_0").fill("3")
    lead.locator("#id_used_on_1").fill("11")
    lead.locator("#id_used_on_2").fill("2026")
    lead.get_by_label("Number of people there").fill("14")
    lead.get_by_role("button", name="Log the use").click()
    assert "is logged" in lead.content()
    axe_check(lead)
    assert session.pk


FITS = """selector => [...document.querySelectorAll(selector)].map(el => ({
    text: (el.querySelector('caption') || el).textContent.trim().slice(0, 40),
    over: el.scrollWidth - el.clientWidth}))"""
OUT_OF_VIEW = """label => [...document.querySelectorAll(`td[data-label="${label}"]`)].filter(td => {
    const box = td.getBoundingClientRect();
    return box.width === 0 || box.right > document.documentElement.clientWidth + 1; }).length"""


@pytest.mark.parametrize("width", [320, 375])
def test_the_public_sessions_fit_a_phone_with_nothing_clipped(new_page, world, width):
    """Issue 16: on a phone the "How and places" column was scrolled out of sight. Each session is now a block
    with its date and how and places beside their headings; nothing scrolls sideways."""
    page = new_page(viewport={"width": width, "height": 800})
    page.goto("/learning/sessions/")
    assert [t for t in page.evaluate(FITS, ".app-table-wrap") if t["over"] > 0] == []
    assert page.evaluate("() => document.scrollingElement.scrollWidth") <= width
    assert page.evaluate(OUT_OF_VIEW, "How and places") == 0
    expect(page.locator('td[data-label="How and places"]').first).to_contain_text(world["course"].get_mode_display())
    screenshot(page, f"learning-public-list-{width}")


def test_the_coverage_map_fits_1280_px_with_every_column(signed_in_page, world, business_unit):
    """Issue 16: with every kind of record shown (the business unit sees the reviews' columns too) the map was
    wider than the page at 1280 px. Every table fits; a row with no assurance says so beside its name."""
    call_command("load_reference_data", stdout=io.StringIO())
    page = signed_in_page(business_unit, viewport={"width": 1280, "height": 900})
    page.goto("/learning/coverage/")
    headers = page.locator("table").first.locator("thead th")
    assert headers.count() >= 10  # the stage, the kinds of record (reviews' included) and the total
    assert [t for t in page.evaluate(FITS, ".app-table-wrap") if t["over"] > 0] == []
    expect(page.locator("tbody th .govuk-tag").first).to_have_text("No assurance")
    axe_check(page)
    screenshot(page, "learning-coverage-1280")
