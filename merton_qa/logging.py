"""Structured logging: one JSON object per line on stdout."""
import json
import logging
import re
from datetime import UTC, datetime

# A one-time link's secret parts (password reset, invitation, a delegate's booking and evaluation links).
_SECRET_KWARGS = ("token", "uidb64")
_PATH = re.compile(r"/[^\s'\"<>?#]*")


def _redact_path(match: re.Match) -> str:
    from django.urls import Resolver404, resolve

    path = match.group(0)
    try:
        kwargs = resolve(path).kwargs
    except Resolver404:
        return path
    except Exception:  # noqa: BLE001 - a log line must never fail: logging before the URL conf can load
        return path
    for key in _SECRET_KWARGS:
        value = kwargs.get(key)
        if isinstance(value, str) and value:
            path = path.replace(f"/{value}/", "/[redacted]/")
    return path


def redact(text: str) -> str:
    """Mask the tokens of one-time links in any URL path in `text`: they must never reach a log."""
    return _PATH.sub(_redact_path, text) if "/" in text else text

_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        payload = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": redact(record.getMessage()),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                value = value if isinstance(value, (int, float, bool, type(None))) else redact(str(value))
                payload[key] = value
        if record.exc_info:
            payload["exc_info"] = redact(self.formatException(record.exc_info))
        return json.dumps(payload)
