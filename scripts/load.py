"""The load run of `make bench` on its own, for CI (`make load`): 200 agency users save Section 11 answers at
once against gunicorn on a loopback port; exits 1 on any error, 2 when it runs out of time.

    .venv/bin/python scripts/load.py [--users 200] [--saves 3] [--db mqa_load_run] [--max-seconds 600]

It creates a throwaway PostgreSQL database (`--db`, on the server of BENCH_PG, default
postgres://postgres@127.0.0.1:5432), migrates it, seeds the demo and the large partnership (for the 200
contributors), runs the load (bench.load_run: every user POSTs their own answer --saves times with CSRF on a
keep-alive connection, then as many GETs of /healthz), and drops the database, whatever happened. An error is
any status but the expected one (302 after a save, 200 from /healthz), or a save that did not land. About
two minutes on 2 cores; --max-seconds bounds the whole run.
"""
import argparse
import io
import json
import re
import signal
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench  # noqa: E402 - the benchmark's set-up and load run, shared


class OutOfTime(Exception):
    pass


def out_of_time(signum, frame):
    raise OutOfTime


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--saves", type=int, default=3)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--db", default="mqa_load_run", help="A throwaway database: dropped before and after.")
    parser.add_argument("--max-seconds", type=int, default=600, help="Give up (exit 2) after this long.")
    args = parser.parse_args()
    if not re.fullmatch(bench.DB_NAME, args.db):
        parser.error(f"--db must match {bench.DB_NAME} (a throwaway database)")
    bench.setup_env(args.db)
    signal.signal(signal.SIGALRM, out_of_time)
    signal.alarm(args.max_seconds)
    started = time.perf_counter()
    bench.psql(f"DROP DATABASE IF EXISTS {args.db} WITH (FORCE)")
    bench.psql(f"CREATE DATABASE {args.db}")
    try:
        import django

        django.setup()
        from django.core.management import call_command

        print(f"Load run on {args.db}: migrating and seeding...", flush=True)
        call_command("migrate", verbosity=0)
        call_command("seed_demo", stdout=io.StringIO())
        call_command("seed_large", stdout=io.StringIO())
        print(f"  seeded in {time.perf_counter() - started:.0f} s; {args.users} users × {args.saves} saves...",
              flush=True)
        load = bench.load_run(args.users, args.saves, args.workers, args.threads)
    except OutOfTime:
        print(f"Load run: out of time after {args.max_seconds} s", flush=True)
        return 2
    finally:
        signal.alarm(0)
        from django.db import connections

        connections.close_all()
        bench.psql(f"DROP DATABASE IF EXISTS {args.db} WITH (FORCE)")
    save, health = load["save"], load["healthz"]
    print(json.dumps({"users": load["users"], "save": save, "healthz": health}, indent=1, default=str))
    expected = load["users"] * args.saves
    errors = save["errors"] + health["errors"] + (expected - load["saved"])
    print(f"Load: {save['requests']} saves ({load['saved']} landed), {save['errors']} errors, median "
          f"{save['median']:.0f} ms, p95 {save['p95']:.0f} ms; {health['requests']} /healthz, "
          f"{health['errors']} errors; {time.perf_counter() - started:.0f} s in all.")
    if errors or save["requests"] != expected:
        print(f"Load run FAILED: {errors} errors. Statuses: saves {save['statuses']}, healthz {health['statuses']}; "
              "server log in bench-gunicorn.log.")
        return 1
    print("Load run passed: 0 errors.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
