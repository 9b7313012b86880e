"""Reports generated in the background (partnership.services.exports): queued → running → ready/failed."""
from datetime import timedelta

import pytest
from django.utils import timezone

from partnership.models import OutboxMessage, ReportExport
from partnership.services import exports
from partnership.services.errors import ServiceError
from partnership.services.exports import (
    STALE_AFTER,
    export_kinds,
    export_request,
    export_run,
    exports_fail_stale,
    register_export,
)

pytestmark = pytest.mark.django_db
R = ReportExport.Status


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def test_kinds():
    """Register generators for the test only and take them out of the registry afterwards."""
    calls = []

    @register_export("test-tiny")
    def tiny(parameters: dict) -> tuple[str, bytes]:
        calls.append(parameters)
        return "tiny.txt", f"Hello {parameters['name']}".encode()

    @register_export("test-broken")
    def broken(parameters: dict) -> tuple[str, bytes]:
        raise ValueError("no data for the period")

    yield calls
    exports._REGISTRY.pop("test-tiny", None)
    exports._REGISTRY.pop("test-broken", None)


def test_registered_kind_is_listed_and_removed_after(test_kinds):
    assert {"test-tiny", "test-broken"} <= set(export_kinds())


def test_request_creates_a_queued_export_and_an_outbox_row(test_kinds, chair):
    export = export_request(kind="test-tiny", parameters={"name": "board"}, by=chair)  # not yet committed
    export.refresh_from_db()
    assert (export.status, export.kind, export.parameters, export.requested_by) == (
        R.QUEUED, "test-tiny", {"name": "board"}, chair)
    row = OutboxMessage.objects.get()
    assert (row.task, row.kwargs, row.dedup_key) == ("partnership.run_export", {"export_id": export.pk},
                                                     f"export:{export.pk}")
    assert test_kinds == []


def test_request_runs_to_ready_with_the_file_after_commit(test_kinds, chair, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        export = export_request(kind="test-tiny", parameters={"name": "board"}, by=chair)
    export.refresh_from_db()
    assert export.status == R.READY
    assert export.filename == "tiny.txt"
    assert export.error == ""
    assert export.started_at <= export.finished_at
    assert export.duration is not None
    with export.file.open("rb") as handle:
        assert handle.read() == b"Hello board"
    assert test_kinds == [{"name": "board"}]


def test_failing_generator_ends_as_failed_with_a_reference(test_kinds, chair, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        export = export_request(kind="test-broken", parameters={}, by=chair)
    export.refresh_from_db()
    assert export.status == R.FAILED
    assert "no data for the period" not in export.error and "reference" in export.error
    assert export.finished_at is not None
    assert not export.file
    # The failure is the report's, not the outbox's: the message was delivered.
    assert OutboxMessage.objects.get(task="partnership.run_export").status == OutboxMessage.Status.PUBLISHED


def test_running_a_ready_export_again_does_nothing(test_kinds, chair, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        export = export_request(kind="test-tiny", parameters={"name": "board"}, by=chair)
    export.refresh_from_db()
    finished, name = export.finished_at, export.file.name

    again = export_run(export_id=export.pk)

    assert again.status == R.READY
    export.refresh_from_db()
    assert (export.finished_at, export.file.name) == (finished, name)
    assert len(test_kinds) == 1


def test_running_a_running_or_failed_export_does_nothing(test_kinds, chair):
    running = ReportExport.objects.create(kind="test-tiny", parameters={"name": "x"}, requested_by=chair,
                                          status=R.RUNNING, started_at=timezone.now())
    failed = ReportExport.objects.create(kind="test-tiny", parameters={"name": "x"}, requested_by=chair,
                                         status=R.FAILED, error="earlier")
    assert export_run(export_id=running.pk).status == R.RUNNING
    assert export_run(export_id=failed.pk).status == R.FAILED
    assert test_kinds == []


def test_running_a_missing_export_returns_none():
    assert export_run(export_id=999_999) is None


def test_stale_running_export_is_marked_failed(chair):
    now = timezone.now()
    stale = ReportExport.objects.create(kind="k", requested_by=chair, status=R.RUNNING,
                                        started_at=now - STALE_AFTER - timedelta(minutes=1))
    fresh = ReportExport.objects.create(kind="k", requested_by=chair, status=R.RUNNING,
                                        started_at=now - timedelta(minutes=5))
    queued = ReportExport.objects.create(kind="k", requested_by=chair, status=R.QUEUED)

    assert exports_fail_stale(now=now) == 1

    stale.refresh_from_db()
    assert stale.status == R.FAILED
    assert stale.error == "The report took too long and was stopped."
    assert stale.finished_at == now
    fresh.refresh_from_db()
    queued.refresh_from_db()
    assert (fresh.status, queued.status) == (R.RUNNING, R.QUEUED)


def test_scheduled_task_fails_stale_exports(chair):
    from partnership import tasks

    ReportExport.objects.create(kind="k", requested_by=chair, status=R.RUNNING,
                                started_at=timezone.now() - timedelta(hours=2))
    assert tasks.fail_stale_exports.apply().get() == 1


def test_unknown_kind_is_refused(chair):
    with pytest.raises(ServiceError, match="There is no report called 'no-such-report'"):
        export_request(kind="no-such-report", parameters={}, by=chair)
    assert not ReportExport.objects.exists()
    assert not OutboxMessage.objects.exists()
