"""Links in emails come from SITE_URL, never the request's Host header; password reset cannot be used to flood an
inbox or to learn who has an account."""
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from partnership.models import EmailMessage, OutboxMessage, Role, User

from .urlconf import APPS

EVIL = "evil.example"
# Where the request's own host may be used, and why it is safe there.
HOST_USES = {
    "partnership/pdf.py": "the base address WeasyPrint resolves static files against; its fetcher serves only "
                          "the app's own static files, whatever the host",
    "partnership/views/auth.py": "checking that a `next` address is on this site (never written anywhere)",
}


def test_no_module_builds_an_address_from_the_requests_host():
    """Generated from the apps' source: a new email or letter cannot take its links from the Host header."""
    root = Path(settings.BASE_DIR)
    found = set()
    for app in (*APPS, "merton_qa"):
        for path in (root / app).rglob("*.py"):
            if re.search(r"build_absolute_uri|get_host\(\)|META\[.HTTP_HOST|headers\[.Host", path.read_text()):
                found.add(str(path.relative_to(root)))
    assert found <= set(HOST_USES), f"addresses built from the request's host in: {sorted(found - set(HOST_USES))}"


@pytest.fixture
def any_host(settings):
    settings.ALLOWED_HOSTS = ["*"]  # as behind a proxy that passes any Host through


def test_reset_and_invitation_links_ignore_a_forged_host(any_host, business_unit, agency_lead, police,
                                                         django_capture_on_commit_callbacks):
    forged = {"HTTP_HOST": EVIL}
    invitee = {"email": "new@police.example.org", "full_name": "Nia Patel", "job_title": "", "agency": police.pk,
               "roles": [Role.AGENCY_CONTRIBUTOR]}
    with django_capture_on_commit_callbacks(execute=True):
        Client(**forged).post(reverse("partnership:password-reset"), {"email": agency_lead.email})
        staff = Client(**forged)
        staff.force_login(business_unit)
        staff.post(reverse("partnership:user-invite"), invitee)
        invited = User.objects.get(email="new@police.example.org")
        staff.post(reverse("partnership:user-reinvite", args=[invited.pk]))
    emails = list(EmailMessage.objects.all())
    assert len(emails) >= 2, [e.subject for e in emails]
    for email in emails:
        assert EVIL not in email.body_text + email.body_html, email.subject
        assert settings.SITE_URL in email.body_text, email.subject


def reset(client: Client, email: str):
    return client.post(reverse("partnership:password-reset"), {"email": email})


def test_at_most_one_reset_email_per_account_in_15_minutes(agency_lead, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(3):
            reset(Client(REMOTE_ADDR=f"192.0.2.{n + 1}"), agency_lead.email.upper())
    assert EmailMessage.objects.filter(to=agency_lead.email).count() == 1


def test_reset_requests_from_one_address_are_limited(agency_lead, reader, django_capture_on_commit_callbacks):
    client = Client(REMOTE_ADDR="203.0.113.5")
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(settings.PASSWORD_RESET_ADDRESS_LIMIT):
            reset(client, f"nobody{n}@example.org")
        answer = reset(client, reader.email)
    assert answer.status_code == 200 and "Check your email" in answer.content.decode()
    assert not EmailMessage.objects.filter(to=reader.email).exists()
    with django_capture_on_commit_callbacks(execute=True):
        reset(Client(REMOTE_ADDR="198.51.100.5"), reader.email)  # elsewhere, the owner still can
    assert EmailMessage.objects.filter(to=reader.email).count() == 1


def test_a_known_and_an_unknown_address_get_the_same_answer_and_the_same_work(agency_lead):
    def answer(email, address):
        with CaptureQueriesContext(connection) as queries:
            response = reset(Client(REMOTE_ADDR=address), email)
        text = re.sub(r'(name="csrfmiddlewaretoken" value|nonce)="[^"]+"', "", response.content.decode())
        return response.status_code, text.replace(email, "EMAIL"), len(queries)

    known = answer(agency_lead.email, "192.0.2.10")
    unknown = answer("nobody-at-all@example.org", "192.0.2.11")
    assert known == unknown
    assert OutboxMessage.objects.filter(task="partnership.password_reset_send").count() == 2
