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
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from partnership.models import ActionUpdate

from .conftest import expect, screenshot
from .keyboard import FormDriver, KeyboardDriver
from .test_journeys import police_actions  # noqa: F401 (fixture)

MODES = ["keyboard", "nojs"]


@pytest.fixture(params=MODES)
def driven(request, new_page):
    """`driven()` → (page, driver): a fresh page with JavaScript on (keyboard) or off (nojs)."""

    def make():
        keyboard = request.param == "keyboard"
        page = new_page(java_script_enabled=keyboard)
        return page, (KeyboardDriver(page) if keyboard else FormDriver(page))

    return make


def go(page, driver, path: str) -> None:
    page.goto(path)
    driver.arrive()


def sign_in(page, driver, user, *, password: str | None = None) -> None:
    from .conftest import PASSWORD

    go(page, driver, "/sign-in/")
    driver.type(page.get_by_label("Email address"), user.email)
    driver.type(page.get_by_label("Password"), password or PASSWORD)
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
