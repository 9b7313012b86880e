"""A whole Section 11 return as an Excel workbook: the published layout, written and read here.

Layout "section11-return-1" (change LAYOUT_VERSION when the columns or the header block change):

Sheet "Return"
  row 1   title: the agency and the cycle
  row 2   A "Agency" → C value;  E "Framework code" → F value;     H "Exported at" → I value
  row 3   A "Cycle" → C value;   E "Framework version" → F value;  H "Layout version" → I value
  row 4   how to fill it in
  row 5   column headings (frozen with the rows above, and columns A–C)
  row 6+  one row per criterion, in the framework's order:
          A Standard · B Standard title · C Criterion code · D Criterion · E Guidance ·
          F Rating (a level's label; drop-down from the Ratings sheet) · G Not applicable (Yes/No) ·
          H Reason not applicable · I How do you know? · J Impact on children and families ·
          K Evidence files (for information) · L Moderated rating (for information)
  Columns F–J are the answer and are the only unlocked cells (the sheet is protected without a password,
  so people cannot break the layout by accident). On import, rows are matched by criterion code; the
  other columns are ignored, apart from the criterion text, which tells a row from another framework.
Sheet "Ratings"
  the scale's levels (label, what it means) from row 5: the Rating drop-down lists them.

Every text cell goes through `safe_cell` (text that begins like a formula gets an apostrophe);
`read_return_workbook` takes that apostrophe off again, so a round trip gives back the same text.
"""
from __future__ import annotations

import io
import math
from dataclasses import dataclass, field
from datetime import date, datetime

from django.conf import settings
from django.db.models import Prefetch
from django.utils import timezone
from openpyxl import Workbook, load_workbook
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.protection import SheetProtection

from partnership import sheet_limits, sheets
from partnership.csv import xlsx_text as text_cell  # normalised, then formula-safe
from partnership.dates import moment_words
from partnership.sheets import NO, YES, Column, SheetRow  # noqa: F401 (YES, NO: read by the upload service)

from .models import Answer, Evidence, RatingLevel, Return

LAYOUT_VERSION = "section11-return-1"
RETURN_SHEET = "Return"
RATINGS_SHEET = "Ratings"
HEADER_ROW = 5
FIRST_DATA_ROW = HEADER_ROW + 1
RATINGS_FIRST_ROW = 5
CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Header block labels (column A/E/H) → the key the reader returns them under.
FACT_AGENCY, FACT_CYCLE = "Agency", "Cycle"
FACT_FRAMEWORK, FACT_FRAMEWORK_VERSION = "Framework code", "Framework version"
FACT_EXPORTED_AT, FACT_LAYOUT = "Exported at", "Layout version"
FACTS = (FACT_AGENCY, FACT_CYCLE, FACT_FRAMEWORK, FACT_FRAMEWORK_VERSION, FACT_EXPORTED_AT, FACT_LAYOUT)

# Reading limits: a return has tens of criteria, so anything far bigger is not one of ours.
MAX_DATA_ROWS = 1000
MAX_UNZIPPED_BYTES = 20 * 1024 * 1024


COLUMNS = (
    Column("standard_number", "Standard", 10),
    Column("standard_title", "Standard title", 26),
    Column("code", "Criterion code", 11),
    Column("criterion", "Criterion", 50),
    Column("guidance", "Guidance", 45),
    Column("rating", "Rating", 22, editable=True),
    Column("not_applicable", "Not applicable", 14, editable=True),
    Column("not_applicable_reason", "Reason not applicable", 30, editable=True),
    Column("narrative", "How do you know?", 60, editable=True),
    Column("impact", "Impact on children and families", 45, editable=True),
    Column("evidence", "Evidence files (for information)", 30),
    Column("moderated_rating", "Moderated rating (for information)", 20),
)
COLUMN_BY_KEY = {c.key: c for c in COLUMNS}
LETTER = {c.key: get_column_letter(i) for i, c in enumerate(COLUMNS, start=1)}
# What an import needs; the rest is for reading.
REQUIRED_KEYS = ("code", "rating", "not_applicable", "not_applicable_reason", "narrative", "impact")

# GOV.UK colours (tints for fills, so black text stays readable; the label always says the rating).
_LEVEL_FILLS = {"green": "CCE2D8", "amber": "FFF7BF", "red": "F6D7D2", "grey": "F3F2F1"}
_BORDER, _READ_ONLY_FILL, _WRAP_TOP, _BOLD = sheets.BORDER, sheets.READ_ONLY_FILL, sheets.WRAP_TOP, sheets.BOLD
_READ_ONLY_HEAD_FILL = sheets.READ_ONLY_HEAD_FILL


def _number_or_date(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return value.isoformat() if isinstance(value, datetime | date) else str(value)


def from_text_cell(value) -> str:
    """The text a cell holds, with the apostrophe `safe_cell` added taken off again."""
    return sheets.from_text_cell(value, other=_number_or_date)


# --- Writing -----------------------------------------------------------------------------------
def export_answers(ret: Return) -> list[Answer]:
    """Every answer with what the export shows. Four queries, whatever the number of criteria."""
    return list(
        ret.answers.select_related("criterion__standard", "rating", "moderated_rating")
        .prefetch_related(Prefetch("evidence", queryset=Evidence.objects.order_by("uploaded_at", "pk")))
        .order_by("criterion__standard__number", "criterion__order", "criterion__code")
    )


def return_workbook(ret: Return) -> bytes:
    """The return as an .xlsx file in the published layout (see the module docstring)."""
    framework = ret.cycle.framework
    scale = framework.scale
    levels = list(RatingLevel.objects.filter(scale_id=framework.scale_id).order_by("order", "score"))
    answers = export_answers(ret)

    wb = Workbook()
    ws = wb.active
    ws.title = RETURN_SHEET
    wb.properties.title = text_cell(f"Section 11 return: {ret.agency} – {ret.cycle}")
    wb.properties.creator = settings.PARTNERSHIP_NAME
    _write_header_block(ws, ret)
    _write_answer_rows(ws, answers, levels, allows_na=scale.allows_not_applicable)
    _write_ratings_sheet(wb.create_sheet(RATINGS_SHEET), scale, levels)

    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _write_header_block(ws, ret: Return) -> None:
    framework = ret.cycle.framework
    last = get_column_letter(len(COLUMNS))
    ws["A1"] = text_cell(f"Section 11 self-assessment: {ret.agency} – {ret.cycle}")
    ws["A1"].font = Font(bold=True, size=14)
    ws.merge_cells(f"A1:{last}1")
    ws.row_dimensions[1].height = 24
    exported = moment_words(timezone.localtime())
    facts = [
        (2, "A", FACT_AGENCY, ret.agency.name, "C", "D"),
        (3, "A", FACT_CYCLE, ret.cycle.name, "C", "D"),
        (2, "E", FACT_FRAMEWORK, framework.code, "F", "G"),
        (3, "E", FACT_FRAMEWORK_VERSION, framework.version, "F", "G"),
        (2, "H", FACT_EXPORTED_AT, exported, "I", "I"),
        (3, "H", FACT_LAYOUT, LAYOUT_VERSION, "I", "I"),
    ]
    for row, label_col, label, value, value_col, value_end in facts:
        label_cell = ws[f"{label_col}{row}"]
        label_cell.value = label
        label_cell.font = _BOLD
        label_cell.alignment = Alignment(horizontal="right", vertical="top")
        if label_col == "A":
            ws.merge_cells(f"A{row}:B{row}")
        ws[f"{value_col}{row}"] = text_cell(value)
        ws[f"{value_col}{row}"].alignment = Alignment(vertical="top")
        if value_end != value_col:
            ws.merge_cells(f"{value_col}{row}:{value_end}{row}")
    ws["A4"] = (
        "Fill in the blue columns (Rating to Impact) for each criterion, then upload the workbook on the return's "
        "page. Choose ratings from the list (see the Ratings sheet). Put Yes in Not applicable only with a reason, "
        "and leave Rating empty. Grey columns are for information: changes to them are not imported."
    )
    ws["A4"].alignment = Alignment(wrap_text=True, vertical="top")
    ws["A4"].font = Font(italic=True)
    ws.merge_cells(f"A4:{last}4")
    ws.row_dimensions[4].height = 32


def _write_answer_rows(ws, answers: list[Answer], levels: list[RatingLevel], *, allows_na: bool) -> None:
    sheets.write_header(ws, COLUMNS, HEADER_ROW)

    unlocked = Protection(locked=False)
    for offset, answer in enumerate(answers):
        row = FIRST_DATA_ROW + offset
        criterion = answer.criterion
        values = {
            "standard_number": criterion.standard.number,
            "standard_title": text_cell(criterion.standard.title),
            "code": text_cell(criterion.code),
            "criterion": text_cell(criterion.text),
            "guidance": text_cell(criterion.guidance),
            "rating": text_cell(answer.rating.label if answer.rating_id else ""),
            "not_applicable": "Yes" if answer.not_applicable else "No",
            "not_applicable_reason": text_cell(answer.not_applicable_reason),
            "narrative": text_cell(answer.narrative),
            "impact": text_cell(answer.impact),
            "evidence": text_cell("\n".join(e.original_name for e in answer.evidence.all())),
            "moderated_rating": text_cell(answer.moderated_rating.label if answer.moderated_rating_id else ""),
        }
        lines = 1
        for index, column in enumerate(COLUMNS, start=1):
            value = values[column.key]
            cell = ws.cell(row=row, column=index, value=value if value != "" else None)
            cell.alignment = _WRAP_TOP
            cell.border = _BORDER
            if column.editable:
                cell.protection = unlocked
            else:
                cell.fill = _READ_ONLY_FILL
            lines = max(lines, _lines(str(value), column.width))
        # Excel does not grow rows for wrapped text it did not type itself: give each row its height,
        # with room to write at least three lines.
        ws.row_dimensions[row].height = min(409, max(48, 15 * lines + 4))

    last_row = max(FIRST_DATA_ROW, FIRST_DATA_ROW + len(answers) - 1)
    ws.freeze_panes = f"{LETTER['criterion']}{FIRST_DATA_ROW}"
    ws.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(len(COLUMNS))}{last_row}"
    sheets.fit_to_page(ws, HEADER_ROW)

    rating_range = f"{LETTER['rating']}{FIRST_DATA_ROW}:{LETTER['rating']}{last_row}"
    if levels:
        ratings = DataValidation(
            type="list", allow_blank=True, showErrorMessage=True, errorStyle="stop",
            formula1=f"{RATINGS_SHEET}!$A${RATINGS_FIRST_ROW}:$A${RATINGS_FIRST_ROW + len(levels) - 1}",
            errorTitle="Choose a rating", error="Choose a rating from the list. The Ratings sheet explains each one.",
        )
        ratings.add(rating_range)
        ws.add_data_validation(ratings)
        for level in levels:
            quoted = '"' + level.label.replace('"', '""') + '"'
            fill = PatternFill("solid", fgColor=_LEVEL_FILLS.get(level.colour, "FFFFFF"),
                               bgColor=_LEVEL_FILLS.get(level.colour, "FFFFFF"))
            for key in ("rating", "moderated_rating"):
                ws.conditional_formatting.add(f"{LETTER[key]}{FIRST_DATA_ROW}:{LETTER[key]}{last_row}",
                                              CellIsRule(operator="equal", formula=[quoted], fill=fill))
    na_values = '"Yes,No"' if allows_na else '"No"'
    not_applicable = DataValidation(
        type="list", allow_blank=True, formula1=na_values, showErrorMessage=True, errorStyle="stop",
        errorTitle="Not applicable", error="Choose Yes or No." if allows_na else "This framework does not allow "
        "'not applicable'.",
    )
    not_applicable.add(f"{LETTER['not_applicable']}{FIRST_DATA_ROW}:{LETTER['not_applicable']}{last_row}")
    ws.add_data_validation(not_applicable)
    ws.protection = SheetProtection(sheet=True, formatColumns=False, formatRows=False, autoFilter=False,
                                    sort=True, selectLockedCells=False, selectUnlockedCells=False)


def _lines(text: str, width: int) -> int:
    per_line = max(8, int(width * 1.1) - 2)
    return sum(max(1, math.ceil(len(part) / per_line)) for part in text.split("\n")) if text else 1


def _write_ratings_sheet(ws, scale, levels: list[RatingLevel]) -> None:
    ws["A1"] = text_cell(f"Ratings: {scale.name}")
    ws["A1"].font = Font(bold=True, size=14)
    ws["A2"] = "Choose one of these in the Rating column of the Return sheet."
    ws.column_dimensions["A"].width = 28
    ws.column_dimensions["B"].width = 90
    for col, header in (("A", "Rating"), ("B", "What it means")):
        ws[f"{col}{RATINGS_FIRST_ROW - 1}"] = header
        ws[f"{col}{RATINGS_FIRST_ROW - 1}"].font = _BOLD
        ws[f"{col}{RATINGS_FIRST_ROW - 1}"].fill = _READ_ONLY_HEAD_FILL
        ws[f"{col}{RATINGS_FIRST_ROW - 1}"].border = _BORDER
    row = RATINGS_FIRST_ROW
    for level in levels:
        ws[f"A{row}"] = text_cell(level.label)
        ws[f"A{row}"].font = _BOLD
        ws[f"A{row}"].fill = PatternFill("solid", fgColor=_LEVEL_FILLS.get(level.colour, "FFFFFF"))
        ws[f"B{row}"] = text_cell(level.description)
        for col in "AB":
            ws[f"{col}{row}"].alignment = _WRAP_TOP
            ws[f"{col}{row}"].border = _BORDER
        ws.row_dimensions[row].height = max(20, 15 * _lines(level.description, 90) + 4)
        row += 1
    row += 1
    if scale.allows_not_applicable:
        notes = ["Not applicable: put Yes in the Not applicable column, explain why in Reason not applicable, and "
                 "leave Rating empty. It is left out of scores."]
    else:
        notes = ["This framework does not allow 'not applicable': give every criterion a rating."]
    notes += ["How do you know?: what you do, and the evidence that shows it. Name documents you hold; upload "
              "the files themselves on the return's page.",
              "A cell may start with =, + or -: the workbook keeps an apostrophe in front, and the upload takes it "
              "off again."]
    for note in notes:
        ws[f"A{row}"] = note
        ws[f"A{row}"].alignment = Alignment(wrap_text=True, vertical="top")
        ws.merge_cells(f"A{row}:B{row}")
        ws.row_dimensions[row].height = 32
        row += 1
    ws.protection = SheetProtection(sheet=True, formatColumns=False, formatRows=False)


# --- Reading -----------------------------------------------------------------------------------
@dataclass
class ReturnSheet:
    facts: dict[str, str] = field(default_factory=dict)
    rows: list[SheetRow] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


@sheet_limits.parsed_once
def read_return_workbook(content: bytes) -> ReturnSheet:
    """Parse a workbook in the published layout. Problems with the file as a whole go in `problems`."""
    sheet = ReturnSheet()

    def open_checked():
        sheets.check_archive(
            content, max_unzipped=MAX_UNZIPPED_BYTES,
            too_large="The workbook is far larger than a return. Upload the return's workbook only.",
            damaged="The file is damaged or is not an Excel workbook (.xlsx).")
        return load_workbook(io.BytesIO(content), read_only=True, data_only=False)

    wb = sheets.opened(sheet, open_checked)
    if wb is None:
        return sheet
    try:
        if RETURN_SHEET not in wb.sheetnames:
            sheet.problems.append(f"The workbook has no sheet called “{RETURN_SHEET}”. Download the "
                                  "return as a spreadsheet and fill that in.")
            return sheet
        _read_rows(wb[RETURN_SHEET], sheet)
    except sheet_limits.TooManyRows as error:
        sheet.problems.append(str(error))
        sheet.rows = []
    finally:
        wb.close()
    return sheet


def _read_rows(ws, sheet: ReturnSheet) -> None:
    columns: dict[str, int] | None = None
    headers = {c.header.casefold(): c.key for c in COLUMNS}
    for number, cells in sheet_limits.rows(ws):
        if columns is None:
            texts = [from_text_cell(c.value).strip() for c in cells]
            found = {headers[t.casefold()]: i for i, t in enumerate(texts) if t.casefold() in headers}
            if "code" in found:
                columns = found
                continue
            for i, text in enumerate(texts):
                if text in FACTS and text not in sheet.facts:
                    sheet.facts[text] = next((t for t in texts[i + 1:] if t), "")
            if number > 20:
                break
            continue
        if len(sheet.rows) >= MAX_DATA_ROWS:
            sheet.problems.append(f"The sheet has more than {MAX_DATA_ROWS} rows. Upload the return's workbook only.")
            sheet.rows = []
            return
        values, formulas = {}, []
        for key, index in columns.items():
            cell = cells[index] if index < len(cells) else None
            value = getattr(cell, "value", None)
            if getattr(cell, "data_type", None) == "f":
                formulas.append(key)
            values[key] = from_text_cell(value)
        if not any(values[k].strip() for k in values if k in REQUIRED_KEYS and k != "not_applicable") and \
                values.get("not_applicable", "").strip().casefold() in NO:
            continue  # an empty row
        sheet.rows.append(SheetRow(number=number, values=values, formulas=formulas))
    sheets.check_headings(
        sheet, columns, REQUIRED_KEYS, COLUMN_BY_KEY,
        no_headings="The Return sheet has no row of column headings with “Criterion code”. Download the return as "
                    "a spreadsheet and fill that in.",
        then="Download the return as a spreadsheet and fill that in.")
