"""The GOV.UK timeout warning in a real browser, with the idle timeout shortened to seconds."""
import re

import pytest

from .conftest import axe_check, expect, screenshot

IDLE_SECONDS = 14
WARNING_SECONDS = 10  # so the dialog opens 4 seconds after a page loads


@pytest.fixture
def short_sessions(settings):
    settings.SESSION_IDLE_TIMEOUT = IDLE_SECONDS
    settings.SESSION_TIMEOUT_WARNING = WARNING_SECONDS


def warning(page):
    return page.get_by_role("dialog", name="You’re about to be signed out")


def test_warning_opens_before_the_timeout_stay_extends_and_the_end_signs_out(short_sessions, signed_in_page,
                                                                           agency_lead):
    page = signed_in_page(agency_lead)
    expect(warning(page)).to_be_hidden()
    expect(warning(page)).to_be_visible(timeout=(IDLE_SECONDS - WARNING_SECONDS + 3) * 1000)
    expect(warning(page)).to_contain_text(re.compile(r"we will sign you out in \d+ seconds?"))
    # A modal: focus is inside it, on the way to stay signed in.
    expect(warning(page).get_by_role("button", name="Stay signed in")).to_be_focused()
    axe_check(page)
    screenshot(page, "timeout-warning")

    warning(page).get_by_role("button", name="Stay signed in").click()
    expect(warning(page)).to_be_hidden()
    # The server restarted the idle clock: the warning comes back only after another quiet spell, and the
    # page is still the signed-in home page well past the first deadline.
    expect(warning(page)).to_be_visible(timeout=(IDLE_SECONDS - WARNING_SECONDS + 3) * 1000)
    expect(page).not_to_have_url(re.compile(r"/sign-in/"))

    # Nobody answers: at the end the page goes to sign in, saying why.
    expect(page).to_have_url(re.compile(r"/sign-in/\?next=/"), timeout=(WARNING_SECONDS + 5) * 1000)
    expect(page.get_by_text("You were signed out after")).to_be_visible()
    expect(page.get_by_text("nothing you saved is lost")).to_be_visible()
    axe_check(page)


def test_escape_keeps_the_person_signed_in(short_sessions, signed_in_page, agency_lead):
    page = signed_in_page(agency_lead)
    expect(warning(page)).to_be_visible(timeout=(IDLE_SECONDS - WARNING_SECONDS + 3) * 1000)
    with page.expect_response(lambda r: "/session/keep-alive/" in r.url and r.request.method == "POST"):
        page.keyboard.press("Escape")
    expect(warning(page)).to_be_hidden()


def test_text_typed_when_the_session_ends_is_kept_through_signing_in_again(short_sessions, signed_in_page,
                                                                          agency_lead):
    from partnership.models import ActionUpdate
    from tests.factories import ActionFactory

    from .conftest import PASSWORD

    action = ActionFactory(owner_agency=agency_lead.agency, owner=agency_lead)
    page = signed_in_page(agency_lead)
    page.goto(action.get_absolute_url())
    note = "Met the designated lead; the new escalation flowchart is in every team room."
    page.get_by_role("textbox").first.fill(note)
    # Nobody answers the warning: at the end the page sends the changed form, which the server keeps.
    expect(page).to_have_url(re.compile(r"/sign-in/\?next=%2Fsession%2Fkept%2F"), timeout=(IDLE_SECONDS + 8) * 1000)
    assert not ActionUpdate.objects.exists()
    # Signing in on the page the timeout led to (its "next" is the kept form).
    page.get_by_label("Email address").fill(agency_lead.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/session/kept/$"))
    expect(page.get_by_role("heading", name="Your changes were not saved")).to_be_visible()
    expect(page.get_by_text(note)).to_be_visible()
    axe_check(page)
    screenshot(page, "session-kept", mobile=True)
    page.get_by_role("button", name="Save my changes").click()
    expect(page.get_by_text("Your progress update has been added.")).to_be_visible()
    assert ActionUpdate.objects.get().note == note
