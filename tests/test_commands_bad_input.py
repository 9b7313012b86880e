"""Every management command of the project, fed bad input, answers with a one-line CommandError, never a
traceback, and changes nothing. Generated: every command found in the project's apps is run; its arguments decide
which bad inputs it gets (files, a period, an output path, or arguments it does not take)."""
import datetime
import os
import time
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command, get_commands, load_command_class
from django.core.management.base import CommandError

from audits.management.commands.load_audit_tools import load_tool
from audits.models import Audit, AuditTool, Grade, Programme
from partnership.dates import Quarter
from tests.audits.conftest import make_audit

pytestmark = pytest.mark.django_db
PROJECT_APPS = {"partnership", "section11", "audits", "performance", "reviews", "learning", "merton_qa"}
TOOL = Path(__file__).resolve().parents[1] / "audits" / "tools" / "general-2025.yaml"

ALIAS_BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n" + "".join(
    f"{chr(99 + i)}: &{chr(99 + i)} [{', '.join(['*' + chr(98 + i)] * 9)}]\n" for i in range(8))


def bad_files(tmp_path: Path) -> dict[str, Path]:
    files = {
        "not UTF-8": b"slug: caf\xe9\nversion: '1'\n",
        "alias bomb": ALIAS_BOMB.encode(),
        "not YAML": b"slug: [unclosed\n",
        "a list of nonsense": b"- 1\n- 2\n",
        "a huge number": ("indicators:\n  - code: x\n    score: " + "9" * 5000 + "\n").encode(),
        "a huge float": b"grades:\n  - {code: a, label: A, score: 1e400}\nindicators: [{code: x, target: 1e400}]\n",
        "deep nesting": b"a: " + b"[" * 5000 + b"]" * 5000 + b"\n",
        "empty": b"",
        "NUL bytes": b"slug: a\x00b\n",
    }
    written = {}
    for name, content in files.items():
        path = tmp_path / (name.replace(" ", "-") + ".yaml")
        path.write_bytes(content)
        written[name] = path
    written["missing"] = tmp_path / "missing.yaml"
    written["a folder of nothing"] = tmp_path / "empty-folder"
    written["a folder of nothing"].mkdir(exist_ok=True)
    return written


def bad_periods() -> list[str]:
    future = Quarter.containing(datetime.date.today()).next().next()
    return ["0000-Q1", "9999-Q4", "2026-Q5", "Q2", "", "2026-27 Q9", "2026-28 Q1", future.code, "1" * 500]


def bad_outputs(tmp_path: Path) -> list[str]:
    outputs = [str(tmp_path / "no" / "such" / "folder" / "r.pdf"), str(tmp_path), ""]
    if os.geteuid() != 0:  # root can write anywhere: the permission case cannot be tried
        locked = tmp_path / "locked"
        locked.mkdir(exist_ok=True)
        locked.chmod(0o500)
        outputs.append(str(locked / "r.pdf"))
    return outputs


def project_commands() -> dict[str, str]:
    return {name: app for name, app in get_commands().items()
            if app in {a.name for a in apps.get_app_configs() if a.label in PROJECT_APPS}}


def cases(tmp_path: Path):
    """(command, args, what is wrong) for every project command."""
    found = []
    for name, app in sorted(project_commands().items()):
        command = load_command_class(app, name)
        parser = command.create_parser("manage.py", name)
        options = {a.dest: a for a in parser._actions}
        if "paths" in options:
            found += [(name, [str(path)], what) for what, path in bad_files(tmp_path).items()]
        if "period" in options:
            found += [(name, ["--period", p, "--output", str(tmp_path / "r.pdf")], f"period {p[:20]!r}")
                      for p in bad_periods()]
        if "output" in options:
            found += [(name, ["--period", Quarter.containing(datetime.date.today()).previous().code, "--output", o],
                       f"output {o!r}") for o in bad_outputs(tmp_path)]
        found.append((name, ["--no-such-option"], "an option it does not take"))
    return found


def test_every_project_command_is_tried():
    names = set(project_commands())
    assert {"load_audit_tools", "board_report", "load_indicators", "load_section11_frameworks",
            "load_reference_data", "relay_outbox", "seed_demo", "seed_large"} <= names


def test_every_command_refuses_bad_input_in_one_line(tmp_path, monkeypatch):
    from merton_qa import board_report

    monkeypatch.setattr(board_report, "render", lambda *a, **k: pytest.fail("rendered before refusing"))
    tried = 0
    for name, args, what in cases(tmp_path):
        started = time.monotonic()
        try:
            call_command(name, *args, stdout=open(os.devnull, "w"), stderr=open(os.devnull, "w"))  # noqa: SIM115
        except CommandError as refused:
            message = str(refused)
        else:
            pytest.fail(f"{name} accepted {what}")
        assert "\n" not in message.strip() and len(message) < 600, (name, what, message)
        assert time.monotonic() - started < 20, (name, what, "took too long to refuse")
        tried += 1
    assert tried > 40


def _tool_file(tmp_path, text: str) -> Path:
    path = tmp_path / "tool.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_duplicated_grade_code_is_refused_and_an_in_use_grade_never_rewritten(tmp_path):
    tool = load_tool(TOOL)
    original = TOOL.read_text(encoding="utf-8")
    doubled = original.replace("  - code: good\n    label: Good", "  - code: outstanding\n    label: Good")
    assert doubled != original
    with pytest.raises(CommandError, match="'outstanding' is used twice"):
        load_tool(_tool_file(tmp_path, doubled))
    assert Grade.objects.get(tool=tool, code="outstanding").score == 4


def test_a_tool_version_in_use_cannot_change_but_can_be_loaded_again_unchanged(tmp_path, police, outsider_agency):
    tool = load_tool(TOOL)
    programme = Programme.objects.create(year="2025-26")
    make_audit(tool, programme, [police, outsider_agency], status=Audit.Status.IN_PROGRESS)
    load_tool(TOOL)  # unchanged: fine
    changed = TOOL.read_text(encoding="utf-8").replace("score: 4", "score: 5")
    with pytest.raises(CommandError, match="new 'version'"):
        load_tool(_tool_file(tmp_path, changed))
    assert Grade.objects.get(tool=tool, code="outstanding").score == 4
    new_version = changed.replace('version: "2025"', 'version: "2026"')
    assert load_tool(_tool_file(tmp_path, new_version)).version == "2026"
    assert AuditTool.objects.count() == 2
