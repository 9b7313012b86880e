"""The production layout (Dockerfile, docker-compose.yml) agrees with the code it runs.

No Docker engine is needed: the compose file is parsed with PyYAML (anchors and merge keys resolved)
and its ${...} substitutions are applied here the way `docker compose` applies them. No database
is needed either: `manage.py check --deploy` runs in a subprocess with production settings.
"""
import importlib
import importlib.util
import json
import os
import re
import secrets
import shlex
import string
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import environ
import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"
HEALTHCHECK_SCRIPT = ROOT / "docker" / "healthcheck.py"
SETTINGS_FILE = ROOT / "merton_qa" / "settings.py"

APP_SERVICES = ("migrate", "web", "worker", "beat")
ALL_SERVICES = ("db", "redis", *APP_SERVICES)
LONG_RUNNING_APP_SERVICES = ("web", "worker", "beat")
REQUIRED_IN_PRODUCTION = ("SECRET_KEY", "ALLOWED_HOSTS", "SITE_URL")


def random_secret_key(length: int = 60) -> str:
    alphabet = string.ascii_letters + string.digits + "!@#%^&*(-_=+)"
    return "".join(secrets.choice(alphabet) for _ in range(length))


# What an operator puts in .env next to docker-compose.yml.
OPERATOR_VARIABLES = {
    "SECRET_KEY": random_secret_key(),
    "ALLOWED_HOSTS": "qa.example.org",
    "SITE_URL": "https://qa.example.org",
    "POSTGRES_PASSWORD": "0123456789abcdef0123456789abcdef",
    "EMAIL_URL": "smtp+tls://mailer:mail-password@smtp.example.org:587",
    "DEFAULT_FROM_EMAIL": "qa-no-reply@example.org",
    "SUPPORT_EMAIL": "qa@example.org",
}


# --- docker compose's variable substitution ---------------------------------------------------
class MissingVariable(Exception):
    pass


_SUBSTITUTION = re.compile(r"\$(?:(?P<escaped>\$)|\{(?P<braced>[^}]*)\}|(?P<named>[A-Za-z_][A-Za-z0-9_]*))")
_BRACED = re.compile(r"(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-?])(?P<arg>.*))?", re.DOTALL)


def interpolate(value, variables: dict):
    """Apply ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?error}, ${VAR?error}, $VAR and $$."""
    if isinstance(value, dict):
        return {key: interpolate(item, variables) for key, item in value.items()}
    if isinstance(value, list):
        return [interpolate(item, variables) for item in value]
    if not isinstance(value, str):
        return value

    def replace(match):
        if match["escaped"]:
            return "$"
        if match["named"]:
            return variables.get(match["named"], "")
        braced = _BRACED.fullmatch(match["braced"])
        if braced is None:
            raise ValueError(f"unsupported substitution ${{{match['braced']}}}")
        name, op, arg = braced["name"], braced["op"], braced["arg"]
        current = variables.get(name)
        if op is None:
            return current or ""
        missing = current is None or (op.startswith(":") and current == "")
        if op.endswith("-"):
            return arg if missing else current
        if missing:
            raise MissingVariable(f"{name}: {arg}")
        return current

    return _SUBSTITUTION.sub(replace, value)


def load_raw_compose() -> dict:
    # SafeLoader resolves anchors, aliases and << merge keys.
    return yaml.safe_load(COMPOSE_FILE.read_text())


@pytest.fixture(scope="module")
def raw_compose() -> dict:
    return load_raw_compose()


@pytest.fixture(scope="module")
def compose(raw_compose) -> dict:
    return interpolate(raw_compose, OPERATOR_VARIABLES)


@pytest.fixture(scope="module")
def services(compose) -> dict:
    return compose["services"]


def environment_of(service: dict) -> dict:
    environment = service.get("environment") or {}
    if isinstance(environment, list):  # the KEY=value list form
        environment = dict(item.split("=", 1) if "=" in item else (item, None) for item in environment)
    return {key: (None if value is None else str(value)) for key, value in environment.items()}


def command_of(service: dict) -> list[str]:
    command = service.get("command")
    if command is None:
        return []
    return shlex.split(command) if isinstance(command, str) else [str(part) for part in command]


def option_value(args: list[str], *names: str) -> str | None:
    """The value of a command-line option given as `--name value` or `--name=value`."""
    for index, arg in enumerate(args):
        for name in names:
            if arg == name and index + 1 < len(args):
                return args[index + 1]
            if arg.startswith(name + "="):
                return arg.split("=", 1)[1]
    return None


def volume_mounts(service: dict) -> dict[str, str]:
    """Container path -> source for each volume of the service (short or long syntax)."""
    mounts = {}
    for volume in service.get("volumes") or []:
        if isinstance(volume, str):
            source, target = volume.split(":")[:2]
        else:
            source, target = volume.get("source"), volume["target"]
        mounts[target] = source
    return mounts


def env_bool(value: str) -> bool:
    return environ.Env.parse_value(value, bool)


# --- what settings.py reads ---------------------------------------------------------------------
_SETTINGS_READS = (
    re.compile(r"""\benv(?:\.\w+)?\(\s*["']([A-Z][A-Z0-9_]*)["']"""),  # env("X"), env.bool("X"), ...
    re.compile(r"""["']([A-Z][A-Z0-9_]*)["']\s+(?:not\s+)?in\s+os\.environ\b"""),  # "X" in os.environ
    re.compile(r"""os\.environ(?:\.get)?[(\[]\s*["']([A-Z][A-Z0-9_]*)["']"""),  # os.environ.get("X")
    re.compile(r"""os\.getenv\(\s*["']([A-Z][A-Z0-9_]*)["']"""),  # os.getenv("X")
)


def variables_settings_read() -> set[str]:
    source = SETTINGS_FILE.read_text()
    return {name for pattern in _SETTINGS_READS for name in pattern.findall(source)}


def test_settings_scan_finds_the_variables_settings_reads():
    names = variables_settings_read()
    assert {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL", "EMAIL_URL",
            "REQUIRE_2FA", "BEHIND_PROXY", "PRIVATE_MEDIA_ROOT"} <= names


# --- docker-compose.yml ----------------------------------------------------------------------------
def test_compose_defines_every_service(services):
    assert set(ALL_SERVICES) <= set(services)


def test_app_services_share_one_image_and_build(services):
    builds = {repr(services[name].get("build")) for name in APP_SERVICES}
    images = {services[name].get("image") for name in APP_SERVICES}
    assert len(builds) == 1 and len(images) == 1, (builds, images)
    build = services["web"]["build"]
    context = build if isinstance(build, str) else build.get("context", ".")
    dockerfile = "Dockerfile" if isinstance(build, str) else build.get("dockerfile", "Dockerfile")
    assert (ROOT / context / dockerfile).resolve() == DOCKERFILE
    assert images.pop(), "name the image so every app service runs the one build"


def test_app_services_share_one_environment(services):
    environments = [environment_of(services[name]) for name in APP_SERVICES]
    assert all(environment == environments[0] for environment in environments)


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_reaches_postgres_and_redis_by_service_name(services, name):
    environment = environment_of(services[name])
    database = environ.Env.db_url_config(environment["DATABASE_URL"])
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert (database["HOST"], int(database["PORT"])) == ("db", 5432)
    db_environment = environment_of(services["db"])
    assert database["NAME"] == db_environment["POSTGRES_DB"]
    assert database["USER"] == db_environment["POSTGRES_USER"]
    assert database["PASSWORD"] == db_environment["POSTGRES_PASSWORD"]
    assert database["PASSWORD"] == OPERATOR_VARIABLES["POSTGRES_PASSWORD"]

    redis = urlsplit(environment["REDIS_URL"])
    assert (redis.scheme, redis.hostname, redis.port) == ("redis", "redis", 6379)


def test_app_environment_uses_only_variables_settings_read(services):
    known = variables_settings_read()
    for name in APP_SERVICES:
        unknown = set(environment_of(services[name])) - known
        assert not unknown, f"{name}: merton_qa/settings.py never reads {sorted(unknown)}"


def test_production_environment_is_locked_down(services):
    environment = environment_of(services["web"])
    for name in REQUIRED_IN_PRODUCTION:
        assert environment.get(name), f"{name} must be set in production"
    assert env_bool(environment["DEBUG"]) is False
    assert env_bool(environment["REQUIRE_2FA"]) is True
    assert environment["SECRET_KEY"] == OPERATOR_VARIABLES["SECRET_KEY"]


@pytest.mark.parametrize("variable", ["SECRET_KEY", "POSTGRES_PASSWORD", "ALLOWED_HOSTS", "SITE_URL"])
def test_compose_refuses_to_start_without_a_required_secret(raw_compose, variable):
    without = {key: value for key, value in OPERATOR_VARIABLES.items() if key != variable}
    with pytest.raises(MissingVariable, match=variable):
        interpolate(raw_compose, without)
    with pytest.raises(MissingVariable, match=variable):
        interpolate(raw_compose, {**without, variable: ""})


def test_private_media_is_a_named_volume_shared_by_web_and_worker(compose, services):
    media_root = environment_of(services["web"])["PRIVATE_MEDIA_ROOT"]
    for name in ("web", "worker"):
        source = volume_mounts(services[name]).get(media_root)
        assert source == "media", f"{name} must mount the media volume at {media_root}"
    assert "media" in (compose.get("volumes") or {})


def test_named_volumes_hold_every_piece_of_state(compose, services):
    declared = set(compose.get("volumes") or {})
    expected = {
        "db": "/var/lib/postgresql/data",
        "redis": "/data",
        "web": environment_of(services["web"])["PRIVATE_MEDIA_ROOT"],
        "beat": str(Path(option_value(command_of(services["beat"]), "--schedule", "-s")).parent),
    }
    for name, target in expected.items():
        source = volume_mounts(services[name]).get(target)
        assert source in declared, f"{name}: {target} must be on a named volume (found {source!r})"


def test_redis_persists_with_append_only_file(services):
    command = command_of(services["redis"])
    assert option_value(command, "--appendonly") == "yes"


def test_celery_worker_and_beat_run_the_project_celery_app(services):
    from celery.app.utils import find_app

    from merton_qa.celery import app

    assert app.main == "merton_qa"
    for name, role in (("worker", "worker"), ("beat", "beat")):
        command = command_of(services[name])
        assert command[0] == "celery" and role in command, command
        app_name = option_value(command, "-A", "--app")
        assert find_app(app_name) is app


def test_beat_keeps_its_schedule_on_a_volume(services):
    schedule = option_value(command_of(services["beat"]), "--schedule", "-s")
    assert schedule == "/var/lib/celery/celerybeat-schedule"


# Importing the WSGI module loads whitenoise, which warns that collectstatic has not run here.
@pytest.mark.filterwarnings("ignore:No directory at:UserWarning")
def test_web_runs_gunicorn_on_the_project_wsgi_application(services):
    command = command_of(services["web"])
    assert command[0] == "gunicorn"
    target = next(arg for arg in command[1:] if ":" in arg and not arg.startswith("-"))
    module_name, attribute = target.split(":")
    assert target == "merton_qa.wsgi:application"
    assert callable(getattr(importlib.import_module(module_name), attribute))
    assert option_value(command, "--bind", "-b") == "0.0.0.0:8000"
    assert option_value(command, "--access-logfile") == "-"
    assert any(str(port).endswith(":8000") for port in services["web"].get("ports", []))


def test_migrate_is_a_one_shot_migration(services):
    migrate = services["migrate"]
    assert command_of(migrate)[-3:] == ["manage.py", "migrate", "--noinput"]
    assert migrate.get("restart") == "no"


def test_healthchecks_on_db_redis_and_web(services):
    for name in ("db", "redis", "web"):
        healthcheck = services[name].get("healthcheck") or {}
        assert healthcheck.get("test") and not healthcheck.get("disable"), f"{name} needs a healthcheck"
    assert "pg_isready" in " ".join(services["db"]["healthcheck"]["test"])
    assert services["redis"]["healthcheck"]["test"][-2:] == ["redis-cli", "ping"]
    web_test = " ".join(services["web"]["healthcheck"]["test"])
    assert "/healthz" in web_test and "curl" not in web_test


def test_non_web_app_services_do_not_inherit_the_gunicorn_healthcheck(services):
    # The image's HEALTHCHECK probes gunicorn: every other app service must override or disable it.
    for name in ("migrate", "worker", "beat"):
        healthcheck = services[name].get("healthcheck") or {}
        assert healthcheck.get("disable") or "/healthz" not in " ".join(healthcheck.get("test", [])), name


def test_services_start_in_order(services):
    healthy = {"condition": "service_healthy"}
    for name in APP_SERVICES:
        depends_on = services[name].get("depends_on") or {}
        assert depends_on.get("db") == healthy and depends_on.get("redis") == healthy, name
    for name in LONG_RUNNING_APP_SERVICES:
        assert services[name]["depends_on"].get("migrate") == {"condition": "service_completed_successfully"}


# --- Dockerfile --------------------------------------------------------------------------------
def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, with continuation lines joined and comments dropped."""
    instructions, current = [], ""
    for line in DOCKERFILE.read_text().splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.endswith("\\"):
            current += stripped[:-1] + " "
            continue
        current += stripped
        keyword, _, arguments = current.partition(" ")
        instructions.append((keyword.upper(), " ".join(arguments.split())))
        current = ""
    return instructions


def instructions_named(keyword: str) -> list[str]:
    return [arguments for name, arguments in dockerfile_instructions() if name == keyword]


def test_dockerfile_base_image_and_runtime_libraries():
    assert instructions_named("FROM") == ["python:3.11-slim-bookworm"]
    apt = " ".join(run for run in instructions_named("RUN") if "apt-get install" in run)
    for package in ("libpango-1.0-0", "libpangoft2-1.0-0", "libharfbuzz0b", "shared-mime-info",
                    "fonts-liberation", "fonts-dejavu-core"):
        assert package in apt.split(), package


def test_dockerfile_installs_dependencies_from_pyproject_without_dev_extras():
    copies = [copy.split() for copy in instructions_named("COPY")]
    pyproject_copy = next(copy for copy in copies if "pyproject.toml" in copy)
    destination = pyproject_copy[-1].rstrip("/") or "/"
    installs = [run for run in instructions_named("RUN") if "pip install" in run]
    target = rf"pip install (\S+ )*({re.escape(destination)}/?|\.)(\s|$)"
    assert any(re.search(target, run) for run in installs), installs
    assert not any("[test]" in run or "-e " in run for run in installs)


def test_dockerfile_runs_the_code_from_app():
    assert instructions_named("WORKDIR")[-1] == "/app"
    assert ". /app" in instructions_named("COPY") or ". ." in instructions_named("COPY")
    assert (ROOT / "manage.py").exists()


def test_dockerfile_collects_static_files_with_a_build_only_secret():
    collect = [run for run in instructions_named("RUN") if "collectstatic" in run]
    assert collect and "--noinput" in collect[0]
    assert "SECRET_KEY=" in collect[0] and "ALLOWED_HOSTS=" in collect[0]
    assert "DEBUG=false" in collect[0]
    persisted = " ".join(instructions_named("ENV") + instructions_named("ARG"))
    assert "SECRET_KEY" not in persisted and "ALLOWED_HOSTS" not in persisted


def test_dockerfile_runs_as_a_non_root_user_who_owns_the_volumes():
    user = instructions_named("USER")[-1].split(":")[0]
    assert user not in ("root", "0")
    setup = " ".join(instructions_named("RUN"))
    for path in ("/var/lib/merton-qa/media", "/var/lib/celery"):
        assert path in setup, f"create {path} owned by the app user so its named volume is writable"


def test_dockerfile_healthcheck_uses_python_not_curl():
    healthcheck = instructions_named("HEALTHCHECK")
    assert len(healthcheck) == 1
    assert "python" in healthcheck[0] and "/healthz" in healthcheck[0] and "curl" not in healthcheck[0]
    assert "urllib" in HEALTHCHECK_SCRIPT.read_text()


def test_dockerfile_serves_gunicorn_on_port_8000():
    assert instructions_named("EXPOSE") == ["8000"]
    cmd = instructions_named("CMD")[-1]
    assert cmd.startswith("["), "use the exec form, so gunicorn is PID 1's child and gets signals"
    args = json.loads(cmd)
    assert args[:2] == ["gunicorn", "merton_qa.wsgi:application"]
    assert option_value(args, "--bind", "-b") == "0.0.0.0:8000"
    assert option_value(args, "--access-logfile") == "-"


def test_dockerignore_keeps_secrets_and_local_state_out_but_the_app_in():
    patterns = {line.strip() for line in DOCKERIGNORE.read_text().splitlines()
                if line.strip() and not line.startswith("#")}
    assert {".git", ".venv", ".env", "*.sqlite3"} <= patterns
    for needed in ("merton_qa", "static", "templates", "docker", "manage.py", "pyproject.toml"):
        assert needed not in patterns


# --- docker/healthcheck.py -----------------------------------------------------------------------
def load_healthcheck():
    spec = importlib.util.spec_from_file_location("merton_qa_docker_healthcheck", HEALTHCHECK_SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def fake_app():
    """A local HTTP server standing in for gunicorn: answers with `status` and records headers."""
    seen = {"status": 200, "headers": None}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            seen["headers"] = dict(self.headers)
            self.send_response(seen["status"])
            if seen["status"] == 301:
                self.send_header("Location", "https://qa.example.org/healthz")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    seen["url"] = f"http://127.0.0.1:{server.server_port}/healthz"
    yield seen
    server.shutdown()
    server.server_close()


def test_healthcheck_passes_on_200_naming_an_allowed_host(fake_app, monkeypatch):
    monkeypatch.setenv("ALLOWED_HOSTS", ".example.org,qa.example.org")
    monkeypatch.setenv("BEHIND_PROXY", "true")
    assert load_healthcheck().main(fake_app["url"]) == 0
    assert fake_app["headers"]["Host"] == "example.org"
    assert fake_app["headers"]["X-Forwarded-Proto"] == "https"


@pytest.mark.parametrize("status", [301, 500, 503])
def test_healthcheck_fails_on_anything_but_200(fake_app, monkeypatch, status):
    monkeypatch.setenv("ALLOWED_HOSTS", "qa.example.org")
    monkeypatch.delenv("BEHIND_PROXY", raising=False)
    fake_app["status"] = status
    assert load_healthcheck().main(fake_app["url"]) == 1
    assert "X-Forwarded-Proto" not in fake_app["headers"]


def test_healthcheck_fails_when_nothing_listens():
    assert load_healthcheck().main("http://127.0.0.1:9/healthz") == 1


# --- manage.py check --deploy ------------------------------------------------------------------
# Clean, with no way out: a check that comes back fails the test (HSTS preload is silenced in settings.py,
# deliberately and with the reason beside it).
def child_environment(extra: dict) -> dict:
    """This process's environment without pytest's marker or any setting, plus `extra`."""
    drop = variables_settings_read() | {"PYTEST_VERSION", "PYTEST_CURRENT_TEST", "DJANGO_SETTINGS_MODULE",
                                        "DJANGO_ALLOW_ASYNC_UNSAFE"}  # set for the browser tests only
    environment = {key: value for key, value in os.environ.items() if key not in drop}
    environment.update(extra)
    return environment


def production_environment(kind: str) -> dict:
    if kind == "minimal":
        return {"DEBUG": "false", "SECRET_KEY": random_secret_key(), "ALLOWED_HOSTS": "qa.example.org"}
    web = interpolate(load_raw_compose(), OPERATOR_VARIABLES)["services"]["web"]
    return {key: value for key, value in environment_of(web).items() if value is not None}


@pytest.mark.parametrize("kind", ["minimal", "docker-compose"])
def test_check_deploy_is_clean_with_production_settings(kind):
    settings_environment = production_environment(kind)
    assert "PYTEST_VERSION" not in settings_environment
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=child_environment(settings_environment),
        capture_output=True, text=True, timeout=180,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output, output
    assert "WARNINGS" not in output, output


def _bare_manage(*args: str) -> subprocess.CompletedProcess:
    """manage.py with none of the operator's variables: DEBUG off, no SECRET_KEY, no ALLOWED_HOSTS."""
    environment = {k: v for k, v in os.environ.items()
                   if k not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "PYTEST_VERSION", "DATABASE_URL"}}
    return subprocess.run([sys.executable, "manage.py", *args], cwd=Path(__file__).resolve().parent.parent,
                          env=environment, capture_output=True, text=True, timeout=120)


def test_makemigrations_check_runs_on_a_bare_checkout_and_finds_nothing_to_make():
    result = _bare_manage("makemigrations", "--check", "--dry-run")
    assert result.returncode == 0, result.stderr[-2000:]
    assert "No changes detected" in result.stdout


def test_every_other_command_still_refuses_to_run_without_the_secret_key():
    result = _bare_manage("check")
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off." in result.stderr
