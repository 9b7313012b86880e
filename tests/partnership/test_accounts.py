"""Invitations, password resets and closing accounts (partnership.services.accounts)."""
import re
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client
from django.urls import reverse

from partnership.models import EmailMessage, Role, User
from partnership.services.accounts import (
    password_reset_request,
    user_deactivate,
    user_invite,
    user_reinvite,
)
from partnership.services.errors import ServiceError

pytestmark = pytest.mark.django_db
BASE_URL = settings.SITE_URL + "/"
NEW_PASSWORD = "tangerine kettle horizon meadow"
SIGN_IN = reverse("partnership:sign-in")


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def link_in(message) -> str:
    """The one-time link's path, parsed from the email body."""
    links = re.findall(r"https?://\S+", message.body)
    assert len(links) == 1, message.body
    assert links[0].startswith(BASE_URL)
    return urlsplit(links[0]).path


def invite(by, police, email="new.person@police.example.org", roles=(Role.AGENCY_CONTRIBUTOR,), **extra):
    return user_invite(by=by, email=email, full_name="  Nia Newcomer ", agency=police, roles=list(roles),
                       job_title="Detective sergeant", **extra)


def sessions_of(user) -> int:
    return sum(1 for s in Session.objects.all() if s.get_decoded().get("_auth_user_id") == str(user.pk))


# --- Invitations


def test_business_unit_invite_creates_user_without_usable_password(business_unit, police,
                                                                   django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        user = invite(business_unit, police, email=" New.Person@Police.Example.org ",
                      roles=[Role.AGENCY_CONTRIBUTOR, Role.AGENCY_LEAD])
    user = User.objects.get(pk=user.pk)
    assert user.email == "new.person@police.example.org"
    assert (user.full_name, user.agency, user.invited_by) == ("Nia Newcomer", police, business_unit)
    assert user.invited_at is not None
    assert not user.has_usable_password()
    assert user.invitation_pending
    assert user.role_set == {Role.AGENCY_CONTRIBUTOR, Role.AGENCY_LEAD}


def test_invitation_email_is_sent_once_to_the_invitee(business_unit, police, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invite(business_unit, police)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["new.person@police.example.org"]
    assert message.subject == f"You have been invited to {settings.SERVICE_NAME}"
    assert "Bea Manager has invited you" in message.body
    assert EmailMessage.objects.get().sent_at is not None


def test_invitation_link_lets_the_invitee_set_a_password_and_signs_them_in(
    business_unit, police, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        user = invite(business_unit, police)
    path = link_in(mail.outbox[0])
    assert path.startswith("/invitation/")
    client = Client()

    response = client.get(path, follow=True)
    assert response.status_code == 200
    set_password_url, status = response.redirect_chain[-1]
    assert status == 302
    assert set_password_url.endswith("/set-password/")
    assert response.context["validlink"] is True

    response = client.post(set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("home")

    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert not user.invitation_pending
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.get(reverse("home")).status_code == 200

    again = Client().get(path, follow=True)
    assert again.status_code == 200
    assert again.redirect_chain == []
    assert again.context["validlink"] is False


def test_invitation_link_refuses_a_weak_password(business_unit, police, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        user = invite(business_unit, police)
    client = Client()
    response = client.get(link_in(mail.outbox[0]), follow=True)
    set_password_url = response.redirect_chain[-1][0]
    response = client.post(set_password_url, {"new_password1": "password", "new_password2": "password"})
    assert response.status_code == 200
    assert response.context["form"].errors
    user.refresh_from_db()
    assert not user.has_usable_password()
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("persona", ["qa_member", "chair", "agency_lead", "contributor", "reader"])
def test_only_business_unit_can_invite(request, persona, police, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ServiceError, match="Only the business unit"):
        invite(request.getfixturevalue(persona), police)
    assert not User.objects.filter(email="new.person@police.example.org").exists()
    assert not EmailMessage.objects.exists()
    assert mail.outbox == []


def test_invite_refuses_an_email_that_already_has_an_account_whatever_its_case(business_unit, agency_lead, police):
    with pytest.raises(ServiceError) as error:
        invite(business_unit, police, email="  LEAD@Police.Example.ORG")
    assert error.value.field == "email"
    assert User.objects.filter(email__iexact="lead@police.example.org").count() == 1
    assert not EmailMessage.objects.exists()


@pytest.mark.parametrize("roles", [[], ["superuser"], [Role.READER, "wizard"]])
def test_invite_refuses_missing_or_unknown_roles(business_unit, police, roles):
    with pytest.raises(ServiceError) as error:
        invite(business_unit, police, roles=roles)
    assert error.value.field == "roles"
    assert not User.objects.filter(email="new.person@police.example.org").exists()


def test_reinvite_sends_a_fresh_link(business_unit, police, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        user = invite(business_unit, police)
    with django_capture_on_commit_callbacks(execute=True):
        user_reinvite(by=business_unit, user=user)
    assert len(mail.outbox) == 2
    assert mail.outbox[1].to == [user.email]
    assert link_in(mail.outbox[1]).startswith("/invitation/")


def test_reinvite_refused_once_the_invitation_was_accepted(business_unit, agency_lead):
    with pytest.raises(ServiceError, match="already accepted"):
        user_reinvite(by=business_unit, user=agency_lead)


def test_only_business_unit_can_reinvite(business_unit, qa_member, police):
    user = invite(business_unit, police)
    with pytest.raises(ServiceError, match="Only the business unit"):
        user_reinvite(by=qa_member, user=user)


# --- Password reset


@pytest.mark.parametrize("email", ["nobody@example.org", ""])
def test_password_reset_for_unknown_email_sends_nothing(agency_lead, email, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        password_reset_request(email=email, address="192.0.2.1")
    assert not EmailMessage.objects.exists()
    assert mail.outbox == []


def test_password_reset_for_closed_account_sends_nothing(agency_lead, django_capture_on_commit_callbacks):
    User.objects.filter(pk=agency_lead.pk).update(is_active=False)
    with django_capture_on_commit_callbacks(execute=True):
        password_reset_request(email=agency_lead.email, address="192.0.2.1")
    assert mail.outbox == []


def test_password_reset_link_works_once(agency_lead, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        password_reset_request(email=" Lead@POLICE.example.org ", address="192.0.2.1")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["lead@police.example.org"]
    path = link_in(mail.outbox[0])
    assert path.startswith("/password-reset/")
    client = Client()

    response = client.get(path, follow=True)
    set_password_url = response.redirect_chain[-1][0]
    assert set_password_url.endswith("/set-password/")
    assert response.context["validlink"] is True
    response = client.post(set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("partnership:password-reset-complete")
    agency_lead.refresh_from_db()
    assert agency_lead.check_password(NEW_PASSWORD)

    again = Client().get(path, follow=True)
    assert again.redirect_chain == []
    assert again.context["validlink"] is False


# --- Closing accounts


def test_deactivating_a_user_ends_their_sessions(business_unit, agency_lead, client_for):
    theirs = client_for(agency_lead)
    ours = client_for(business_unit)
    assert theirs.get(reverse("home")).status_code == 200
    assert sessions_of(agency_lead) == 1

    user_deactivate(by=business_unit, user=agency_lead)

    agency_lead.refresh_from_db()
    assert agency_lead.is_active is False
    assert sessions_of(agency_lead) == 0
    response = theirs.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(SIGN_IN)
    # Everyone else stays signed in.
    assert sessions_of(business_unit) == 1
    assert ours.get(reverse("home")).status_code == 200


@pytest.mark.parametrize("persona", ["qa_member", "chair", "agency_lead"])
def test_only_business_unit_can_close_accounts(request, persona, contributor):
    with pytest.raises(ServiceError, match="Only the business unit"):
        user_deactivate(by=request.getfixturevalue(persona), user=contributor)
    contributor.refresh_from_db()
    assert contributor.is_active


def test_business_unit_cannot_close_own_account(business_unit):
    with pytest.raises(ServiceError, match="your own account"):
        user_deactivate(by=business_unit, user=business_unit)
    business_unit.refresh_from_db()
    assert business_unit.is_active
