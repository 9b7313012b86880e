"""Signing in with a work account in a real browser, through a real OpenID Connect provider's login page
(oidc-provider-mock on loopback, started by the test run: tests/oidc_provider.py)."""
import re

import pytest

from partnership.models import IdentityProvider
from tests.oidc_provider import set_claims

from .conftest import axe_check, expect, screenshot


@pytest.fixture
def work_accounts(settings, live_server, oidc_issuer, police):
    settings.SITE_URL = live_server.url  # the redirect URI the provider sends the browser back to
    settings.OIDC_CLIENT_SECRETS = {"POLICE": "the-client-secret"}
    provider = IdentityProvider.objects.create(
        name="Police Entra ID", issuer=oidc_issuer, client_id="merton-qa", client_secret_name="POLICE",
        email_domains="police.example.org")
    provider.agencies.add(police)
    return provider


def _provider_page_offline(page):
    """The provider's page styles itself from a CDN: answered empty, so the test needs no network."""
    page.context.route("https://cdn.jsdelivr.net/**",
                       lambda route: route.fulfill(status=200, content_type="text/css", body=""))


def test_signing_in_and_out_through_the_providers_login_page(work_accounts, new_page, agency_lead):
    set_claims(work_accounts.issuer, agency_lead.email, email=agency_lead.email, email_verified=True)
    page = new_page()
    _provider_page_offline(page)
    page.goto("/sign-in/")
    expect(page.get_by_label("Password")).to_have_count(0)  # the email first
    axe_check(page)
    screenshot(page, "sign-in-email-first", mobile=True)
    page.get_by_label("Email address").fill(agency_lead.email)
    page.get_by_role("button", name="Continue").click()

    expect(page).to_have_url(re.compile("^" + re.escape(work_accounts.issuer + "/oauth2/authorize")))
    screenshot(page, "work-account-provider-login")
    page.locator("input[name=sub]").fill(agency_lead.email)
    page.get_by_role("button", name="Authorize").click()

    expect(page).not_to_have_url(re.compile(re.escape(work_accounts.issuer)))
    expect(page).not_to_have_url(re.compile("/sign-in/"))
    expect(page.get_by_role("button", name=re.compile("Sign out"))).to_be_visible()
    axe_check(page)

    page.get_by_role("button", name=re.compile("Sign out")).first.click()
    expect(page).to_have_url(re.compile("/sign-in/"))
    offer = page.get_by_role("link", name="Sign out of your work account too")
    expect(offer).to_be_visible()
    axe_check(page)
    screenshot(page, "signed-out-of-work-account")
    offer.click()
    expect(page).to_have_url(re.compile(re.escape(work_accounts.issuer + "/oauth2/end_session")))
    page.get_by_role("button", name="End session").click()
    expect(page).to_have_url(re.compile("/sign-in/"))  # the provider sends the browser back to sign in


def test_another_domain_is_asked_for_its_password_and_an_uninvited_work_account_is_refused(
        work_accounts, new_page, business_unit):
    page = new_page()
    _provider_page_offline(page)
    page.goto("/sign-in/")
    page.get_by_role("button", name="Continue").click()  # nothing typed: the error beside the field
    expect(page.get_by_role("link", name="Enter your email address")).to_be_visible()
    axe_check(page)
    page.get_by_label("Email address").fill(business_unit.email)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_label("Password")).to_be_visible()
    axe_check(page)
    screenshot(page, "sign-in-password-step")

    stranger = "stranger@police.example.org"
    set_claims(work_accounts.issuer, stranger, email=stranger, email_verified=True)
    page.goto("/sign-in/")
    page.get_by_label("Email address").fill(stranger)
    page.get_by_role("button", name="Continue").click()
    page.locator("input[name=sub]").fill(stranger)
    page.get_by_role("button", name="Authorize").click()
    expect(page).to_have_url(re.compile("/sign-in/$"))
    expect(page.get_by_text("There is no account for this work account")).to_be_visible()
    axe_check(page)
    screenshot(page, "work-account-refused")
