"""No workbook the product writes holds a formula made from someone's text (formula injection).

Generated twice over: every URL of the conf whose address ends in `.xlsx` is downloaded (its object from the
security registry, objects.py) after every text field of every row in the database has been given a hostile
value (leading control characters, whitespace, tabs and line ends before `=`, `+`, `-`, `@`, DDE forms);
and every module of the apps that makes an openpyxl `Workbook` must have been reached by one of those
downloads, so a new workbook writer is checked (or fails) without being listed.
"""
import importlib
import inspect
import io
import pkgutil
from pathlib import Path

import openpyxl
import pytest
from django.apps import apps
from django.db import IntegrityError, models, transaction
from django.test import Client
from django.urls import reverse

from partnership import history

from .objects import BUILDERS, OBJECTS
from .urlconf import APPS, walk

# No NUL: PostgreSQL text cannot hold one (the forms refuse it before it could be stored).
HOSTILE = [
    "=1+1", "+1+1", "-1+1", "@SUM(1+1)", "\x01=1+1", "\x1f\x08=HYPERLINK(\"http://evil.example\",\"x\")",
    " =1+1", "  +1", "\t=1+1", "\r=1+1", "\n=1+1", "\x0b\t @SUM(1)", "=cmd|' /C calc'!A0",
    "\x02-2+3+cmd|' /C calc'!A0", "@cmd|'/c notepad'!_xlbgnm.A1", "|cmd", "%0A=1",
]
FORMULA_START = ("=", "+", "-", "@", "|", "%")
XLSX_URLS = sorted(name for name, pattern in walk() if str(pattern.pattern).endswith(".xlsx"))
# Fields that say how the data is shaped rather than what someone wrote: a hostile value there only breaks
# the page before the workbook is written.
STRUCTURAL = {"password", "email", "username", "colour", "unit"}


def _text_fields(model):
    return [f for f in model._meta.concrete_fields
            if isinstance(f, (models.CharField, models.TextField)) and not f.choices and not f.primary_key
            and not isinstance(f, (models.EmailField, models.URLField, models.SlugField, models.GenericIPAddressField))
            and f.name not in STRUCTURAL]


def make_every_text_hostile():
    """Every text field of every row of the apps' models (history tables aside) starts with a hostile value."""
    for model in apps.get_models():
        if model._meta.app_label not in APPS or model.__name__.startswith("Historical") or model._meta.proxy:
            continue
        fields = _text_fields(model)
        for n, obj in enumerate(model._default_manager.all()):
            changes = {}
            for i, f in enumerate(fields):
                suffix = f" {obj.pk}" if f.unique else ""
                value = HOSTILE[(n + i) % len(HOSTILE)]
                room = (f.max_length or 10_000) - len(suffix)
                changes[f.name] = value[:room] + suffix
            try:
                with transaction.atomic():
                    history.update(model._default_manager.filter(pk=obj.pk), **changes)
            except IntegrityError:  # a constraint on a combination of fields: keep that row's words
                pass


def assert_no_formula(content: bytes, name: str):
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{name}: {sheet.title}!{cell.coordinate} is a formula: {cell.value!r}"
                if isinstance(cell.value, str):
                    assert not cell.value.lstrip().startswith(FORMULA_START), (
                        f"{name}: {sheet.title}!{cell.coordinate} begins like a formula: {cell.value!r}")


@pytest.fixture
def written_by(monkeypatch):
    """The modules whose code saved a workbook during the test."""
    modules = set()
    save = openpyxl.Workbook.save

    def spy(self, filename):
        modules.add(inspect.stack()[1].frame.f_globals.get("__name__"))
        return save(self, filename)

    monkeypatch.setattr(openpyxl.Workbook, "save", spy)
    return modules


def workbook_writers() -> set[str]:
    """The apps' modules that make a workbook (read from their source)."""
    found = set()
    for app in APPS:
        package = importlib.import_module(app)
        for module in pkgutil.walk_packages(package.__path__, f"{app}."):
            if ".migrations" in module.name:
                continue
            spec = importlib.util.find_spec(module.name)
            if spec and spec.origin and spec.origin.endswith(".py") and "Workbook(" in Path(spec.origin).read_text():
                found.add(module.name)
    return found


def test_the_walk_finds_the_workbooks():
    assert {"section11:return-export-xlsx", "performance:data-return-template"} <= set(XLSX_URLS)
    assert {"section11.spreadsheets", "performance.spreadsheets"} <= workbook_writers()


def test_every_workbook_the_product_writes_holds_no_formula_made_of_text(request, business_unit, agency_lead,
                                                                        written_by):
    built = {name: BUILDERS[OBJECTS[name].object](request.getfixturevalue) for name in XLSX_URLS}
    make_every_text_hostile()
    for name, obj in built.items():
        url = reverse(name, kwargs=OBJECTS[name].kwargs(obj))
        for user in (business_unit, agency_lead):  # whichever may download it
            client = Client()
            client.force_login(user)
            response = client.get(url)
            if response.status_code == 200:
                break
        assert response.status_code == 200, f"{name}: nobody could download {url}"
        assert_no_formula(b"".join(response.streaming_content) if response.streaming else response.content, name)
    assert workbook_writers() <= written_by, (
        f"modules that write a workbook no .xlsx URL reached: {sorted(workbook_writers() - written_by)}")


@pytest.mark.parametrize("value", HOSTILE)
def test_a_hostile_text_is_written_as_text_and_read_back_as_it_was_typed(value):
    """The one rule for a workbook's text cell (partnership.csv.xlsx_text): normalised, then neutralised."""
    from partnership.csv import xlsx_text
    from section11.spreadsheets import from_text_cell

    workbook = openpyxl.Workbook()
    workbook.active["A1"] = xlsx_text(value)
    assert workbook.active["A1"].data_type == "s"
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    assert from_text_cell(workbook.active["A1"].value) == ILLEGAL_CHARACTERS_RE.sub("", value)
