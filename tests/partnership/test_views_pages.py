"""Public pages, health, the error pages, the priority pages and who reaches the admin."""
import re

import pytest
from django.test import Client
from django.urls import reverse

from partnership.models import Role
from tests.factories import ActionFactory, PriorityFactory, UserFactory


def h1(response) -> str:
    match = re.search(r"<h1[^>]*>(.*?)</h1>", response.content.decode(), re.S)
    return " ".join(match.group(1).split()) if match else ""


@pytest.mark.parametrize("name,heading,section", [
    ("partnership:accessibility", "Accessibility statement", '<h2 class="govuk-heading-m">How accessible'),
    ("partnership:privacy", "Privacy notice", '<h2 class="govuk-heading-m">'),
    ("partnership:cookies", "Cookies", "Essential cookies</caption>"),
])
def test_public_pages_open_without_signing_in(client, db, name, heading, section):
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert h1(response) == heading
    html = response.content.decode()
    assert f"<title>{heading} – " in html
    assert section in html


@pytest.mark.parametrize("name", ["partnership:accessibility", "partnership:privacy", "partnership:cookies"])
def test_public_pages_also_open_when_signed_in(client_for, agency_lead, name):
    assert client_for(agency_lead).get(reverse(name)).status_code == 200


def test_healthz_reports_database_and_broker(client, db):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    data = response.json()
    assert data["database"] == "ok"
    assert "broker" in data
    assert data["status"] == "ok"


def test_healthz_answers_503_when_the_database_is_down(client, db, monkeypatch):
    class BrokenConnection:
        def cursor(self):
            raise OSError("connection refused")

    monkeypatch.setattr("merton_qa.views.connection", BrokenConnection())
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"
    assert response.json()["status"] == "unavailable"


def test_unknown_address_shows_the_govuk_page_not_found(client, db, settings):
    settings.DEBUG = False
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert h1(response) == "Page not found"
    assert "govuk-template" in response.content.decode()


def test_unknown_address_when_signed_in_shows_page_not_found(client_for, agency_lead, settings):
    settings.DEBUG = False
    response = client_for(agency_lead).get("/actions/999999/")
    assert response.status_code == 404
    assert h1(response) == "Page not found"


def test_refused_page_shows_the_govuk_403(client_for, chair):
    response = client_for(chair).get(reverse("partnership:user-list"))
    assert response.status_code == 403
    assert h1(response) == "You cannot do this"
    assert reverse("home") in response.content.decode()


# --- The admin: business unit staff only ------------------------------------------------------------------


def test_business_unit_staff_reach_the_admin(client_for, business_unit):
    assert client_for(business_unit).get("/admin/").status_code == 200


def test_anonymous_visitor_is_sent_from_the_admin_to_sign_in(client, db):
    response = client.get("/admin/", follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0].startswith(reverse("partnership:sign-in"))
    assert h1(response) == "Sign in"


@pytest.mark.parametrize("persona", ["qa_member", "chair", "reader", "agency_lead", "contributor", "outsider",
                                     "reviews_member", "ld_coordinator"])
def test_everyone_else_is_refused_the_admin(request, client_for, persona):
    client = client_for(request.getfixturevalue(persona))
    response = client.get("/admin/")
    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert "login" in response.url
    # Following the redirect ends on a refusal, not a loop back to the admin.
    final = client.get("/admin/", follow=True)
    assert final.status_code == 403
    assert h1(final) == "You cannot do this"
    assert client.get("/admin/partnership/user/").status_code in (302, 403)


@pytest.mark.parametrize("roles,is_staff", [([Role.QA_MEMBER], True), ([Role.BUSINESS_UNIT], False)],
                         ids=["staff-not-business-unit", "business-unit-not-staff"])
def test_admin_needs_both_business_unit_and_staff(client_for, partnership_unit, roles, is_staff):
    user = UserFactory(agency=partnership_unit, roles=roles, is_staff=is_staff)
    assert client_for(user).get("/admin/", follow=True).status_code == 403


def test_admin_login_page_leads_to_the_services_sign_in(db):
    response = Client().get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response.url == reverse("partnership:sign-in") + "?next=/admin/"


# --- Priorities -------------------------------------------------------------------------------------------


def test_priority_pages_list_the_priority_and_its_visible_actions(client_for, agency_lead, police,
                                                                  outsider_agency):
    priority = PriorityFactory(code="voice", title="Voice of the child", description="Hear children.")
    own = ActionFactory(title="Police: hear the child", owner_agency=police, priority=priority)
    other = ActionFactory(title="Club: hear the child", owner_agency=outsider_agency, priority=priority)
    from_source = ActionFactory(title="Police: raised by the priority", owner_agency=police)
    priority.actions.add(from_source)
    client = client_for(agency_lead)
    listing = client.get(reverse("priority-list"))
    assert listing.status_code == 200
    assert "Voice of the child" in listing.content.decode()
    detail = client.get(priority.get_absolute_url())
    assert detail.status_code == 200
    html = detail.content.decode()
    assert own.title in html
    assert from_source.title in html
    assert other.title not in html


def test_unknown_priority_is_404(client_for, agency_lead):
    assert client_for(agency_lead).get(reverse("priority-detail", args=[999])).status_code == 404


# --- The accessibility statement follows the GOV.UK model ----------------------------------------------------


def test_accessibility_statement_has_every_section_of_the_govuk_model(client, db):
    html = client.get(reverse("partnership:accessibility")).content.decode()
    headings = [" ".join(h.split()) for h in re.findall(r"<h[23][^>]*>(.*?)</h[23]>", html, re.S)]
    for heading in [
        "How accessible this service is", "Feedback and contact information",
        "Reporting accessibility problems with this service", "Enforcement procedure",
        "Technical information about this service’s accessibility", "Compliance status", "Non-accessible content",
        "Non-compliance with the accessibility regulations", "Disproportionate burden",
        "Content that’s not within the scope of the accessibility regulations",
        "What we’re doing to improve accessibility", "Preparation of this accessibility statement",
    ]:
        assert heading in headings, f"missing section: {heading}"
    text = " ".join(re.sub(r"<[^>]+>", " ", html).split())
    assert "partially compliant with the Web Content Accessibility Guidelines version 2.2 AA standard" in text
    assert "Equality and Human Rights Commission" in text and "https://www.equalityadvisoryservice.com/" in html
    assert re.search(r"This statement was prepared on \d{1,2} \w+ 20\d\d", text)
    assert re.search(r"This service was last tested on \d{1,2} \w+ 20\d\d", text)
    assert "axe-core against WCAG 2.2 levels A and AA" in text  # how it was tested
    reporting = html.split("Reporting accessibility problems with this service")[1].split("<h2")[0]
    assert 'href="mailto:' in reporting  # how to report a problem


def test_accessibility_statement_quotes_the_time_limits_the_service_applies(client, db, settings):
    settings.SESSION_COOKIE_AGE = 10 * 3600
    settings.SESSION_IDLE_TIMEOUT = 20 * 60
    settings.SESSION_TIMEOUT_WARNING = 3 * 60
    text = " ".join(re.sub(r"<[^>]+>", " ", client.get(reverse("partnership:accessibility")).content.decode()).split())
    assert "You are signed out 10 hours after you signed in" in text
    assert "3 minutes before it, the service warns you" in text
    assert "after 17 minutes without activity the service warns you" in text
