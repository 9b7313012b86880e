"""Signing in with a work account (OpenID Connect), against a real provider on loopback (tests/oidc_provider.py).

Each test drives the real views: the sign-in page sends the email's domain to the provider, the provider's own
login form is posted, and its answer comes back to the callback as a browser would bring it.
"""
import base64
import json
import logging
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from partnership import middleware
from partnership.models import IdentityProvider, User
from partnership.services import work_accounts
from tests.factories import UserFactory
from tests.oidc_provider import authorize, query_value, running_provider, set_claims

from .test_views_auth import PASSWORD, main_text, sign_in, signed_in_user_id

SIGN_IN = reverse("partnership:sign-in")
CALLBACK = reverse("partnership:work-account-callback")
SECRET = "the-client-secret-from-the-environment"  # noqa: S105


@pytest.fixture
def provider(db, oidc_issuer, police, settings):
    settings.OIDC_CLIENT_SECRETS = {"POLICE": SECRET}
    record = IdentityProvider.objects.create(
        name="Police Entra ID", issuer=oidc_issuer, client_id="merton-qa", client_secret_name="POLICE",
        email_domains="police.example.org", mfa_satisfies_two_factor=True)
    record.agencies.add(police)
    return record


def verified(email: str, **claims) -> dict:
    return {"email": email, "email_verified": True, "name": "Someone", **claims}


def start(client: Client, email: str, next_url: str = "") -> str:
    """The sign-in page's first question; answers the provider's authorisation address it sends to."""
    response = client.post(SIGN_IN, {"username": email, "next": next_url})
    assert response.status_code == 302, main_text(response)
    return response.url


def through_provider(client: Client, issuer: str, email: str, **claims):
    set_claims(issuer, email, **verified(email, **claims))
    query = authorize(start(client, email), email)
    return client.get(f"{CALLBACK}?{query}")


def checks_said(caplog, reason: str) -> bool:
    return any(reason in r.getMessage() for r in caplog.records if r.name == "partnership.services.work_accounts")


def refusal(response, client: Client) -> str:
    assert response.status_code == 302 and response.url == SIGN_IN
    return main_text(client.get(SIGN_IN))


# --- The sign-in page -----------------------------------------------------------------------------------------


def test_without_providers_the_sign_in_page_is_as_it_was(client, db):
    page = main_text(client.get(SIGN_IN))
    assert "Password" in page and "Continue" not in page


def test_with_a_provider_the_page_asks_for_the_email_first_and_sends_its_domain_there(provider, agency_lead):
    client = Client()
    page = main_text(client.get(SIGN_IN))
    assert "Continue" in page and "Password" not in page
    url = start(client, "Lead@Police.example.org")
    assert url.startswith(provider.issuer + "/oauth2/authorize?")
    for part in ("client_id=merton-qa", "response_type=code", "code_challenge_method=S256", "nonce=",
                 "login_hint=lead%40police.example.org", "scope=openid+email+profile"):
        assert part in url
    assert signed_in_user_id(client) is None


def test_any_other_domain_is_asked_for_its_password_and_signs_in_as_before(provider, business_unit):
    client = Client()
    response = client.post(SIGN_IN, {"username": business_unit.email})
    assert response.status_code == 200
    page = main_text(response)
    assert "Password" in page and "Sign in" in page
    assert f'value="{business_unit.email}"' in response.content.decode()
    assert sign_in(client, business_unit).status_code == 302
    assert signed_in_user_id(client) == str(business_unit.pk)


def test_password_sign_in_stays_open_unless_the_provider_closes_it(provider, agency_lead):
    assert sign_in(Client(), agency_lead).status_code == 302  # allowed by default
    provider.password_sign_in_allowed = False
    provider.save()
    client = Client()
    response = sign_in(client, agency_lead)  # the right password: sent to the provider instead
    assert response.status_code == 302 and response.url.startswith(provider.issuer)
    assert signed_in_user_id(client) is None


def test_an_unreachable_provider_falls_back_to_the_password_where_allowed(provider, agency_lead):
    provider.issuer = "http://127.0.0.1:9"  # nothing listens on the discard port
    provider.save()
    client = Client()
    response = client.post(SIGN_IN, {"username": agency_lead.email})
    assert response.status_code == 200 and "sign in with your password instead" in main_text(response)
    provider.password_sign_in_allowed = False
    provider.save()
    response = client.post(SIGN_IN, {"username": agency_lead.email})
    assert response.status_code == 200 and "not available at the moment" in main_text(response)


# --- Signing in through the provider ------------------------------------------------------------------------


def test_an_invited_person_signs_in_with_their_work_account(provider, agency_lead, caplog):
    client = Client()
    people = User.objects.count()
    with caplog.at_level(logging.INFO, logger="security"):
        response = through_provider(client, provider.issuer, agency_lead.email)
    assert response.status_code == 302 and response.url == reverse("home")
    assert signed_in_user_id(client) == str(agency_lead.pk)
    assert client.get(reverse("home")).status_code == 200
    assert User.objects.count() == people
    assert middleware.SIGNED_IN_AT in client.session  # the session clocks run as for a password
    events = [(r.event, r.outcome) for r in caplog.records if hasattr(r, "event")]
    assert ("sign-in", "success") in events and ("sign-in-work-account", "success") in events


def test_the_page_asked_for_before_signing_in_is_opened_after(provider, agency_lead):
    client = Client()
    set_claims(provider.issuer, agency_lead.email, **verified(agency_lead.email))
    query = authorize(start(client, agency_lead.email, next_url="/actions/mine/"), agency_lead.email)
    assert client.get(f"{CALLBACK}?{query}").url == "/actions/mine/"
    other = Client()
    query = authorize(start(other, agency_lead.email, next_url="https://evil.example.com/"), agency_lead.email)
    assert other.get(f"{CALLBACK}?{query}").url == reverse("home")


def test_an_uninvited_address_gets_no_account(provider, agency_lead):
    client = Client()
    people = User.objects.count()
    page = refusal(through_provider(client, provider.issuer, "stranger@police.example.org"), client)
    assert "no account for this work account" in page
    assert signed_in_user_id(client) is None and User.objects.count() == people


def test_an_account_of_another_agency_is_not_matched(provider, outsider_agency):
    person = UserFactory(email="moved@police.example.org", agency=outsider_agency)
    client = Client()
    page = refusal(through_provider(client, provider.issuer, person.email), client)
    assert "no account for this work account" in page and signed_in_user_id(client) is None


def test_an_unverified_email_is_refused(provider, agency_lead):
    client = Client()
    page = refusal(through_provider(client, provider.issuer, agency_lead.email, email_verified=False), client)
    assert "did not confirm your email address" in page and signed_in_user_id(client) is None


def test_entra_says_verified_with_xms_edov(provider, agency_lead):
    client = Client()
    set_claims(provider.issuer, agency_lead.email, email=agency_lead.email, xms_edov=True)
    query = authorize(start(client, agency_lead.email), agency_lead.email)
    assert client.get(f"{CALLBACK}?{query}").url == reverse("home")
    assert signed_in_user_id(client) == str(agency_lead.pk)


def test_an_address_outside_the_providers_domains_is_refused(provider, business_unit):
    client = Client()
    set_claims(provider.issuer, "someone", **verified(business_unit.email))  # the provider asserts another domain
    query = authorize(start(client, "lead@police.example.org"), "someone")
    page = refusal(client.get(f"{CALLBACK}?{query}"), client)
    assert "no account" in page and signed_in_user_id(client) is None


def test_a_closed_account_stays_closed(provider, agency_lead):
    agency_lead.is_active = False
    agency_lead.save()
    client = Client()
    page = refusal(through_provider(client, provider.issuer, agency_lead.email), client)
    assert "This account has been closed" in page and signed_in_user_id(client) is None


def test_refusals_count_towards_the_lockout_and_a_locked_account_is_refused(provider, agency_lead, settings):
    client = Client()
    agency_lead.is_active = False
    agency_lead.save()
    refusal(through_provider(client, provider.issuer, agency_lead.email), client)
    assert AccessAttempt.objects.filter(username=agency_lead.email).exists()
    agency_lead.is_active = True
    agency_lead.save()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(Client(), agency_lead, password="a wrong password")
    page = refusal(through_provider(client, provider.issuer, agency_lead.email), client)
    assert "locked" in page and signed_in_user_id(client) is None


# --- What the provider sent back is checked ---------------------------------------------------------------


def test_a_state_is_good_once_only(provider, agency_lead):
    client = Client()
    set_claims(provider.issuer, agency_lead.email, **verified(agency_lead.email))
    query = authorize(start(client, agency_lead.email), agency_lead.email)
    assert client.get(f"{CALLBACK}?{query}").url == reverse("home")
    client.post(reverse("partnership:sign-out"))
    page = refusal(client.get(f"{CALLBACK}?{query}"), client)  # the same answer again
    assert "already been used or has expired" in page and signed_in_user_id(client) is None
    stranger = Client()  # someone else's browser, given the link
    refusal(stranger.get(f"{CALLBACK}?{query}"), stranger)
    assert signed_in_user_id(stranger) is None


def test_a_code_cannot_be_used_with_another_sign_ins_state_and_nonce(provider, agency_lead, caplog):
    client = Client()
    set_claims(provider.issuer, agency_lead.email, **verified(agency_lead.email))
    first = authorize(start(client, agency_lead.email), agency_lead.email)
    second = authorize(start(client, agency_lead.email), agency_lead.email)
    mixed = f"code={query_value(first, 'code')}&state={query_value(second, 'state')}"
    page = refusal(client.get(f"{CALLBACK}?{mixed}"), client)
    assert "could not be checked" in page and signed_in_user_id(client) is None
    assert checks_said(caplog, 'Nonce verification failed')


def test_a_sign_in_left_too_long_is_refused(provider, agency_lead, monkeypatch):
    client = Client()
    set_claims(provider.issuer, agency_lead.email, **verified(agency_lead.email))
    query = authorize(start(client, agency_lead.email), agency_lead.email)
    monkeypatch.setattr(work_accounts, "FLOW_MAX_AGE", -1)
    refusal(client.get(f"{CALLBACK}?{query}"), client)
    assert signed_in_user_id(client) is None


def test_a_token_from_another_issuer_is_refused(provider, agency_lead, monkeypatch, caplog):
    """The same provider answering on another address issues tokens naming that address as their issuer."""
    document = work_accounts.metadata(provider)
    other = provider.issuer.replace("localhost", "127.0.0.1")
    monkeypatch.setattr(work_accounts, "metadata", lambda p: {
        **document, "token_endpoint": document["token_endpoint"].replace(provider.issuer, other)})
    client = Client()
    page = refusal(through_provider(client, provider.issuer, agency_lead.email), client)
    assert "could not be checked" in page and signed_in_user_id(client) is None
    assert checks_said(caplog, 'InvalidIssuerError')


def test_a_discovery_document_naming_another_issuer_is_refused(provider, agency_lead):
    provider.issuer = provider.issuer.replace("localhost", "127.0.0.1") + "/"
    provider.save()
    with pytest.raises(work_accounts.WorkAccountError):
        work_accounts.metadata(provider)


def test_a_token_whose_signature_does_not_match_is_refused(provider, agency_lead, business_unit, monkeypatch, caplog):
    """The provider's real token, its claims changed to name someone else: the signature no longer holds."""
    real = work_accounts.WorkAccountBackend.get_token

    def forged(self, payload):
        tokens = real(self, payload)
        header, body, signature = tokens["id_token"].split(".")
        claims = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
        claims["email"] = "contributor@police.example.org"
        body = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
        return {**tokens, "id_token": f"{header}.{body}.{signature}"}

    UserFactory(email="contributor@police.example.org", agency=agency_lead.agency)
    monkeypatch.setattr(work_accounts.WorkAccountBackend, "get_token", forged)
    client = Client()
    page = refusal(through_provider(client, provider.issuer, agency_lead.email), client)
    assert "could not be checked" in page and signed_in_user_id(client) is None
    assert checks_said(caplog, 'InvalidSignatureError')


def test_an_expired_token_is_refused(db, police, agency_lead, settings, caplog):
    settings.OIDC_CLIENT_SECRETS = {"POLICE": SECRET}
    with running_provider(token_max_age=timedelta(minutes=-5)) as issuer:
        record = IdentityProvider.objects.create(
            name="Expired", issuer=issuer, client_id="merton-qa", client_secret_name="POLICE",
            email_domains="police.example.org")
        record.agencies.add(police)
        client = Client()
        page = refusal(through_provider(client, issuer, agency_lead.email), client)
    assert "could not be checked" in page and signed_in_user_id(client) is None
    assert checks_said(caplog, 'ExpiredSignatureError')


def test_a_person_who_cancels_at_the_provider_is_told_so(provider, agency_lead):
    client = Client()
    url = start(client, agency_lead.email)
    state = query_value(url.split("?", 1)[1], "state")
    page = refusal(client.get(f"{CALLBACK}?error=access_denied&state={state}"), client)
    assert "was cancelled" in page


def test_the_callback_without_a_sign_in_under_way_looks_nothing_up(client, db):
    from tests.security.test_anonymous import no_record_looked_up

    with no_record_looked_up():
        response = client.get(f"{CALLBACK}?code=x&state=y")
    assert response.status_code == 302 and response.url == SIGN_IN
    assert client.post(CALLBACK).status_code == 405


# --- Two-factor sign-in and signing out ---------------------------------------------------------------------


@pytest.mark.parametrize("amr,counts,expected_to_pass", [
    (["pwd", "mfa"], True, True),
    (["pwd"], True, False),
    (["pwd", "mfa"], False, False),
])
def test_the_providers_multi_factor_claim_counts_only_where_allowed(provider, agency_lead, settings, amr, counts,
                                                                     expected_to_pass):
    settings.REQUIRE_2FA = True
    provider.mfa_satisfies_two_factor = counts
    provider.save()
    client = Client()
    through_provider(client, provider.issuer, agency_lead.email, amr=amr)
    response = client.get(reverse("home"))
    if expected_to_pass:
        assert response.status_code == 200
    else:
        assert response.status_code == 302 and response.url.startswith(reverse("partnership:two-factor-setup"))


def test_acr_may_say_multi_factor_too(provider, agency_lead, settings):
    settings.REQUIRE_2FA = True
    provider.mfa_values = "mfa urn:example:loa:2"
    provider.save()
    client = Client()
    through_provider(client, provider.issuer, agency_lead.email, acr="urn:example:loa:2")
    assert client.get(reverse("home")).status_code == 200


def test_signing_out_ends_the_session_and_offers_the_providers_sign_out(provider, agency_lead):
    client = Client()
    through_provider(client, provider.issuer, agency_lead.email)
    response = client.post(reverse("partnership:sign-out"), follow=True)
    assert signed_in_user_id(client) is None
    html = response.content.decode()
    assert "Sign out of your work account too" in html
    assert f'href="{provider.issuer}/oauth2/end_session?client_id=merton-qa&amp;post_logout_redirect_uri=' in html
    assert "Sign out of your work account too" not in client.get(SIGN_IN).content.decode()  # offered once
    # A password sign-out offers nothing.
    sign_in(client, agency_lead, PASSWORD)
    assert "work account too" not in client.post(reverse("partnership:sign-out"), follow=True).content.decode()


# --- The record ---------------------------------------------------------------------------------------------


def test_the_secret_is_read_from_its_entry_in_oidc_client_secrets_only(provider, settings):
    assert provider.client_secret == SECRET
    provider.client_secret_name = "SECRET_KEY"  # another setting's name: not an entry, so nothing is sent
    assert provider.client_secret == ""
    provider.client_secret_name = "POLICE=x"
    with pytest.raises(ValidationError) as refused:
        provider.full_clean()
    assert "client_secret_name" in refused.value.message_dict


def test_two_providers_cannot_answer_for_one_domain(provider, police):
    other = IdentityProvider(name="Another", issuer="https://login.example.net/t/v2.0", client_id="x",
                             client_secret_name="OTHER", email_domains="Police.example.org")
    with pytest.raises(ValidationError) as refused:
        other.full_clean()
    assert "already answers for police.example.org" in str(refused.value)


def test_the_admin_never_shows_the_secret(provider, client_for, business_unit):
    business_unit.is_superuser = True  # the admin's model pages need the model's permissions
    business_unit.save()
    client = client_for(business_unit)
    page = client.get(reverse("admin:partnership_identityprovider_change", args=[provider.pk])).content.decode()
    assert 'value="POLICE"' in page and SECRET not in page
    listing = client.get(reverse("admin:partnership_identityprovider_changelist")).content.decode()
    assert SECRET not in listing and "icon-yes" in listing
