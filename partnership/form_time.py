"""Form-time tickets for public forms (no account): anti-automation, not idempotency.

A ticket is issued when a public form is shown (`issue`) and checked when it comes back (`check`). It is:
- signed (a forged or edited ticket is refused);
- bound to the browser session it was issued in (a ticket copied into a script's requests is refused);
- single use: `check` consumes it, so a replayed POST is recognised (`REPLAYED`);
- timed: a form sent back faster than a person can type (`min_seconds`) or older than `max_age` is refused.

The session keeps only the last `KEPT` unused tickets' random ids, so a bot cannot grow a session without limit.

How it relates to an idempotency key (a token that makes a double-submitted create land as one record): both
are issued when a form is rendered and consumed by its POST. This one refuses what a person did not type in a
browser; an idempotency key answers a repeat with the first result. The booking form uses both meanings at
once: a replayed ticket is answered with the same page as the first POST and does nothing more.
"""
import secrets
import time
from dataclasses import dataclass

from django.core import signing

SESSION_KEY = "form_time"
SALT = "partnership.form-time"
KEPT = 20

OK = "ok"
FORGED = "forged"  # not ours, edited, or for another form
OTHER_SESSION = "other_session"  # issued to another browser session (or the session has ended)
REPLAYED = "replayed"  # already used once
TOO_FAST = "too_fast"
TOO_OLD = "too_old"


@dataclass(frozen=True)
class Verdict:
    outcome: str
    seconds: float | None = None

    @property
    def ok(self) -> bool:
        return self.outcome == OK


def issue(request, purpose: str, *, at: float | None = None) -> str:
    """A new ticket for `purpose` (e.g. "learning.book:12"), remembered in this browser's session. `at`: when the
    form was shown (tests backdate it)."""
    nonce = secrets.token_urlsafe(12)
    issued = [n for n in request.session.get(SESSION_KEY, []) if isinstance(n, str)][-(KEPT - 1):]
    request.session[SESSION_KEY] = [*issued, nonce]
    return signing.dumps({"n": nonce, "p": purpose, "t": time.time() if at is None else at}, salt=SALT)


def check(request, purpose: str, ticket: str, *, min_seconds: float, max_age: float) -> Verdict:
    """Check and consume `ticket`. Only an `OK` verdict means a person filled the form in this session."""
    try:
        data = signing.loads(ticket or "", salt=SALT)
        nonce, issued_at = str(data["n"]), float(data["t"])
        if data.get("p") != purpose:
            return Verdict(FORGED)
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return Verdict(FORGED)
    seconds = time.time() - issued_at
    issued = list(request.session.get(SESSION_KEY, []))
    used = list(request.session.get(SESSION_KEY + ".used", []))
    if nonce in issued:
        issued.remove(nonce)
        request.session[SESSION_KEY] = issued
        request.session[SESSION_KEY + ".used"] = [*used, nonce][-KEPT:]
    elif nonce in used:
        return Verdict(REPLAYED, seconds)
    else:
        return Verdict(OTHER_SESSION, seconds)
    if seconds < min_seconds:
        return Verdict(TOO_FAST, seconds)
    if seconds > max_age:
        return Verdict(TOO_OLD, seconds)
    return Verdict(OK, seconds)
