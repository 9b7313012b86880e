"""Security events are logged with time, actor, object, outcome and address, and nothing secret."""
import json
import logging

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from merton_qa.logging import JsonFormatter
from tests.factories import ActionFactory
from tests.reviews.conftest import PSEUDONYM

PASSWORD = "correct-horse-battery-staple"  # tests.factories.UserFactory
ADDRESS = "203.0.113.9"


@pytest.fixture
def events(caplog):
    """The security log's lines as the production formatter writes them (JSON), parsed back."""
    caplog.set_level(logging.INFO, logger="security")

    def lines():
        formatter = JsonFormatter()
        return [json.loads(formatter.format(r)) for r in caplog.records if r.name == "security"]

    return lines


def everything_logged(caplog) -> str:
    formatter = JsonFormatter()
    return "\n".join(formatter.format(r) for r in caplog.records)


def one(events, name, outcome):
    found = [e for e in events() if e["event"] == name and e["outcome"] == outcome]
    assert found, f"no {name}/{outcome} event in {events()}"
    event = found[-1]
    assert event["time"] and event["address"] == ADDRESS
    return event


def client_from_address() -> Client:
    return Client(REMOTE_ADDR=ADDRESS)


def test_sign_in_success_is_logged_with_the_actor_and_no_password(agency_lead, events, caplog):
    client_from_address().post(reverse("partnership:sign-in"), {"username": agency_lead.email, "password": PASSWORD})
    event = one(events, "sign-in", "success")
    assert event["actor"] == str(agency_lead.pk)
    assert PASSWORD not in everything_logged(caplog)


def test_sign_in_failure_is_logged_without_the_password_typed(agency_lead, events, caplog):
    typed = "Wr0ng-but-secret-guess"
    client_from_address().post(reverse("partnership:sign-in"), {"username": agency_lead.email, "password": typed})
    event = one(events, "sign-in", "failure")
    assert event["actor"] == "anonymous"
    assert typed not in everything_logged(caplog)


def test_a_wrong_two_factor_code_is_logged_without_the_code(agency_lead, events, caplog, settings):
    settings.REQUIRE_2FA = True
    TOTPDevice.objects.create(user=agency_lead, name="Authenticator app", confirmed=True)
    client = client_from_address()
    client.post(reverse("partnership:sign-in"), {"username": agency_lead.email, "password": PASSWORD})
    client.post(reverse("partnership:two-factor-verify"), {"code": "123456"})
    event = one(events, "two-factor", "failure")
    assert event["actor"] == str(agency_lead.pk)
    assert "123456" not in everything_logged(caplog)


def test_a_forbidden_page_is_logged_as_access_denied(chair, events):
    client = client_from_address()
    client.force_login(chair)
    assert client.get(reverse("partnership:user-list")).status_code == 403
    event = one(events, "access-denied", "forbidden")
    assert event["actor"] == str(chair.pk) and event["object"] == "partnership:user-list()"


def test_another_agencys_record_is_logged_as_access_denied_with_its_reference(outsider, agency_lead, events):
    action = ActionFactory(owner_agency=agency_lead.agency)
    client = client_from_address()
    client.force_login(outsider)
    assert client.get(reverse("partnership:action-detail", args=[action.pk])).status_code == 404
    event = one(events, "access-denied", "not-found")
    assert event["actor"] == str(outsider.pk) and event["object"] == f"partnership:action-detail(pk={action.pk})"


def test_a_one_time_token_in_a_url_is_never_logged(db, events, caplog):
    token = "tok3n-that-must-not-leak"
    assert client_from_address().get(reverse("learning:booking", args=[token])).status_code == 404
    one(events, "access-denied", "not-found")
    assert token not in everything_logged(caplog)


def test_a_csv_download_is_logged(business_unit, events):
    client = client_from_address()
    client.force_login(business_unit)
    response = client.get(reverse("partnership:action-export"))
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    event = one(events, "download", "success")
    assert event["actor"] == str(business_unit.pk) and event["object"] == "partnership:action-export()"


def test_every_serious_incident_read_is_logged_without_the_child(reviews_member, notification, events, caplog):
    client = client_from_address()
    client.force_login(reviews_member)
    assert client.get(reverse("reviews:notification-detail", args=[notification.pk])).status_code == 200
    event = one(events, "serious-incident-view", "success")
    assert event["actor"] == str(reviews_member.pk)
    assert event["object"] == f"reviews.notification:{notification.pk}"
    assert PSEUDONYM not in everything_logged(caplog)


@pytest.mark.parametrize("name,kwargs", [
    ("partnership:password-reset-confirm", {"uidb64": "MTIz", "token": "c4x9zz-0123456789abcdef"}),
    ("partnership:invitation-accept", {"uidb64": "MTIz", "token": "c4x9zz-0123456789abcdef"}),
    ("learning:evaluate-post", {"token": "c4x9zz-0123456789abcdef"}),
])
def test_the_log_formatter_masks_one_time_link_tokens_in_any_line(name, kwargs):
    path = reverse(name, kwargs=kwargs)
    record = logging.LogRecord("django.request", logging.WARNING, __file__, 1, "Not Found: %s", (path,), None)
    record.request = f"<WSGIRequest: GET '{path}'>"
    line = JsonFormatter().format(record)
    assert "c4x9zz-0123456789abcdef" not in line and "[redacted]" in line
    assert "MTIz" not in line


def test_behind_a_proxy_the_logged_address_is_the_clients(agency_lead, events, settings):
    settings.PROXY_COUNT = 1
    # One proxy in front; the client tried to forge an address of its own in front of the real one.
    client = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=f"198.51.100.1, {ADDRESS}")
    client.post(reverse("partnership:sign-in"), {"username": agency_lead.email, "password": "wrong-password-1"})
    one(events, "sign-in", "failure")
    from axes.models import AccessAttempt

    assert AccessAttempt.objects.get().ip_address == ADDRESS  # and the lockout counts the same address


def test_without_a_proxy_a_forwarded_header_is_ignored(agency_lead, events):
    client = Client(REMOTE_ADDR=ADDRESS, HTTP_X_FORWARDED_FOR="198.51.100.1")
    client.post(reverse("partnership:sign-in"), {"username": agency_lead.email, "password": "wrong-password-1"})
    one(events, "sign-in", "failure")
