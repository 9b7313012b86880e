"""The fault test of issue 9 (`make fault`). Not part of `make test`: it starts its own servers.

    .venv/bin/python scripts/fault.py [--redis-port 6390] [--pg-port 5440] [--users 6] [--inviters 2]

Everything listens on 127.0.0.1 only and is torn down at the end, even on failure:
its own Redis (--redis-port, append-only file so a killed Redis keeps what it accepted) and PostgreSQL
cluster (--pg-port, initdb in a temporary directory; run as the `postgres` user when started as root), a
throwaway database migrated and seeded with `seed_demo`, gunicorn serving the app, a Celery worker, and the
outbox relay (`relay_outbox` every 3 s, as Celery beat does every minute). REQUIRE_2FA=false; emails go to
Django's file backend in the temporary directory. gunicorn and the worker run with DEBUG off (as in
production: the app's own 500/503 handlers) after `collectstatic`; plain HTTP, SECURE_SSL_REDIRECT=false.

Load: agency users each save their own Section 11 answer (POST, 302) and business unit users re-send
invitations (POST, 302; each one queues exactly one email through enqueue_email), all the time, with
sessions made directly in the session store as scripts/bench.py does.

Phase A: Redis killed (SIGKILL) for 20 s, then restarted, at the moment the worker has received an email task
it has not finished (the worst case for the worker; after 15 s without one, at once). Goal: no failed request;
the worker survives; after recovery every queued email delivered exactly once. Phase B: PostgreSQL stopped
(pg_ctl stop -m fast) for 10 s, then started. Goal: failures only inside the outage window (from the stop to
the first success after the start), all of them 503 with Retry-After; recovery without restarting gunicorn or
the worker. Phase C: Redis stopped for 75 s, past the point where the outbox used to give a message up (12 tries;
the run shortens its retry cap to 2 s). Goal: the outbox page lists the waiting messages, none given up, and all
of them are delivered once after Redis returns. Phase D: the chair publishes a board pack and the worker is
SIGKILLed while it renders, then started again. Goal: the pack completes (the dead run taken over once its lease,
20 s for the run, lapses), one PDF, which the chair downloads (pdftotext). scripts/fault_jobs.py holds C and D;
docs/reliability.md the goals and figures. Prints a table and exits 1 when a goal is missed.

CI runs it (.ci/run): bounded in time (--timeout, default 900 s: past it everything is torn down and it exits
1; SIGTERM and SIGINT tear down too), and on a machine without `redis-server` or the PostgreSQL 15 server
binaries it installs them with apt-get when run as root (services not started), or says what is missing and
exits 2.
"""
import argparse
import os
import re
import secrets
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench  # noqa: E402 - who saves which answer, as in the benchmark's load run
import fault_jobs  # noqa: E402 - phases C and D
from servers import ROOT, Stack, ensure_servers, free_port, wait_for_port  # noqa: E402

BIN = Path(sys.executable).parent
DB = "mqa_fault"
REDIS_DOWN, PG_DOWN, RECOVERY_GOAL = 20, 10, 15  # seconds
DRAIN_TIMEOUT = 120  # seconds for the outbox to drain after an outage (a shared 2-core machine can be slow)
REFUSED = "refused, the worker carries on"  # merton_qa.broker.REFUSED: the crash of kombu 5.7 avoided
RESTORED = re.compile(r"(\d+) unacknowledged message\(s\) of the lost connection put back")  # merton_qa.broker
RETRIED = "retry: Retry in"  # Celery's log line for a task retried (here: its database was down)


class RunTimeout(Exception):
    """The run went past --timeout."""


def manage(*args, env: dict | None = None) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env or os.environ, check=True,
                   stdout=subprocess.DEVNULL)


def production_env() -> dict:
    """gunicorn and the worker run as in production (DEBUG off: the 500 and 503 handlers are the app's own),
    on plain HTTP on the loopback."""
    return {**os.environ, "DEBUG": "false", "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "false"}


# --- seeding and sessions (in this process, on the throwaway database) ---------------------------------------
def prepare(args) -> tuple[list[dict], list[dict]]:
    from django.conf import settings
    from django.test import Client

    from partnership import history
    from partnership.models import Role, User, UserRole
    from section11.models import Cycle, Return

    def session_for(user) -> str:
        client = Client()
        client.force_login(user)  # a real session row in the session store, as signing in would make
        return client.cookies[settings.SESSION_COOKIE_NAME].value

    cycle = Cycle.objects.get(name="Section 11 2026")
    returns = {r.agency_id: r for r in Return.objects.filter(cycle=cycle)}
    people = [u for u in User.objects.filter(is_active=True, agency__isnull=False).order_by("pk")
              if u.agency_id in returns][:args.users]
    history.update(Return.objects.filter(pk__in=[returns[p.agency_id].pk for p in people]).exclude(
                   status__in=Return.EDITABLE), status=Return.Status.IN_PROGRESS)
    level = cycle.framework.scale.levels.order_by("order").first()
    savers = [{"who": person.email, "session": session_for(person), "ret": ret.pk, "answer": answer,
               "version": version, "level": level.pk}
              for person, ret, answer, version in bench.own_answers(people, returns)]
    bu = list(User.objects.filter(is_active=True, roles__role=Role.BUSINESS_UNIT).distinct().order_by("pk"))
    inviters = []
    for n in range(args.inviters):
        invitees = []
        for i in range(5):
            user = User.objects.create_user(f"fault-invitee-{n}-{i}@example.org", password=None,
                                            full_name=f"Invitee {n}-{i}")
            UserRole.objects.create(user=user, role=Role.READER)
            invitees.append(user.pk)
        inviters.append({"who": bu[n % len(bu)].email, "session": session_for(bu[n % len(bu)]),
                         "invitees": invitees})
    return savers, inviters


# --- the load ---------------------------------------------------------------------------------------------------
class Load:
    def __init__(self, port: int, savers: list[dict], inviters: list[dict]):
        from django.conf import settings

        self.port, self.savers, self.inviters = port, savers, inviters
        self.session_cookie, self.csrf_cookie = settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME
        self.results: list[tuple] = []  # (start, end, kind, status, retry_after)
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.invites_paused = threading.Event()  # phase D: no email task in flight when the worker is killed
        # daemon threads: a user stuck in a request never keeps the script (and CI) from ending
        self.threads = [threading.Thread(target=self.user, args=("save", s), daemon=True) for s in savers]
        self.threads += [threading.Thread(target=self.user, args=("invite", i), daemon=True) for i in inviters]

    def start(self):
        for t in self.threads:
            t.start()

    def stop(self):
        self.stopping.set()
        deadline = time.monotonic() + 60
        for t in self.threads:
            t.join(timeout=max(deadline - time.monotonic(), 0.1))

    def user(self, kind: str, item: dict) -> None:
        import http.client
        from urllib.parse import urlencode

        csrf = secrets.token_hex(16)
        cookie = f"{self.session_cookie}={item['session']}; {self.csrf_cookie}={csrf}"
        headers = {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"}
        version, n = item.get("version"), 0
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        while not self.stopping.is_set():
            if kind == "invite" and self.invites_paused.is_set():
                conn.close()  # idle meanwhile: gunicorn ends kept-alive connections after 2 s (a broken pipe next)
                time.sleep(0.25)
                continue
            n += 1
            if kind == "save":
                prefix = f"a{item['answer']}"
                body = urlencode({"csrfmiddlewaretoken": csrf, f"{prefix}-rating": item["level"],
                                  f"{prefix}-narrative": f"Audit of staff files, round {n}: all compliant.",
                                  f"{prefix}-impact": "Children are seen sooner.", f"{prefix}-version": version})
                path = f"/section-11/returns/{item['ret']}/answers/{item['answer']}/"
            else:
                body = urlencode({"csrfmiddlewaretoken": csrf})
                path = f"/people/{item['invitees'][n % len(item['invitees'])]}/reinvite/"
            start = time.time()
            retry_after = None
            try:
                conn.request("POST", path, body=body, headers=headers)
                response = conn.getresponse()
                response.read()
                status, retry_after = response.status, response.getheader("Retry-After")
                if status == 302 and "sign-in" in (response.getheader("Location") or ""):
                    status = "302 to sign-in"  # not signed in: the save did not happen
            except OSError as error:
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                status = type(error).__name__
            if kind == "save" and status == 302:
                version += 1
            with self.lock:
                self.results.append((start, time.time(), kind, status, retry_after))
            time.sleep(0.25)
        conn.close()


def relay_loop(stopping: threading.Event, counts: dict) -> None:
    """The outbox relay every 3 seconds (Celery beat runs the same function every minute): lost email tasks
    published again, then what is pending."""
    from django.db import close_old_connections

    from partnership.services.relay import relay_round

    while not stopping.wait(3):
        close_old_connections()
        try:
            counts["published"] += relay_round()
        except Exception:  # noqa: BLE001 - the database or broker is down: next round
            counts["relay_failures"] += 1
            close_old_connections()


def outbox_state() -> dict:
    from django.db import close_old_connections
    from django.db.models import Exists, OuterRef, Value
    from django.db.models.functions import Concat

    from partnership.models import EmailMessage, OutboxMessage

    close_old_connections()
    # The emails handed to the outbox: the demo's history (emails of events months ago) is on record as sent then
    # and is never handed over, so the file backend never writes it.
    handed = EmailMessage.objects.filter(Exists(OutboxMessage.objects.filter(
        dedup_key=Concat(Value("email:"), OuterRef("key")))))
    return {"queued": handed.count(),
            "delivered": handed.filter(sent_at__isnull=False).count(),
            "pending": OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING).count(),
            "failed": OutboxMessage.objects.filter(status=OutboxMessage.Status.FAILED).count()}


def outage(label: str, seconds: int, down, up) -> tuple[float, float]:
    """Take a server down for `seconds`, bring it back; returns when it went down and when it was back."""
    print(f"  {label} for {seconds} s", flush=True)
    start = time.time()
    down()
    time.sleep(seconds)
    up()
    return start, time.time()


def wait_drained(timeout: float) -> tuple[dict, float]:
    start = time.time()
    while True:
        try:
            state = outbox_state()
        except Exception:  # noqa: BLE001
            state = None
        if state and not state["pending"] and state["queued"] == state["delivered"]:
            return state, time.time() - start
        if time.time() - start > timeout:
            return state or {}, time.time() - start
        time.sleep(1)


def delivered_files(mail: Path) -> tuple[int, int]:
    """Messages written by the file backend, and how many (recipient, subject, body) were written twice."""
    seen, dupes, total = set(), 0, 0
    for path in mail.iterdir():
        for message in path.read_text().split("-" * 79):
            if "Message-ID:" not in message:
                continue
            total += 1
            key = re.sub(r"(?m)^(Message-ID|Date):.*$", "", message)
            if key in seen:
                dupes += 1
            seen.add(key)
    return total, dupes


# --- the run ------------------------------------------------------------------------------------------------------
def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--redis-port", type=int, default=6390)
    parser.add_argument("--pg-port", type=int, default=5440)
    parser.add_argument("--users", type=int, default=6, help="agency users saving Section 11 answers")
    parser.add_argument("--inviters", type=int, default=2, help="business unit users re-sending invitations")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory (logs, mail)")
    parser.add_argument("--timeout", type=int, default=900,
                        help="hard limit for the whole run in seconds (default 900): past it, tear down and exit 1")
    args = parser.parse_args()
    if args.redis_port in (6379,) or args.pg_port in (5432,):
        parser.error("use ports of your own, never the shared services'")
    error = ensure_servers()
    if error:
        print(f"fault test cannot run: {error}", file=sys.stderr)
        return 2
    stack = Stack(args)
    print(f"fault test: servers and logs in {stack.tmp} (at most {args.timeout} s)", flush=True)

    def on_alarm(signum, frame):
        raise RunTimeout(f"the run went past --timeout {args.timeout} s")

    def on_term(signum, frame):
        raise SystemExit(128 + signum)  # CI cancelled the job: tear down on the way out

    signal.signal(signal.SIGALRM, on_alarm)
    signal.signal(signal.SIGTERM, on_term)
    signal.alarm(args.timeout)
    try:
        return run(args, stack)
    except RunTimeout as timeout:
        print(f"\n  FAIL  {timeout}: tearing everything down. Logs: {stack.logs} (kept with --keep)", flush=True)
        print_log_errors(stack.logs)
        return 1
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)  # let the teardown finish (each step has its own timeout)
        from django.db import connections

        try:
            connections.close_all()
        except Exception:  # noqa: BLE001
            pass
        stack.stop()


def run(args, stack: Stack) -> int:
    os.environ.update({
        "DJANGO_SETTINGS_MODULE": "merton_qa.settings", "DEBUG": "true", "REQUIRE_2FA": "false",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{args.pg_port}/{DB}",
        "REDIS_URL": f"redis://127.0.0.1:{args.redis_port}/0",
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend", "EMAIL_FILE_PATH": str(stack.mail),
        "SECRET_KEY": secrets.token_urlsafe(50),  # one key for every process: the sessions made here are valid
        "LOG_LEVEL": "ERROR", "DEMO_PASSWORD": os.environ.get("DEMO_PASSWORD", "merton-demo-2026"),
        "PRIVATE_MEDIA_ROOT": str(stack.tmp / "media"),  # the board pack's PDF (phase D), never the tree's media/
        **fault_jobs.run_env(),  # the outbox's retry cap and the reports' lease, shortened for the run
    })
    os.environ.pop("CACHE_URL", None)
    os.environ.pop("EMAIL_URL", None)
    began = time.time()
    stack.start_pg()
    stack.createdb(DB)
    stack.start_redis()
    print("  migrating and seeding…", flush=True)
    manage("migrate", "--noinput")
    manage("seed_demo")
    prod = production_env()
    manage("collectstatic", "--noinput", env=prod)  # the manifest the production static storage needs
    import django

    django.setup()
    savers, inviters = prepare(args)
    pack = fault_jobs.prepare_pack()
    setup = time.time() - began
    port = free_port()
    stack.spawn("gunicorn", [str(BIN / "gunicorn"), "merton_qa.wsgi:application", "-b", f"127.0.0.1:{port}",
                             "-k", "gthread", "--workers", "2", "--threads", "4", "--timeout", "60"], prod)
    def start_worker():
        # INFO: the worker's log says which acks were left to redelivery and which tasks were retried (counted)
        stack.spawn("celery", [str(BIN / "celery"), "-A", "merton_qa", "worker", "-c", "2", "--without-mingle",
                               "--without-gossip", "--loglevel", "INFO"], {**prod, "LOG_LEVEL": "INFO"})

    start_worker()
    wait_for_port(port)
    stopping = threading.Event()
    relay_counts = {"published": 0, "relay_failures": 0}
    relay = threading.Thread(target=relay_loop, args=(stopping, relay_counts), daemon=True)
    relay.start()
    load = Load(port, savers, inviters)
    print(f"  load: {len(savers)} agency users saving, {len(inviters)} business unit users inviting", flush=True)
    load.start()
    try:
        time.sleep(8)
        in_flight = []
        a0, a1 = outage("phase A: Redis killed", REDIS_DOWN, lambda: in_flight.append(stack.kill_redis_mid_task()),
                        stack.start_redis)
        print(f"  phase A: Redis killed {'while' if in_flight[0] else 'with no'} email task in flight", flush=True)
        state_a, drain_a = wait_drained(DRAIN_TIMEOUT)
        print(f"  phase A: outbox drained {drain_a:.0f} s after Redis came back: {state_a}", flush=True)
        time.sleep(3)
        b0, b1 = outage("phase B: PostgreSQL stopped", PG_DOWN, stack.stop_pg, stack.start_pg)
        time.sleep(15)
        http = fault_jobs.Http(port)
        c = fault_jobs.long_broker_outage(stack, http, inviters[0]["session"])
        state_c, drain_c = wait_drained(DRAIN_TIMEOUT)
        print(f"  phase C: outbox drained {drain_c:.0f} s after Redis came back: {state_c}", flush=True)
        worker_survived = stack.procs["celery"].poll() is None  # before phase D kills it on purpose
        d = fault_jobs.killed_pack(stack, http, pack, start_worker, load.invites_paused)
        time.sleep(3)
    finally:
        load.stop()
        stopping.set()
        relay.join(timeout=30)
    state, drain = wait_drained(DRAIN_TIMEOUT)
    files, file_dupes = delivered_files(stack.mail)
    alive = {"gunicorn": stack.procs["gunicorn"].poll() is None,
             "celery": worker_survived and stack.procs["celery"].poll() is None}
    c_rows, c_goals = fault_jobs.long_outage_results(c, drain_c)
    d_rows, d_goals = fault_jobs.killed_pack_results(d, pack, http, stack.tmp / "media", stack.logs)
    return report(load.results, (a0, a1), (b0, b1), state, drain, files, file_dupes, relay_counts, alive,
                  (time.time() - began, setup), stack, in_flight[0], c_rows + d_rows, c_goals + d_goals)


def count_in_log(path: Path, text: str) -> int:
    try:
        return path.read_text(errors="replace").count(text)
    except OSError:
        return 0


def restored_in_log(logs: Path) -> int:
    try:
        return sum(int(n) for n in RESTORED.findall((logs / "celery.log").read_text(errors="replace")))
    except OSError:
        return 0


def print_log_errors(logs: Path, limit: int = 12) -> None:
    """The first lines of the worker's and gunicorn's logs that say why (CI keeps no temporary directory)."""
    for name in ("celery", "gunicorn"):
        try:
            lines = (logs / f"{name}.log").read_text(errors="replace").splitlines()
        except OSError:
            continue
        hits = [line[:300] for line in lines if re.search(r"CRITICAL|Unrecoverable|AttributeError|Traceback", line)]
        if hits:
            print(f"  {name}.log ({len(hits)} lines like these):")
            for line in hits[:limit]:
                print("    " + line)


def report(results, phase_a, phase_b, state, drain, files, file_dupes, relay_counts, alive, elapsed, stack,
           in_flight, more_rows=(), more_goals=()) -> int:
    from partnership.models import EmailMessage

    ok = {302}
    b0, b1 = phase_b
    recovered_at = min((end for start, end, _, status, _ in results if start >= b1 and status in ok), default=None)
    window_end = recovered_at if recovered_at is not None else float("inf")

    def in_window(start, end):
        return end >= b0 and start <= window_end

    in_a = [r for r in results if r[1] >= phase_a[0] and r[0] <= phase_a[1]]
    inside = [r for r in results if in_window(r[0], r[1])]
    outside = [r for r in results if not in_window(r[0], r[1])]

    def by_status(rows):
        counts: dict = {}
        for r in rows:
            counts[r[3]] = counts.get(r[3], 0) + 1
        return ", ".join(f"{k}: {v}" for k, v in sorted(counts.items(), key=str)) or "none"

    errors_a = [r for r in in_a if r[3] not in ok]
    errors_out = [r for r in outside if r[3] not in ok]
    errors_in = [r for r in inside if r[3] not in ok]
    bad_in = [r for r in errors_in if r[3] != 503 or not r[4]]
    invites_ok = sum(1 for r in results if r[2] == "invite" and r[3] in ok)
    invitation_rows = EmailMessage.objects.filter(to__startswith="fault-invitee-").count()
    recovery = (recovered_at - b1) if recovered_at is not None else None
    lost = state.get("queued", 0) - state.get("delivered", 0)
    goals = [
        ("Phase A (Redis down): no failed request", not errors_a),
        ("No failed request outside the PostgreSQL window", not errors_out),
        ("Failures in the PostgreSQL window are 503 with Retry-After", not bad_in),
        (f"Recovered within {RECOVERY_GOAL} s of PostgreSQL's start, gunicorn never restarted",
         recovery is not None and recovery <= RECOVERY_GOAL and alive["gunicorn"]),
        ("The Celery worker survived the three outages (never restarted; phase D then kills it)", alive["celery"]),
        ("Every queued email delivered (outbox drained, none failed)",
         lost == 0 and not state.get("pending") and not state.get("failed")),
        ("Each successful re-invitation queued exactly one email", invitation_rows == invites_ok),
        ("No email delivered twice", files == state.get("delivered") and not file_dupes),
        *more_goals,
    ]
    rows = [
        ("Requests (POST)", len(results)),
        ("  Section 11 saves / re-invitations", f"{sum(r[2] == 'save' for r in results)} / "
                                               f"{sum(r[2] == 'invite' for r in results)}"),
        (f"Phase A (Redis killed {REDIS_DOWN} s): requests", len(in_a)),
        ("  killed while the worker ran an email task (message unacknowledged)", "yes" if in_flight else "no"),
        ("  by status", by_status(in_a)),
        (f"Phase B (PostgreSQL stopped {PG_DOWN} s): requests in the window", len(inside)),
        ("  by status", by_status(inside)),
        ("  failures without Retry-After or not 503", len(bad_in)),
        ("Requests outside the window", len(outside)),
        ("  by status", by_status(outside)),
        ("Time to recover after PostgreSQL started", f"{recovery:.1f} s" if recovery is not None else "never"),
        ("gunicorn / Celery worker still running (not restarted before phase D)",
         " / ".join("yes" if alive[n] else "NO (exited)" for n in ("gunicorn", "celery"))),
        ("Emails queued (EmailMessage rows)", state.get("queued")),
        ("  delivered (sent_at set) / written by the file backend", f"{state.get('delivered')} / {files}"),
        ("  re-invitations answered 302 / invitation emails queued", f"{invites_ok} / {invitation_rows}"),
        ("  lost / delivered twice", f"{lost} / {max(files - (state.get('delivered') or 0), 0) + file_dupes}"),
        ("Outbox pending / failed at the end", f"{state.get('pending')} / {state.get('failed')}"),
        ("Outbox drained after the run in", f"{drain:.0f} s"),
        ("Relay rounds that failed (broker or database down)", relay_counts["relay_failures"]),
        ("Operations refused on the channel Redis's outage left (kombu 5.7 crashed there)",
         count_in_log(stack.logs / "celery.log", REFUSED)),
        ("Messages put back in the queue on reconnecting (not left for an hour)", restored_in_log(stack.logs)),
        ("Tasks retried because the database was down", count_in_log(stack.logs / "celery.log", RETRIED)),
        *more_rows,
        ("Whole run (of which: servers, migrations, demo data)", f"{elapsed[0]:.0f} s ({elapsed[1]:.0f} s)"),
    ]
    width = max(len(r[0]) for r in rows)
    print("\n| Figure" + " " * (width - 6) + " | Value |\n|" + "-" * (width + 2) + "|---|")
    for label, value in rows:
        print(f"| {label:<{width}} | {value} |")
    print()
    for goal, met in goals:
        print(f"  {'PASS' if met else 'FAIL'}  {goal}")
    if not all(met for _, met in goals):
        print(f"\nLogs: {stack.logs} (kept with --keep)")
        for r in (errors_a + errors_out + bad_in)[:10]:
            print("  ", time.strftime("%H:%M:%S", time.gmtime(r[0])), r[2:])
        print_log_errors(stack.logs)
    return 0 if all(met for _, met in goals) else 1


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
