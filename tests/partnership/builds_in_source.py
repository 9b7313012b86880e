"""The builds the project's source passes to a compile-once reader (`snapshots.compiled_rows`,
`compiled.compiled_list`), so that a guard test covers a new caller without its being listed."""
import ast
import datetime
from pathlib import Path

from django.conf import settings


def builds_passed_to(reader: str) -> set[tuple[str, str]]:
    """Every (module, function) the project passes to `reader` as its first argument, read from the source."""
    found = set()
    for path in Path(settings.BASE_DIR).glob("*/**/*.py"):
        parts = path.relative_to(settings.BASE_DIR).parts
        if any(part.startswith(".") or part in ("tests", "node_modules", "frontend", "staticfiles") for part in parts):
            continue  # virtualenvs (.venv, .venv-bandit), the tests and what is not the project's Python
        for node in ast.walk(ast.parse(path.read_text())):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == reader
                    and node.args and isinstance(node.args[0], ast.Name)):
                module = ".".join(path.relative_to(settings.BASE_DIR).with_suffix("").parts)
                found.add((module.removesuffix(".__init__"), node.args[0].id))
    return found


def recording(monkeypatch, module, name: str) -> tuple[list, object]:
    """([(build, args, key)], the uncached function): every build compiled through `module.<name>` (a function kept
    by `functools.lru_cache`, called as (build, args, key, vendor)) from now on, each compiled as before."""
    real = getattr(module, name).__wrapped__
    seen = []

    def recorded(build, args, key, vendor):
        seen.append((build, args, key))
        return real(build, args, key, vendor)

    monkeypatch.setattr(module, name, recorded)
    return seen, real


def assert_same_sql_whatever_the_clock(seen: list, sql, monkeypatch) -> None:
    """Each recorded build's `sql(build, args, key)` is the same with the clock a day and a year on."""
    from django.utils import timezone

    now, real_now = timezone.now(), timezone.now
    assert any(sql(*call) for call in seen)
    for call in seen:
        compiled = sql(*call)
        for later in (now + datetime.timedelta(days=1), now + datetime.timedelta(days=366)):
            monkeypatch.setattr(timezone, "now", lambda later=later: later)
            assert sql(*call) == compiled, (call[0], later)
        monkeypatch.setattr(timezone, "now", real_now)
