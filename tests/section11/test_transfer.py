"""A whole return as a workbook and back: the published layout, formula safety, the import's checks."""
import datetime
import io
import os
import time

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from openpyxl import load_workbook

from partnership import history
from partnership.services.errors import ConflictError, ServiceError
from section11 import spreadsheets
from section11.forms.returns import AnswerForm
from section11.models import Answer, Criterion, RatingLevel, Return
from section11.services import returns, transfer
from tests.section11.conftest import make_cycle, make_framework

pytestmark = pytest.mark.django_db

UNICODE = "Über café: “quoted”, naïve, 1½ days ✓ 👶\nSecond line\n\n– a dash after a blank line"
FORMULA = '=HYPERLINK("http://evil.example","Click")'


def level(ret, code):
    return RatingLevel.objects.get(scale=ret.cycle.framework.scale, code=code)


def save(answer, by, **values):
    fields = {"rating": None, "not_applicable": False, "not_applicable_reason": "", "narrative": "", "impact": ""}
    fields.update(values)
    answer.refresh_from_db()
    return returns.answer_save(answer=answer, by=by, expected_version=answer.version, **fields)


def answers_of(ret):
    return {a.criterion.code: a for a in ret.answers.select_related("criterion", "rating")}


def fill_varied(ret, by):
    """Varied answers: every rating, not applicable with a reason, unicode, newlines and formula-like text."""
    a = answers_of(ret)
    save(a["1.1"], by, rating=level(ret, "green"), narrative=UNICODE, impact="Children are seen sooner.")
    save(a["1.2"], by, rating=level(ret, "amber"), narrative=FORMULA, impact="+44 20 7946 0000 is the line")
    save(a["1.3"], by, not_applicable=True, not_applicable_reason="We do not employ staff.\nVolunteers only.")
    save(a["2.1"], by, rating=level(ret, "red"), narrative="- bullet one\n- bullet two", impact="@mention")
    save(a["2.2"], by, narrative="Draft: no rating yet")
    return ret


def comparable(ret):
    return {code: (a.rating.code if a.rating else None, a.not_applicable, a.not_applicable_reason, a.narrative,
                   a.impact) for code, a in answers_of(ret).items()}


def workbook(content):
    return load_workbook(io.BytesIO(content))


def to_bytes(wb):
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def row_of(ws, code):
    for row in range(spreadsheets.FIRST_DATA_ROW, ws.max_row + 1):
        if ws[f"C{row}"].value == code:
            return row
    raise AssertionError(code)


def set_cells(content, changes: dict[int, dict[str, object]], *, facts=None):
    """Change cells by row number and column key (the published layout's columns)."""
    wb = workbook(content)
    ws = wb[spreadsheets.RETURN_SHEET]
    for row, values in changes.items():
        for key, value in values.items():
            ws[f"{spreadsheets.LETTER[key]}{row}"] = value
    for cell, value in (facts or {}).items():
        ws[cell] = value
    return to_bytes(wb)


# --- Export layout -----------------------------------------------------------------------------
def test_export_has_the_published_layout(police_return, contributor):
    fill_varied(police_return, contributor)
    wb = workbook(spreadsheets.return_workbook(police_return))

    assert wb.sheetnames == ["Return", "Ratings"]
    ws = wb["Return"]
    assert [c.value for c in ws[spreadsheets.HEADER_ROW]] == [
        "Standard", "Standard title", "Criterion code", "Criterion", "Guidance", "Rating", "Not applicable",
        "Reason not applicable", "How do you know?", "Impact on children and families",
        "Evidence files (for information)", "Moderated rating (for information)"]
    facts = {ws[f"{col}{row}"].value: ws[f"{value}{row}"].value
             for row in (2, 3) for col, value in (("A", "C"), ("E", "F"), ("H", "I"))}
    assert facts["Agency"] == police_return.agency.name
    assert facts["Framework code"] == "test-s11" and facts["Framework version"] == "2026"
    assert facts["Layout version"] == spreadsheets.LAYOUT_VERSION
    assert ws.freeze_panes == "D6"
    assert [ws[f"C{r}"].value for r in range(6, 12)] == ["1.1", "1.2", "1.3", "2.1", "2.2", "2.3"]
    assert ws["F6"].value == "Green: fully met" and ws["G8"].value == "Yes"
    assert ws.protection.sheet and ws["F6"].protection.locked is False and ws["D6"].protection.locked is True
    validations = {str(dv.sqref): dv.formula1 for dv in ws.data_validations.dataValidation}
    assert validations["F6:F11"] == "Ratings!$A$5:$A$7"
    assert validations["G6:G11"] == '"Yes,No"'
    ratings = wb["Ratings"]
    assert [ratings[f"A{r}"].value for r in range(5, 8)] == ["Green: fully met", "Amber: partly met", "Red: not met"]
    assert ws.column_dimensions["I"].width == 60 and ws["I6"].alignment.wrap_text


def test_export_never_writes_a_formula(police_return, contributor):
    fill_varied(police_return, contributor)
    ws = workbook(spreadsheets.return_workbook(police_return))["Return"]

    cells = [c for row in ws.iter_rows(min_row=spreadsheets.FIRST_DATA_ROW) for c in row if c.value is not None]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    narrative = ws[f"I{row_of(ws, '1.2')}"]
    assert narrative.data_type == "s" and narrative.value == "'" + FORMULA
    assert ws[f"J{row_of(ws, '1.2')}"].value == "'+44 20 7946 0000 is the line"


def test_round_trip_into_another_agencys_return_gives_identical_answers(police_return, outsider_return,
                                                                        contributor, outsider):
    fill_varied(police_return, contributor)
    content = spreadsheets.return_workbook(police_return)

    preview = transfer.import_preview(ret=outsider_return, by=outsider, content=content)
    assert not preview.has_problems, (preview.problems, [r.problems for r in preview.rows])
    assert len(preview.changed_rows) == 5 and len(preview.unchanged_rows) == 1  # 2.3 is empty in both
    saved = transfer.import_apply(ret=outsider_return, by=outsider, content=content,
                                  expected_versions=preview.versions)

    assert saved == 5
    assert comparable(outsider_return) == comparable(police_return)
    assert answers_of(outsider_return)["1.2"].narrative == FORMULA
    assert answers_of(outsider_return)["1.1"].narrative == UNICODE
    outsider_return.refresh_from_db()
    assert outsider_return.status == Return.Status.IN_PROGRESS


def test_importing_an_unchanged_export_changes_nothing(police_return, contributor):
    fill_varied(police_return, contributor)
    versions = dict(police_return.answers.values_list("pk", "version"))

    preview = transfer.import_preview(ret=police_return, by=contributor,
                                      content=spreadsheets.return_workbook(police_return))

    assert not preview.has_problems and not preview.changed_rows and not preview.can_save
    assert dict(police_return.answers.values_list("pk", "version")) == versions


def test_preview_shows_old_and_new_values_and_saves_nothing(police_return, contributor):
    answer = answers_of(police_return)["1.1"]
    save(answer, contributor, rating=level(police_return, "green"), narrative="Old words")
    content = spreadsheets.return_workbook(police_return)
    content = set_cells(content, {6: {"rating": "Amber: partly met", "narrative": "New words"}})

    preview = transfer.import_preview(ret=police_return, by=contributor, content=content)

    row = preview.rows[0]
    assert (row.number, row.code, row.state) == (6, "1.1", "change")
    assert [(c.field, c.old, c.new) for c in row.changes] == [
        ("Rating", "Green: fully met", "Amber: partly met"), ("How do you know?", "Old words", "New words")]
    answer.refresh_from_db()
    assert answer.rating.code == "green" and answer.narrative == "Old words" and answer.version == 2
    assert Return.objects.get(pk=police_return.pk).status == Return.Status.IN_PROGRESS


def test_every_problem_is_reported_with_its_row_number_and_nothing_is_saved(police_return, contributor, rag_scale):
    make_framework(rag_scale, code="other-framework", version="1", standards=3)  # has 3.x criteria
    before = comparable(police_return)
    content = spreadsheets.return_workbook(police_return)
    content = set_cells(content, {
        6: {"code": "9.9", "narrative": "Unknown code"},
        7: {"code": "3.1", "criterion": "Criterion 3.1 text", "rating": "Green: fully met"},
        8: {"rating": "Purple"},
        9: {"rating": "Green: fully met", "not_applicable": "Yes", "not_applicable_reason": "Not our job"},
        10: {"not_applicable": "Yes", "not_applicable_reason": ""},
        11: {"narrative": "x" * 10001},
        12: {"code": "2.3", "narrative": "A second row for 2.3"},
        13: {"code": "2.1", "narrative": "=1+1"},  # a formula typed into the sheet
    })

    preview = transfer.import_preview(ret=police_return, by=contributor, content=content)
    problems = {row.number: " ".join(row.problems) for row in preview.rows}

    assert "Unknown criterion code “9.9”" in problems[6]
    assert "Criterion 3.1 is from another framework" in problems[7]
    assert "The rating “Purple” is not on this framework's scale" in problems[8]
    assert "Choose a rating or say it does not apply, not both" in problems[9]
    assert "Explain why this does not apply to your agency" in problems[10]  # from answer_save itself
    assert "How do you know? is too long: 10,001 characters, the most is 10,000" in problems[11]
    assert "Criterion 2.3 is also on row 12" in problems[11]
    assert "Criterion 2.3 is also on row 11" in problems[12]
    assert "How do you know? holds a formula" in problems[13] and "Criterion 2.1 is also on row 9" in problems[13]
    assert preview.has_problems and not preview.can_save
    assert comparable(police_return) == before
    with pytest.raises(ServiceError):
        transfer.import_apply(ret=police_return, by=contributor, content=content, expected_versions=preview.versions)
    assert comparable(police_return) == before


def test_a_row_with_the_wording_of_another_framework_is_reported(police_return, contributor, rag_scale):
    make_framework(rag_scale, code="older", version="2024")
    Criterion.objects.filter(standard__framework__code="older", code="1.2").update(text="The old wording of 1.2")
    content = set_cells(spreadsheets.return_workbook(police_return), {7: {"criterion": "The old wording of 1.2"}})

    preview = transfer.import_preview(ret=police_return, by=contributor, content=content)

    assert "Criterion 1.2 on this row is from another framework" in preview.rows[1].problems[0]


@pytest.mark.parametrize(("cell", "value", "expected"), [
    ("I3", "section11-return-0", "layout version is “section11-return-0”"),
    ("F3", "2024", "framework “test-s11” version “2024”, but this return uses “test-s11” version “2026”"),
    ("F2", "schools-kcsie", "framework “schools-kcsie” version “2026”"),
])
def test_a_workbook_with_the_wrong_layout_or_framework_is_refused(police_return, contributor, cell, value,
                                                                  expected):
    content = set_cells(spreadsheets.return_workbook(police_return), {6: {"narrative": "Changed"}},
                        facts={cell: value})

    preview = transfer.import_preview(ret=police_return, by=contributor, content=content)

    assert any(expected in p for p in preview.problems), preview.problems
    assert not preview.can_save


def test_a_workbook_without_the_return_sheet_or_columns_is_refused(police_return, contributor):
    wb = workbook(spreadsheets.return_workbook(police_return))
    wb["Return"].title = "Sheet1"
    preview = transfer.import_preview(ret=police_return, by=contributor, content=to_bytes(wb))
    assert "no sheet called “Return”" in preview.problems[0]

    wb = workbook(spreadsheets.return_workbook(police_return))
    wb["Return"]["F5"] = "My rating"
    preview = transfer.import_preview(ret=police_return, by=contributor, content=to_bytes(wb))
    assert "These columns are missing: “Rating”" in preview.problems[0] and not preview.rows


def test_a_failing_row_saves_nothing_at_all(police_return, contributor, monkeypatch):
    content = spreadsheets.return_workbook(police_return)
    content = set_cells(content, {r: {"rating": "Green: fully met", "narrative": f"Row {r}"} for r in range(6, 12)})
    preview = transfer.import_preview(ret=police_return, by=contributor, content=content)
    assert preview.can_save and len(preview.changed_rows) == 6
    real_save, seen = returns.answer_save, []

    def failing_save(*, answer, **kwargs):
        seen.append(answer.criterion.code)
        if answer.criterion.code == "2.1" and seen.count("2.1") == 2:  # the real save, after the dry run
            raise ServiceError("The database refused this row.")
        return real_save(answer=answer, **kwargs)

    monkeypatch.setattr(returns, "answer_save", failing_save)
    with pytest.raises(ServiceError, match=r"Row 9 \(2.1\): The database refused this row"):
        transfer.import_apply(ret=police_return, by=contributor, content=content, expected_versions=preview.versions)

    assert seen.count("1.1") == 2  # rows before 2.1 were saved, then rolled back
    assert not Answer.objects.filter(ret=police_return).exclude(narrative="").exists()
    assert set(police_return.answers.values_list("version", flat=True)) == {1}
    assert Return.objects.get(pk=police_return.pk).status == Return.Status.NOT_STARTED


def test_import_refuses_when_the_return_changed_after_the_preview(police_return, contributor, agency_lead):
    content = set_cells(spreadsheets.return_workbook(police_return), {6: {"narrative": "From the file"}})
    preview = transfer.import_preview(ret=police_return, by=contributor, content=content)
    save(answers_of(police_return)["2.2"], agency_lead, narrative="A colleague's words")

    with pytest.raises(ConflictError, match="Someone changed this return after you checked the file"):
        transfer.import_apply(ret=police_return, by=contributor, content=content, expected_versions=preview.versions)

    assert answers_of(police_return)["1.1"].narrative == ""


def test_nobody_can_import_into_a_submitted_return(police_return, agency_lead):
    content = spreadsheets.return_workbook(police_return)
    history.update(Return.objects.filter(pk=police_return.pk), status=Return.Status.SUBMITTED)
    police_return.refresh_from_db()

    with pytest.raises(ServiceError):
        transfer.import_preview(ret=police_return, by=agency_lead, content=content)
    with pytest.raises(ServiceError):
        transfer.import_apply(ret=police_return, by=agency_lead, content=content, expected_versions={})


def test_import_text_limits_are_the_answer_forms(police_return):
    fields = AnswerForm.base_fields
    assert transfer.TEXT_LIMITS == {key: fields[key].max_length for key in transfer.TEXT_LIMITS}


def test_a_damaged_workbook_is_a_problem_not_a_crash(police_return, contributor):
    preview = transfer.import_preview(ret=police_return, by=contributor, content=b"PK\x03\x04 not really a zip")
    assert preview.problems and not preview.rows


def test_export_and_import_work_for_a_bigger_framework(rag_scale, police, agency_lead):
    framework = make_framework(rag_scale, code="big", standards=9, criteria=7)
    ret = Return.objects.get(cycle=make_cycle(framework, [police], name="Big"), agency=police)
    content = set_cells(spreadsheets.return_workbook(ret), {68: {"rating": "Red: not met"}})

    preview = transfer.import_preview(ret=ret, by=agency_lead, content=content)

    assert len(preview.rows) == 63 and [r.code for r in preview.changed_rows] == ["9.7"]


def test_stale_uploaded_workbooks_are_deleted(police_return):
    old = default_storage.save(f"{transfer.IMPORTS_DIR}/old.xlsx", ContentFile(b"x"))
    new = default_storage.save(f"{transfer.IMPORTS_DIR}/new.xlsx", ContentFile(b"x"))
    now = time.time()
    os.utime(default_storage.path(old), (now - 2 * 86400, now - 2 * 86400))
    os.utime(default_storage.path(new), (now, now))  # by the same clock as the task's (a test clock may differ)

    assert transfer.delete_stale_import_files(older_than=datetime.timedelta(days=1)) == 1
    assert not default_storage.exists(old) and default_storage.exists(new)
