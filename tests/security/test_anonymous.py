"""Every page of every app sends an anonymous visitor to sign in, except a short public allowlist.

Generated from the URL conf (tests/security/urlconf.py): a new page is walked without being listed here.
"""
from contextlib import contextmanager

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from .urlconf import APPS, DUMMY, converter_types, every_named_url, patterns_by_name, url_for, walk

PUBLIC = {
    "partnership:sign-in", "partnership:password-reset", "partnership:password-reset-confirm",
    "partnership:password-reset-complete", "partnership:invitation-accept", "partnership:two-factor-setup",
    "partnership:two-factor-verify", "partnership:accessibility", "partnership:privacy", "partnership:cookies",
    "healthz",
}
# Two-factor pages need a password-only session: anonymous visitors are sent to sign in there too, so
# they stay in the walk below; the allowlist is what may answer an anonymous visitor without signing in.
PUBLIC_ANSWERING = PUBLIC - {"partnership:two-factor-setup", "partnership:two-factor-verify"}
# Sign-out answers anyone's GET with 405 and anyone's POST by signing out: it needs no sign-in (a session
# that has already expired must still be able to press "Sign out").
SIGN_OUT = "partnership:sign-out"
# Learning and development's public pages: delegates are not users; they book, evaluate and download
# certificates with no account, through pages whose ids and tokens must exist (a dummy one is 404, and
# POST-only pages answer a GET with 405). tests/learning/test_access_matrix.py checks each of them.
LEARNING_PUBLIC = {
    "learning:sessions", "learning:session", "learning:book", "learning:booked", "learning:resend", "learning:confirm",
    "learning:booking", "learning:booking-cancel", "learning:certificate", "learning:approve",
    "learning:evaluate-pre", "learning:evaluate-post", "learning:evaluate-follow-up",
}
# A senior officer without an account signs a Section 11 return off by an emailed single-use link (a made-up
# token is 404). tests/section11/test_sign_off.py checks it.
LINK_PUBLIC = {"section11:sign-off-link"}
LEARNING_PUBLIC |= LINK_PUBLIC
# GOV.UK Notify's delivery receipts: no session, a bearer token instead (tests/partnership/test_notify.py checks its
# refusals); below, anonymous callers are refused before any record is looked up.
TOKEN_PUBLIC = {"partnership:notify-callback"}
# A work-account provider sends people back here before they are signed in: without a sign-in under way in the
# session it sends to sign in, looking nothing up (tests/partnership/test_work_accounts.py checks the rest).
RETURN_PUBLIC = {"partnership:work-account-callback"}
TOKEN_PUBLIC |= RETURN_PUBLIC
GUARDED = [u for u in every_named_url()
           if u[0] not in PUBLIC_ANSWERING | LEARNING_PUBLIC | TOKEN_PUBLIC | {SIGN_OUT}]
SIGN_IN = reverse("partnership:sign-in")


@contextmanager
def no_record_looked_up():
    """No query but the session's (section 11 keeps an anonymous POST's typed answer there for after sign-in)."""
    with CaptureQueriesContext(connection) as captured:
        yield
    lookups = [q["sql"] for q in captured.captured_queries
               if "django_session" not in q["sql"] and "SAVEPOINT" not in q["sql"]]
    assert not lookups, lookups


def test_the_walk_covers_every_app_and_fills_every_converter():
    names = {name for name, _ in walk()}
    for app in APPS[1:]:
        assert any(name.startswith(f"{app}:") for name in names), f"no pattern of {app} walked"
    assert {"home", "partnership:action-detail", "partnership:user-deactivate", "partnership:export-download",
            "partnership:sign-in", "reviews:notification-detail", "learning:booking"} <= names
    assert PUBLIC | LEARNING_PUBLIC | TOKEN_PUBLIC | {SIGN_OUT} <= names  # the allowlist names real pages
    for name, pattern in walk():
        assert set(converter_types(pattern).values()) <= set(DUMMY), f"{name}: a converter with no dummy value"


@pytest.mark.parametrize("name,url", GUARDED, ids=[name for name, _ in GUARDED])
def test_anonymous_get_is_sent_to_sign_in_before_any_lookup(client, db, name, url):
    with no_record_looked_up():  # no record is looked up (or its existence revealed) first
        response = client.get(url)
    assert response.status_code == 302, f"{name} ({url}) answered {response.status_code} to an anonymous visitor"
    assert response.url.startswith(SIGN_IN + "?next="), response.url


@pytest.mark.parametrize("name,url", GUARDED, ids=[name for name, _ in GUARDED])
def test_anonymous_post_is_sent_to_sign_in_before_any_lookup(client, db, name, url):
    client.handler.enforce_csrf_checks = False
    with no_record_looked_up():
        response = client.post(url, {"title": "x", "agency": "1", "status": "closed"})
    assert response.status_code == 302, f"{name} ({url}) answered {response.status_code} to an anonymous POST"
    assert response.url.startswith(SIGN_IN)


def test_the_django_admin_sends_an_anonymous_visitor_to_the_services_sign_in(client, db):
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain and response.redirect_chain[-1][0].startswith(SIGN_IN)
    assert client.get("/admin/partnership/user/1/change/").status_code == 302


@pytest.mark.parametrize("name", sorted(LEARNING_PUBLIC))
def test_learning_public_pages_never_send_to_sign_in(client, db, name):
    response = client.get(url_for(name, patterns_by_name()[name]))
    assert response.status_code in (200, 404, 405)


def test_sign_out_answers_an_anonymous_get_with_405_and_a_post_with_sign_in(client, db):
    assert client.get(reverse(SIGN_OUT)).status_code == 405
    response = client.post(reverse(SIGN_OUT))
    assert response.status_code == 302
    assert response.url == SIGN_IN


@pytest.mark.parametrize("name", sorted(PUBLIC_ANSWERING))
def test_public_pages_answer_without_signing_in(client, db, name):
    response = client.get(url_for(name, patterns_by_name()[name]))
    assert response.status_code in (200, 302)
    if response.status_code == 302:  # a one-time link with a dummy token goes to its own form, not to sign in
        assert not response.url.startswith(SIGN_IN)


@pytest.mark.parametrize("name", sorted(RETURN_PUBLIC))
def test_a_providers_return_without_a_sign_in_under_way_is_sent_to_sign_in_before_any_lookup(client, db, name):
    url = url_for(name, patterns_by_name()[name])
    with no_record_looked_up():
        response = client.get(url + "?code=a-code&state=a-state")
        assert response.status_code == 302 and response.url == SIGN_IN
        client.handler.enforce_csrf_checks = True
        assert client.post(url, {"code": "a-code", "state": "a-state"}).status_code in (403, 405)
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("name", sorted(TOKEN_PUBLIC - RETURN_PUBLIC))
def test_token_pages_refuse_an_anonymous_caller_before_any_lookup(client, db, settings, name):
    settings.NOTIFY_CALLBACK_TOKEN = "the-configured-token"
    url = url_for(name, patterns_by_name()[name])
    client.handler.enforce_csrf_checks = True
    with no_record_looked_up():
        assert client.get(url).status_code == 405
        response = client.post(url, {"id": "1", "status": "delivered"})
        assert response.status_code == 401
        response = client.post(url, "{}", content_type="application/json", HTTP_AUTHORIZATION="Bearer guess")
        assert response.status_code == 401
