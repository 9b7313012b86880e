"""Single-use form tokens: the same rendered form sent twice does its work once.

Every HTML page's every POST form carries a hidden ``form_token`` next to its CSRF token, put there by
`FormTokenMiddleware` (no template or form needs to do anything: a new form is covered without being listed).
The token is random and signed with the time it was issued (`issue`, `issued_at`).

When a POST carries a token, the middleware claims it before the view runs (`claim`: one `FormToken` row per
token, made in its own committed transaction, so a second claim fails at once, whichever connection makes it):

- the view answers with a redirect (the work was done): the token stays used, and where it led is kept;
- the view answers anything else (a form shown again with its errors, an htmx fragment, a refusal) or raises:
  the token is given back (`release`), so the corrected form can be sent again;
- the same token sent again (a double click, a resend, a second tab): the view is not run. The person is taken
  where the first send led, with the message "This form had already been sent, so nothing was done twice."
  While the first send is still being done, the second waits for it (up to `WAIT_SECONDS`), then is told.

A POST without a token (a script, a test client, a form from an older page) is handled as before. A token
whose signature is wrong or which is older than `MAX_AGE` is refused with 400 ("This form has expired").

API for other code (for example a public form that refuses forms sent faster than a person can type):
`issue()`, `issued_at(token) -> datetime | None`, `claim(token) -> Claim`, `release(token)`, `FIELD`.
"""
import datetime
import hashlib
import re
import secrets
import time
from dataclasses import dataclass

from django.contrib import messages
from django.core import signing
from django.db import IntegrityError, transaction
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone
from django.utils.html import escape

from partnership.models.form_tokens import FormToken

FIELD = "form_token"
SALT = "partnership.form_tokens"
MAX_AGE = datetime.timedelta(days=2)
WAIT_SECONDS = 8.0
POLL_SECONDS = 0.2
ALREADY_SENT = "This form had already been sent, so nothing was done twice."
STILL_SENDING = ("This form is already being sent. Wait a moment, then open the page again to check it has been "
                 "saved before sending it again.")
EXPIRED = "This form has expired. Go back, reload the page and send it again: what you typed is still there."
_CSRF_INPUT = re.compile(rb'<input type="hidden" name="csrfmiddlewaretoken" value="[^"]*">')


def issue() -> str:
    """A new token for one rendered form."""
    return signing.TimestampSigner(salt=SALT).sign(secrets.token_urlsafe(18))


def issued_at(token: str) -> datetime.datetime | None:
    """When the token was issued, or None when its signature is wrong or it is older than `MAX_AGE`."""
    try:
        signing.TimestampSigner(salt=SALT).unsign(token, max_age=MAX_AGE)
        stamp = signing.b62_decode(token.rsplit(":", 2)[-2])
    except (signing.BadSignature, ValueError, IndexError):
        return None
    return datetime.datetime.fromtimestamp(stamp, tz=datetime.UTC)


def _key(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass
class Claim:
    """The outcome of `claim`: `first` when this send does the work; else `location` is where the first send led
    ("" while it is still being done)."""

    first: bool
    location: str = ""


def claim(token: str, *, wait: float = WAIT_SECONDS) -> Claim:
    """Use the token. The first claim wins; a later one waits (up to `wait` seconds) for the first to finish and
    returns where it led, or becomes the first if the first was given back meanwhile."""
    key = _key(token)
    deadline = time.monotonic() + wait
    while True:
        try:
            with transaction.atomic():
                FormToken.objects.create(key=key)
            return Claim(first=True)
        except IntegrityError:
            pass
        used = FormToken.objects.filter(key=key).values_list("location", flat=True).first()
        if used:
            return Claim(first=False, location=used)
        if used is None:
            continue  # given back between our insert and our read: try again
        if time.monotonic() >= deadline:
            return Claim(first=False)
        time.sleep(POLL_SECONDS)


def record(token: str, location: str) -> None:
    """Keep where the first send led."""
    FormToken.objects.filter(key=_key(token)).update(location=location[:2000] or "/")


def release(token: str) -> None:
    """Give the token back (the work was not done), so the same form can be sent again."""
    FormToken.objects.filter(key=_key(token)).delete()


def forget_old(*, now: datetime.datetime | None = None) -> int:
    """Delete used tokens older than `MAX_AGE` (they can no longer be sent: their signature has expired)."""
    cutoff = (now or timezone.now()) - MAX_AGE - datetime.timedelta(hours=1)
    return FormToken.objects.filter(used_at__lt=cutoff).delete()[0]


def add_tokens(content: bytes) -> bytes:
    """Put a new token after every CSRF input of an HTML page, one per form."""
    return _CSRF_INPUT.sub(
        lambda m: m.group(0) + f'<input type="hidden" name="{FIELD}" value="{escape(issue())}">'.encode(), content)


def _refusal(request, title: str, message: str, *, status: int):
    return render(request, "partnership/form_token_refused.html", {"title": title, "message": message},
                  status=status)


class FormTokenMiddleware:
    """Adds a token to every POST form of every HTML page, and makes a token single-use (see the module)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = request.POST.get(FIELD, "") if request.method == "POST" else ""
        if token:
            if issued_at(token) is None:
                return _refusal(request, "This form has expired", EXPIRED, status=400)
            claimed = claim(token)
            if not claimed.first:
                if claimed.location:
                    messages.info(request, ALREADY_SENT)
                    return HttpResponseRedirect(claimed.location)
                return _refusal(request, "This form is already being sent", STILL_SENDING, status=409)
            try:
                response = self.get_response(request)
            except BaseException:
                release(token)
                raise
            if 300 <= response.status_code < 400 and response.get("Location"):
                record(token, response["Location"])
            else:
                release(token)
        else:
            response = self.get_response(request)
        return self._with_tokens(response)

    @staticmethod
    def _with_tokens(response):
        if (getattr(response, "streaming", False) or not response.get("Content-Type", "").startswith("text/html")
                or b"csrfmiddlewaretoken" not in response.content):
            return response
        response.content = add_tokens(response.content)
        if response.has_header("Content-Length"):
            response["Content-Length"] = str(len(response.content))
        return response
