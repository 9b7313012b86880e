"""Security headers. Every page needing a signed-in person: tests/security/test_anonymous.py."""
import re

import pytest
from django.urls import reverse


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
