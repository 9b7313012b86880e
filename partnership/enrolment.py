"""Proof before setting up two-factor sign-in (issue 17).

A password alone must not be enough to attach an authenticator to an account that has none: whoever guessed or
stole the password would then own the second factor too. Setting one up needs, in the same browser session,
one of:
- the invitation link just followed (it was emailed to the account's address): `mark_proved` at acceptance;
- a fresh code emailed to the account's address (`send_code`, then `check_code`): 6 digits, valid 15 minutes,
  5 tries, stored only as a hash in the session, at most one email a minute.
The session's counts alone would let someone with the password open new sessions for fresh tries and emails, so
the account is counted too, whatever the session (`partnership.rate_limits.over`, in the shared cache): at most
ACCOUNT_CODES emails and ACCOUNT_TRIES codes tried per account in ACCOUNT_WINDOW.
"""
import hashlib
import hmac
import secrets
import time

from django.conf import settings
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from partnership.rate_limits import over
from partnership.services.outbox import enqueue_email

PROVED = "two_factor_enrolment_proved"  # the user id the proof is for
CODE = "two_factor_enrolment_code"  # {"user", "hash", "sent", "tries"}
CODE_SECONDS = 15 * 60
RESEND_SECONDS = 60
TRIES = 5
ACCOUNT_CODES = 5  # emails per account in ACCOUNT_WINDOW, over every session
ACCOUNT_TRIES = 10  # codes tried per account in ACCOUNT_WINDOW, over every session
ACCOUNT_WINDOW = 60 * 60
TOO_SOON = "We sent a code less than a minute ago: wait for it, then send another if needed."
TOO_MANY_CODES = (f"We have sent {ACCOUNT_CODES} codes for this account in the last hour. Use the newest one, or "
                  "wait an hour, then send another.")
TOO_MANY_TRIES = ("Too many codes have been tried for this account in the last hour. Wait an hour, then send a new "
                  "code and enter it")


def _hash(code: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), code.encode(), hashlib.sha256).hexdigest()


def mark_proved(session, user) -> None:
    session[PROVED] = user.pk
    session.pop(CODE, None)


def is_proved(session, user) -> bool:
    return session.get(PROVED) == user.pk


def code_pending(session, user) -> bool:
    sent = session.get(CODE)
    return bool(sent) and sent.get("user") == user.pk and time.time() - sent.get("sent", 0) < CODE_SECONDS


def send_code(session, user, *, force: bool = False) -> str | None:
    """Email a new code (None), unless one was sent under a minute ago (or one is still valid and `force` is off)
    or the account has had its share of emails: then what to tell the person."""
    sent = session.get(CODE) or {}
    if sent.get("user") == user.pk and time.time() - sent.get("sent", 0) < (RESEND_SECONDS if force else
                                                                            CODE_SECONDS):
        return TOO_SOON
    if over(f"limit:enrol-codes:user:{user.pk}", ACCOUNT_CODES, ACCOUNT_WINDOW):
        return TOO_MANY_CODES
    code = f"{secrets.randbelow(1_000_000):06d}"
    session[CODE] = {"user": user.pk, "hash": _hash(code), "sent": time.time(), "tries": 0}
    enqueue_email(to=user.email, subject="Your code to set up two-factor sign-in", template="two_factor_enrol_code",
                  context={"code": code, "minutes": CODE_SECONDS // 60},
                  key=f"two-factor-enrol:{user.pk}:{secrets.token_hex(8)}")
    return None


def check_code(session, user, code: str) -> str | None:
    """None when `code` is right (the session is then proved); otherwise what to tell the person."""
    sent = session.get(CODE) or {}
    if sent.get("user") != user.pk or time.time() - sent.get("sent", 0) >= CODE_SECONDS:
        return "The code has expired. Send a new code and enter it"
    if sent.get("tries", 0) >= TRIES:
        return "Too many wrong codes. Send a new code and enter it"
    if over(f"limit:enrol-tries:user:{user.pk}", ACCOUNT_TRIES, ACCOUNT_WINDOW):
        return TOO_MANY_TRIES
    if hmac.compare_digest(sent.get("hash", ""), _hash((code or "").strip())):
        mark_proved(session, user)
        return None
    session[CODE] = {**sent, "tries": sent.get("tries", 0) + 1}
    return "The code is not right. Enter the 6-digit code from the newest email we sent you"


def device_to_confirm(user) -> TOTPDevice:
    """The authenticator `user` is setting up: the one not yet confirmed, made if there is none."""
    with transaction.atomic():
        device, _ = TOTPDevice.objects.get_or_create(user=user, confirmed=False,
                                                     defaults={"name": "Authenticator app"})
    return device


def locked_devices(user, *, pk=None):
    """`user`'s confirmed authenticators (or the one `pk`), locked until the transaction ends: one code is tried
    against a device at a time."""
    if pk is not None:
        return TOTPDevice.objects.select_for_update().filter(pk=pk)
    return TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True)
