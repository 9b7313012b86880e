"""Password reset, invitations and the password rules, through the real views (split from test_views_auth.py)."""
import re

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse

from partnership.models import EmailMessage, Role, User
from partnership.services import accounts
from tests.factories import UserFactory

from .test_views_auth import PASSWORD, SIGN_IN, field_error, main_text, sign_in, signed_in_user_id  # noqa: F401

# --- Password reset ---------------------------------------------------------------------------------------


def test_password_reset_request_form_is_public(client, db):
    response = client.get(reverse("partnership:password-reset"))
    assert response.status_code == 200
    assert "Reset your password" in response.content.decode()


def test_password_reset_does_not_reveal_whether_the_account_exists(client, agency_lead,
                                                                   django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        known = client.post(reverse("partnership:password-reset"), {"email": agency_lead.email})
    with django_capture_on_commit_callbacks(execute=True):
        unknown = client.post(reverse("partnership:password-reset"), {"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 200
    assert "Check your email" in main_text(known)
    assert main_text(known).replace(agency_lead.email, "EMAIL") == main_text(unknown).replace(
        "nobody@example.org", "EMAIL")
    assert [m.to for m in mail.outbox] == [[agency_lead.email]]


def test_password_reset_with_a_bad_email_shows_the_error(client, db):
    response = client.post(reverse("partnership:password-reset"), {"email": "not-an-email"})
    assert response.status_code == 400
    assert field_error(response, "email")
    assert 'value="not-an-email"' in response.content.decode()


def _link_in_last_email(path_start: str) -> str:
    body = mail.outbox[-1].body
    return re.search(rf"{re.escape(settings.SITE_URL)}({re.escape(path_start)}[^\s]+/)", body).group(1)


def test_password_reset_link_sets_a_new_password_once(client, agency_lead, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("partnership:password-reset"), {"email": agency_lead.email})
    link = _link_in_last_email("/password-reset/")
    response = client.get(link)
    assert response.status_code == 302
    form_url = response.url
    assert "Choose a new password" in client.get(form_url).content.decode()
    new = "a brand new long passphrase"
    response = client.post(form_url, {"new_password1": new, "new_password2": new})
    assert response.status_code == 302
    assert response.url == reverse("partnership:password-reset-complete")
    assert client.get(response.url).status_code == 200
    assert sign_in(Client(), agency_lead, password=new).status_code == 302
    # The link is spent.
    assert "This link has expired or has been used" in Client().get(link, follow=True).content.decode()


def test_password_reset_refuses_a_weak_password_next_to_the_field(client, agency_lead,
                                                                  django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("partnership:password-reset"), {"email": agency_lead.email})
    form_url = client.get(_link_in_last_email("/password-reset/")).url
    response = client.post(form_url, {"new_password1": "short", "new_password2": "short"})
    assert response.status_code == 200
    assert field_error(response, "new_password2")
    agency_lead.refresh_from_db()
    assert agency_lead.check_password(PASSWORD)


# --- Invitations ------------------------------------------------------------------------------------------


@pytest.fixture
def invitee(business_unit, police, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return accounts.user_invite(by=business_unit, email="new.person@police.example.org",
                                    full_name="New Person", agency=police, roles=[Role.AGENCY_CONTRIBUTOR])


def test_invitation_link_lets_the_invitee_choose_a_password_and_signs_them_in(client, invitee):
    link = _link_in_last_email("/invitation/")
    response = client.get(link)
    assert response.status_code == 302
    page = client.get(response.url)
    assert page.status_code == 200
    assert "Welcome, New Person" in page.content.decode()
    password = "a long invitation passphrase"
    response = client.post(response.url, {"new_password1": password, "new_password2": password})
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert signed_in_user_id(client) == str(invitee.pk)
    assert client.get(reverse("home")).status_code == 200
    settings_2fa = client.get(reverse("partnership:two-factor-setup"))  # the invitation proved the address
    assert "<svg" in settings_2fa.content.decode()
    # The link works once.
    reused = Client().get(link, follow=True)
    assert "This invitation link has expired or has been used" in reused.content.decode()


def test_a_closed_accounts_invitation_link_no_longer_works(client, invitee, business_unit):
    link = _link_in_last_email("/invitation/")
    accounts.user_deactivate(by=business_unit, user=invitee)
    response = client.get(link, follow=True)
    assert "This invitation link has expired or has been used" in response.content.decode()
    assert signed_in_user_id(client) is None


def test_a_tampered_invitation_link_is_refused(client, invitee):
    link = _link_in_last_email("/invitation/")
    response = client.get(link[:-3] + "xx/", follow=True)
    assert "This invitation link has expired or has been used" in response.content.decode()
    invitee.refresh_from_db()
    assert not invitee.has_usable_password()


def test_invitation_and_password_reset_tokens_are_not_interchangeable(client, invitee):
    """A token made for one kind of link is refused by the other (each is signed with its own salt)."""
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    uid = urlsafe_base64_encode(force_bytes(invitee.pk))
    reset_token = default_token_generator.make_token(invitee)
    response = client.get(reverse("partnership:invitation-accept", args=[uid, reset_token]), follow=True)
    assert "This invitation link has expired or has been used" in response.content.decode()
    invitation_token = accounts.invitation_token_generator.make_token(invitee)
    assert invitation_token != reset_token
    response = client.get(reverse("partnership:password-reset-confirm", args=[uid, invitation_token]), follow=True)
    assert response.context["validlink"] is False
    invitee.refresh_from_db()
    assert not invitee.has_usable_password()


def test_invitation_email_is_queued_once(invitee):
    assert EmailMessage.objects.filter(to=invitee.email).count() == 1
    assert User.objects.get(pk=invitee.pk).invitation_pending


def test_user_factory_password_matches_the_tests_password(db):
    assert UserFactory().check_password(PASSWORD)


# --- Password rules (settings.AUTH_PASSWORD_VALIDATORS) --------------------------------------------------


@pytest.mark.parametrize("password", [
    "plumtractors",  # 12 lower-case letters: no composition rules
    "river otter lantern",
    "ALLCAPSWORDS",
])
def test_a_password_of_12_characters_without_composition_rules_is_accepted(agency_lead, password):
    from django.contrib.auth.password_validation import validate_password

    validate_password(password, agency_lead)


@pytest.mark.parametrize("password,reason", [
    ("plumtractor", "at least 12 characters"),  # 11
    ("qwerty123456", "too common"),
    ("1q2w3e4r5t6y", "too common"),
    ("123456654321", "too common"),
])
def test_short_and_common_passwords_are_refused(agency_lead, password, reason):
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        validate_password(password, agency_lead)
    assert reason in " ".join(refused.value.messages)
