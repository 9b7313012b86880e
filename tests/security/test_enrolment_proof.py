"""Generated: a password alone never attaches an authenticator (issue 17, "2FA enrolment proof").

A session signed in with a password, for an account with no authenticator, requests every named URL of the URL
conf (GET and POST) and the set-up page with a made-up code: no device is confirmed, and the only device that may
exist is the unconfirmed one the set-up page would show after the proof. A new page that sets one up is covered
without being listed here.

The emailed code's tries and emails are counted per account as well as per session, so new sessions buy nothing.
"""
import re

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from partnership import enrolment
from tests.partnership.test_views_auth import sign_in

from .urlconf import every_named_url

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("method", ["get", "post"])
def test_no_page_sets_up_an_authenticator_on_a_password_alone(agency_lead, settings, method):
    settings.REQUIRE_2FA = True
    client = Client(enforce_csrf_checks=False)
    assert sign_in(client, agency_lead).status_code == 302
    for name, url in every_named_url():
        if name == "partnership:sign-out":  # it would end the session the walk runs in
            continue
        getattr(client, method)(url, {"code": "123456"} if method == "post" else None)
    assert not TOTPDevice.objects.filter(user=agency_lead).exists()
    page = client.get(reverse("partnership:two-factor-setup")).content.decode()
    assert "<svg" not in page and "Check your email" in page


def _new_session(user):
    client = Client()
    assert sign_in(client, user).status_code == 302
    return client


def _emails_to(user) -> int:
    from partnership.models import EmailMessage

    return EmailMessage.objects.filter(to=user.email, subject__contains="two-factor").count()


def test_new_sessions_get_no_more_emails_than_the_account_allows(agency_lead, settings):
    """Someone with the password opening session after session: the account's emails are counted, not the
    session's."""
    settings.REQUIRE_2FA = True
    setup = reverse("partnership:two-factor-setup")
    for _ in range(enrolment.ACCOUNT_CODES + 2):
        _new_session(agency_lead).get(setup)
    assert _emails_to(agency_lead) == enrolment.ACCOUNT_CODES
    page = _new_session(agency_lead).post(setup, {"resend": "1"}, follow=True).content.decode()
    assert "codes for this account in the last hour" in page
    assert _emails_to(agency_lead) == enrolment.ACCOUNT_CODES


def _latest_code(user) -> str:
    from partnership.models import EmailMessage

    email = EmailMessage.objects.filter(to=user.email, subject__contains="two-factor").latest("pk")
    return re.search(r"^(\d{6})$", email.body_text, re.M).group(1)


def test_new_sessions_get_no_more_guesses_than_the_account_allows(agency_lead, settings):
    settings.REQUIRE_2FA = True
    setup = reverse("partnership:two-factor-setup")
    tried = 0
    while tried < enrolment.ACCOUNT_TRIES:  # a fresh session each time its own 5 tries run out
        client = _new_session(agency_lead)
        client.get(setup)
        wrong = f"{(int(_latest_code(agency_lead)) + 1) % 1_000_000:06d}"
        for _ in range(min(enrolment.TRIES, enrolment.ACCOUNT_TRIES - tried)):
            assert "The code is not right" in client.post(setup, {"code": wrong}).content.decode()
            tried += 1
    client = _new_session(agency_lead)
    client.get(setup)
    page = client.post(setup, {"code": _latest_code(agency_lead)}).content.decode()  # even the right code
    assert "Too many codes have been tried for this account" in page
    assert "<svg" not in client.get(setup).content.decode()
    assert not TOTPDevice.objects.filter(user=agency_lead).exists()
