"""People: only the business unit lists, invites, re-invites and closes accounts."""
import re
from html import unescape

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from partnership.models import EmailMessage, Role, User
from tests.factories import UserFactory


def field_error(response, field: str) -> str:
    match = re.search(
        rf'id="id_{field}_\d+_error" class="govuk-error-message">\s*'
        r'<span class="govuk-visually-hidden">Error:</span>(.*?)</(?:span|p)>',
        response.content.decode(), re.S,
    )
    return unescape(" ".join(match.group(1).split())) if match else ""


@pytest.fixture
def pending(police, business_unit):
    user = UserFactory(email="pending@police.example.org", full_name="Pat Pending", agency=police,
                       roles=[Role.AGENCY_CONTRIBUTOR], invited_by=business_unit,
                       invited_at=timezone.now() - timezone.timedelta(days=5))
    user.set_unusable_password()
    user.save()
    return user


def invite_data(police, **extra):
    return {"full_name": "Nia Newcomer", "email": "nia@police.example.org", "job_title": "DS",
            "agency": police.pk, "roles": [Role.AGENCY_CONTRIBUTOR], **extra}


def test_business_unit_lists_everyone_with_their_roles_and_account_state(client_for, business_unit, agency_lead,
                                                                         pending, outsider):
    outsider.is_active = False
    outsider.save()
    response = client_for(business_unit).get(reverse("partnership:user-list"))
    assert response.status_code == 200
    html = response.content.decode()
    for person in (business_unit, agency_lead, pending, outsider):
        assert person.email in html
    assert "Agency lead" in html
    assert ">Invited<" in html and ">Closed<" in html and ">Active<" in html
    assert reverse("partnership:user-reinvite", args=[pending.pk]) in html
    assert reverse("partnership:user-reinvite", args=[agency_lead.pk]) not in html
    assert reverse("partnership:user-deactivate", args=[business_unit.pk]) not in html  # not yourself
    assert reverse("partnership:user-deactivate", args=[outsider.pk]) not in html  # already closed


def test_user_list_queries_do_not_grow_with_people(client_for, business_unit, police,
                                                   django_assert_max_num_queries):
    client = client_for(business_unit)
    url = reverse("partnership:user-list")
    for _ in range(5):
        UserFactory(agency=police, roles=[Role.AGENCY_CONTRIBUTOR, Role.READER])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(40):
        UserFactory(agency=police, roles=[Role.AGENCY_CONTRIBUTOR, Role.READER])
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(few) == len(many)
    with django_assert_max_num_queries(7):
        client.get(url)


def test_business_unit_invites_someone_and_the_email_is_sent_on_commit(client_for, business_unit, police,
                                                                       django_capture_on_commit_callbacks):
    client = client_for(business_unit)
    assert client.get(reverse("partnership:user-invite")).status_code == 200
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(reverse("partnership:user-invite"), invite_data(
            police, roles=[Role.AGENCY_CONTRIBUTOR, Role.READER], email="Nia@Police.Example.org"))
    assert response.status_code == 302
    assert response.url == reverse("partnership:user-list")
    assert callbacks
    user = User.objects.get(email="nia@police.example.org")
    assert (user.full_name, user.agency, user.invited_by, user.has_usable_password()) == (
        "Nia Newcomer", police, business_unit, False)
    assert user.role_set == {Role.AGENCY_CONTRIBUTOR, Role.READER}
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["nia@police.example.org"]
    assert f"{settings.SITE_URL}/invitation/" in mail.outbox[0].body
    assert "An invitation is on its way to nia@police.example.org" in client.get(response.url).content.decode()


def test_invitation_is_not_sent_before_the_transaction_commits(client_for, business_unit, police,
                                                               django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client_for(business_unit).post(reverse("partnership:user-invite"), invite_data(police))
    assert callbacks
    assert mail.outbox == []
    assert EmailMessage.objects.filter(to="nia@police.example.org").exists()


@pytest.mark.parametrize("change,field,message", [
    ({"roles": []}, "roles", "Choose at least one role"),
    ({"email": "not an email"}, "email", "Enter an email address in the correct format"),
    ({"email": "LEAD@police.example.org"}, "email", "Someone with this email address already has an account"),
    ({"full_name": ""}, "full_name", "Enter the person's full name"),
    ({"agency": ""}, "agency", "Choose the person's agency"),
], ids=["no-roles", "bad-email", "duplicate-email", "no-name", "no-agency"])
def test_bad_invitation_shows_the_error_by_the_field_and_keeps_what_was_typed(
        client_for, business_unit, agency_lead, police, change, field, message, django_capture_on_commit_callbacks):
    data = invite_data(police, **change)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(business_unit).post(reverse("partnership:user-invite"), data)
    assert response.status_code == 400
    assert field_error(response, field).startswith(message)
    assert "There is a problem" in response.content.decode()
    page = response.content.decode()
    if field != "full_name":
        assert 'value="Nia Newcomer"' in page
    if field != "email":
        assert 'value="nia@police.example.org"' in page
    assert 'value="DS"' in page
    if field != "roles":
        assert re.search(rf'value="{Role.AGENCY_CONTRIBUTOR}"[^>]*checked', page)
    if field != "agency":
        assert re.search(rf'value="{police.pk}"[^>]*selected', page)
    assert User.objects.filter(full_name="Nia Newcomer").count() == 0
    assert mail.outbox == []


def test_business_unit_reinvites_a_pending_person(client_for, business_unit, pending,
                                                  django_capture_on_commit_callbacks):
    before = pending.invited_at
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(business_unit).post(reverse("partnership:user-reinvite", args=[pending.pk]))
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.invited_at > before
    assert [m.to for m in mail.outbox] == [[pending.email]]


def test_reinviting_someone_who_accepted_says_so_and_sends_nothing(client_for, business_unit, agency_lead,
                                                                   django_capture_on_commit_callbacks):
    client = client_for(business_unit)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("partnership:user-reinvite", args=[agency_lead.pk]), follow=True)
    assert "already accepted their invitation" in response.content.decode()
    assert mail.outbox == []


def test_business_unit_closes_an_account_and_signs_the_person_out(client_for, business_unit, agency_lead):
    their_client = client_for(agency_lead)
    assert their_client.get(reverse("home")).status_code == 200
    response = client_for(business_unit).post(reverse("partnership:user-deactivate", args=[agency_lead.pk]))
    assert response.status_code == 302
    agency_lead.refresh_from_db()
    assert not agency_lead.is_active
    home = their_client.get(reverse("home"))
    assert home.status_code == 302
    assert home.url.startswith(reverse("partnership:sign-in"))
    assert Client().post(reverse("partnership:sign-in"), {
        "username": agency_lead.email, "password": "correct-horse-battery-staple"}).status_code == 200


def test_business_unit_cannot_close_their_own_account(client_for, business_unit):
    response = client_for(business_unit).post(reverse("partnership:user-deactivate", args=[business_unit.pk]),
                                               follow=True)
    assert "You cannot close your own account" in response.content.decode()
    business_unit.refresh_from_db()
    assert business_unit.is_active


@pytest.mark.parametrize("name", ["partnership:user-reinvite", "partnership:user-deactivate"])
def test_get_to_account_changes_answers_405(client_for, business_unit, pending, name):
    response = client_for(business_unit).get(reverse(name, args=[pending.pk]))
    assert response.status_code == 405
    pending.refresh_from_db()
    assert pending.is_active


def test_account_change_for_an_unknown_person_is_404(client_for, business_unit):
    assert client_for(business_unit).post(reverse("partnership:user-deactivate", args=[99999])).status_code == 404


PERSONAS = ["qa_member", "chair", "reader", "agency_lead", "contributor", "outsider", "reviews_member",
            "ld_coordinator"]


@pytest.mark.parametrize("persona", PERSONAS)
def test_everyone_but_the_business_unit_is_refused_the_people_pages(request, client_for, persona, pending, police,
                                                                    django_capture_on_commit_callbacks):
    client = client_for(request.getfixturevalue(persona))
    with django_capture_on_commit_callbacks(execute=True):
        assert client.get(reverse("partnership:user-list")).status_code == 403
        assert client.get(reverse("partnership:user-invite")).status_code == 403
        assert client.post(reverse("partnership:user-invite"), invite_data(police)).status_code == 403
        assert client.post(reverse("partnership:user-reinvite", args=[pending.pk])).status_code == 403
        assert client.post(reverse("partnership:user-deactivate", args=[pending.pk])).status_code == 403
    assert not User.objects.filter(email="nia@police.example.org").exists()
    pending.refresh_from_db()
    assert pending.is_active
    assert mail.outbox == []


@pytest.mark.parametrize("name,method", [
    ("partnership:user-list", "get"), ("partnership:user-invite", "get"), ("partnership:user-invite", "post"),
])
def test_anonymous_visitor_is_sent_to_sign_in_from_people_pages(client, db, name, method):
    response = getattr(client, method)(reverse(name))
    assert response.status_code == 302
    assert response.url.startswith(reverse("partnership:sign-in"))
