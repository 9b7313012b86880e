"""Signing in and out, lockout and two-factor sign-in, through the real views (password reset and invitations:
test_views_passwords.py)."""
import base64
import re
from html import unescape

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from partnership.models import EmailMessage

PASSWORD = "correct-horse-battery-staple"  # tests.factories.UserFactory
SIGN_IN = reverse("partnership:sign-in")


def field_error(response, field: str) -> str:
    match = re.search(
        rf'id="id_{field}_\d+_error" class="govuk-error-message">\s*'
        r'<span class="govuk-visually-hidden">Error:</span>(.*?)</(?:span|p)>',
        response.content.decode(), re.S,
    )
    return unescape(" ".join(match.group(1).split())) if match else ""


def main_text(response) -> str:
    """The page's main content as text (no nonce, no CSRF token)."""
    html = response.content.decode()
    main = re.search(r"<main.*?</main>", html, re.S).group(0)
    return " ".join(re.sub(r"<[^>]+>", " ", main).split())


def sign_in(client: Client, user, password: str = PASSWORD):
    return client.post(SIGN_IN, {"username": user.email, "password": password})


def signed_in_user_id(client: Client):
    return client.session.get("_auth_user_id")


def code_for(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift):06d}"


# --- Signing in and out -----------------------------------------------------------------------------------


def test_sign_in_page_is_public(client, db):
    response = client.get(SIGN_IN)
    assert response.status_code == 200
    assert '<h1 class="govuk-heading-l">Sign in</h1>' in response.content.decode()


def test_sign_in_with_the_right_password_signs_in(agency_lead):
    client = Client()
    response = sign_in(client, agency_lead)
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert signed_in_user_id(client) == str(agency_lead.pk)
    assert client.get(reverse("home")).status_code == 200


def test_sign_in_email_is_not_case_sensitive(agency_lead):
    client = Client()
    response = client.post(SIGN_IN, {"username": agency_lead.email.upper(), "password": PASSWORD})
    assert response.status_code == 302
    assert signed_in_user_id(client) == str(agency_lead.pk)


def test_sign_in_follows_a_safe_next_but_not_another_site(agency_lead):
    response = Client().post(SIGN_IN + "?next=/actions/mine/",
                             {"username": agency_lead.email, "password": PASSWORD, "next": "/actions/mine/"})
    assert response.url == "/actions/mine/"
    response = Client().post(SIGN_IN, {"username": agency_lead.email, "password": PASSWORD,
                                       "next": "https://evil.example.com/"})
    assert response.url == reverse("home")


def test_wrong_password_shows_the_govuk_error_and_keeps_the_email(agency_lead):
    client = Client()
    response = sign_in(client, agency_lead, password="wrong-password")
    assert response.status_code == 200
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert "Enter a correct email address and password" in html
    assert f'value="{agency_lead.email}"' in html
    assert signed_in_user_id(client) is None


def test_empty_sign_in_form_shows_messages_next_to_the_fields(db):
    response = Client().post(SIGN_IN, {"username": "", "password": ""})
    assert field_error(response, "username") == "Enter your email address"
    assert field_error(response, "password") == "Enter your password"


def test_closed_account_cannot_sign_in(agency_lead):
    agency_lead.is_active = False
    agency_lead.save()
    client = Client()
    response = sign_in(client, agency_lead)
    assert response.status_code == 200
    assert signed_in_user_id(client) is None


def test_sign_out_is_post_only(client_for, agency_lead):
    client = client_for(agency_lead)
    response = client.get(reverse("partnership:sign-out"))
    assert response.status_code == 405
    assert signed_in_user_id(client) == str(agency_lead.pk)


def test_sign_out_ends_the_session(client_for, agency_lead):
    client = client_for(agency_lead)
    response = client.post(reverse("partnership:sign-out"))
    assert response.status_code == 302
    assert response.url == SIGN_IN
    assert signed_in_user_id(client) is None
    home = client.get(reverse("home"))
    assert home.status_code == 302
    assert home.url.startswith(SIGN_IN)


def test_signed_in_person_visiting_sign_in_goes_home(client_for, agency_lead):
    response = client_for(agency_lead).get(SIGN_IN)
    assert response.status_code == 302
    assert response.url == reverse("home")


# --- Two-factor sign-in -----------------------------------------------------------------------------------


@pytest.fixture
def require_2fa(settings):
    settings.REQUIRE_2FA = True


def prove_address(client, user):
    """What the emailed code (or the invitation) gives a session: the right to set up an authenticator."""
    from partnership import enrolment

    session = client.session
    enrolment.mark_proved(session, user)
    session.save()


@pytest.fixture
def password_only(agency_lead, require_2fa):
    client = Client()
    assert sign_in(client, agency_lead).status_code == 302
    prove_address(client, agency_lead)
    return client


@pytest.fixture
def unproved(agency_lead, require_2fa):
    client = Client()
    assert sign_in(client, agency_lead).status_code == 302
    return client


def _enrol_code(user) -> str:
    email = EmailMessage.objects.filter(to=user.email, subject__contains="two-factor").latest("pk")
    return re.search(r"^(\d{6})$", email.body_text, re.M).group(1)


def test_a_password_alone_cannot_set_up_an_authenticator(unproved, agency_lead):
    page = unproved.get(reverse("partnership:two-factor-setup") + "?next=/actions/")
    html = page.content.decode()
    assert page.status_code == 200 and "Check your email" in html and "<svg" not in html
    assert not TOTPDevice.objects.filter(user=agency_lead).exists()
    assert EmailMessage.objects.filter(to=agency_lead.email, subject__contains="two-factor").count() == 1
    unproved.get(reverse("partnership:two-factor-setup"))  # reloading sends no second email
    assert EmailMessage.objects.filter(to=agency_lead.email, subject__contains="two-factor").count() == 1
    wrong = unproved.post(reverse("partnership:two-factor-setup"), {"code": "000000" if _enrol_code(
        agency_lead) != "000000" else "111111"})
    assert "The code is not right" in wrong.content.decode()
    right = unproved.post(reverse("partnership:two-factor-setup"), {"code": _enrol_code(agency_lead),
                                                                    "next": "/actions/"})
    assert right.status_code == 302 and right.url == reverse("partnership:two-factor-setup") + "?next=/actions/"
    assert "<svg" in unproved.get(right.url).content.decode()


def test_the_emailed_code_allows_five_tries(unproved, agency_lead):
    unproved.get(reverse("partnership:two-factor-setup"))
    code = _enrol_code(agency_lead)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for _ in range(5):
        unproved.post(reverse("partnership:two-factor-setup"), {"code": wrong})
    last = unproved.post(reverse("partnership:two-factor-setup"), {"code": code})
    assert "Too many wrong codes" in last.content.decode()
    assert "<svg" not in unproved.get(reverse("partnership:two-factor-setup")).content.decode()


def test_another_accounts_code_proves_nothing(unproved, agency_lead, reader):
    from partnership import enrolment

    session = unproved.session
    enrolment.mark_proved(session, reader)
    session.save()
    assert "<svg" not in unproved.get(reverse("partnership:two-factor-setup")).content.decode()


@pytest.fixture
def confirmed_device(agency_lead):
    return TOTPDevice.objects.create(user=agency_lead, name="Authenticator app", confirmed=True)


def test_password_only_session_is_sent_to_two_factor_set_up(password_only):
    response = password_only.get(reverse("home"))
    assert response.status_code == 302
    assert response.url == reverse("partnership:two-factor-setup") + "?next=/"


def test_two_factor_redirect_keeps_the_whole_next_address(password_only):
    response = password_only.get(reverse("partnership:action-list") + "?status=agreed&overdue=on")
    follow = password_only.get(response.url)
    assert 'name="next" value="/actions/?status=agreed&amp;overdue=on"' in follow.content.decode()


def test_set_up_page_shows_a_qr_code_and_the_key(password_only, agency_lead):
    response = password_only.get(reverse("partnership:two-factor-setup"))
    assert response.status_code == 200
    html = response.content.decode()
    device = TOTPDevice.objects.get(user=agency_lead, confirmed=False)
    secret = base64.b32encode(device.bin_key).decode()
    assert "<svg" in html
    assert "<?xml" not in html
    assert " ".join(secret[i:i + 4] for i in range(0, len(secret), 4)) in html
    # Visiting again shows the same key, not a new device each time.
    password_only.get(reverse("partnership:two-factor-setup"))
    assert TOTPDevice.objects.filter(user=agency_lead).count() == 1


def test_a_valid_code_confirms_the_device_and_lets_the_person_in(password_only, agency_lead):
    password_only.get(reverse("partnership:two-factor-setup"))
    device = TOTPDevice.objects.get(user=agency_lead, confirmed=False)
    response = password_only.post(reverse("partnership:two-factor-setup"), {"code": code_for(device), "next": "/"})
    assert response.status_code == 302
    assert response.url == "/"
    device.refresh_from_db()
    assert device.confirmed
    assert password_only.get(reverse("home")).status_code == 200


def test_a_wrong_code_at_set_up_is_refused_next_to_the_field(password_only, agency_lead):
    password_only.get(reverse("partnership:two-factor-setup"))
    response = password_only.post(reverse("partnership:two-factor-setup"), {"code": "12345x"})
    assert response.status_code == 400
    assert field_error(response, "code").startswith("Enter the 6-digit security code")
    assert not TOTPDevice.objects.get(user=agency_lead).confirmed
    assert password_only.get(reverse("home")).status_code == 302


def test_later_sign_in_is_sent_to_verify_and_a_right_code_lets_in(agency_lead, require_2fa, confirmed_device):
    client = Client()
    sign_in(client, agency_lead)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url == reverse("partnership:two-factor-verify") + "?next=/"
    # The set-up page does not offer a second device to a person who has one.
    assert client.get(reverse("partnership:two-factor-setup")).url == reverse("partnership:two-factor-verify")
    response = client.post(reverse("partnership:two-factor-verify"), {"code": code_for(confirmed_device), "next": "/"})
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200


def test_a_wrong_code_at_verify_is_refused_next_to_the_field(agency_lead, require_2fa, confirmed_device):
    client = Client()
    sign_in(client, agency_lead)
    right = int(code_for(confirmed_device))
    response = client.post(reverse("partnership:two-factor-verify"), {"code": f"{(right + 1) % 1000000:06d}"})
    assert response.status_code == 400
    assert field_error(response, "code") == "The code is not right. Enter the newest code from your authenticator app"
    assert client.get(reverse("home")).status_code == 302


def test_the_same_code_cannot_be_replayed_for_a_second_session(agency_lead, require_2fa, confirmed_device):
    code = code_for(confirmed_device)
    first, second = Client(), Client()
    sign_in(first, agency_lead)
    sign_in(second, agency_lead)
    assert first.post(reverse("partnership:two-factor-verify"), {"code": code}).status_code == 302
    assert first.get(reverse("home")).status_code == 200
    response = second.post(reverse("partnership:two-factor-verify"), {"code": code})
    assert response.status_code == 400
    assert "The code is not right" in field_error(response, "code")
    assert second.get(reverse("home")).status_code == 302


def test_a_person_who_set_up_two_factor_must_verify_even_when_it_is_optional(agency_lead, confirmed_device,
                                                                            settings):
    settings.REQUIRE_2FA = False
    client = Client()
    sign_in(client, agency_lead)
    response = client.get(reverse("home"))
    assert response.url.startswith(reverse("partnership:two-factor-verify"))


@pytest.mark.parametrize("url", [
    reverse("home"), reverse("partnership:action-list"), reverse("partnership:my-actions"),
    reverse("partnership:action-export"), reverse("priority-list"), reverse("partnership:user-list"),
    reverse("partnership:export-list"), "/admin/", reverse("partnership:action-detail", args=[1]),
])
def test_before_verifying_only_two_factor_and_public_pages_are_reachable(password_only, url):
    response = password_only.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("partnership:two-factor-setup") + "?next=")


@pytest.mark.parametrize("url", [
    reverse("partnership:two-factor-setup"), reverse("partnership:accessibility"), reverse("partnership:privacy"),
    reverse("partnership:cookies"), reverse("healthz"),
])
def test_before_verifying_set_up_and_public_pages_open(password_only, url):
    assert password_only.get(url).status_code == 200


def test_before_verifying_sign_out_works(password_only):
    response = password_only.post(reverse("partnership:sign-out"))
    assert response.status_code == 302
    assert signed_in_user_id(password_only) is None


def test_before_verifying_a_post_to_a_change_is_not_carried_out(password_only, police):
    from tests.factories import ActionFactory

    action = ActionFactory(owner_agency=police)
    response = password_only.post(reverse("partnership:action-add-update", args=[action.pk]), {"note": "Sneaky"})
    assert response.status_code == 302
    assert action.updates.count() == 0


# The lockout's rules, for every view that checks a password: tests/security/test_sign_in_lockout.py.


# --- Two-factor: the walk over every address, and replay within one person's sign-ins ---------------------

# What a password-only session may reach (partnership.middleware.TwoFactorRequiredMiddleware): this list is the
# specification; the walk below finds every other named URL and expects it to send the person to set up 2FA.
TWO_FACTOR_REACHABLE = {
    "partnership:two-factor-setup", "partnership:two-factor-verify", "partnership:sign-out",
    "partnership:session-keep-alive", "partnership:accessibility", "partnership:privacy", "partnership:cookies",
    "healthz",
}


def _every_named_url():
    from tests.security.urlconf import every_named_url

    return every_named_url()


WALK = [(name, url) for name, url in _every_named_url() if name not in TWO_FACTOR_REACHABLE]
WALK += [("admin", "/admin/"), ("admin:changelist", "/admin/partnership/user/"),
         ("admin:change", "/admin/partnership/user/1/change/")]


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_password_only_session_reaches_nothing_but_two_factor_on_every_url(password_only, method):
    password_only.handler.enforce_csrf_checks = False
    assert len(WALK) > 100  # the walk really found the apps' pages
    wrong = []
    for name, url in WALK:
        response = getattr(password_only, method)(url)
        if response.status_code != 302 or not response.url.startswith(reverse("partnership:two-factor-setup")):
            wrong.append(f"{name} {url}: {response.status_code} {response.get('Location', '')}")
    assert not wrong, "reached without two-factor sign-in:\n" + "\n".join(wrong)


def test_the_code_that_confirmed_set_up_cannot_be_used_again_to_verify(agency_lead, require_2fa):
    first = Client()
    sign_in(first, agency_lead)
    prove_address(first, agency_lead)
    first.get(reverse("partnership:two-factor-setup"))
    device = TOTPDevice.objects.get(user=agency_lead)
    code = code_for(device)
    assert first.post(reverse("partnership:two-factor-setup"), {"code": code}).status_code == 302
    second = Client()
    sign_in(second, agency_lead)
    response = second.post(reverse("partnership:two-factor-verify"), {"code": code})
    assert response.status_code == 400
    assert second.get(reverse("home")).status_code == 302
