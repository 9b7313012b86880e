"""Generated: a password alone never attaches an authenticator (issue 17, "2FA enrolment proof").

A session signed in with a password, for an account with no authenticator, requests every named URL of the URL
conf (GET and POST) and the set-up page with a made-up code: no device is confirmed, and the only device that may
exist is the unconfirmed one the set-up page would show after the proof. A new page that sets one up is covered
without being listed here.
"""
import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

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
