"""Structured logging: one JSON object per line on stdout."""
import json
import logging
from datetime import UTC, datetime

from partnership.url_secrets import redact  # the one rule for one-time links' secrets

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
