"""The speed benchmarks of issues 8 and 9 (`make bench`). Not a test: a measurement, printed as a table and
written to a Markdown file (default `bench-results.md`).

    DEBUG=true .venv/bin/python scripts/bench.py [--runs 9] [--users 200] [--saves 3] [--board-runs 3]
        [--output FILE] [--db mqa_bench_run] [--keep]

It creates a throwaway PostgreSQL database (`--db`, any name matching mqa_[a-z0-9_]+, on the server of BENCH_PG,
default postgres://postgres@127.0.0.1:5432), migrates it, and drops it at the end (unless --keep). Then:

1. Board report on the demo data (`seed_demo`): time and peak memory, and WeasyPrint alone on the same HTML.
2. `seed_large`: the large partnership (60 agencies, 200 indicators × 20 quarters, 3 Section 11 cycles,
   20 audits, 50 reviews, 2,000 bookings, 500 more actions).
3. Each main list page's server time (Django test client, no network; median of --runs) and query count,
   beside the Django admin changelist of the same model and rows, signed in as a superuser, the two
   requested alternately.
4. Board report on the large partnership, as in 1.
5. Load: gunicorn (gthread) on a loopback port; --users simulated agency contributors each save their own
   Section 11 answer --saves times, all at once (threads, keep-alive connections), then the same number of
   requests to /healthz. Requests, errors (anything but the expected status), median and p95 latency, and the
   saves that landed (counted from the answers' versions). `make load` (scripts/load.py) runs this alone.

Board report figures come from a child process (so its peak RSS is the report's, not the seeding's):
`first` is the first render in a fresh process (templates compiled, fonts loaded); then --board-runs rounds,
each with a garbage collection before every measurement, of: the whole report (queries, charts, templates,
WeasyPrint) and WeasyPrint alone rendering the same final HTML with the same base URL and fetcher, in
alternating order, and the report's own work before WeasyPrint (context and template), each in wall-clock
seconds and in this process's CPU seconds (which other work on a shared machine hardly moves, but which leave
out the database server's share of the queries: the own-work wall-clock column includes it). Medians are shown;
`peak Python heap` is tracemalloc's peak during one render; `max RSS` is the child's resource.getrusage maximum
resident set size (Django included).
"""
import argparse
import json
import os
import platform
import re
import secrets
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_inputs  # noqa: E402 - issue 21's pack shape and worst inputs (a module of its own)
from bench_load import load_run, own_answers  # noqa: E402,F401 - the load run (make load and the fault test)
from bench_pages import bench_pages  # noqa: E402 - the pages measured (tests/test_list_pages.py walks them too)

PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DB_NAME = r"mqa_[a-z0-9_]+"  # only throwaway databases of this project's benchmarks are created and dropped


def setup_env(db: str) -> None:
    os.environ["DATABASE_URL"] = f"{PG}/{db}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "merton_qa.settings")
    os.environ["DEBUG"] = "true"
    os.environ["REQUIRE_2FA"] = "false"  # the benchmark signs users in by session, not through the forms
    os.environ.setdefault("DEMO_PASSWORD", "merton-demo-2026")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.pop("REDIS_URL", None)  # tasks run eagerly; the benchmark measures the web tier


def psql(sql: str) -> None:
    """Run one statement on the server's `postgres` database (psycopg: no psql client needed)."""
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True, connect_timeout=10) as connection:
        connection.execute(sql)


# --- the board report, measured in a child process -----------------------------------------------------------
def board_report_child(period: str, runs: int) -> None:
    import gc
    import resource
    import tracemalloc

    import django

    django.setup()
    from django.conf import settings
    from django.template.loader import render_to_string
    from django.utils import timezone

    from merton_qa import board_report
    from partnership import pdf
    from partnership.dates import Quarter

    quarter = Quarter.parse(period)
    captured = {}
    real_html = pdf.HTML

    def capturing_html(**kwargs):
        captured.update(kwargs)
        return real_html(**kwargs)

    pdf.HTML = capturing_html
    start = time.perf_counter()
    board_report.render(quarter)  # the first render also compiles templates and loads fonts
    first = time.perf_counter() - start

    def whole():
        sizes.append(len(board_report.render(quarter)))

    def weasyprint_alone():
        real_html(**captured).write_pdf(pdf_variant="pdf/ua-1")

    extras = {"PARTNERSHIP_NAME": settings.PARTNERSHIP_NAME, "PARTNERSHIP_SHORT_NAME": settings.PARTNERSHIP_SHORT_NAME,
              "generated_at": timezone.localtime()}  # as render_pdf adds them

    def own_work():  # what the report does before WeasyPrint: queries, charts, templates
        render_to_string("reports/board_report.html", {**extras, **board_report.report_context(quarter)})

    # Wall-clock seconds and this process's CPU seconds (which other work on a shared machine hardly moves,
    # but which leave out the database server's share of the report's queries).
    times, weasy, own, sizes = ([], []), ([], []), ([], []), []
    for i in range(runs):  # interleaved, alternating which goes first, so a shared machine's drift hits both alike
        for measure, into in ([(whole, times), (weasyprint_alone, weasy)][::1 if i % 2 == 0 else -1]
                              + [(own_work, own)]):
            gc.collect()
            wall, cpu = time.perf_counter(), time.process_time()
            measure()
            into[0].append(time.perf_counter() - wall)
            into[1].append(time.process_time() - cpu)
    tracemalloc.start()
    board_report.render(quarter)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    median = statistics.median
    print(json.dumps({"first": first, "time": median(times[0]), "weasy": median(weasy[0]), "own": median(own[0]),
                      "time_cpu": median(times[1]), "weasy_cpu": median(weasy[1]), "own_cpu": median(own[1]),
                      "runs": runs, "heap": peak,
                      "maxrss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024, "pdf": sizes[-1],
                      "html": len(captured["string"])}))


def measure_board_report(label: str, period: str, runs: int) -> dict:
    out = subprocess.run([sys.executable, __file__, "--board-report-child", period, "--board-runs", str(runs)],
                         check=True, capture_output=True, text=True, env=os.environ).stdout
    result = json.loads(out.strip().splitlines()[-1])
    result["label"] = label
    return result


# --- list pages against the admin -----------------------------------------------------------------------------
def use_bench_admin() -> None:
    """The fair peer: the changelists of scripts/bench_admin.py (each configured for its page's rows and columns),
    served under /bench-admin/ beside the service's own URLs. Before the URL conf is first loaded."""
    from django.conf import settings

    settings.ROOT_URLCONF = "bench_admin"


def query_count(client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    response = client.get(url)  # warm up: sessions and caches settle on the first request
    assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    return len(captured.captured_queries)


def timed_pair(page: tuple, admin: tuple, runs: int) -> tuple[float, float]:
    """Median ms of a page and of its admin changelist, requested alternately (page, admin, page, ...) so that
    the drift of a shared machine's load hits both alike."""
    times: tuple[list, list] = ([], [])
    for _ in range(runs):
        for (client, url), into in ((page, times[0]), (admin, times[1])):
            start = time.perf_counter()
            response = client.get(url)
            into.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, (url, response.status_code)
    return statistics.median(times[0]), statistics.median(times[1])


def measure_pages(runs: int, *, queries_only: bool = False, only: str = "") -> list[dict]:
    from django.test import Client

    from partnership.models import User

    superuser = User.objects.filter(email="bench-admin@example.org").first() or User.objects.create_superuser(
        "bench-admin@example.org", password=secrets.token_urlsafe(), full_name="Benchmark administrator")
    admin_client = Client()
    admin_client.force_login(superuser)
    clients = {}

    def client_for(email):
        if email not in clients:
            clients[email] = Client()
            clients[email].force_login(User.objects.get(email=email))
        return clients[email]

    pages = bench_pages()
    if only:
        pages = [page for page in pages if re.search(only, page[0], re.IGNORECASE)]
    rows = []
    for name, email, url, admin_model in pages:
        if queries_only:  # the same page on the demo data: its query count must not grow with the rows
            rows.append({"page": name, "queries": query_count(client_for(email), url)})
            continue
        admin_url = f"/bench-admin/{admin_model}" if admin_model else "/admin/"
        if admin_model and "?" not in admin_url:
            admin_url += "/"
        queries, a_queries = query_count(client_for(email), url), query_count(admin_client, admin_url)
        ms, a_ms = timed_pair((client_for(email), url), (admin_client, admin_url), runs)
        rows.append({"page": name, "url": url, "ms": ms, "queries": queries, "admin": admin_url, "admin_ms": a_ms,
                     "admin_queries": a_queries})
        print(f"  {name:<38} {ms:8.1f} ms {queries:4d} q   {admin_url:<30} {a_ms:8.1f} ms {a_queries:4d} q",
              flush=True)
    return rows


# --- worst cases an agency user can send (issue 17, finding 6) --------------------------------------------------
WORST_GOAL_S = 2.0


def measure_worst_cases() -> list[dict]:
    """Server time of the worst inputs an outside tester sent, each through its real page as the demo police
    lead: a 390,000-row near-empty workbook uploaded to a Section 11 return and to a data return (upload, then
    the preview twice: the reload reuses the parse), and a Section 11 return PDF with every answer 10,000
    characters long (asked for in the request, made by the worker). Goal: no request over WORST_GOAL_S seconds of
    server time."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import transaction
    from django.test import Client
    from django.urls import reverse

    from partnership import history
    from partnership.models import User
    from performance.models import DataReturn
    from performance.spreadsheets import COLUMNS as DR_COLUMNS
    from performance.spreadsheets import SHEET as DR_SHEET
    from section11.models import Answer, Return
    from section11.spreadsheets import COLUMNS as S11_COLUMNS
    from section11.spreadsheets import RETURN_SHEET
    from tests.security.worst_cases import near_empty_workbook

    lead = User.objects.get(email="lead@police.example.org")
    client = Client()
    client.force_login(lead)
    rows = []

    def timed(label, call, expect):
        cpu, wall = time.process_time(), time.perf_counter()
        response = call()
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        ok = response.status_code in expect
        rows.append({"case": label, "status": response.status_code, "wall": wall, "cpu": cpu,
                     "met": ok and wall <= WORST_GOAL_S})
        print(f"  {label:<60} {response.status_code} {wall:6.2f} s ({cpu:.2f} s CPU)", flush=True)
        return response

    ret = Return.objects.filter(agency=lead.agency, cycle__name="Section 11 2026").get()
    book = near_empty_workbook(RETURN_SHEET, [c.header for c in S11_COLUMNS])
    upload = timed("Section 11 import: upload 390,000 near-empty rows (1.9 MB)", lambda: client.post(
        reverse("section11:return-import", args=[ret.pk]),
        {"file": SimpleUploadedFile("return.xlsx", book)}), {302})
    if upload.status_code == 302:
        timed("Section 11 import: its preview", lambda: client.get(upload["Location"]), {200})
        timed("Section 11 import: the preview reloaded", lambda: client.get(upload["Location"]), {200})
    data_return = DataReturn.objects.filter(agency=lead.agency).exclude(status="validated").order_by("-pk").first()
    if data_return is not None:
        book = near_empty_workbook(DR_SHEET, [c.header for c in DR_COLUMNS])
        upload = timed("Data return: upload 390,000 near-empty rows (1.9 MB)", lambda: client.post(
            reverse("performance:data-return-upload", args=[data_return.pk]),
            {"file": SimpleUploadedFile("data-return.xlsx", book)}), {302})
        if upload.status_code == 302:
            timed("Data return: its preview", lambda: client.get(upload["Location"]), {200})
    with transaction.atomic():
        history.update(Answer.objects.filter(ret=ret), narrative="Our practice is reviewed. " * 384,
                       impact="Children are safer because. " * 357)
    timed("Section 11 return PDF, every answer 10,000 characters: asked for", lambda: client.post(
        reverse("section11:return-export-pdf", args=[ret.pk])), {302})
    return rows


# --- load run ------------------------------------------------------------------------------------------------
def machine() -> dict:
    from django.db import connection

    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    mem = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
               if line.startswith("MemTotal"))
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg = cursor.fetchone()[0]
    import django
    return {"cpus": os.cpu_count(), "cpu": cpu, "ram_gib": round(mem / 1024 / 1024, 1), "postgres": pg,
            "python": platform.python_version(), "django": django.get_version(), "load": os.getloadavg()[0]}


def worst_lines(results: dict) -> list[str]:
    worst = results.get("worst")
    if not worst:
        return []
    lines = ["", f"## Worst cases an agency user can send (goal: no request over {WORST_GOAL_S:.0f} s of server time)",
             "", "| Request | status | server s | CPU s | goal met |", "|---|---:|---:|---:|---|"]
    for row in worst:
        lines.append(f"| {row['case']} | {row['status']} | {row['wall']:.2f} | {row['cpu']:.2f} | "
                     f"{'yes' if row['met'] else '**no**'} |")
    return lines


def report(results: dict) -> str:
    m = results["machine"]
    if "pages" not in results:  # --worst-only
        return "\n".join([f"# merton-qa benchmark, worst cases only ({results['date']})", "",
                          f"Machine: {m['cpus']} CPUs, load average at the start {m['load']:.1f}.",
                          *worst_lines(results)]) + "\n"
    scale = f" × {results['scale']} (`seed_large --scale {results['scale']}`)" if results.get("scale", 1) > 1 else ""
    lines = [f"# merton-qa benchmark ({results['date']})", "",
             f"Machine: {m['cpus']} CPUs (`nproc`), {m['cpu']}, {m['ram_gib']} GiB RAM; PostgreSQL {m['postgres']}; "
             f"Python {m['python']}, Django {m['django']}. Load average (1 min) at the start: {m['load']:.1f}, after "
             f"the pages: {results.get('end_load', 0):.1f}.", "",
             f"Large partnership{scale}: {results['seeded']}.", "",
             f"## List pages against the fair admin changelist (server time, median of {results['runs']} runs; "
             "queries; goal ≤ 1.0× for a list page, ≤ 1.5× the admin index for a dashboard)", "",
             "| Page | ms | queries | queries on demo data | Admin peer | ms | queries | page/admin | goal met |",
             "|---|---:|---:|---:|---|---:|---:|---:|---|"]
    for row in results["pages"]:
        ratio = row["ms"] / row["admin_ms"]
        goal = 1.5 if row["page"].startswith("Home dashboard") else 1.0
        steady = row.get("demo_queries", row["queries"]) == row["queries"]
        lines.append(f"| {row['page']} | {row['ms']:.1f} | {row['queries']} | {row.get('demo_queries', '–')} | "
                     f"`{row['admin']}` | {row['admin_ms']:.1f} | {row['admin_queries']} | {ratio:.2f}× | "
                     f"{'yes' if ratio <= goal and steady else '**no**'} |")
    if "board" not in results:
        return "\n".join(lines) + "\n"
    runs = results["board"][0]["runs"]
    lines += ["", f"## Board report (goal: within 1.2× of WeasyPrint alone; medians of {runs} interleaved runs)", "",
              "| Data | first render s | report s | WeasyPrint alone s | ratio | report's own work s | "
              "CPU s: report / WeasyPrint alone / own work | CPU ratio | "
              "peak Python heap MiB | max RSS MiB | HTML KiB | PDF KiB |",
              "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for b in results["board"]:
        lines.append(f"| {b['label']} | {b['first']:.2f} | {b['time']:.2f} | {b['weasy']:.2f} | "
                     f"{b['time'] / b['weasy']:.2f}× | {b['own']:.2f} | "
                     f"{b['time_cpu']:.2f} / {b['weasy_cpu']:.2f} / {b['own_cpu']:.2f} | "
                     f"{b['time_cpu'] / b['weasy_cpu']:.2f}× | "
                     f"{b['heap'] / 2 ** 20:.0f} | {b['maxrss'] / 2 ** 20:.0f} | {b['html'] / 1024:.0f} | "
                     f"{b['pdf'] / 1024:.0f} |")
    lines += worst_lines(results)
    lines += bench_inputs.bench_lines(results)
    load = results.get("load")
    if load:
        lines += ["", f"## Load: {load['users']} agency users at once, gunicorn gthread {load['workers']} workers × "
                  f"{load['threads']} threads, loopback (goal: 0 errors)", "",
                  "| Requests | count | errors | median ms | p95 ms | max ms | requests/s |",
                  "|---|---:|---:|---:|---:|---:|---:|"]
        for key, label in (("save", "Save a Section 11 answer (POST, 302)"), ("healthz", "/healthz (GET, 200)")):
            r = load[key]
            lines.append(f"| {label} | {r['requests']} | {r['errors']} | {r['median']:.0f} | {r['p95']:.0f} | "
                         f"{r['max']:.0f} | {r['rps']:.0f} |")
        lines += ["", f"Saves that landed (answer versions raised in the database): {load['saved']} of "
                  f"{load['save']['requests']}."]
        if load["save"]["errors"] or load["healthz"]["errors"]:
            lines += ["", f"Statuses: saves {load['save']['statuses']}, healthz {load['healthz']['statuses']}."]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--saves", type=int, default=3)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--db", default="mqa_bench_run", help="A throwaway database (mqa_...): dropped before and "
                        "after.")
    parser.add_argument("--output", default=str(ROOT / "bench-results.md"))
    parser.add_argument("--keep", action="store_true", help="Keep the database afterwards.")
    parser.add_argument("--board-runs", type=int, default=3, help="Renders of the board report and of WeasyPrint "
                        "alone, interleaved (the median of each is shown).")
    parser.add_argument("--worst-only", action="store_true", help="Only the worst cases, on the demo data.")
    parser.add_argument("--scale", type=int, default=1, help="seed_large --scale: N times the large partnership "
                        "(10 for the many-partnerships goal; slow).")
    parser.add_argument("--pages-only", action="store_true", help="Only the list pages and dashboards against the "
                        "admin (no worst cases, board report or load).")
    parser.add_argument("--only", default="", metavar="REGEX", help="Only the pages whose name matches.")
    parser.add_argument("--reuse", action="store_true", help="Measure the pages on --db as it is (already seeded by "
                        "a run with --keep): no seeding, nothing dropped. For work on one page.")
    parser.add_argument("--board-report-child", metavar="PERIOD", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.board_report_child:
        board_report_child(args.board_report_child, args.board_runs)
        return
    if not re.fullmatch(DB_NAME, args.db):
        parser.error(f"--db must match {DB_NAME} (a throwaway database: it is dropped)")
    setup_env(args.db)
    if not args.reuse:
        psql(f"DROP DATABASE IF EXISTS {args.db} WITH (FORCE)")
        psql(f"CREATE DATABASE {args.db}")
    started = time.perf_counter()
    try:
        results = run(args)
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep and not args.reuse:
            psql(f"DROP DATABASE IF EXISTS {args.db} WITH (FORCE)")
    text = report(results)
    Path(args.output).write_text(text)
    print()
    print(text)
    print(f"Written to {args.output} in {time.perf_counter() - started:.0f} s.")


def analyze() -> None:
    """Table statistics after seeding, as autovacuum leaves a live database (a server run with autovacuum off, as
    this machine's is, plans every query on the seeded tables blind: sequential scans of the history tables)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def run(args) -> dict:
    import io

    import django

    django.setup()
    use_bench_admin()  # before the URL conf is first loaded
    from django.core.management import call_command
    from django.utils import timezone

    from merton_qa.management.commands.seed_large import counts
    from partnership.dates import Quarter

    call_command("migrate", verbosity=0)
    results = {"date": timezone.localtime().strftime("%Y-%m-%d %H:%M %Z"), "runs": args.runs, "machine": machine(),
               "scale": args.scale}
    period = Quarter.containing(timezone.localdate()).previous().code
    if args.reuse:
        results["seeded"] = ", ".join(f"{n:,} {what}" for what, n in counts().items())
        results["pages"] = measure_pages(args.runs, only=args.only)
        results["end_load"] = os.getloadavg()[0]
        return results
    print("Seeding the demo data...", flush=True)
    call_command("seed_demo", stdout=io.StringIO())
    if not args.pages_only:
        print("Worst cases an agency user can send...", flush=True)
        results["worst"] = measure_worst_cases()
        if args.worst_only:
            return results
    print("Queries per page on the demo data...", flush=True)
    demo_queries = {row["page"]: row["queries"] for row in measure_pages(0, queries_only=True, only=args.only)}
    if not args.pages_only:
        print(f"Board report {period}, demo data...", flush=True)
        results["board"] = [measure_board_report("Demo data", period, args.board_runs)]
    print(f"Seeding the large partnership (scale {args.scale})...", flush=True)
    start = time.perf_counter()
    call_command("seed_large", scale=args.scale, stdout=io.StringIO())
    analyze()
    results["seeded"] = ", ".join(f"{n:,} {what}" for what, n in counts().items())
    print(f"  {results['seeded']} ({time.perf_counter() - start:.0f} s)", flush=True)
    print("List pages against the admin...", flush=True)
    results["pages"] = measure_pages(args.runs, only=args.only)
    results["end_load"] = os.getloadavg()[0]
    for row in results["pages"]:
        row["demo_queries"] = demo_queries[row["page"]]
    if args.pages_only:
        return results
    print(f"Board report {period}, large partnership...", flush=True)
    results["board"].append(measure_board_report("Large partnership", period, args.board_runs))
    if args.users:
        print(f"Load run: {args.users} users × {args.saves} saves...", flush=True)
        results["load"] = load_run(args.users, args.saves, args.workers, args.threads)
    bench_inputs.bench_run(results, period, args.board_runs)
    return results


if __name__ == "__main__":
    main()
