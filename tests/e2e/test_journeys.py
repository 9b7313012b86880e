"""Whole journeys in a real browser, with axe-core on every page type and screenshots for a human to look at."""
import datetime
import re

import pytest
from django.utils import timezone

from partnership.models import Action, ActionUpdate
from tests.factories import ActionFactory

from .conftest import axe_check, expect, phone_width, screenshot, sign_in


@pytest.fixture
def police_actions(police, outsider_agency, agency_lead):
    today = timezone.localdate()
    return {
        "overdue": ActionFactory(title="Refresh the multi-agency referral form", owner_agency=police,
                                 owner=agency_lead, due_date=today - datetime.timedelta(days=12)),
        "due_soon": ActionFactory(title="Train custody staff on the voice of the child", owner_agency=police,
                                  owner=agency_lead, due_date=today + datetime.timedelta(days=10),
                                  status=Action.Status.IN_PROGRESS),
        "other_agency": ActionFactory(title="Check volunteers' DBS renewals", owner_agency=outsider_agency,
                                      due_date=today - datetime.timedelta(days=3)),
    }


def service_navigation(page):
    return page.get_by_role("navigation", name="Menu")


def test_agency_lead_updates_progress_on_an_overdue_action(signed_in_page, agency_lead, police_actions):
    overdue, other = police_actions["overdue"], police_actions["other_agency"]

    page = signed_in_page(agency_lead)
    expect(page.get_by_role("heading", level=1)).to_have_text("What needs you now")
    expect(page.get_by_role("table", name="Your overdue actions")).to_contain_text(overdue.title)
    axe_check(page)
    with phone_width(page):
        axe_check(page)  # reflow: the tables scroll sideways, the menu collapses behind its toggle
    screenshot(page, "home-agency-lead", mobile=True)

    service_navigation(page).get_by_role("link", name="My agency's actions").click()
    expect(page).to_have_url(re.compile(r"/actions/mine/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("actions")
    listed = page.get_by_role("table")
    expect(listed).to_contain_text(overdue.title)
    expect(listed).to_contain_text(police_actions["due_soon"].title)
    expect(page.get_by_text(other.title)).to_have_count(0)
    axe_check(page)
    screenshot(page, "action-list-mine")

    page.get_by_role("link", name=overdue.title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(overdue.title)
    expect(page.get_by_text("No progress has been recorded yet.")).to_be_visible()
    expect(service_navigation(page).get_by_role("link", name="My agency's actions")).to_have_attribute(
        "aria-current", "true")
    axe_check(page)
    with phone_width(page):
        axe_check(page)
    screenshot(page, "action-detail", mobile=True)

    # An empty update: the error summary and the message next to the field.
    page.get_by_role("button", name="Add update").click()
    expect(page.get_by_role("alert").filter(has_text="There is a problem")).to_be_visible()
    expect(page.locator(".govuk-error-message")).to_contain_text("Enter what has happened since the last update")
    axe_check(page)
    screenshot(page, "action-detail-error")

    note = "Draft form shared with the partnership's social care leads; sign-off due next week."
    page.get_by_label("Add a progress update").fill(note)
    page.get_by_role("button", name="Add update").click()
    banner = page.locator(".govuk-notification-banner--success")
    expect(banner).to_contain_text("Your progress update has been added.")
    expect(page.locator(".app-timeline")).to_contain_text(note)
    expect(page.locator(".app-timeline")).to_contain_text(agency_lead.full_name)
    axe_check(page)
    screenshot(page, "action-detail-updated")
    assert ActionUpdate.objects.filter(action=overdue, author=agency_lead, note=note).exists()

    response = page.goto(other.get_absolute_url())
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    axe_check(page)
    screenshot(page, "error-404")


def test_business_unit_filters_changes_status_and_manages_people(signed_in_page, business_unit, police_actions):
    page = signed_in_page(business_unit)
    axe_check(page)  # the oversight dashboard: partnership-wide figures and the overdue-by-agency table
    screenshot(page, "home-business-unit", mobile=True)

    service_navigation(page).get_by_role("link", name="Actions").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("All actions")
    page.get_by_label("Overdue only").check()
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"overdue=on"))
    listed = page.get_by_role("table")
    expect(listed).to_contain_text(police_actions["overdue"].title)
    expect(listed).to_contain_text(police_actions["other_agency"].title)
    expect(listed).not_to_contain_text(police_actions["due_soon"].title)
    expect(page.get_by_label("Overdue only")).to_be_checked()
    axe_check(page)
    screenshot(page, "action-list-filtered")

    # Completing without evidence is refused, with the error at the top and next to the field.
    action = police_actions["due_soon"]
    page.goto(f"/actions/{action.pk}/status/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Change the status")
    page.get_by_label("Mark as completed (give evidence)").check()
    page.get_by_role("button", name="Save").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_contain_text("Describe the evidence that the action is complete.")
    expect(page.locator(".govuk-error-message")).to_contain_text("Describe the evidence that the action is complete.")
    expect(page).to_have_title(re.compile(r"^Error: "))
    axe_check(page)
    screenshot(page, "action-status-error")
    action.refresh_from_db()
    assert action.status == Action.Status.IN_PROGRESS

    service_navigation(page).get_by_role("link", name="People").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("People")
    expect(page.get_by_role("table")).to_contain_text(business_unit.full_name)
    axe_check(page)
    screenshot(page, "people")

    page.get_by_role("button", name="Invite someone").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Invite someone")
    axe_check(page)
    screenshot(page, "invite")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the person's full name")
    axe_check(page)
    screenshot(page, "invite-error")


def test_reader_sees_the_forbidden_page(signed_in_page, reader, police_actions):
    page = signed_in_page(reader)
    response = page.goto(f"/actions/{police_actions['overdue'].pk}/edit/")
    assert response.status == 403
    axe_check(page)
    screenshot(page, "error-403")


def test_public_pages_signed_out(new_page, agency_lead):
    page = new_page()
    response = page.goto("/")
    expect(page).to_have_url(re.compile(r"/sign-in/\?next=/$"))
    assert response.ok
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    axe_check(page)
    screenshot(page, "sign-in", mobile=True)

    sign_in(page, agency_lead, password="not-the-password")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter a correct email address and password.")
    expect(page.get_by_label("Email address")).to_have_value(agency_lead.email)
    axe_check(page)
    screenshot(page, "sign-in-error")

    page.get_by_role("link", name="I have forgotten my password").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    axe_check(page)
    screenshot(page, "password-reset")

    for path, heading, name in [
        ("/accessibility/", "Accessibility", "accessibility"),
        ("/privacy/", "Privacy", "privacy"),
        ("/cookies/", "Cookies", "cookies"),
    ]:
        assert page.goto(path).ok
        expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
        axe_check(page)
        screenshot(page, name)

    assert page.goto("/no-such-page/").status == 404
    axe_check(page)


def test_csp_is_enforced_and_violations_are_caught(new_page):
    """The harness itself: the served CSP blocks an inline script, the watcher sees it, and axe still runs."""
    page = new_page()
    page.goto("/sign-in/")
    with pytest.raises(Exception, match="Content Security Policy"):
        page.add_script_tag(content="window.injected = true")
    assert page.evaluate("() => window.injected") is None
    assert page.problems.csp, "the CSP violation was not reported to the console watcher"
    page.problems.csp.clear()
    axe_check(page)  # axe goes in through page.evaluate, which the CSP does not govern


def test_two_factor_set_up_page(settings, signed_in_page, agency_lead):
    settings.REQUIRE_2FA = True
    page = signed_in_page(agency_lead)
    expect(page).to_have_url(re.compile(r"/two-factor/set-up/\?next=/$"))
    # A password alone does not set up an authenticator: first the code emailed to the account's address.
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    axe_check(page)
    screenshot(page, "two-factor-prove-address", mobile=True)
    from partnership.models import EmailMessage

    email = EmailMessage.objects.filter(to=agency_lead.email, subject__contains="two-factor").latest("pk")
    page.get_by_label("Code from the email").fill(re.search(r"^(\d{6})$", email.body_text, re.M).group(1))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up two-factor sign-in")
    expect(page.get_by_role("img", name=re.compile("QR code"))).to_be_visible()
    # Until the second factor is set up, the menu offers nothing that would only bounce back here.
    expect(service_navigation(page).get_by_role("link")).to_have_count(0)
    expect(service_navigation(page).get_by_role("button", name=re.compile("Sign out"))).to_be_visible()
    axe_check(page)
    page.get_by_text("I cannot scan the code").click()
    axe_check(page)
    screenshot(page, "two-factor-set-up", mobile=True)

    page.get_by_label("Security code").fill("000000")
    page.get_by_role("button", name="Confirm and continue").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    axe_check(page)


def test_progress_update_works_without_javascript(signed_in_page, agency_lead, police_actions):
    action = police_actions["overdue"]
    page = signed_in_page(agency_lead, java_script_enabled=False)
    expect(page.locator("body.js-enabled")).to_have_count(0)
    expect(service_navigation(page).get_by_role("button", name=re.compile("Sign out"))).to_be_visible()

    page.goto(action.get_absolute_url())
    note = "Sent without JavaScript: the form posts and the page reloads."
    page.get_by_label("Add a progress update").fill(note)
    page.get_by_role("button", name="Add update").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Your progress update has been added.")
    expect(page.locator(".app-timeline")).to_contain_text(note)

    page.set_viewport_size({"width": 375, "height": 812})
    sign_out = service_navigation(page).get_by_role("button", name=re.compile("Sign out"))
    expect(sign_out).to_be_visible()  # no JS: the menu is always open, nothing is hidden behind a toggle
    screenshot(page, "action-detail-no-js-mobile")
    sign_out.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
