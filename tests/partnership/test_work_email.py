"""Personal email domains are refused wherever a work email is typed (issue 16): one rule in the kernel
(partnership.work_email), its own table of cases, and each place it applies, with the message next to the field."""
import re
from html import unescape

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from learning.forms.public import BookingForm
from partnership.models import Agency, Role, Sector, User
from partnership.services.accounts import user_invite
from partnership.services.errors import ServiceError
from partnership.work_email import is_personal_domain, work_email_problem


@pytest.mark.parametrize("email", [
    "jo@gmail.com", "Jo@GMail.com", "jo@googlemail.com", "jo@outlook.com", "jo@hotmail.co.uk", "jo@hotmail.com",
    "jo@yahoo.com", "jo@yahoo.co.uk", "jo@yahoo.fr", "jo@icloud.com", "jo@me.com", "jo@live.co.uk",
    "jo@btinternet.com", "jo@proton.me", "gmail.com", "@gmail.com", "jo@gmail.com.", "jo@mail.yahoo.com",
])
def test_personal_addresses_and_domains_are_refused(email):
    assert is_personal_domain(email)
    assert "is a personal email provider" in work_email_problem(email)


@pytest.mark.parametrize("email", [
    "jo@met.police.uk", "jo@merton.gov.uk", "jo@nhs.net", "jo@swlondon.nhs.uk", "jo@notgmail.com",
    "jo@gmail.com.example.org", "jo@yahoo-partners.org", "jo@outlookschool.org.uk", "jo@example.org", "", "jo",
])
def test_work_addresses_pass(email):
    assert not is_personal_domain(email)
    assert work_email_problem(email) is None


def test_the_list_is_a_setting(settings):
    settings.PERSONAL_EMAIL_DOMAINS = ["example.org", "free.*"]
    assert is_personal_domain("jo@example.org") and is_personal_domain("jo@free.fr")
    assert not is_personal_domain("jo@gmail.com")


def field_error(response, field: str) -> str:
    match = re.search(rf'id="id_{field}_\d+_error" class="govuk-error-message">\s*'
                      r'<span class="govuk-visually-hidden">Error:</span>(.*?)</(?:span|p)>',
                      response.content.decode(), re.S)
    return unescape(" ".join(match.group(1).split())) if match else ""


def test_an_invitation_to_a_personal_address_is_refused_next_to_the_field(client_for, business_unit, police):
    response = client_for(business_unit).post(reverse("partnership:user-invite"), {
        "full_name": "Nia Newcomer", "email": "nia.newcomer@gmail.com", "job_title": "DS", "agency": police.pk,
        "roles": [Role.AGENCY_CONTRIBUTOR]})

    assert response.status_code in (200, 400)
    assert field_error(response, "email").startswith("Enter a work email address. gmail.com is a personal")
    assert 'value="nia.newcomer@gmail.com"' in response.content.decode()  # what was typed is kept
    assert not User.objects.filter(email="nia.newcomer@gmail.com").exists()
    with pytest.raises(ServiceError) as refused:  # the service refuses it too, whatever form calls it
        user_invite(by=business_unit, email="nia@yahoo.co.uk", full_name="Nia", agency=police,
                    roles=[Role.AGENCY_CONTRIBUTOR])
    assert refused.value.field == "email"


def test_an_agency_cannot_list_a_personal_domain_as_its_own(db):
    agency = Agency(name="Tiny CIC", sector=Sector.VOLUNTARY, email_domains="tinycic.org.uk, gmail.com")
    with pytest.raises(ValidationError) as refused:
        agency.full_clean()
    assert "Remove gmail.com: it is a personal email provider" in refused.value.message_dict["email_domains"][0]
    agency.email_domains = "tinycic.org.uk"
    agency.full_clean()


def test_the_admin_shows_the_refusal_next_to_agency_email_domains(client, police, django_user_model):
    admin = django_user_model.objects.create_superuser(email="root@merton.gov.uk", password="x" * 16,
                                                       full_name="Root")
    client.force_login(admin)
    url = reverse("admin:partnership_agency_change", args=[police.pk])
    response = client.post(url, {"name": police.name, "short_name": police.short_name, "sector": police.sector,
                                 "active": "on", "email_domains": "met.police.uk hotmail.com"}, secure=True)
    assert response.status_code == 200
    assert "Remove hotmail.com: it is a personal email provider" in unescape(response.content.decode())
    police.refresh_from_db()
    assert "hotmail.com" not in police.email_domains


@pytest.mark.parametrize("field", ["email", "manager_email"])
def test_a_public_booking_needs_work_emails(db, field):
    data = {"name": "Ali Able", "email": "ali@merton.gov.uk", "agency": "other", "other_agency_name": "Tiny CIC",
            "role": "Youth worker", "manager_email": "boss@merton.gov.uk", field: "someone@yahoo.com"}
    form = BookingForm(data, needs_manager=True, ticket="x")
    assert not form.is_valid()
    assert form.errors[field][0].startswith("Enter a work email address. yahoo.com is a personal")
