"""A form sent back with errors answers 400 on every page, whichever app it is in (`form_status`).

Generated from the code: every `render(...)` in a views module whose context shows a form (a `"form"` key, or one
ending in "form", such as `"reply_form"`) says its status, so a new view cannot answer 200 to a POST it refused. On
a GET the status is 200 all the same."""
import ast
from pathlib import Path

import pytest
from django.forms import CharField, Form

from partnership.views.mixins import form_status

ROOT = Path(__file__).resolve().parents[2]
APPS = ("audits", "section11", "performance", "reviews", "learning", "partnership", "merton_qa")


def view_modules():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            parts = path.relative_to(ROOT).parts
            if "migrations" in parts or "tests" in parts:
                continue
            if "views" in parts or path.stem.endswith("views"):
                yield path


def shows_a_form(call: ast.Call) -> bool:
    return any(isinstance(arg, ast.Dict) and any(isinstance(key, ast.Constant) and str(key.value).endswith("form")
                                                 for key in arg.keys) for arg in call.args)


def renders_without_status(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "render"
                and shows_a_form(node) and not any(keyword.arg == "status" for keyword in node.keywords)):
            found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def test_the_sweep_reads_the_views():
    modules = list(view_modules())
    assert len(modules) > 30 and any(path.name == "__init__.py" and "reviews" in path.parts for path in modules)


def test_every_page_that_shows_a_form_says_its_status():
    missing = [place for path in view_modules() for place in renders_without_status(path)]
    assert not missing, ("render a form with status=form_status(form) (400 when sent back with errors):\n"
                         + "\n".join(missing))


def test_the_sweep_finds_a_render_without_status(tmp_path, monkeypatch):
    monkeypatch.setattr(__import__(__name__, fromlist=["ROOT"]), "ROOT", tmp_path)
    module = tmp_path / "views.py"
    module.write_text('def v(request):\n    return render(request, "t.html", {"form": form})\n\n'
                      'def w(request):\n    return render(request, "t.html", {"form": form}, status=s(form))\n')
    assert renders_without_status(module) == ["views.py:2"]


class NoteForm(Form):
    note = CharField()


@pytest.mark.parametrize("data, expected", [(None, 200), ({"note": "Seen alone"}, 200), ({"note": ""}, 400)])
def test_form_status(data, expected):
    assert form_status(NoteForm(data)) == expected
    assert form_status(None) == 200  # a page shown without its form (a reader)
