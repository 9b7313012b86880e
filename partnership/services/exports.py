"""Reports generated in the background into ReportExport rows: queued → running → ready/failed.

An app registers a generator for its kind of report:

    @register_export("actions-overdue", title="Overdue actions by agency (PDF)", on_reports_page=True)
    def overdue_actions_pdf(parameters: dict) -> tuple[str, bytes]:
        return "overdue-actions.pdf", render_pdf(...)
"""
import contextlib
import logging
import threading
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection, connections, transaction
from django.utils import timezone

from partnership import rate_limits, security_log
from partnership.models import OutboxMessage, ReportExport

from .errors import ServiceError
from .outbox import enqueue_email, enqueue_task

log = logging.getLogger(__name__)
Generator = Callable[[dict], tuple[str, bytes]]
_REGISTRY: dict[str, Generator] = {}
_TITLES: dict[str, str] = {}
_ON_REPORTS_PAGE: set[str] = set()
_PRIVATE: set[str] = set()
STALE_AFTER = timedelta(minutes=30)


def register_export(kind: str, *, title: str = "", on_reports_page: bool = False, private: bool = False):
    """Register a generator. `on_reports_page`: it needs no parameters, so the reports page offers it.
    `private`: only the person who asked sees and downloads it (one agency's record, such as its Section 11
    return: the report readers who see every other export may not see that record)."""

    def decorator(func: Generator) -> Generator:
        _REGISTRY[kind] = func
        _TITLES[kind] = title or kind.replace("-", " ").replace("_", " ").capitalize()
        if on_reports_page:
            _ON_REPORTS_PAGE.add(kind)
        if private:
            _PRIVATE.add(kind)
        return func

    return decorator


def private_kinds() -> list[str]:
    return sorted(_PRIVATE)


def export_kinds() -> list[str]:
    return sorted(_REGISTRY)


def export_title(kind: str) -> str:
    return _TITLES.get(kind, kind)


def reports_page_kinds() -> list[tuple[str, str]]:
    """The reports anyone allowed may ask for from the reports page (those that need no parameters)."""
    return [(kind, _TITLES[kind]) for kind in sorted(_ON_REPORTS_PAGE)]


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
    """Generate the file. Idempotent: a ready export, or one another worker is making, is left alone. A run
    that died (its worker killed) holds its lease for `lease()` only: the redelivered task then takes it over,
    so the report is made without waiting for the sweeper (`exports_fail_stale`)."""
    with transaction.atomic():
        export = ReportExport.objects.select_for_update().filter(pk=export_id).first()
        if export is None:
            return None
        alive_at = export.heartbeat_at or export.started_at
        taken_over = (export.status == ReportExport.Status.RUNNING and alive_at is not None
                      and alive_at < timezone.now() - lease())
        if export.status != ReportExport.Status.QUEUED and not taken_over:
            return export
        if taken_over:
            log.warning("report export taken over from a run that died", extra={"export_id": export.pk})
        export.status = ReportExport.Status.RUNNING
        export.started_at = export.heartbeat_at = timezone.now()
        export.save(update_fields=["status", "started_at", "heartbeat_at"])
    try:
        with _heartbeat(export.pk):
            filename, content = _REGISTRY[export.kind](export.parameters)
    except Exception:  # noqa: BLE001 - the failure is shown to the person who asked, by its reference only
        reference = security_log.error_reference()
        log.exception("report export failed", extra={"export_id": export.pk, "kind": export.kind,
                                                     "reference": reference})
        with transaction.atomic():
            export.status = ReportExport.Status.FAILED
            export.error = (f"Something went wrong while making it. Try again; if it fails again, give the "
                            f"business unit this reference: {reference}.")
            export.finished_at = timezone.now()
            export.save(update_fields=["status", "error", "finished_at"])
            _email_requester(export)
        return export
    with transaction.atomic():
        export.file.save(filename, ContentFile(content), save=False)
        export.filename = filename
        export.status = ReportExport.Status.READY
        export.finished_at = timezone.now()
        export.save(update_fields=["file", "filename", "status", "finished_at"])
        _email_requester(export)
    return export


def lease():
    """How long a running export without a sign of life belongs to the worker that started it
    (settings.EXPORT_LEASE_SECONDS): its heartbeat renews it every third of that while it runs."""
    return timedelta(seconds=getattr(settings, "EXPORT_LEASE_SECONDS", 90))


@contextlib.contextmanager
def _heartbeat(export_id: int):
    """Renew the run's lease while it works (a thread with its own connection; not on SQLite, where a second
    writer would only wait for the first)."""
    if connection.vendor == "sqlite":
        yield
        return
    stop = threading.Event()

    def beat():
        try:
            while not stop.wait(lease().total_seconds() / 3):
                ReportExport.objects.filter(pk=export_id, status=ReportExport.Status.RUNNING).update(
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
    outcome = "is ready" if export.status == ReportExport.Status.READY else "could not be made"
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
