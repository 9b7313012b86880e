"""scripts/fault.py (`make fault`) on a fresh machine: its servers (scripts/servers.py) are installed, or it says
what is missing."""
import importlib.util
import subprocess
import time
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "servers.py"


@pytest.fixture
def fault(monkeypatch, tmp_path):
    spec = importlib.util.spec_from_file_location("fault_servers", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    bindir = tmp_path / "bin"
    bindir.mkdir()
    monkeypatch.setattr(module, "PGBIN", bindir)
    monkeypatch.setattr(module, "REDIS_SERVER", bindir / "redis-server")
    monkeypatch.setattr(module, "POLICY_RC_D", tmp_path / "policy-rc.d")
    monkeypatch.setattr(module.shutil, "which", lambda name: f"/usr/bin/{name}")
    module.bindir = bindir
    return module


def install(bindir: Path, *names: str) -> None:
    for name in names:
        (bindir / name).write_text("#!/bin/sh\n")
        (bindir / name).chmod(0o755)


def test_nothing_is_installed_when_the_servers_are_there(fault):
    install(fault.bindir, "redis-server", "initdb", "pg_ctl", "postgres", "createdb")
    assert fault.ensure_servers(run=pytest.fail) is None  # apt-get never runs


def test_without_root_it_says_what_is_missing_and_how_to_install_it(fault, monkeypatch):
    install(fault.bindir, "redis-server", "pg_ctl")
    monkeypatch.setattr(fault.os, "geteuid", lambda: 1000)
    error = fault.ensure_servers(run=pytest.fail)
    assert "postgresql-15" in error and "initdb" in error and "redis-server (" not in error
    assert "apt-get install postgresql-15" in error


def test_as_root_it_installs_the_missing_packages_without_starting_their_services(fault, monkeypatch):
    monkeypatch.setattr(fault.os, "geteuid", lambda: 0)
    commands = []

    def run(cmd, env, timeout):
        commands.append(cmd)
        assert env["DEBIAN_FRONTEND"] == "noninteractive"
        assert "exit 101" in fault.POLICY_RC_D.read_text()  # services stay stopped during the install
        if cmd[1] == "install":
            install(fault.bindir, "redis-server", "initdb", "pg_ctl", "postgres", "createdb")
        return subprocess.CompletedProcess(cmd, 0)

    assert fault.ensure_servers(run=run) is None
    assert commands == [["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", "redis-server",
                                                        "postgresql-15"]]
    assert not fault.POLICY_RC_D.exists()  # put back as it was


def test_a_failed_install_is_reported(fault, monkeypatch):
    monkeypatch.setattr(fault.os, "geteuid", lambda: 0)
    error = fault.ensure_servers(run=lambda cmd, env, timeout: subprocess.CompletedProcess(cmd, 100))
    assert error.startswith("`apt-get update -qq` failed") and "redis-server" in error
    assert not fault.POLICY_RC_D.exists()


def test_an_existing_policy_rc_d_is_left_alone(fault, monkeypatch):
    monkeypatch.setattr(fault.os, "geteuid", lambda: 0)
    fault.POLICY_RC_D.write_text("#!/bin/sh\nexit 0\n")
    fault.ensure_servers(run=lambda cmd, env, timeout: subprocess.CompletedProcess(cmd, 1))
    assert fault.POLICY_RC_D.read_text() == "#!/bin/sh\nexit 0\n"


# --- phases C and D (scripts/fault_jobs.py) ---------------------------------------------------------------------
def _load(name: str):
    spec = importlib.util.spec_from_file_location(f"fault_{name}", SCRIPT.parent / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_windows_the_run_shortens_are_read_by_the_settings():
    settings_source = (SCRIPT.parent.parent / "merton_qa" / "settings.py").read_text()
    for name in _load("fault_jobs").run_env():
        assert f'env.int("{name}"' in settings_source, name


def test_the_outbox_page_is_read_for_what_it_lists():
    from django.template.loader import render_to_string
    from django.test import RequestFactory

    from partnership.models import OutboxMessage

    rows = [OutboxMessage(pk=pk, status=status, attempts=13, last_error="down")
            for pk, status in [(1, "pending"), (2, "pending"), (3, "failed")]]
    for row in rows:
        row.what = "Email"  # the page's own label of the task, set by its view
    page = type("Page", (), {"object_list": rows, "paginator": type("P", (), {"count": 3})(),
                             "has_other_pages": lambda self: False})()
    html = render_to_string("partnership/outbox.html", {"page": page}, request=RequestFactory().get("/outbox/"))
    assert _load("fault_jobs").outbox_page_counts(html) == (3, 2, 1)
    assert _load("fault_jobs").outbox_page_counts("<p>Nothing is waiting</p>") == (0, 0, 0)


def _gone(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1].startswith("Z")  # a zombie runs nothing
    except OSError:
        return True


def test_a_killed_worker_leaves_no_process_of_its_group_running(tmp_path):
    """Phase D kills the Celery worker with its pool processes: a pool process left running would keep rendering
    and renewing the report's lease, and the restarted worker could never take the run over."""
    servers = _load("servers")
    stack = servers.Stack(type("Args", (), {"keep": False})())
    child = tmp_path / "child"
    try:
        stack.spawn("celery", ["sh", "-c", f"sleep 600 & echo $! > {child}; wait"])
        for _ in range(100):
            if child.exists() and child.read_text().strip():
                break
            time.sleep(0.05)
        pool = int(child.read_text())
        worker = stack.procs["celery"].pid
        stack.kill("celery")
        assert "celery" not in stack.procs and _gone(worker) and _gone(pool)
    finally:
        stack.stop()
