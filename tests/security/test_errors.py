"""Errors fail closed and generic: a reference instead of a trace; the database down gives 503."""
import logging
import re
from unittest import mock

import pytest
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import Client
from django.urls import reverse


def _quiet_client(user=None) -> Client:
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    return client


def test_a_server_error_shows_a_reference_that_is_in_the_log_and_no_trace(agency_lead, caplog):
    client = _quiet_client(agency_lead)
    with mock.patch("merton_qa.views.dashboard.for_user", side_effect=RuntimeError("secret-internal-detail")):
        with caplog.at_level(logging.ERROR):
            response = client.get(reverse("home"))
    assert response.status_code == 500
    page = response.content.decode()
    reference = re.search(r"data-error-reference>([0-9A-F]{10})<", page).group(1)
    assert "secret-internal-detail" not in page and "Traceback" not in page and "RuntimeError" not in page
    logged = [r for r in caplog.records if getattr(r, "reference", None) == reference]
    assert logged and logged[0].exc_info is not None  # the trace is in the log, under the same reference
    assert "no-store" in response["Cache-Control"]


def test_each_server_error_gets_its_own_reference(agency_lead):
    client = _quiet_client(agency_lead)
    with mock.patch("merton_qa.views.dashboard.for_user", side_effect=RuntimeError("boom")):
        pages = [client.get(reverse("home")).content.decode() for _ in range(2)]
    first, second = (re.search(r"data-error-reference>(\w+)<", page).group(1) for page in pages)
    assert first != second


def _database_down():
    return mock.patch.object(BaseDatabaseWrapper, "ensure_connection",
                             side_effect=OperationalError("connection refused"))


# Signed in (the session itself is in the database), and the public course list read anonymously.
@pytest.mark.parametrize("url_name,signed_in", [
    ("home", True), ("partnership:action-list", True), ("learning:sessions", False),
])
def test_database_down_answers_503_with_retry_after_and_the_unavailable_page(agency_lead, signed_in, url_name):
    client = _quiet_client(agency_lead if signed_in else None)
    with _database_down():
        response = client.get(reverse(url_name))
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    page = response.content.decode()
    assert "Sorry, the service is unavailable" in page
    assert "connection refused" not in page and "OperationalError" not in page
    # Still carries the security headers.
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "camera=()" in response["Permissions-Policy"]
    assert "no-store" in response["Cache-Control"]


def test_database_down_on_a_post_also_answers_503(agency_lead):
    client = _quiet_client(agency_lead)
    with _database_down():
        response = client.post(reverse("partnership:action-create"), {"title": "x"})
    assert response.status_code == 503


def test_health_check_reports_the_database_down_as_503(db):
    with _database_down():
        response = _quiet_client().get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"


def test_when_the_error_page_itself_fails_a_plain_page_still_gives_the_reference(agency_lead, caplog):
    client = _quiet_client(agency_lead)
    with mock.patch("merton_qa.views.dashboard.for_user", side_effect=RuntimeError("boom")), \
            mock.patch("merton_qa.views.render", side_effect=RuntimeError("navigation broken")):
        with caplog.at_level(logging.ERROR):
            response = client.get(reverse("home"))
    assert response.status_code == 500
    page = response.content.decode()
    reference = re.search(r"data-error-reference>([0-9A-F]{10})<", page).group(1)
    assert "Sorry, there is a problem with the service" in page and "navigation broken" not in page
    assert any(getattr(r, "reference", None) == reference for r in caplog.records)
