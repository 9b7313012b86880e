"""Stored XSS probes and formula injection.

A payload saved in every free-text field of each app's main records stays inert when the record is shown
again: escaped in HTML, plain text in PDFs, and exports neutralise values that begin like a formula.
"""
import importlib
import io
import pkgutil
import subprocess
from pathlib import Path

import pytest
from django.db import models
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from partnership import history
from section11.services import returns as s11
from tests.factories import ActionFactory

from .objects import BUILDERS

PAYLOAD = "<script>alert(1)</script><img src=x onerror=alert(1)>\"'"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;"
LIVE = ("<script>alert(1)</script>", "<img src=x onerror")
FORMULAS = ("=HYPERLINK(\"http://evil.example\",\"x\")", "+1+1", "-2+3", "@SUM(A1:A2)")
# Text fields that hold codes, addresses or keys, not prose (they are validated elsewhere).
NOT_PROSE = {"code", "key", "email", "filename", "original_name", "stored_name", "token_hash", "reference",
             "case_reference", "panel_reference", "ip_address", "path", "model_label", "slug", "postcode"}


def poison(*objects) -> int:
    """Write the payload into every free-text field of each object; return how many fields."""
    written = 0
    for obj in objects:
        values = {}
        for field in obj._meta.concrete_fields:
            if not isinstance(field, (models.CharField, models.TextField)) or field.choices or field.unique:
                continue
            if isinstance(field, (models.EmailField, models.URLField, models.SlugField)) or field.name in NOT_PROSE:
                continue
            if isinstance(field, models.CharField) and field.max_length < len(PAYLOAD):
                continue
            values[field.name] = PAYLOAD
        if values:
            history.update(type(obj)._default_manager.filter(pk=obj.pk), **values)
            written += len(values)
    return written


# URL name → (registry object, the records on its page holding free text, who reads the page)
PAGES = {
    "partnership:action-detail": ("action", lambda a: [a], "business_unit"),
    "section11:standard": ("police_return", lambda r: [r, *r.answers.all()], "agency_lead"),
    "section11:return-detail": ("police_return", lambda r: [r, *r.answers.all()], "agency_lead"),
    "performance:indicator-detail": ("turn_the_curve", lambda t: [t, t.indicator], "agency_lead"),
    "audits:audit-detail": ("audit", lambda a: [a, *a.cases.all()], "business_unit"),
    "audits:concern-detail": ("concern", lambda c: [c], "business_unit"),
    "reviews:referral-detail": ("referral", lambda r: [r], "reviews_member"),
    "reviews:notification-detail": ("notification", lambda n: [n, *n.children.all()], "reviews_member"),
    "reviews:rapid-review-detail": ("rapid_review", lambda r: [r], "reviews_member"),
    "reviews:lcspr-detail": ("lcspr", lambda lcspr: [lcspr], "reviews_member"),
    "learning:course": ("course", lambda c: [c, *c.outcomes.all()], "business_unit"),
}
KWARGS = {"section11:standard": lambda r: {"pk": r.pk, "number": 1},
          "performance:indicator-detail": lambda t: {"code": t.indicator.code}}


def assert_inert(html: str):
    for live in LIVE:
        assert live not in html, f"live markup {live!r} in the page"
    assert ESCAPED in html, "the payload is not shown (escaped) on the page"


@pytest.mark.parametrize("name", sorted(PAGES))
def test_a_script_saved_in_free_text_is_shown_escaped(request, db, name):
    key, holders, persona = PAGES[name]
    obj = BUILDERS[key](request.getfixturevalue)
    assert poison(*holders(obj)) > 0
    client = Client()
    client.force_login(request.getfixturevalue(persona))
    response = client.get(reverse(name, kwargs=KWARGS.get(name, lambda o: {"pk": o.pk})(obj)))
    assert response.status_code == 200
    assert_inert(response.content.decode())


def test_a_script_in_a_course_title_is_escaped_on_the_public_session_list(course, session):
    poison(course)
    response = Client().get(reverse("learning:sessions"))
    assert response.status_code == 200
    assert_inert(response.content.decode())


@pytest.fixture
def poisoned_return(police_return, agency_lead):
    answer = police_return.answers.order_by("pk").first()
    level = answer.criterion.standard.framework.scale.levels.order_by("order").first()
    s11.answer_save(answer=answer, by=agency_lead, expected_version=answer.version, rating=level,
                    not_applicable=False, not_applicable_reason="", narrative=PAYLOAD, impact=FORMULAS[0])
    return police_return


def test_a_script_in_an_answer_is_plain_text_in_the_return_pdf(poisoned_return, agency_lead):
    client = Client()
    client.force_login(agency_lead)
    from tests.section11.test_transfer_views import return_pdf

    content = return_pdf(client, poisoned_return)
    text = subprocess.run(["pdftotext", "-", "-"], input=content, capture_output=True, check=True).stdout
    assert b"<script>alert(1)</script>" in text  # shown as the characters typed, so not run as markup
    assert b"/JavaScript" not in content and b"/JS " not in content


def test_formulas_and_scripts_in_an_answer_stay_text_in_the_return_workbook(poisoned_return, agency_lead):
    client = Client()
    client.force_login(agency_lead)
    response = client.get(reverse("section11:return-export-xlsx", args=[poisoned_return.pk]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = [c for row in sheet.iter_rows() for c in row if c.value is not None]
    formula = [c for c in cells if isinstance(c.value, str) and FORMULAS[0][1:] in c.value]
    assert formula and all(c.value.startswith("'") and c.data_type == "s" for c in formula)
    assert not [c for c in cells if c.data_type == "f"]
    assert any(c.value == PAYLOAD for c in cells)  # text, unchanged: a spreadsheet runs no markup


@pytest.mark.parametrize("value", FORMULAS)
def test_a_formula_in_an_action_title_is_neutralised_in_the_csv_export(business_unit, value):
    ActionFactory(title=value, description=PAYLOAD)
    client = Client()
    client.force_login(business_unit)
    response = client.get(reverse("partnership:action-export"))
    body = b"".join(response.streaming_content).decode()
    assert f"'{value}" in body.replace('""', '"')
    for line in body.splitlines()[1:]:
        for cell in line.split(","):
            assert not cell.lstrip('"').startswith(("=", "+", "-", "@")), line


APPS = ("partnership", "section11", "performance", "audits", "reviews", "learning", "merton_qa")


def _app_sources():
    for app in APPS:
        package = importlib.import_module(app)
        for info in pkgutil.walk_packages(package.__path__, f"{app}."):
            if ".migrations" not in info.name:
                module = importlib.import_module(info.name)
                yield info.name, Path(module.__file__).read_text()


def test_every_csv_and_spreadsheet_export_goes_through_safe_cell():
    """CSV is written only by partnership/csv.py (which applies safe_cell to every cell); every module that
    writes a workbook uses safe_cell too."""
    writers, workbooks = [], []
    for name, source in _app_sources():
        if ("csv.writer(" in source or "csv.DictWriter(" in source) and name != "partnership.csv":
            writers.append(name)
        if "Workbook(" in source and "safe_cell" not in source:
            workbooks.append(name)
    assert not writers, f"CSV written outside partnership.csv (use csv_response): {writers}"
    assert not workbooks, f"workbooks written without safe_cell: {workbooks}"
