"""Generated: every view that checks a password is under the sign-in lockout (issue 17, `partnership/lockout.py`).

Every URL of the URL conf, and the admin's login, is posted to signed out with a username and a wrong password while
`django.contrib.auth` is watched: the views that authenticate a password (the `user_login_failed` signal that
`authenticate()` sends) must be exactly PASSWORD_VIEWS, and no view may check a password any other way (a
`check_password` outside `authenticate()` would bypass django-axes). Each of PASSWORD_VIEWS is then held to every
rule: letter-case and space variants of a username count together; a success clears only that account's failures;
the username and address pair locks at AXES_FAILURE_LIMIT; an address locks for every account at the separate and
higher SIGN_IN_ADDRESS_FAILURE_LIMIT; failures from many addresses never lock the owner out; the lockout ends after
AXES_COOLOFF_TIME; and the 429 page is the clear one (registration/locked_out.html, saying how long to wait).
"""
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import signals
from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import F
from django.test import Client
from django.urls import reverse

from tests.partnership.test_views_auth import PASSWORD, signed_in_user_id

from .urlconf import url_for, walk

pytestmark = pytest.mark.django_db

PASSWORD_VIEWS = ["partnership:sign-in"]
POSTED = {"username": "someone@example.org", "password": "wrong-password", "email": "someone@example.org",
          "login": "someone@example.org", "old_password": "wrong-password"}


def every_signed_out_post() -> list[tuple[str, str]]:
    urls = [(name, url_for(name, pattern)) for name, pattern in walk() if name != "partnership:sign-out"]
    return urls + [("admin:login", reverse("admin:login"))]


def test_the_views_that_check_a_password_are_exactly_those_held_to_the_rules(monkeypatch):
    current, authenticated, checked = [None], set(), set()

    def failed(sender, credentials, request=None, **kwargs):
        authenticated.add(current[0])

    real_check = AbstractBaseUser.check_password

    def check(self, raw):
        checked.add(current[0])
        return real_check(self, raw)

    monkeypatch.setattr(AbstractBaseUser, "check_password", check)
    signals.user_login_failed.connect(failed, dispatch_uid="test-sign-in-lockout")
    try:
        for name, url in every_signed_out_post():
            current[0] = name
            client = Client(raise_request_exception=False, REMOTE_ADDR=f"198.18.{len(checked)}.{len(authenticated)}")
            client.post(url, POSTED, follow=True)  # follow: a login that hands over to another page
    finally:
        signals.user_login_failed.disconnect(dispatch_uid="test-sign-in-lockout")
    assert "partnership:sign-in" in authenticated  # the watch works
    assert authenticated - {"admin:login"} == set(PASSWORD_VIEWS), sorted(authenticated)
    assert checked <= authenticated, f"these check a password outside authenticate(): {checked - authenticated}"


def url_of(view: str) -> str:
    return reverse(view)


def try_sign_in(client, view, username, password="wrong-password"):
    return client.post(url_of(view), {"username": username, "password": password})


def sign_in(client, view, user, password=PASSWORD):
    return try_sign_in(client, view, user.email, password)


def assert_clear_lockout_page(response, minutes=15):
    assert response.status_code == 429
    assert "registration/locked_out.html" in [t.name for t in response.templates]
    body = response.content.decode()
    assert f"You cannot sign in for {minutes} minutes" in body and "reset your password" in body


@pytest.fixture(params=PASSWORD_VIEWS)
def view(request):
    return request.param


def test_letter_case_and_spaces_count_as_one_account(view, agency_lead, settings):
    client = Client()
    email = agency_lead.email
    variants = [email.upper(), email.title(), f" {email} ", email.swapcase(), email.capitalize()]
    assert len(variants) == settings.AXES_FAILURE_LIMIT
    statuses = [try_sign_in(client, view, v).status_code for v in variants]
    assert statuses == [200] * (settings.AXES_FAILURE_LIMIT - 1) + [429]
    assert_clear_lockout_page(sign_in(client, view, agency_lead))


def one_failure_short(view, user, address="127.0.0.1") -> Client:
    client = Client(REMOTE_ADDR=address)
    for _ in range(4):
        assert sign_in(client, view, user, password="wrong-password").status_code == 200
    return client


def test_a_success_clears_only_that_accounts_failures(view, agency_lead, reader):
    client = one_failure_short(view, agency_lead, "203.0.113.9")
    assert sign_in(Client(REMOTE_ADDR="203.0.113.9"), view, reader).status_code == 302  # another, same address
    assert_clear_lockout_page(sign_in(client, view, agency_lead, password="wrong-password"))
    AccessAttempt.objects.all().delete()
    assert sign_in(one_failure_short(view, agency_lead), view, agency_lead).status_code == 302
    one_failure_short(view, agency_lead)  # four more failures without a lockout: its own success cleared them


def test_the_username_and_address_pair_locks_at_the_limit(view, agency_lead, settings):
    client = Client(REMOTE_ADDR="203.0.113.20")
    statuses = [sign_in(client, view, agency_lead, password="wrong-password").status_code
                for _ in range(settings.AXES_FAILURE_LIMIT)]
    assert statuses == [200] * (settings.AXES_FAILURE_LIMIT - 1) + [429]
    assert_clear_lockout_page(sign_in(client, view, agency_lead))  # the right password too
    assert signed_in_user_id(client) is None
    assert sign_in(Client(REMOTE_ADDR="198.51.100.7"), view, agency_lead).status_code == 302  # not elsewhere


def test_the_address_limit_is_separate_and_higher(view, agency_lead, settings):
    assert settings.SIGN_IN_ADDRESS_FAILURE_LIMIT > settings.AXES_FAILURE_LIMIT
    attacker = Client(REMOTE_ADDR="203.0.113.9")
    for n in range(settings.SIGN_IN_ADDRESS_FAILURE_LIMIT):  # a different account each time: no pair locks
        response = try_sign_in(attacker, view, f"guess{n}@example.org")
        assert response.status_code == (429 if n == settings.SIGN_IN_ADDRESS_FAILURE_LIMIT - 1 else 200), n
    assert_clear_lockout_page(sign_in(attacker, view, agency_lead))  # even the right password for a real account
    assert signed_in_user_id(attacker) is None
    assert sign_in(Client(REMOTE_ADDR="198.51.100.7"), view, agency_lead).status_code == 302


def test_failures_from_many_addresses_never_lock_the_owner_out(view, agency_lead):
    for n in range(10):
        sign_in(Client(REMOTE_ADDR=f"203.0.113.{n + 1}"), view, agency_lead, password="x")
    assert sign_in(Client(REMOTE_ADDR="198.51.100.7"), view, agency_lead).status_code == 302


def test_the_lockout_ends_after_the_cool_off(view, agency_lead):
    client = Client()
    for _ in range(5):
        sign_in(client, view, agency_lead, password="wrong-password")
    assert sign_in(client, view, agency_lead).status_code == 429
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=14, seconds=50))
    assert sign_in(client, view, agency_lead).status_code == 429  # ten seconds to go
    # Trying while locked starts the 15 minutes again (django-axes counts the attempt): the page says "wait".
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=15, seconds=1))
    assert sign_in(client, view, agency_lead).status_code == 302


def test_the_lockout_page_states_the_configured_wait(view, agency_lead, settings):
    settings.AXES_COOLOFF_TIME = timedelta(minutes=20)
    client = Client()
    for _ in range(5):
        response = sign_in(client, view, agency_lead, password="wrong-password")
    assert_clear_lockout_page(response, minutes=20)
