"""Security events, one structured line each on the `security` logger.

Every line says what happened (`event`), to whom (`actor`: the user's id, never a name or email), from where
(`address`), on what (`object`: a model label and primary key, or a case reference) and the `outcome`; the
JSON formatter adds the time. Nothing else goes in: no password, token, session id, code or child identifier.
Used by the sign-in signals (below), two-factor verification, the 403/404 handlers, export downloads and the
reviews access log.
"""
import logging
import secrets

from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from partnership import net

log = logging.getLogger("security")


def client_address(request) -> str:
    """The client's address for the log and the lockout (AXES_CLIENT_IP_CALLABLE): partnership.net decides."""
    if request is None:
        return ""
    return net.client_ip(request) or ""


_address = client_address


def _actor(request) -> str:
    user = getattr(request, "user", None)
    return str(user.pk) if user is not None and user.is_authenticated else "anonymous"


def error_reference() -> str:
    """A short reference for a failure: shown to the person (never the exception's text) and logged with the
    trace, so the business unit can find one from the other."""
    return secrets.token_hex(5).upper()


def view_reference(match) -> str:
    """A resolved URL as the log names it: the view and its numeric ids only (a string in a URL may be a
    one-time token, which must never be logged)."""
    if match is None:
        return ""
    args = ",".join(f"{key}={value}" for key, value in sorted(match.kwargs.items()) if isinstance(value, int))
    return f"{match.view_name}({args})"


def path_reference(path: str) -> str:
    from django.urls import Resolver404, resolve

    try:
        return view_reference(resolve(path))
    except Resolver404:
        return "unknown"


def event(name: str, request, *, outcome: str, obj=None, reference: str = "", actor: str | None = None) -> None:
    """Log one security event. `obj` is a model instance (logged as label:pk) or `reference` a short code."""
    target = f"{obj._meta.label_lower}:{obj.pk}" if obj is not None else reference
    level = logging.INFO if outcome == "success" else logging.WARNING
    log.log(level, "security event %s %s", name, outcome, extra={
        "event": name, "outcome": outcome, "actor": actor or _actor(request), "address": _address(request),
        "object": target,
    })


@receiver(user_logged_in, dispatch_uid="security_log_sign_in")
def _signed_in(sender, request, user, **kwargs):
    event("sign-in", request, outcome="success", actor=str(user.pk))


@receiver(user_login_failed, dispatch_uid="security_log_sign_in_failed")
def _sign_in_failed(sender, credentials, request=None, **kwargs):
    # Only whether a name was given: what was typed may be a password in the wrong box.
    event("sign-in", request, outcome="failure", actor="anonymous")
