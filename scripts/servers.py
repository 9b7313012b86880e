"""The servers of the fault test (scripts/fault.py): its own Redis and PostgreSQL cluster on loopback ports,
gunicorn and a Celery worker, each started by `Stack` and ended by its own process id; installed with apt-get
when missing (CI). Also the loopback helpers the benchmark shares (`free_port`, `wait_for_port`).
"""
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PGBIN = Path(os.environ.get("PGBIN", "/usr/lib/postgresql/15/bin"))
REDIS_SERVER = Path(os.environ.get("REDIS_SERVER", "/usr/bin/redis-server"))
POLICY_RC_D = Path("/usr/sbin/policy-rc.d")


def pg_binaries() -> list[Path]:
    return [PGBIN / name for name in ("initdb", "pg_ctl", "postgres", "createdb")]


def missing_servers() -> dict[str, list[str]]:
    """Debian packages to install for the servers that are not on this machine, with the files missing."""
    missing: dict[str, list[str]] = {}
    if not os.access(REDIS_SERVER, os.X_OK):
        missing["redis-server"] = [str(REDIS_SERVER)]
    pg = [str(path) for path in pg_binaries() if not os.access(path, os.X_OK)]
    if pg:
        missing["postgresql-15"] = pg
    return missing


def ensure_servers(run=subprocess.run) -> str | None:
    """Install redis-server and PostgreSQL 15 when missing (root with apt-get: CI). Returns an error or None.

    A temporary /usr/sbin/policy-rc.d (exit 101) keeps the packages from starting their own services: this test
    starts its own servers on its own ports, and a second Redis or PostgreSQL on 6379/5432 would clash with the
    shared ones.
    """
    missing = missing_servers()
    if not missing:
        return None
    what = "; ".join(f"{package} ({', '.join(files)})" for package, files in missing.items())
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        return (f"missing: {what}. Install them (Debian: apt-get install {' '.join(missing)}) or run as root "
                "with apt-get, which installs them")
    print(f"  installing {' '.join(missing)} with apt-get (missing: {what})", flush=True)
    policy = POLICY_RC_D
    made_policy = not policy.exists()
    if made_policy:
        policy.write_text("#!/bin/sh\nexit 101\n")
        policy.chmod(0o755)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    try:
        for cmd in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", *missing]):
            if run(cmd, env=env, timeout=600).returncode != 0:
                return f"`{' '.join(cmd)}` failed; missing: {what}"
    finally:
        if made_policy:
            policy.unlink(missing_ok=True)
    still = missing_servers()
    return f"still missing after apt-get: {still}" if still else None


class Stack:
    """The processes this run started; `stop` ends each of them by its own id."""

    def __init__(self, args):
        self.args = args
        self.tmp = Path(tempfile.mkdtemp(prefix="mqa-fault-"))
        self.tmp.chmod(0o777)  # the postgres user writes its cluster here
        self.pgdata = self.tmp / "pg"
        self.mail = self.tmp / "mail"
        self.mail.mkdir()
        self.logs = self.tmp / "logs"
        self.logs.mkdir()
        self.procs: dict[str, subprocess.Popen] = {}

    # --- PostgreSQL -----------------------------------------------------------------------------------------
    def as_pg(self, *cmd) -> list[str]:
        return ["runuser", "-u", "postgres", "--", *map(str, cmd)] if os.geteuid() == 0 else list(map(str, cmd))

    def pg_ctl(self, *action) -> None:
        subprocess.run(self.as_pg(PGBIN / "pg_ctl", "-D", self.pgdata, "-l", self.tmp / "pg.log", "-w", "-t", "30",
                                  *action), check=True, stdout=subprocess.DEVNULL, timeout=60)

    def start_pg(self) -> None:
        if not self.pgdata.exists():
            subprocess.run(self.as_pg(PGBIN / "initdb", "-D", self.pgdata, "-U", "postgres", "--auth=trust", "-E",
                                      "UTF8", "--no-sync"), check=True, stdout=subprocess.DEVNULL)
        self.pg_ctl("start", "-o", f"-p {self.args.pg_port} -c listen_addresses=127.0.0.1 -k {self.tmp} "
                                   "-c fsync=off -c max_connections=100")

    def stop_pg(self) -> None:
        self.pg_ctl("stop", "-m", "fast")

    def createdb(self, name: str) -> None:
        subprocess.run(self.as_pg(PGBIN / "createdb", "-h", "127.0.0.1", "-p", self.args.pg_port, "-U", "postgres",
                                  name), check=True)

    # --- Redis ----------------------------------------------------------------------------------------------
    def start_redis(self) -> None:
        self.spawn("redis", [str(REDIS_SERVER), "--port", str(self.args.redis_port), "--bind", "127.0.0.1",
                             "--dir", str(self.tmp), "--appendonly", "yes", "--appendfsync", "always",
                             "--save", ""])
        wait_for_port(self.args.redis_port)

    def kill_redis(self) -> None:
        proc = self.procs.pop("redis")
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)

    def stop_redis(self) -> None:
        """Stop Redis as an operator or a host shutdown would (SIGTERM: it saves its append-only file and exits)."""
        proc = self.procs.pop("redis")
        proc.terminate()
        proc.wait(timeout=30)

    def kill_redis_mid_task(self, wait: float = 15) -> bool:
        """Kill Redis the moment the worker has received an email task it has not finished (its message is still
        unacknowledged, the worst case for the worker: kombu 5.7 crashed on it, merton_qa/broker.py). Returns
        whether one was caught in flight; after `wait` seconds without one, kills Redis all the same."""
        log = self.logs / "celery.log"
        deadline = time.monotonic() + wait
        caught = False
        with open(log, errors="replace") as f:
            f.seek(0, os.SEEK_END)
            pending: set[str] = set()
            while time.monotonic() < deadline and not caught:
                for line in f.readlines():
                    match = re.search(r"Task partnership\.deliver_email\[([0-9a-f-]+)\] (received|succeeded)", line)
                    if match and match[2] == "received":
                        pending.add(match[1])
                    elif match:
                        pending.discard(match[1])
                caught = bool(pending)
                if not caught:
                    time.sleep(0.002)
        self.kill_redis()
        return caught

    # --- the app --------------------------------------------------------------------------------------------
    def spawn(self, name: str, cmd: list[str], env: dict | None = None) -> None:
        log = open(self.logs / f"{name}.log", "a")  # noqa: SIM115 - the child keeps it
        self.procs[name] = subprocess.Popen(cmd, cwd=ROOT, env=env or os.environ, stdout=log, stderr=log,
                                            start_new_session=True)

    def kill(self, name: str) -> None:
        """SIGKILL a process this run started and every process of its group (a Celery worker with its pool
        processes, as when its machine or container dies): nothing of it runs on, nothing is cleaned up."""
        proc = self.procs.pop(name)
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait(timeout=10)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:  # the pool processes, reparented, go too
            try:
                os.killpg(proc.pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.05)

    def stop(self) -> None:
        """End what this run started, each by its own id: SIGTERM, then SIGKILL to its process group (each child
        was started in a session of its own, so the group is the gunicorn or Celery pool's workers with it)."""
        for name, proc in list(self.procs.items()):
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait(timeout=5)
            try:
                os.killpg(proc.pid, signal.SIGKILL)  # any worker the master left behind
            except (ProcessLookupError, PermissionError):
                pass
            self.procs.pop(name)
        if self.pgdata.exists():  # started, or left half-started by an interrupted run
            for mode in ("fast", "immediate"):
                try:
                    subprocess.run(self.as_pg(PGBIN / "pg_ctl", "-D", self.pgdata, "status"), check=True,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=10)
                except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError):
                    break  # not running
                try:
                    self.pg_ctl("stop", "-m", mode)
                    break
                except (subprocess.CalledProcessError, subprocess.TimeoutExpired):
                    continue
        if not self.args.keep:
            shutil.rmtree(self.tmp, ignore_errors=True)


def wait_for_port(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
