"""Reports generated in the background into ReportExport rows: queued → running → ready/failed.

An app registers a generator for its kind of report:

    @register_export("actions-overdue", title="Overdue actions by agency (PDF)", on_reports_page=True)
    def overdue_actions_pdf(parameters: dict) -> tuple[str, bytes]:
        return "overdue-actions.pdf", render_pdf(...)
"""
import contextlib
import logging
import threading
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection, connections, transaction
from django.db.models import Q
from django.utils import timezone

from partnership import rate_limits, security_log
from partnership.export_registry import (  # noqa: F401 - the apps register and read kinds through this module
    _ON_REPORTS_PAGE,
    _REGISTRY,
    _TITLES,
    Generator,
    export_kinds,
    export_title,
    private_kinds,
    register_export,
    reports_page_kinds,
)
from partnership.models import OutboxMessage, ReportExport

from .errors import ServiceError
from .outbox import REDELIVER_FIRST, enqueue_email, enqueue_task, overdue_publication

log = logging.getLogger(__name__)
STALE_AFTER = timedelta(minutes=30)
MAX_RUNS = 3  # runs of one report that may die (worker killed) before it is failed: it may be what kills them


@transaction.atomic
def export_request(*, kind: str, parameters: dict, by, limited: bool = True) -> ReportExport:
    """Queue a report. `limited`: a person asking for reports gets at most EXPORTS_PER_PERSON in EXPORTS_WINDOW
    (rate_limits.TooMany, answered 429); a step of a workflow (publishing a board pack) passes False."""
    if kind not in _REGISTRY:
        raise ServiceError(f"There is no report called {kind!r}.")
    if limited and by is not None and rate_limits.over(f"limit:export:user:{by.pk}", rate_limits.EXPORTS_PER_PERSON,
                                                       rate_limits.EXPORTS_WINDOW):
        raise rate_limits.TooMany(f"You have asked for {rate_limits.EXPORTS_PER_PERSON} reports in the last "
                                  f"{rate_limits.EXPORTS_WINDOW // 60} minutes. Wait a few minutes, then ask again.")
    export = ReportExport.objects.create(kind=kind, parameters=parameters, requested_by=by)
    enqueue_task("partnership.run_export", dedup_key=f"export:{export.pk}", export_id=export.pk)
    return export


def export_run(*, export_id: int) -> ReportExport | None:
    """Generate the file. Idempotent: a ready export, or one a live run is making, is left alone.

    A run that died (its worker killed) holds its lease for `lease()` only; the relay then publishes the task
    again (`republish_stalled_exports`) and that task takes the run over, so the report is made without waiting
    for the sweeper (`exports_fail_stale`). A report whose runs died MAX_RUNS times is failed: it may be what
    kills them. Each run is known by its `started_at`: a run that was taken over keeps nothing it made, so there
    is one file, the last run's.
    """
    with transaction.atomic():
        export = ReportExport.objects.select_for_update().filter(pk=export_id).first()
        if export is None:
            return None
        taken_over = export.status == ReportExport.Status.RUNNING and not alive(export)
        if export.status != ReportExport.Status.QUEUED and not taken_over:
            return export
        if taken_over and export.runs >= MAX_RUNS:
            log.error("report export failed: its runs died", extra={"export_id": export.pk, "runs": export.runs})
            _finish_failed(export, f"It stopped {export.runs} times before it was finished. Ask for it again; if it "
                                   "stops again, tell the business unit.")
            return export
        if taken_over:
            log.warning("report export taken over from a run that died",
                        extra={"export_id": export.pk, "runs": export.runs})
        export.status = ReportExport.Status.RUNNING
        export.started_at = export.heartbeat_at = timezone.now()
        export.runs += 1
        export.save(update_fields=["status", "started_at", "heartbeat_at", "runs"])
    run = export.started_at
    try:
        with _heartbeat(export.pk, run):
            filename, content = _REGISTRY[export.kind](export.parameters)
    except Exception:  # noqa: BLE001 - the failure is shown to the person who asked, by its reference only
        reference = security_log.error_reference()
        log.exception("report export failed", extra={"export_id": export.pk, "kind": export.kind,
                                                     "reference": reference})
        with transaction.atomic():
            export = ReportExport.objects.select_for_update().get(pk=export.pk)
            if _is_this_run(export, run):
                _finish_failed(export, f"Something went wrong while making it. Try again; if it fails again, give "
                                       f"the business unit this reference: {reference}.")
        return export
    with transaction.atomic():
        export = ReportExport.objects.select_for_update().get(pk=export.pk)
        if not _is_this_run(export, run):
            return export  # another run took it over or the sweeper stopped it: what this run made is dropped
        export.file.save(filename, ContentFile(content), save=False)
        export.filename = filename
        export.status = ReportExport.Status.READY
        export.finished_at = timezone.now()
        export.save(update_fields=["file", "filename", "status", "finished_at"])
        _email_requester(export)
    return export


def _is_this_run(export: ReportExport, run) -> bool:
    """The run that started at `run` still has the export (not taken over by another run, not stopped)."""
    mine = export.status == ReportExport.Status.RUNNING and export.started_at == run
    if not mine:
        log.warning("report export run no longer has it (taken over or stopped): its result is dropped",
                    extra={"export_id": export.pk, "status": export.status})
    return mine


def _finish_failed(export: ReportExport, error: str) -> None:
    export.status, export.error, export.finished_at = ReportExport.Status.FAILED, error, timezone.now()
    export.save(update_fields=["status", "error", "finished_at"])
    _email_requester(export)


def lease() -> timedelta:
    """How long a running export without a sign of life belongs to the run that started it
    (settings.EXPORT_LEASE_SECONDS): its heartbeat renews it every third of that while it runs."""
    return timedelta(seconds=settings.EXPORT_LEASE_SECONDS)


def alive(export: ReportExport, *, now=None) -> bool:
    """The run making it gave a sign of life within its lease."""
    last = export.heartbeat_at or export.started_at
    return last is not None and last >= (now or timezone.now()) - lease()


@contextlib.contextmanager
def _heartbeat(export_id: int, run):
    """Renew this run's lease while it works (a thread with its own connection; not on SQLite, where a second
    writer would only wait for the first)."""
    if connection.vendor == "sqlite":
        yield
        return
    stop = threading.Event()

    def beat():
        try:
            while not stop.wait(lease().total_seconds() / 3):
                ReportExport.objects.filter(pk=export_id, status=ReportExport.Status.RUNNING, started_at=run).update(
                    heartbeat_at=timezone.now())
        finally:
            connections.close_all()

    thread = threading.Thread(target=beat, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=5)


def republish_stalled_exports(*, now=None) -> int:
    """Put back to pending the published tasks of reports that came to nothing, so the relay publishes them again:
    a running report whose run died (no sign of life within its lease, published before that: the task then
    takes the run over), and a queued report whose task never started (lost with a broker or worker), after the
    same back-off as an unsent email's. Called by every relay round (Celery beat, every minute)."""
    now = now or timezone.now()
    dead_before = now - lease()
    dead = (ReportExport.objects.filter(status=ReportExport.Status.RUNNING)
            .filter(Q(heartbeat_at__lt=dead_before) | Q(heartbeat_at__isnull=True, started_at__lt=dead_before))
            .order_by("pk").values_list("pk", flat=True)[:200])
    queued = (ReportExport.objects.filter(status=ReportExport.Status.QUEUED, requested_at__lt=now - REDELIVER_FIRST)
              .order_by("pk").values_list("pk", flat=True)[:200])
    stalled = (Q(dedup_key__in=[f"export:{pk}" for pk in dead], published_at__lt=dead_before)
               | Q(overdue_publication(now), dedup_key__in=[f"export:{pk}" for pk in queued]))
    count = OutboxMessage.objects.filter(stalled, status=OutboxMessage.Status.PUBLISHED,
                                         task="partnership.run_export").update(
        status=OutboxMessage.Status.PENDING, available_at=now)
    if count:
        log.warning("report tasks published again: their runs died or never started", extra={"count": count})
    return count


def still_running(export: ReportExport | None) -> bool:
    """Another run is making it and is alive: the redelivered task checks again once the lease could end."""
    return export is not None and export.status == ReportExport.Status.RUNNING


def waited(export: ReportExport, *, now=None) -> timedelta:
    """How long the person has been waiting for their report."""
    return (now or timezone.now()) - export.requested_at


def _email_requester(export: ReportExport) -> None:
    """Tell the person who asked that their report is ready, or could not be made (they may have closed the page)."""
    person = export.requested_by
    if person is None or not person.is_active or not person.email:
        return
    outcome = "is ready" if export.is_ready else "could not be made"
    enqueue_email(
        to=person.email, subject=f"Your report {outcome}: {export_title(export.kind)}", template="export_ready",
        context={"person": person, "export": export, "title": export_title(export.kind),
                 "link": settings.SITE_URL + export.get_absolute_url()},
        key=f"export-ready:{export.pk}",
    )


def waiting_for_broker(export: ReportExport) -> bool:
    """A queued report whose task could not be handed to the worker yet (the broker is down).

    The request is safe in the outbox and the relay keeps retrying; the page says so plainly.
    """
    if export.status != ReportExport.Status.QUEUED:
        return False
    return OutboxMessage.objects.filter(dedup_key=f"export:{export.pk}", status=OutboxMessage.Status.PENDING,
                                        attempts__gt=0).exists()


@transaction.atomic
def exports_fail_stale(*, now=None) -> int:
    """A worker that died mid-run leaves a row 'running' for ever: mark it failed so it can be re-asked."""
    now = now or timezone.now()
    return ReportExport.objects.filter(
        status=ReportExport.Status.RUNNING, started_at__lt=now - STALE_AFTER
    ).update(status=ReportExport.Status.FAILED, error="The report took too long and was stopped.", finished_at=now)
