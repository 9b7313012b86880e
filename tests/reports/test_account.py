"""Your account: who the service thinks you are, and the reminder preference the daily digest respects."""
import re

import pytest
from django.urls import reverse

from partnership.models import Role, User

pytestmark = pytest.mark.django_db
URL = reverse("partnership:account")
PERSONAS = ["business_unit", "qa_member", "chair", "reader", "agency_lead", "contributor", "outsider",
            "reviews_member", "ld_coordinator"]


def summary_value(html: str, key: str) -> str:
    match = re.search(rf'<dt class="govuk-summary-list__key">{key}</dt><dd class="govuk-summary-list__value">'
                      r"(.*?)</dd>", html, re.DOTALL)
    assert match, f"no {key} row"
    return match[1].strip()


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_signed_in_persona_sees_their_account(request, client_for, persona):
    person = request.getfixturevalue(persona)
    response = client_for(person).get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<h1 class="govuk-heading-l">Your account</h1>' in html
    assert summary_value(html, "Name") == person.full_name
    assert summary_value(html, "Email address") == person.email
    assert summary_value(html, "Agency") == person.agency.name.replace("'", "&#x27;")
    assert summary_value(html, "Roles") == ", ".join(Role(r).label for r in person.role_set)
    assert re.search(r'value="yes"[^>]*checked', html)  # reminders are on unless switched off


def test_a_person_with_several_roles_sees_them_all(client_for, partnership_unit):
    from tests.factories import UserFactory

    person = UserFactory(agency=partnership_unit, roles=[Role.QA_MEMBER, Role.CHAIR])
    html = client_for(person).get(URL).content.decode()
    roles = summary_value(html, "Roles")
    assert Role.QA_MEMBER.label in roles and Role.CHAIR.label in roles


def test_choosing_no_saves_the_preference_and_says_so(client_for, agency_lead):
    client = client_for(agency_lead)
    response = client.post(URL, {"optional_reminders": "no"}, follow=True)
    assert response.redirect_chain == [(URL, 302)]
    html = response.content.decode()
    assert "Your reminder settings have been saved." in html
    assert re.search(r'value="no"[^>]*checked', html)
    assert User.objects.get(pk=agency_lead.pk).optional_reminders is False


def test_choosing_yes_switches_reminders_back_on(client_for, agency_lead):
    User.objects.filter(pk=agency_lead.pk).update(optional_reminders=False)
    agency_lead.refresh_from_db()
    client_for(agency_lead).post(URL, {"optional_reminders": "yes"})
    assert User.objects.get(pk=agency_lead.pk).optional_reminders is True


def test_saving_changes_only_the_person_who_saved(client_for, agency_lead, contributor):
    client_for(agency_lead).post(URL, {"optional_reminders": "no"})
    assert User.objects.get(pk=contributor.pk).optional_reminders is True


@pytest.mark.parametrize("data", [{"csrfmiddlewaretoken": "token"}, {"optional_reminders": ""},
                                  {"optional_reminders": "maybe"}])
def test_a_missing_or_unknown_choice_shows_the_error_by_the_field(client_for, chair, data):
    response = client_for(chair).post(URL, data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "govuk-error-summary" in html
    message = ("Choose whether you want daily reminders" if data.get("optional_reminders") != "maybe"
               else "Select one of the options shown")
    assert re.search(r'Do you want daily reminders of things coming up\?\s*</legend>.*?'
                     r'class="govuk-error-message">\s*<span class="govuk-visually-hidden">Error:</span>\s*'
                     + re.escape(message), html, re.DOTALL)
    assert User.objects.get(pk=chair.pk).optional_reminders is True


def test_statutory_deadlines_are_said_to_be_sent_whatever_the_choice(client_for, reader):
    html = client_for(reader).get(URL).content.decode()
    assert "Statutory deadlines" in html and "are always sent, whatever you choose." in html


def test_anonymous_visitor_is_sent_to_sign_in(client):
    for response in (client.get(URL), client.post(URL, {"optional_reminders": "no"})):
        assert response.status_code == 302
        assert response.url.startswith(reverse("partnership:sign-in"))


def test_other_methods_are_refused(client_for, reader):
    assert client_for(reader).put(URL).status_code == 405
