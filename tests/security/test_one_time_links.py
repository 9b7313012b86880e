"""One-time links (partnership.url_secrets), generated from the URL conf: every page whose address carries a secret
is never stored (Cache-Control: no-store), and the secret reaches neither the app's log nor gunicorn's access log."""
import datetime
import logging
from types import SimpleNamespace

import pytest
from django.test import Client

from merton_qa.gunicorn_logging import RedactingLogger
from merton_qa.logging import JsonFormatter
from partnership.url_secrets import SECRET_URL_KWARGS

from .urlconf import converter_types, url_for, walk

SECRET = "Zq9x-secretTOKEN-0123456789"
# URL parts that are not numbers and are not secrets, with the reason.
NOT_SECRET = {"code": "an indicator's published code (performance)",
              "step": "a board pack's next step (approve, publish...): a word, not a secret"}
ONE_TIME = sorted((name, url_for(name, pattern, token=SECRET, uidb64=SECRET)) for name, pattern in walk()
                  if SECRET_URL_KWARGS & set(converter_types(pattern)))


def test_every_url_part_that_is_not_a_number_is_a_secret_or_said_not_to_be():
    parts = {key for _, pattern in walk() for key, kind in converter_types(pattern).items() if kind != "int"}
    assert parts <= SECRET_URL_KWARGS | set(NOT_SECRET), parts - SECRET_URL_KWARGS - set(NOT_SECRET)
    assert {"learning:booking", "learning:approve", "partnership:password-reset-confirm",
            "partnership:invitation-accept", "learning:evaluate-post"} <= {name for name, _ in ONE_TIME}


def access_log_atoms(url: str, referrer: str) -> dict:
    from gunicorn.config import Config

    logger = RedactingLogger(Config())
    environ = {"REQUEST_METHOD": "GET", "RAW_URI": url, "PATH_INFO": url, "QUERY_STRING": "",
               "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "192.0.2.1", "HTTP_REFERER": referrer}
    response = SimpleNamespace(status="200 OK", sent=10, headers=[("Content-Type", "text/html")])
    request = SimpleNamespace(headers=[("REFERER", referrer), ("HOST", "qa.example.org")])
    return logger.atoms(response, request, environ, datetime.timedelta(milliseconds=5))


@pytest.mark.parametrize("name,url", ONE_TIME, ids=[name for name, _ in ONE_TIME])
def test_a_one_time_link_is_never_stored_nor_logged(db, caplog, name, url):
    with caplog.at_level(logging.INFO):
        response = Client(raise_request_exception=False).get(url)
    assert "no-store" in response.get("Cache-Control", ""), f"{name} ({response.status_code}) may be cached"
    formatter = JsonFormatter()
    lines = [formatter.format(record) for record in caplog.records]
    assert not [line for line in lines if SECRET in line], f"{name}: the token reached the log"
    atoms = access_log_atoms(url, f"https://qa.example.org{url}")
    assert not [key for key, value in atoms.items() if SECRET in str(value)], f"{name}: token in the access log"
    assert "[redacted]" in atoms["r"] and "[redacted]" in atoms["f"]
