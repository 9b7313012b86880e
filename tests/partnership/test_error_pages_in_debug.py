"""The demo runs with DEBUG on: it still shows the service's own 404 and 500 pages, never Django's list of URL
patterns or a trace (partnership.middleware.HouseErrorPagesMiddleware)."""
import re
from unittest import mock

import pytest
from django.test import Client
from django.urls import reverse


def h1(response) -> str:
    match = re.search(r"<h1[^>]*>(.*?)</h1>", response.content.decode(), re.S)
    return " ".join(match.group(1).split()) if match else ""


@pytest.fixture
def debug_on(settings):
    settings.DEBUG = True
    settings.DEBUG_ERROR_PAGES = False
    return settings


@pytest.mark.parametrize("signed_in", [False, True])
def test_an_unknown_address_shows_the_house_page_not_found_with_debug_on(debug_on, agency_lead, signed_in):
    client = Client()
    if signed_in:
        client.force_login(agency_lead)
    response = client.get("/no-such-page/")
    page = response.content.decode()
    assert response.status_code == 404
    assert h1(response) == "Page not found"
    assert "govuk-template" in page
    assert "URLconf" not in page and "DEBUG = True" not in page and "admin/" not in page


def test_a_404_raised_by_a_view_shows_the_house_page_with_debug_on(debug_on, client_for, agency_lead):
    response = client_for(agency_lead).get("/actions/999999/")
    assert response.status_code == 404
    assert h1(response) == "Page not found"
    assert "Raised by" not in response.content.decode()


def test_a_missing_slash_is_still_added_with_debug_on(debug_on, client_for, agency_lead):
    response = client_for(agency_lead).get("/actions")
    assert response.status_code == 301 and response["Location"] == "/actions/"


def test_a_fault_shows_the_house_500_page_with_a_reference_with_debug_on(debug_on, agency_lead):
    client = Client(raise_request_exception=False)
    client.force_login(agency_lead)
    with mock.patch("merton_qa.views.dashboard.for_user", side_effect=RuntimeError("secret-internal-detail")):
        response = client.get(reverse("home"))
    page = response.content.decode()
    assert response.status_code == 500
    assert re.search(r"data-error-reference>[0-9A-F]{10}<", page)
    assert "secret-internal-detail" not in page and "Traceback" not in page


def test_a_developer_can_ask_for_djangos_pages(debug_on, client):
    debug_on.DEBUG_ERROR_PAGES = True
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "URLconf" in response.content.decode()
