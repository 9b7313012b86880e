"""Phases C and D of the fault test (scripts/fault.py, `make fault`; docs/reliability.md): nothing given up.

Phase C: Redis stopped for longer than the outbox's old retry window, under load. The outbox used to give up a
message after 12 tries (about 77 minutes of back-off); it now tries again at least every OUTBOX_RETRY_CAP_SECONDS
(15 minutes) for ever. For the run the cap is 2 s (the relay runs every 3 s), so the waiting rows pass 12 tries
within the outage, on the same code paths. Goal: every request answered as usual, the outbox page lists the
waiting messages meanwhile (none "given up"), and every email and task queued meanwhile delivered once after
Redis returns.

Phase D: a worker killed while it renders a board pack. The chair publishes a pack (POST, as in the browser); once
the report's run has started, the Celery worker and its pool processes get SIGKILL; the worker is started again.
The dead run holds the report's lease (EXPORT_LEASE_SECONDS, 20 s for the run, 90 in production); the relay then
publishes its task again and the restarted worker takes the run over. Goal: the pack completes (well before the
hourly sweeper), one finished PDF, and the chair sees it and downloads it; pdftotext finds the title and the
chair's narrative in it.
"""
import hashlib
import http.client
import re
import secrets
import subprocess
import time
from pathlib import Path
from urllib.parse import urlencode

LONG_DOWN = 75  # seconds: Redis stopped in phase C (the outbox page lists rows waiting more than a minute)
RETRY_CAP = 2  # seconds: OUTBOX_RETRY_CAP_SECONDS for the run (15 minutes in production)
LEASE = 20  # seconds: EXPORT_LEASE_SECONDS for the run (90 in production)
OLD_GIVE_UP = 12  # tries after which the outbox used to give a message up for good
PACK_TIMEOUT = 240  # seconds for the killed pack to be finished by the restarted worker
TITLE = "Quality assurance report to the partnership board"
TAKEN_OVER = "report export taken over from a run that died"  # partnership.services.exports
RECONNECT = re.compile(r"Trying again in [\d.]+ seconds\.\.\. \((\d+)/(\w+)\)")  # the worker, reconnecting


def run_env() -> dict:
    """The two windows, shortened for the run (the settings read them from the environment)."""
    return {"OUTBOX_RETRY_CAP_SECONDS": str(RETRY_CAP), "EXPORT_LEASE_SECONDS": str(LEASE)}


class Http:
    """One request at a time as a person signed in by their session (the load's way: session and CSRF cookies)."""

    def __init__(self, port: int):
        from django.conf import settings

        self.port, self.csrf = port, secrets.token_hex(16)
        self.session_cookie, self.csrf_cookie = settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME

    def __call__(self, method: str, path: str, session: str, fields: dict | None = None) -> tuple[int, dict, bytes]:
        headers = {"Cookie": f"{self.session_cookie}={session}; {self.csrf_cookie}={self.csrf}"}
        body = None
        if method == "POST":
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            body = urlencode({"csrfmiddlewaretoken": self.csrf, **(fields or {})})
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            conn.close()


def outbox_page_counts(html: str) -> tuple[int, int, int]:
    """What the business unit's outbox page shows: (rows it says are waiting, "Waiting" tags, "Given up" tags)."""
    caption = re.search(r"(\d+) waiting</caption>", html)
    return (int(caption[1]) if caption else 0, html.count(">Waiting</strong>"), html.count(">Given up</strong>"))


def log_from(path: Path, offset: int) -> str:
    try:
        with open(path, errors="replace") as f:
            f.seek(offset)
            return f.read()
    except OSError:
        return ""


def log_size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


# --- phase C --------------------------------------------------------------------------------------------------
def long_broker_outage(stack, http: Http, bu_session: str) -> dict:
    """Stop Redis for LONG_DOWN seconds under load; look at the outbox page near the end of the outage."""
    from django.db import close_old_connections
    from django.db.models import Max
    from django.utils import timezone

    from partnership.models import OutboxMessage

    print(f"  phase C: Redis stopped for {LONG_DOWN} s (past the outbox's old give-up point)", flush=True)
    log, offset = stack.logs / "celery.log", log_size(stack.logs / "celery.log")
    started, began = timezone.now(), time.time()
    stack.stop_redis()
    time.sleep(LONG_DOWN - 5)
    status, _, body = http("GET", "/outbox/", bu_session)
    close_old_connections()
    rows = OutboxMessage.objects.filter(created_at__gte=started)
    during = {"rows": rows.count(), "pending": rows.filter(status=OutboxMessage.Status.PENDING).count(),
              "listed": outbox_page_counts(body.decode(errors="replace")) if status == 200 else None,
              "page_status": status, "max_tries": rows.aggregate(m=Max("attempts"))["m"] or 0}
    time.sleep(max(began + LONG_DOWN - time.time(), 0))
    stack.start_redis()
    print(f"  phase C: Redis back after {time.time() - began:.0f} s; the outbox page listed "
          f"{during['listed']} (waiting, 'Waiting' tags, 'Given up' tags), rows waited up to "
          f"{during['max_tries']} tries", flush=True)
    return {"started": started, "back": timezone.now(), "window": (began, time.time()), "during": during,
            "log": log, "log_offset": offset}


def long_outage_results(c: dict, drain: float) -> tuple[list, list]:
    """The table rows and goals of phase C, once the outbox has drained."""
    from django.db.models import Max

    from partnership.models import EmailMessage, OutboxMessage

    rows = OutboxMessage.objects.filter(created_at__gte=c["started"], created_at__lte=c["back"])
    emails = EmailMessage.objects.filter(created_at__gte=c["started"], created_at__lte=c["back"])
    during, (waiting, tags, given_up) = c["during"], c["during"]["listed"] or (0, 0, 0)
    max_tries = rows.aggregate(m=Max("attempts"))["m"] or 0
    not_published = rows.exclude(status=OutboxMessage.Status.PUBLISHED).count()
    unsent = emails.filter(sent_at__isnull=True).count()
    tries = RECONNECT.findall(log_from(c["log"], c["log_offset"]))
    table = [
        (f"Phase C (Redis stopped {LONG_DOWN} s, retry cap {RETRY_CAP} s): emails / outbox rows queued meanwhile",
         f"{emails.count()} / {rows.count()}"),
        ("  most tries of one row (the old outbox gave up after 12)", max_tries),
        ("  outbox page near the end: status, 'N waiting', Waiting / Given up tags",
         f"{during['page_status']}, {waiting}, {tags} / {given_up}"),
        ("  rows pending then (the page lists those waiting over a minute)", during["pending"]),
        ("  after Redis returned: rows not published / emails not sent", f"{not_published} / {unsent}"),
        ("  drained after Redis returned in", f"{drain:.0f} s"),
        ("  the worker's tries to reconnect meanwhile / its limit (Celery's default: 100)",
         f"{tries[-1][0]} / {tries[-1][1]}" if tries else "none"),
    ]
    goals = [
        ("Phase C (broker down past the retry window): the outbox page listed the waiting messages, none given up",
         during["page_status"] == 200 and waiting > 0 and tags > 0 and not given_up),
        (f"Phase C: messages tried more than {OLD_GIVE_UP} times were kept (none failed)",
         max_tries > OLD_GIVE_UP and not rows.filter(status=OutboxMessage.Status.FAILED).exists()),
        ("Phase C: every email and task queued meanwhile handed over and every email sent after Redis returned",
         rows.exists() and emails.exists() and not not_published and not unsent),
    ]
    return table, goals


# --- phase D --------------------------------------------------------------------------------------------------
def prepare_pack() -> dict:
    """An approved pack for the last full quarter (a new version of the demo's published one), and the chair's
    session to publish it."""
    from django.conf import settings
    from django.test import Client
    from django.utils import timezone

    from partnership.dates import Quarter
    from partnership.models import BoardPack, Role, User
    from partnership.services import board_packs

    manager = User.objects.filter(is_active=True, roles__role=Role.BUSINESS_UNIT).order_by("pk").first()
    chair = User.objects.filter(is_active=True, roles__role=Role.CHAIR).order_by("pk").first()
    quarter = Quarter.containing(timezone.localdate()).previous()
    pack = board_packs.pack_start(period_code=quarter.code, by=manager)
    marker = f"Fault test {secrets.token_hex(3)}: this pack was made again after its worker was killed."
    board_packs.pack_edit(pack=pack, narrative=marker, asks="Note the fault test", expected_version=pack.version,
                          by=manager)
    board_packs.pack_approve(pack=BoardPack.objects.get(pk=pack.pk), by=chair)
    client = Client()
    client.force_login(chair)
    return {"pack": pack.pk, "marker": marker, "chair": chair.pk,
            "session": client.cookies[settings.SESSION_COOKIE_NAME].value}


def killed_pack(stack, http: Http, prepared: dict, restart_worker, pause) -> dict:
    """Publish the pack as the chair, SIGKILL the worker while it renders, start it again, wait for the pack."""
    from django.db import close_old_connections

    from partnership.models import BoardPack, ReportExport
    from partnership.services import board_packs

    pause.set()  # no email task in flight at the kill: a worker killed between sending and recording sends twice
    time.sleep(1)
    t0 = time.time()
    pack = BoardPack.objects.defer("pdf").get(pk=prepared["pack"])
    print("  phase D: the chair publishes a board pack; the worker is killed while it renders", flush=True)
    status, _, _ = http("POST", f"/reports/board/packs/{pack.pk}/publish/", prepared["session"],
                        {"version": pack.version})
    exports = ReportExport.objects.filter(kind=board_packs.PUBLISH_KIND, parameters__pack_id=pack.pk)
    result = {"publish_status": status, "killed_mid_render": False, "export": None, "waited": None, "t0": t0}
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        close_old_connections()
        export = exports.first()
        if export and export.status != ReportExport.Status.QUEUED:
            break
        time.sleep(0.2)
    else:
        pause.clear()
        return result
    time.sleep(2)  # well into rendering (a board pack takes several seconds)
    stack.kill("celery")
    killed = time.time()
    close_old_connections()
    export = exports.get()
    pack = BoardPack.objects.defer("pdf").get(pk=pack.pk)
    result["killed_mid_render"] = (export.status == ReportExport.Status.RUNNING
                                   and pack.status == BoardPack.Status.PUBLISHING)
    print(f"  phase D: worker killed {'mid-render' if result['killed_mid_render'] else 'NOT mid-render'} "
          f"(report {export.status}, pack {pack.status}); starting it again", flush=True)
    restart_worker()
    pause.clear()
    deadline = time.monotonic() + PACK_TIMEOUT
    while time.monotonic() < deadline:
        close_old_connections()
        export = exports.get()
        if export.status in (ReportExport.Status.READY, ReportExport.Status.FAILED):
            break
        time.sleep(0.5)
    result.update(export=export.pk, waited=time.time() - killed, status=export.status)
    print(f"  phase D: report {export.status} {result['waited']:.0f} s after the kill", flush=True)
    return result


def pdf_text(pdf: bytes) -> str:
    out = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, timeout=120)
    return " ".join(out.stdout.decode(errors="replace").split())


def killed_pack_results(d: dict, prepared: dict, http: Http, media: Path, logs: Path) -> tuple[list, list]:
    """The table rows and goals of phase D, once the outbox has drained."""
    from partnership.models import BoardPack, EmailMessage, ReportExport
    from partnership.services import board_packs

    export = ReportExport.objects.filter(pk=d["export"]).first() if d["export"] else None
    reports = ReportExport.objects.filter(kind=board_packs.PUBLISH_KIND, parameters__pack_id=prepared["pack"])
    pack = BoardPack.objects.get(pk=prepared["pack"])
    files = sorted(p for p in media.rglob("*") if p.is_file() and p.stat().st_mtime >= d["t0"] - 1)
    stored = bytes(pack.pdf or b"")
    detail = download = b""
    seen = got = None
    if export is not None:
        seen, _, detail = http("GET", f"/reports/{export.pk}/", prepared["session"])
        got, _, download = http("GET", f"/reports/{export.pk}/download/", prepared["session"])
    text = pdf_text(download) if download.startswith(b"%PDF") else ""
    taken_over = (logs / "celery.log").read_text(errors="replace").count(TAKEN_OVER)
    told = EmailMessage.objects.filter(key=f"export-ready:{d['export']}", sent_at__isnull=False,
                                       subject__startswith="Your report is ready").count()
    ready = export is not None and export.status == ReportExport.Status.READY
    one_pdf = (ready and reports.count() == 1 and len(files) == 1 and pack.status == BoardPack.Status.PUBLISHED
               and hashlib.sha256(files[0].read_bytes()).hexdigest() == pack.sha256
               and hashlib.sha256(stored).hexdigest() == pack.sha256)
    sees = (seen == 200 and f"/reports/{d['export']}/download/".encode() in detail and got == 200
            and hashlib.sha256(download).hexdigest() == pack.sha256 and TITLE in text
            and " ".join(prepared["marker"].split()) in text and told == 1)
    render = (export.finished_at - export.started_at).total_seconds() if ready else None
    table = [
        (f"Phase D (worker killed mid-pack, lease {LEASE} s): publish answered", d["publish_status"]),
        ("  worker SIGKILLed while the pack rendered (report running, pack not stored)",
         "yes" if d["killed_mid_render"] else "no"),
        ("  report after restart / runs / taken over (worker log)",
         f"{export.status if export else 'none'} / {export.runs if export else 0} / {taken_over}"),
        ("  ready after the kill / the run that finished took",
         f"{d['waited']:.0f} s / {render:.0f} s" if d["waited"] and render is not None else "never"),
        ("  reports for the pack / files written meanwhile / pack status",
         f"{reports.count()} / {len(files)} / {pack.status}"),
        ("  chair: report page / download / pdftotext has the title and narrative / emailed 'ready'",
         f"{seen} / {got} ({len(download):,} bytes) / {'yes' if TITLE in text and prepared['marker'] in text else 'no'}"
         f" / {told}"),
    ]
    goals = [
        ("Phase D (worker killed mid-pack): the pack completed after the restart, the dead run taken over",
         d["publish_status"] == 302 and d["killed_mid_render"] and ready and export.runs == 2 and taken_over >= 1),
        ("Phase D: exactly one finished PDF, the pack's (one report, one file, the stored hash)", one_pdf),
        ("Phase D: the chair sees it, downloads it (pdftotext: title and narrative) and was emailed once", sees),
    ]
    return table, goals
