"""One-time links carry a secret in their path (password reset, invitation, a delegate's booking, approval and
evaluation links, a staged upload): the URL kwargs named in SECRET_URL_KWARGS. The one rule for them:

- their pages are never stored by a browser or a proxy (`is_secret_url`, used by NoStoreForSignedInMiddleware);
- the secret never reaches a log: `redact` masks it in any text (the JSON log formatter, merton_qa.logging,
  and gunicorn's access log, merton_qa.gunicorn_logging).
"""
import re
from urllib.parse import urlsplit, urlunsplit

SECRET_URL_KWARGS = frozenset({"token", "uidb64"})
MASK = "[redacted]"
_PATH = re.compile(r"/[^\s'\"<>?#]*")


def secret_values(path: str) -> list[str]:
    """The secret parts of `path` if it is a one-time link's (empty otherwise)."""
    from django.urls import Resolver404, resolve

    try:
        kwargs = resolve(path).kwargs
    except Resolver404:
        return []
    except Exception:  # noqa: BLE001 - a log line must never fail: logging before the URL conf can load
        return []
    return [str(kwargs[key]) for key in SECRET_URL_KWARGS if kwargs.get(key)]


def is_secret_url(request) -> bool:
    match = getattr(request, "resolver_match", None)
    return bool(match and SECRET_URL_KWARGS & {key for key, value in match.kwargs.items() if value})


def _redact_path(match: re.Match) -> str:
    path = match.group(0)
    for value in secret_values(path):
        path = path.replace(f"/{value}/", f"/{MASK}/")
    return path


def redact(text: str) -> str:
    """Mask the secrets of one-time links in any URL path in `text` (and in full URLs, such as a referrer)."""
    if not text or "/" not in text:
        return text
    parts = urlsplit(text) if "://" in text and " " not in text else None
    if parts is not None:
        return urlunsplit(parts._replace(path=_PATH.sub(_redact_path, parts.path)))
    return _PATH.sub(_redact_path, text)
