"""Importing a whole return from a completed workbook: check every row first, then save all or nothing.

`import_preview` reads the workbook (see `section11.spreadsheets` for the layout) and reports, row by
row, what would change and what is wrong, without saving anything. The answer rules are not repeated
here: each row is put through `answer_save` itself in a transaction that is always rolled back, so the
preview refuses exactly what saving would refuse. `import_apply` then saves every changed row through
`answer_save` in one transaction: one refusal and nothing is saved.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db import transaction

from partnership.services.errors import ConflictError, ServiceError
from partnership.sheets import Change, PreviewRow, RowsByState, also_on, rolled_back, rows_by_code, save_all, start_row
from partnership.uploads import delete_stale_files

from .. import access, spreadsheets
from ..models import Answer, Criterion, RatingLevel, Return
from . import returns

# The longest text an answer takes: the same limits as the answer form (forms/returns.py AnswerForm;
# a test keeps them equal). They belong on the model fields; see the hand-over note.
TEXT_LIMITS = {"not_applicable_reason": 2000, "narrative": 10000, "impact": 5000}
IMPORTS_DIR = "section11/imports"
STALE_MESSAGE = ("Someone changed this return after you checked the file, so nothing has been imported. The "
                 "changes below now compare your file with the latest answers: check them, then save again.")
FIELD_LABELS = {"rating": "Rating", "not_applicable": "Not applicable",
                "not_applicable_reason": "Reason not applicable", "narrative": "How do you know?",
                "impact": "Impact on children and families"}


@dataclass
class ImportRow(PreviewRow):
    criterion: Criterion | None = None
    answer_id: int | None = None
    needs_check: bool = False  # a copied answer not yet confirmed: importing does not confirm it
    values: dict | None = None


@dataclass
class ImportPreview(RowsByState):
    ret: Return
    problems: list[str] = field(default_factory=list)  # about the file as a whole
    rows: list[ImportRow] = field(default_factory=list)
    versions: dict[int, int] = field(default_factory=dict)  # answer pk → version when checked
    not_in_file: list[str] = field(default_factory=list)  # criteria codes the file leaves as they are

    @property
    def changes_copied_answers(self) -> bool:
        return any(r.needs_check for r in self.changed_rows)


def import_preview(*, ret: Return, by, content: bytes | None = None,
                   sheet: spreadsheets.ReturnSheet | None = None) -> ImportPreview:
    """What importing `content` into `ret` would do, row by row. Saves nothing. `sheet`: the file as parsed when it
    was uploaded (partnership.staged_uploads), so it is not parsed again."""
    if not access.can_edit_return(by, ret):
        raise ServiceError("You cannot change this return.")
    framework = ret.cycle.framework
    preview = ImportPreview(ret=ret)
    sheet = sheet if sheet is not None else spreadsheets.read_return_workbook(content)
    preview.problems += sheet.problems
    preview.problems += _header_problems(sheet.facts, framework)

    answers = {a.criterion.code: a for a in ret.answers.select_related("criterion", "rating")}
    preview.versions = {a.pk: a.version for a in answers.values()}
    levels = list(RatingLevel.objects.filter(scale_id=framework.scale_id).order_by("order"))
    by_name = {}
    for level in levels:
        by_name.setdefault(level.code.casefold(), level)
    for level in levels:
        by_name[" ".join(level.label.split()).casefold()] = level
    elsewhere = _criteria_elsewhere(framework, {r.values.get("code", "").strip() for r in sheet.rows})

    first_row: dict[str, int] = {}
    rows_of = rows_by_code(sheet.rows)
    for sheet_row in sheet.rows:
        row = _check_row(sheet_row, answers, by_name, levels, elsewhere, rows_of)
        if row.code and row.code not in first_row:
            first_row[row.code] = row.number
        preview.rows.append(row)
    if not sheet.problems:
        preview.not_in_file = [code for code in answers if code not in first_row]
    _dry_run(preview, by)
    return preview


def _header_problems(facts: dict[str, str], framework) -> list[str]:
    problems = []
    layout = facts.get(spreadsheets.FACT_LAYOUT, "")
    if layout != spreadsheets.LAYOUT_VERSION:
        problems.append(
            f"The workbook's layout version is “{layout or 'missing'}”, but this service reads "
            f"“{spreadsheets.LAYOUT_VERSION}”. Download the return as a spreadsheet again and copy your "
            "answers into it."
        )
    code, version = facts.get(spreadsheets.FACT_FRAMEWORK, ""), facts.get(spreadsheets.FACT_FRAMEWORK_VERSION, "")
    if (code, version) != (framework.code, framework.version):
        problems.append(
            f"The workbook is for framework “{code or 'missing'}” version “{version or 'missing'}”, "
            f"but this return uses “{framework.code}” version “{framework.version}”. Download this "
            "return as a spreadsheet and copy your answers into it."
        )
    return problems


def _criteria_elsewhere(framework, codes: set[str]) -> dict[str, list[tuple[str, str]]]:
    """Criterion code → (normalised text, framework name) in other frameworks. One query."""
    found: dict[str, list[tuple[str, str]]] = {}
    for criterion in (Criterion.objects.filter(code__in=codes - {""})
                      .exclude(standard__framework=framework).select_related("standard__framework")):
        found.setdefault(criterion.code, []).append((_squash(criterion.text), str(criterion.standard.framework)))
    return found


def _squash(text: str) -> str:
    return " ".join(text.split()).casefold()


def _lines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _check_row(sheet_row, answers, by_name, levels, elsewhere, rows_of) -> ImportRow:
    """The row's input shape: everything `answer_save` cannot judge, because it takes typed values."""
    row = start_row(ImportRow, sheet_row, spreadsheets.COLUMN_BY_KEY, formula=". Type the text itself.")
    values, code, problems = sheet_row.values, row.code, row.problems
    answer = answers.get(code)
    if not code:
        problems.append("The criterion code is empty, so this row cannot be matched to a criterion.")
    elif answer is None:
        others = elsewhere.get(code)
        if others:
            problems.append(f"Criterion {code} is from another framework ({others[0][1]}), not this return's.")
        else:
            problems.append(f"Unknown criterion code “{code}”: it is not in this return's framework.")
    else:
        row.criterion, row.answer_id, row.needs_check = answer.criterion, answer.pk, answer.needs_check
        text = _squash(values.get("criterion", ""))
        if text and text != _squash(answer.criterion.text):
            other = next((name for other_text, name in elsewhere.get(code, []) if other_text == text), None)
            if other:
                problems.append(f"Criterion {code} on this row is from another framework ({other}): its wording "
                                "is not this return's criterion.")
        twice = also_on("Criterion", code, row.number, rows_of.get(code, []))
        if twice:
            problems.append(twice)

    label = " ".join(values.get("rating", "").split())
    rating = None
    if label:
        rating = by_name.get(label.casefold())
        if rating is None:
            choices = ", ".join(f"“{lvl.label}”" for lvl in levels)
            problems.append(f"The rating “{label}” is not on this framework's scale. Choose one of {choices}.")
    na_text = values.get("not_applicable", "").strip().casefold()
    not_applicable = na_text in spreadsheets.YES
    if na_text not in spreadsheets.YES | spreadsheets.NO:
        problems.append("Not applicable must be Yes or No.")
    if not_applicable and label:
        problems.append("Choose a rating or say it does not apply, not both.")
    for key, limit in TEXT_LIMITS.items():
        length = len(values.get(key, "").strip())
        if length > limit:
            problems.append(f"{FIELD_LABELS[key]} is too long: {length:,} characters, the most is {limit:,}.")
    row.values = {
        "rating": rating, "not_applicable": not_applicable,
        "not_applicable_reason": _lines(values.get("not_applicable_reason", "")),
        "narrative": _lines(values.get("narrative", "")), "impact": _lines(values.get("impact", "")),
    }
    return row


def _dry_run(preview: ImportPreview, by) -> None:
    """Put each well-formed row through `answer_save`, then roll everything back: the rules in one place."""
    ret = preview.ret
    with rolled_back():
        fresh = Return.objects.select_related("cycle__framework__scale", "agency").get(pk=ret.pk)
        answers = {a.pk: a for a in fresh.answers.select_related("criterion", "rating")}
        for row in preview.rows:
            if row.problems or row.answer_id is None:
                continue
            answer = answers[row.answer_id]
            answer.ret = fresh
            before = _snapshot(answer)
            try:
                returns.answer_save(answer=answer, by=by, expected_version=answer.version, **row.values)
            except ServiceError as error:
                row.problems.append(error.message)
                continue
            after = _snapshot(answer)
            row.changes = [Change(FIELD_LABELS[key], before[key], after[key])
                           for key in FIELD_LABELS if before[key] != after[key]]


def _snapshot(answer: Answer) -> dict[str, str]:
    return {
        "rating": answer.rating.label if answer.rating_id else "",
        "not_applicable": "Yes" if answer.not_applicable else "No",
        "not_applicable_reason": _lines(answer.not_applicable_reason),
        "narrative": _lines(answer.narrative), "impact": _lines(answer.impact),
    }


@transaction.atomic
def import_apply(*, ret: Return, by, content: bytes | None = None, expected_versions: dict[int, int] | None,
                 sheet: spreadsheets.ReturnSheet | None = None) -> int:
    """Save every changed row of the workbook, or nothing. Refuses if the return changed since the preview."""
    ret = Return.objects.select_for_update().select_related("cycle__framework__scale", "agency").get(pk=ret.pk)
    if not access.can_edit_return(by, ret):
        raise ServiceError("This return can no longer be changed, so nothing has been imported.")
    current = dict(ret.answers.values_list("pk", "version"))
    if expected_versions is None or current != expected_versions:
        raise ConflictError(STALE_MESSAGE)
    preview = import_preview(ret=ret, by=by, content=content, sheet=sheet)
    answers = {a.pk: a for a in ret.answers.select_related("criterion")}

    def save_row(row: ImportRow) -> None:
        answer = answers[row.answer_id]
        answer.ret = ret
        returns.answer_save(answer=answer, by=by, expected_version=answer.version, **row.values)

    return save_all(preview, save_row, stale=STALE_MESSAGE, nothing="imported")


def delete_stale_import_files(*, older_than: datetime.timedelta = datetime.timedelta(days=1)) -> int:
    """Remove uploaded workbooks nobody saved or cancelled (for a daily task). Returns how many."""
    return delete_stale_files(IMPORTS_DIR, older_than=older_than)
