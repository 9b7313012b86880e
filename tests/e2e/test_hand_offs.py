"""Every hand-off emails at once (issue 16, item 5), in a real browser: the action is taken on the page, the email is
read from the outbox, and its link is followed by the person it was sent to.

- a training session moved: a page says how many will be told, then every booked and waiting person is emailed,
  and the link in the email opens their booking with the new date;
- a rapid review started: each agency lead is asked for its summary, with the due date and the link;
- a Section 11 return sent back for clarification: the agency lead is emailed the link to the return.
"""
import datetime
import re

import pytest
from django.utils import timezone

from partnership.models import EmailMessage
from tests.learning.conftest import book, make_course, make_session
from tests.reviews.conftest import health, health_lead, notification, notified, referral, screened  # noqa: F401
from tests.section11.conftest import rag_scale  # noqa: F401 (fixture)

from .conftest import axe_check, expect, screenshot
from .test_section11 import s11, submit_via_orm  # noqa: F401 (fixture)


def _path(email: EmailMessage) -> str:
    """The one service link in the email, as a path for the browser."""
    found = re.search(r"https?://[^/\s]+(/\S+)", email.body_text)
    assert found, f"no link in {email.subject!r}"
    return found.group(1)


def test_moving_a_session_tells_every_booked_and_waiting_person(signed_in_page, new_page, ld_coordinator, db):
    course = make_course()
    session = make_session(course, timezone.localdate() + datetime.timedelta(days=21), capacity=2)
    for n in range(3):
        book(session, f"delegate{n}@school.example.org", name=f"Delegate {n}")
    page = signed_in_page(ld_coordinator)
    page.goto(f"/learning/manage/sessions/{session.pk}/edit/")
    new_day = timezone.localdate() + datetime.timedelta(days=35)
    group = page.get_by_role("group", name="Date")
    group.get_by_label("Day").fill(str(new_day.day))
    group.get_by_label("Month").fill(str(new_day.month))
    group.get_by_label("Year").fill(str(new_day.year))
    page.get_by_role("button", name="Save the session").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check the change before you save it")
    expect(page.locator("main")).to_contain_text(
        "3 people will be emailed at once that the session is changed: 2 booked and 1 on the waiting list")
    axe_check(page)
    screenshot(page, "learning-session-change-confirm")
    assert not EmailMessage.objects.filter(subject__startswith="Your training session has changed").exists()

    # A date in the past is refused, beside the field.
    page.go_back()
    past = timezone.localdate() - datetime.timedelta(days=2)
    group.get_by_label("Day").fill(str(past.day))
    group.get_by_label("Month").fill(str(past.month))
    group.get_by_label("Year").fill(str(past.year))
    page.get_by_role("button", name="Save the session").click()
    page.get_by_role("button", name=re.compile("Save the change and email")).click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("The session cannot start in the past")
    page.problems.errors.clear()  # the 400 of the refused form

    group = page.get_by_role("group", name="Date")
    group.get_by_label("Day").fill(str(new_day.day))
    group.get_by_label("Month").fill(str(new_day.month))
    group.get_by_label("Year").fill(str(new_day.year))
    page.get_by_role("button", name="Save the session").click()
    page.get_by_role("button", name="Save the change and email 3 people").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Session saved")

    emails = list(EmailMessage.objects.filter(subject__startswith="Your training session has changed"))
    assert sorted(e.to for e in emails) == [f"delegate{n}@school.example.org" for n in range(3)]
    delegate = new_page()
    delegate.goto(_path(next(e for e in emails if e.to == "delegate0@school.example.org")))
    expect(delegate.locator("main")).to_contain_text(new_day.strftime("%-d %B %Y"))
    axe_check(delegate)


def test_starting_a_rapid_review_asks_each_agency_lead_for_its_summary(
        signed_in_page, reviews_member, health_lead, notified):  # noqa: F811 (fixtures)
    page = signed_in_page(reviews_member)
    page.goto(f"/reviews/notifications/{notified.pk}/")
    page.get_by_role("button", name="Start the rapid review").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Each agency's lead has been emailed today for its summary")
    email = EmailMessage.objects.get(to=health_lead.email, subject__startswith="Rapid review")
    summary = notified.rapid_review.summaries.get()
    assert summary.due_on.strftime("%-d %B %Y") in email.subject and notified.case_reference in email.subject
    assert summary.requested_on == timezone.localdate()

    lead = signed_in_page(health_lead)
    lead.goto(_path(email))
    expect(lead.locator("main")).to_contain_text(notified.case_reference)
    axe_check(lead)


@pytest.fixture
def submitted(s11, agency_lead):  # noqa: F811
    return submit_via_orm(s11["police"], by=agency_lead, officer=s11["officer"])


def test_a_return_sent_back_emails_the_agency_lead_the_link(signed_in_page, business_unit, agency_lead, submitted):
    page = signed_in_page(business_unit)
    page.goto(f"/section-11/returns/{submitted.pk}/send-back/")
    page.get_by_label(re.compile("What needs clarifying|message", re.I)).fill("Add the audit behind 1.2, please.")
    page.get_by_role("button", name=re.compile("Send", re.I)).click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("sent back")
    email = EmailMessage.objects.get(to=agency_lead.email, subject__contains="sent back for clarification")
    assert "Add the audit behind 1.2" not in email.body_text  # the message is read in the service
    lead = signed_in_page(agency_lead)
    lead.goto(_path(email))
    expect(lead.get_by_role("heading", level=1)).to_have_text(submitted.agency.name)
    expect(lead.locator("main")).to_contain_text("Add the audit behind 1.2")
