"""The benchmark's load run (`make load`, and step 4 of `make bench`): every agency user saves their own Section 11
answers at once against gunicorn on loopback. `own_answers` says who saves which answer (the fault test uses it
too). Run from scripts/bench.py and scripts/load.py, which set up the database and Django first."""
import os
import secrets
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

from servers import free_port

ROOT = Path(__file__).resolve().parent.parent


def own_answers(people, returns: dict) -> list[tuple]:
    """(person, return, answer id, version): each person saves an answer of their agency's return that nobody
    else in the run saves (the next one along), so no save conflicts with another's."""
    used: dict[int, int] = {}
    plan = []
    for person in people:
        ret = returns[person.agency_id]
        answers = list(ret.answers.order_by("pk").values_list("pk", "version"))
        index = used.get(ret.pk, 0)
        used[ret.pk] = index + 1
        plan.append((person, ret, *answers[index]))
    return plan


def load_run(users: int, saves: int, workers: int, threads: int) -> dict:
    import http.client
    from urllib.parse import urlencode

    from django.conf import settings
    from django.test import Client

    from partnership import history
    from partnership.models import User
    from section11.models import Answer, Cycle, Return

    cycle = Cycle.objects.get(name="Section 11 2026")
    people = list(User.objects.filter(email__regex=r"^bench-[0-9]{3}@")
                  .select_related("agency").order_by("pk")[:users])
    # Every contributor's agency has an editable return in the open cycle (some demo returns are submitted).
    history.update(Return.objects.filter(cycle=cycle, agency__in={p.agency_id for p in people}).exclude(
                   status__in=Return.EDITABLE), status=Return.Status.IN_PROGRESS)
    returns = {r.agency_id: r for r in Return.objects.filter(cycle=cycle)}
    plan = []
    for person, ret, answer_pk, version in own_answers(people, returns):
        level = ret.cycle.framework.scale.levels.order_by("order").first()
        client = Client()
        client.force_login(person)  # a real session row in the session store, as signing in would make
        plan.append({"session": client.cookies[settings.SESSION_COOKIE_NAME].value, "ret": ret.pk,
                     "answer": answer_pk, "version": version, "level": level.pk})

    port = free_port()
    log = open(ROOT / "bench-gunicorn.log", "w")  # noqa: SIM115 - closed with the server
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "merton_qa.wsgi:application", "-b", f"127.0.0.1:{port}",
         "-k", "gthread", "--workers", str(workers), "--threads", str(threads), "--backlog", "2048",
         "--timeout", "60", "--keep-alive", "30"], cwd=ROOT, env=os.environ, stdout=log, stderr=log)
    try:
        for _ in range(100):
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    break
            except OSError:
                time.sleep(0.2)
        else:
            raise RuntimeError("gunicorn did not start; see bench-gunicorn.log")

        def run(kind: str) -> dict:
            latencies, errors, statuses = [], [], {}
            lock = threading.Lock()
            barrier = threading.Barrier(len(plan))

            def user(item):
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                csrf = secrets.token_hex(16)
                cookie = f"{settings.SESSION_COOKIE_NAME}={item['session']}; {settings.CSRF_COOKIE_NAME}={csrf}"
                version = item["version"]
                barrier.wait()
                for n in range(saves):
                    if kind == "save":
                        prefix = f"a{item['answer']}"
                        body = urlencode({"csrfmiddlewaretoken": csrf, f"{prefix}-rating": item["level"],
                                          f"{prefix}-narrative": f"Audit of staff files, round {n}: all compliant.",
                                          f"{prefix}-impact": "Children are seen sooner.",
                                          f"{prefix}-version": version})
                        path = f"/section-11/returns/{item['ret']}/answers/{item['answer']}/"
                        headers = {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"}
                        method, expected = "POST", 302
                    else:
                        body, path, headers, method, expected = None, "/healthz", {"Cookie": cookie}, "GET", 200
                    start = time.perf_counter()
                    try:
                        conn.request(method, path, body=body, headers=headers)
                        response = conn.getresponse()
                        response.read()
                        status = response.status
                    except OSError as error:
                        conn.close()
                        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                        status = type(error).__name__
                    elapsed = (time.perf_counter() - start) * 1000
                    with lock:
                        latencies.append(elapsed)
                        statuses[status] = statuses.get(status, 0) + 1
                        if status != expected:
                            errors.append(status)
                    if status == expected:
                        version += 1
                conn.close()

            workers_ = [threading.Thread(target=user, args=(item,), daemon=True) for item in plan]
            start = time.perf_counter()
            for t in workers_:
                t.start()
            for t in workers_:
                t.join()
            wall = time.perf_counter() - start
            latencies.sort()
            return {"kind": kind, "requests": len(latencies), "errors": len(errors), "statuses": statuses,
                    "median": statistics.median(latencies), "p95": latencies[int(len(latencies) * 0.95) - 1],
                    "max": latencies[-1], "wall": wall, "rps": len(latencies) / wall}

        save = run("save")
        health = run("healthz")
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
    # Each save that landed raised its answer's version by one: count them in the database, not the statuses.
    after = dict(Answer.objects.filter(pk__in=[p["answer"] for p in plan]).values_list("pk", "version"))
    saved = sum(after[p["answer"]] - p["version"] for p in plan)
    return {"save": save, "healthz": health, "users": len(plan), "saved": saved, "workers": workers,
            "threads": threads}


# --- the machine and the report ------------------------------------------------------------------------------
