"""Generated: no uploaded spreadsheet holds a request for long (issue 17, finding 6).

Every spreadsheet reader of the project (each module-level function that opens a workbook with openpyxl, found by
walking the apps) is given the worst case an outside tester sent: 390,000 near-empty rows (1.9 MB zipped), with
and without a declared size, and as CSV where the reader takes CSV. Each answers within 2 s with a problem that
says the file has too many rows, and never a row. A new reader is covered without being listed here.
"""
import inspect
import time

import pytest

from partnership import sheet_limits
from tests.partnership.test_personal_data_forms import project_modules

from .worst_cases import near_empty_csv, near_empty_workbook

SECONDS = 2.0


def readers():
    found = {}
    for module in project_modules():
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if function.__module__ != module.__name__:
                continue
            params = list(inspect.signature(function).parameters)
            if params[:1] == ["content"] and "load_workbook(" in inspect.getsource(function):
                found[f"{module.__name__}.{name}"] = (module, function)
    return found


READERS = readers()


def test_the_walk_finds_the_readers_of_every_app_that_takes_spreadsheets():
    assert {"section11.spreadsheets.read_return_workbook", "performance.spreadsheets.read_upload"} <= set(READERS)


def layout(module):
    sheet = getattr(module, "RETURN_SHEET", None) or module.SHEET
    return sheet, [column.header for column in module.COLUMNS]


def call(function, content, kind):
    params = inspect.signature(function).parameters
    return function(content, kind) if len(params) > 1 else function(content)


CASES = [(name, shape) for name in sorted(READERS) for shape in ("xlsx", "xlsx declared", "csv")]


@pytest.mark.parametrize("name,shape", CASES)
def test_390000_near_empty_rows_are_refused_quickly(name, shape):
    module, function = READERS[name]
    sheet, header = layout(module)
    if shape == "csv":
        if len(inspect.signature(function).parameters) < 2:
            pytest.skip("this reader takes workbooks only")
        content = near_empty_csv(header)
    else:
        content = near_empty_workbook(sheet, header, dimension=shape == "xlsx declared")
    started = time.process_time()
    result = call(function, content, "csv" if shape == "csv" else "xlsx")
    took = time.process_time() - started
    assert took < SECONDS, f"{name} ({shape}) took {took:.1f} s of CPU"
    assert not result.rows
    assert any(f"more than {sheet_limits.MAX_ROWS:,} rows" in problem for problem in result.problems), result.problems


def test_a_sheet_within_the_limit_is_read_whole():
    module, function = READERS["section11.spreadsheets.read_return_workbook"]
    sheet, header = layout(module)
    result = call(function, near_empty_workbook(sheet, header, rows=sheet_limits.MAX_ROWS - 5), "xlsx")
    assert not any("more than" in problem for problem in result.problems)


@pytest.mark.parametrize("name", sorted(READERS))
def test_each_reader_parses_the_same_upload_once(name, monkeypatch):
    """The preview, its reloads and "save all" read the same bytes: openpyxl opens them once."""
    from django.core.cache import cache

    module, function = READERS[name]
    sheet, header = layout(module)
    content = near_empty_workbook(sheet, header, rows=50)
    cache.clear()
    opened = []
    real = module.load_workbook
    monkeypatch.setattr(module, "load_workbook", lambda *a, **k: opened.append(1) or real(*a, **k))
    first = call(function, content, "xlsx")
    once = len(opened)
    second = call(function, content, "xlsx")
    assert once >= 1 and len(opened) == once and first.problems == second.problems
