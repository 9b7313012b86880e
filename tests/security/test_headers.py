"""The security headers on every kind of response: pages, errors (403, 404, 405, 500, 503), downloads (CSV,
PDF, a delegate's public PDF) and public pages; HSTS with production settings."""
from unittest import mock

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse

from partnership.models import ReportExport
from partnership.services import exports
from tests.factories import ActionFactory

KIND = "test-security-pdf"
PDF = b"%PDF-1.7\n% a tiny stand-in\n"


def csp(response) -> dict[str, list[str]]:
    directives = {}
    for part in response["Content-Security-Policy"].split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


def assert_security_headers(response, *, no_store: bool):
    policy = csp(response)
    assert "'unsafe-inline'" not in policy["script-src"] and "'unsafe-eval'" not in policy["script-src"]
    assert "'unsafe-inline'" not in policy.get("default-src", [])
    assert policy["frame-ancestors"] == ["'none'"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    policy = dict(part.strip().split("=", 1) for part in response["Permissions-Policy"].split(","))
    assert {"camera", "microphone", "geolocation", "payment", "usb"} <= set(policy)
    assert set(policy.values()) == {"()"}, "every feature named is switched off"
    if no_store:
        assert "no-store" in response.get("Cache-Control", ""), response.get("Cache-Control")


@pytest.fixture
def ready_pdf(business_unit):
    exports.register_export(KIND, title="Security test PDF")(lambda parameters: ("test.pdf", PDF))
    export = ReportExport.objects.create(kind=KIND, requested_by=business_unit, status=ReportExport.Status.READY,
                                         filename="test.pdf")
    export.file.save("test.pdf", ContentFile(PDF))
    yield export
    exports._REGISTRY.pop(KIND, None)


def signed_in(user) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def test_signed_in_page_403_404_and_405_all_carry_the_headers_and_no_store(business_unit, chair, outsider):
    action = ActionFactory()
    responses = {
        200: signed_in(business_unit).get(reverse("partnership:action-detail", args=[action.pk])),
        403: signed_in(chair).get(reverse("partnership:user-list")),
        404: signed_in(outsider).get(reverse("partnership:action-detail", args=[action.pk])),
        405: signed_in(business_unit).get(reverse("partnership:export-create")),
    }
    for status, response in responses.items():
        assert response.status_code == status
        assert_security_headers(response, no_store=True)


def test_a_500_carries_the_headers_and_no_store(agency_lead):
    with mock.patch("merton_qa.views.dashboard.for_user", side_effect=RuntimeError("boom")):
        response = signed_in(agency_lead).get(reverse("home"))
    assert response.status_code == 500
    assert_security_headers(response, no_store=True)


def test_an_unknown_address_404_for_an_anonymous_visitor_carries_the_headers(client, db):
    response = client.get("/no-such-page-at-all/")
    assert response.status_code == 404
    assert_security_headers(response, no_store=False)


def test_csv_download_carries_the_headers_and_no_store(business_unit):
    response = signed_in(business_unit).get(reverse("partnership:action-export"))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert_security_headers(response, no_store=True)


def test_pdf_download_carries_the_headers_and_no_store(business_unit, ready_pdf):
    response = signed_in(business_unit).get(reverse("partnership:export-download", args=[ready_pdf.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert_security_headers(response, no_store=True)


@pytest.mark.parametrize("name", ["partnership:sign-in", "partnership:accessibility", "learning:sessions",
                                  "partnership:password-reset"])
def test_public_pages_carry_the_headers(client, db, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert_security_headers(response, no_store=False)


def test_any_download_is_not_stored_even_for_an_anonymous_delegate(db):
    """A delegate's certificate is reached by a one-time link, with no account: still never cached."""
    from django.http import HttpResponse

    from partnership.middleware import NoStoreForSignedInMiddleware

    def attachment(request):
        response = HttpResponse(PDF, content_type="application/pdf")
        response["Content-Disposition"] = 'attachment; filename="certificate.pdf"'
        return response

    from django.contrib.auth.models import AnonymousUser
    from django.test import RequestFactory

    request = RequestFactory().get("/learning/my/token/certificate/")
    request.user = AnonymousUser()
    response = NoStoreForSignedInMiddleware(attachment)(request)
    assert "no-store" in response["Cache-Control"]


def test_hsts_is_sent_over_https_with_production_settings(settings, db):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    response = Client().get(reverse("partnership:sign-in"), secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"



def test_production_settings_send_a_year_of_hsts_over_https_only():
    """The settings as production loads them (DEBUG off, not under pytest): HSTS a year, HTTPS redirect."""
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTEST_VERSION", "PYTEST_CURRENT_TEST", "SECURE_HSTS_SECONDS", "SECURE_SSL_REDIRECT")}
    env.update(DEBUG="false", SECRET_KEY="x" * 50, ALLOWED_HOSTS="qa.example.org", DJANGO_SETTINGS_MODULE=
               "merton_qa.settings")
    code = ("from django.conf import settings as s; print(s.SECURE_HSTS_SECONDS, s.SECURE_SSL_REDIRECT, "
            "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_INCLUDE_SUBDOMAINS)")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["31536000", "True", "True", "True", "True"]
