"""A report that fails shows its reference, never the exception's text: generated over every registered export
kind (partnership.services.exports), so a new report is covered without being listed."""
import logging
import re

import pytest
from django.core import mail
from django.test import Client

from partnership.models import ReportExport
from partnership.services import exports

INTERNALS = "ProgrammingError: relation secret_table at /srv/app/settings.py"


def registered_kinds() -> list[str]:
    from django.apps import apps

    assert apps.ready
    return sorted(exports._REGISTRY)


def test_the_registry_is_filled_by_the_apps():
    assert len(registered_kinds()) >= 4


@pytest.mark.parametrize("kind", registered_kinds())
def test_a_failed_export_shows_a_reference_that_the_log_holds_and_no_exception_text(
        kind, business_unit, monkeypatch, caplog, django_capture_on_commit_callbacks):
    def broken(parameters):
        raise RuntimeError(INTERNALS)

    monkeypatch.setitem(exports._REGISTRY, kind, broken)
    export = ReportExport.objects.create(kind=kind, requested_by=business_unit)
    with caplog.at_level(logging.ERROR), django_capture_on_commit_callbacks(execute=True):
        exports.export_run(export_id=export.pk)
    export.refresh_from_db()
    assert export.status == ReportExport.Status.FAILED
    client = Client()
    client.force_login(business_unit)
    page = client.get(export.get_absolute_url()).content.decode()
    shown = page + export.error + "".join(m.body for m in mail.outbox)
    assert "secret_table" not in shown and "RuntimeError" not in shown and "settings.py" not in shown
    reference = re.search(r"reference: ([0-9A-F]{10})", export.error).group(1)
    assert reference in page
    assert any(getattr(r, "reference", None) == reference and r.exc_info for r in caplog.records)
