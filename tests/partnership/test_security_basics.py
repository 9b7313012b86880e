"""Security headers, and every page but the public ones needs a signed-in person."""
import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse


def csp_directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


def test_signed_in_page_sends_the_security_headers(client_for, agency_lead):
    response = client_for(agency_lead).get(reverse("home"))
    assert response.status_code == 200
    csp = csp_directives(response)
    script_src = csp["script-src"]
    nonces = [s for s in script_src if s.startswith("'nonce-")]
    assert len(nonces) == 1
    assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src
    assert "'unsafe-inline'" not in csp.get("style-src", [])
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["object-src"] == ["'none'"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] in ("same-origin", "strict-origin-when-cross-origin", "no-referrer")
    assert response["X-Frame-Options"] == "DENY"
    assert "no-store" in response["Cache-Control"]


def test_every_inline_script_carries_the_nonce_of_its_response(client_for, agency_lead):
    response = client_for(agency_lead).get(reverse("home"))
    nonce = next(s for s in csp_directives(response)["script-src"] if s.startswith("'nonce-"))[7:-1]
    scripts = re.findall(r"<script\b[^>]*>", response.content.decode())
    assert scripts
    for tag in scripts:
        assert f'nonce="{nonce}"' in tag or "src=" in tag
    # A fresh nonce on each response.
    again = client_for(agency_lead).get(reverse("home"))
    assert next(s for s in csp_directives(again)["script-src"] if s.startswith("'nonce-"))[7:-1] != nonce


@pytest.mark.parametrize("name", ["partnership:action-list", "partnership:user-list", "partnership:export-list"])
def test_every_signed_in_page_is_not_stored_by_caches(client_for, business_unit, name):
    response = client_for(business_unit).get(reverse(name))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_csv_download_for_a_signed_in_person_is_not_stored(client_for, business_unit):
    response = client_for(business_unit).get(reverse("partnership:action-export"))
    assert "no-store" in response["Cache-Control"]


def test_error_pages_for_a_signed_in_person_are_not_stored(client_for, chair):
    response = client_for(chair).get(reverse("partnership:user-list"))
    assert response.status_code == 403
    assert "no-store" in response["Cache-Control"]


def test_public_page_sends_csp_and_nosniff_too(client, db):
    response = client.get(reverse("partnership:sign-in"))
    assert csp_directives(response)["frame-ancestors"] == ["'none'"]
    assert response["X-Content-Type-Options"] == "nosniff"


def test_session_and_csrf_cookies_are_http_only_and_same_site(db, agency_lead):
    from django.test import Client

    client = Client()
    client.get(reverse("partnership:sign-in"))
    response = client.post(reverse("partnership:sign-in"),
                           {"username": agency_lead.email, "password": "correct-horse-battery-staple"})
    session = response.cookies["sessionid"]
    assert session["httponly"]
    assert session["samesite"] == "Lax"


# --- Every page needs signing in, except the public allowlist --------------------------------------------

PUBLIC = {
    "partnership:sign-in", "partnership:password-reset", "partnership:password-reset-confirm",
    "partnership:password-reset-complete", "partnership:invitation-accept", "partnership:two-factor-setup",
    "partnership:two-factor-verify", "partnership:accessibility", "partnership:privacy", "partnership:cookies",
    "healthz",
}
# Two-factor pages need a password-only session: anonymous visitors are sent to sign in there too, so
# they stay in the walk below; the allowlist is what may answer an anonymous visitor without signing in.
PUBLIC_ANSWERING = PUBLIC - {"partnership:two-factor-setup", "partnership:two-factor-verify"}
DUMMY = {"int": 1, "string": "dummy", "slug": "dummy", "uuid": "00000000-0000-0000-0000-000000000001",
         "path": "dummy/path"}


def _walk(patterns, namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            if entry.app_name == "admin":
                continue  # the admin has its own guard: see test_views_pages
            ns = entry.namespace or ""
            yield from _walk(entry.url_patterns, f"{namespace}{ns}:" if ns else namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", entry


def _url_for(name: str, pattern: URLPattern) -> str:
    converters = getattr(pattern.pattern, "converters", {})
    kwargs = {key: DUMMY[type(conv).__name__.replace("Converter", "").lower()] for key, conv in converters.items()}
    return reverse(name, kwargs=kwargs)


def every_named_url() -> list[tuple[str, str]]:
    return sorted({(name, _url_for(name, pattern)) for name, pattern in _walk(get_resolver().url_patterns)})


# Sign-out answers anyone's GET with 405 and anyone's POST by signing out: it needs no sign-in (a session
# that has already expired must still be able to press "Sign out").
SIGN_OUT = "partnership:sign-out"
# Learning and development's public pages: delegates are not users; they book, evaluate and download
# certificates with no account, through pages whose ids and tokens must exist (a dummy one is 404, and
# POST-only pages answer a GET with 405). tests/learning/test_access_matrix.py checks each of them.
LEARNING_PUBLIC = {
    "learning:sessions", "learning:session", "learning:book", "learning:booked", "learning:resend",
    "learning:booking", "learning:booking-cancel", "learning:certificate", "learning:approve",
    "learning:evaluate-pre", "learning:evaluate-post", "learning:evaluate-follow-up",
}
GUARDED = [u for u in every_named_url() if u[0] not in PUBLIC_ANSWERING | LEARNING_PUBLIC | {SIGN_OUT}]


@pytest.mark.parametrize("name", sorted(LEARNING_PUBLIC))
def test_learning_public_pages_never_send_to_sign_in(client, db, name):
    pattern = dict(_walk(get_resolver().url_patterns))[name]
    response = client.get(_url_for(name, pattern))
    assert response.status_code in (200, 404, 405)


def test_sign_out_answers_an_anonymous_get_with_405_and_a_post_with_sign_in(client, db):
    assert client.get(reverse(SIGN_OUT)).status_code == 405
    response = client.post(reverse(SIGN_OUT))
    assert response.status_code == 302
    assert response.url == reverse("partnership:sign-in")


def test_the_walk_finds_the_partnership_pages():
    names = {name for name, _ in every_named_url()}
    assert {"home", "partnership:action-detail", "partnership:user-deactivate", "partnership:export-download",
            "partnership:sign-in"} <= names
    assert PUBLIC <= names  # the allowlist names real pages


@pytest.mark.parametrize("name,url", GUARDED, ids=[name for name, _ in GUARDED])
def test_anonymous_get_is_sent_to_sign_in(client, db, name, url):
    response = client.get(url)
    assert response.status_code == 302, f"{name} ({url}) answered {response.status_code} to an anonymous visitor"
    assert response.url.startswith(reverse("partnership:sign-in") + "?next="), response.url


@pytest.mark.parametrize("name,url", GUARDED, ids=[name for name, _ in GUARDED])
def test_anonymous_post_is_sent_to_sign_in(client, db, name, url):
    client.handler.enforce_csrf_checks = False
    response = client.post(url, {})
    assert response.status_code == 302, f"{name} ({url}) answered {response.status_code} to an anonymous POST"
    assert response.url.startswith(reverse("partnership:sign-in"))


@pytest.mark.parametrize("name", sorted(PUBLIC_ANSWERING))
def test_public_pages_answer_without_signing_in(client, db, name):
    pattern = dict(_walk(get_resolver().url_patterns))[name]
    response = client.get(_url_for(name, pattern))
    assert response.status_code in (200, 302)
    if response.status_code == 302:  # a one-time link with a dummy token goes to its own form, not to sign in
        assert not response.url.startswith(reverse("partnership:sign-in"))
