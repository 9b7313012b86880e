"""The sign-in backend (partnership.backends): the person is read with their agency, sessions signed in under
Django's ModelBackend before it still read the person, and a wrong password is checked once."""
from django.contrib.auth import BACKEND_SESSION_KEY, authenticate, user_login_failed
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from partnership import backends
from partnership.models import User

PASSWORD = "correct-horse-battery-staple"


def test_the_person_is_read_with_their_agency(agency_lead):
    person = backends.PersonWithAgencyBackend().get_user(agency_lead.pk)
    with CaptureQueriesContext(connection) as queries:
        assert person.agency == agency_lead.agency
    assert not queries.captured_queries


def test_signing_in_names_this_backend_and_a_session_from_before_it_still_reads_the_person(agency_lead):
    agency_lead.set_password(PASSWORD)
    agency_lead.save()
    signed_in = authenticate(RequestFactory().post("/"), username=agency_lead.email, password=PASSWORD)
    assert signed_in == agency_lead and signed_in.backend == backends.PATH
    client = Client()
    client.force_login(agency_lead, backend="django.contrib.auth.backends.ModelBackend")
    assert client.session[BACKEND_SESSION_KEY] == "django.contrib.auth.backends.ModelBackend"
    assert client.get(reverse("home")).context["user"] == agency_lead


def test_a_wrong_password_is_checked_once_and_fails_once(agency_lead, monkeypatch):
    agency_lead.set_password(PASSWORD)
    agency_lead.save()
    checks, failures = [], []
    check = User.check_password
    monkeypatch.setattr(User, "check_password", lambda self, raw: checks.append(raw) or check(self, raw))
    user_login_failed.connect(receiver := lambda sender, credentials, **kwargs: failures.append(credentials))
    try:
        assert authenticate(RequestFactory().post("/"), username=agency_lead.email, password="wrong") is None
    finally:
        user_login_failed.disconnect(receiver)
    assert checks == ["wrong"] and len(failures) == 1
