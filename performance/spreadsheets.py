"""A data return as a spreadsheet: the published layout, written (XLSX, CSV) and read back here.

Layout (XLSX sheet "Data return", or a CSV file with the same columns):
  row 1   column headings: Indicator code · Indicator · Period · Numerator · Denominator · Value ·
          Provisional (Yes/No) · Commentary
  row 2+  one row per indicator of the return, pre-filled with the figures held online.
  Columns are found by their headings, so their order may change; other columns are ignored.
  Numerator and Denominator are for percentages and rates (the value is worked out from them); the
  other units use Value. A second sheet, "Guide", says what each indicator counts.

Every text cell goes through `text_cell` (`safe_cell`: text that begins like a formula gets an
apostrophe); `from_text_cell` takes that apostrophe off again, so a round trip gives back the same text.
"""
from __future__ import annotations

import csv
import datetime
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf import settings
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.protection import SheetProtection

from partnership import sheet_limits, sheets
from partnership.csv import xlsx_text as text_cell  # normalised, then formula-safe
from partnership.sheets import NO, YES, Column, SheetRow  # noqa: F401 (YES, NO: read by the upload service)

from .models import DataReturn, Indicator, Unit, Value
from .services.returns import return_indicators

SHEET = "Data return"
GUIDE_SHEET = "Guide"
HEADER_ROW = 1
FIRST_DATA_ROW = 2
CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_DATA_ROWS = 500  # a return has tens of indicators: anything far bigger is not one of ours
MAX_UNZIPPED_BYTES = 20 * 1024 * 1024
NUMBER_MESSAGE = "Enter a number, like 12 or 12.5"
DECIMALS_MESSAGE = "Enter a number with no more than 2 decimal places"
TOO_BIG_MESSAGE = "Enter a number smaller than 1,000,000,000,000"
LARGEST = Decimal(10) ** 12


COLUMNS = (
    Column("code", "Indicator code", 18),
    Column("indicator", "Indicator", 46),
    Column("period", "Period", 16),
    Column("numerator", "Numerator", 13, editable=True),
    Column("denominator", "Denominator", 13, editable=True),
    Column("value", "Value", 13, editable=True),
    Column("provisional", "Provisional (Yes/No)", 13, editable=True),
    Column("commentary", "Commentary", 70, editable=True),
)
HEADERS = [c.header for c in COLUMNS]
COLUMN_BY_KEY = {c.key: c for c in COLUMNS}
LETTER = {c.key: get_column_letter(i) for i, c in enumerate(COLUMNS, start=1)}
NUMBER_KEYS = ("numerator", "denominator", "value")
REQUIRED_KEYS = ("code", "period", "numerator", "denominator", "value", "provisional", "commentary")

_NOT_USED_FILL = PatternFill("solid", fgColor="DEE0E2")
_BORDER, _READ_ONLY_FILL, _WRAP_TOP, _BOLD = sheets.BORDER, sheets.READ_ONLY_FILL, sheets.WRAP_TOP, sheets.BOLD
_READ_ONLY_HEAD_FILL = sheets.READ_ONLY_HEAD_FILL


class NumberError(ValueError):
    """A cell or a box that does not hold a number this service can store. The message is for the user."""


def parse_number(text) -> Decimal | None:
    """A figure as typed: '1,250', '12.5', ' 85% ' → Decimal; '' → None. Raises NumberError.

    The one reading of typed numbers: the online form and the upload both use it.
    """
    if text is None:
        return None
    if isinstance(text, bool):
        raise NumberError(NUMBER_MESSAGE)
    if isinstance(text, (int, Decimal)):
        number = Decimal(text)
    elif isinstance(text, float):
        number = Decimal(repr(text))
    else:
        cleaned = "".join(str(text).split()).replace(",", "").removesuffix("%")
        if not cleaned:
            return None
        try:
            number = Decimal(cleaned)
        except InvalidOperation as error:
            raise NumberError(NUMBER_MESSAGE) from error
    if not number.is_finite():
        raise NumberError(NUMBER_MESSAGE)
    if abs(number) >= LARGEST:  # before quantize, which raises for 1e30 (more digits than the context holds)
        raise NumberError(TOO_BIG_MESSAGE)
    if number != number.quantize(Decimal("0.01")):
        raise NumberError(DECIMALS_MESSAGE)
    return number.quantize(Decimal("0.01"))


def format_number(number) -> str:
    """12.50 → '12.5', 1250 → '1250': how a stored figure is written back into a box or a cell."""
    if number is None:
        return ""
    number = Decimal(number)
    text = f"{number:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _number_or_date(value) -> str:
    if isinstance(value, float):
        return format_number(Decimal(repr(value))) if value == value and abs(value) != float("inf") else str(value)
    if isinstance(value, (int, Decimal)):
        return format_number(value)
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def from_text_cell(value) -> str:
    """The text a cell holds, with the apostrophe `safe_cell` added taken off again; numbers as the template
    writes them, dates as ISO dates."""
    return sheets.from_text_cell(value, other=_number_or_date)


# --- Writing -----------------------------------------------------------------------------------
@dataclass
class TemplateRow:
    indicator: Indicator
    value: Value | None

    def cells(self, period_label: str) -> dict[str, object]:
        """The row's cells: numbers stay numbers, text goes through `text_cell`."""
        v = self.value
        return {
            "code": text_cell(self.indicator.code), "indicator": text_cell(self.indicator.title),
            "period": text_cell(period_label),
            "numerator": v.numerator if v else None, "denominator": v.denominator if v else None,
            "value": v.value if v and (v.numerator is None or not self.indicator.uses_ratio) else None,
            "provisional": "Yes" if v and v.provisional else "No",
            "commentary": text_cell(v.commentary) if v else "",
        }


def template_rows(data_return: DataReturn) -> list[TemplateRow]:
    """One row per indicator of the return, with the figure held online. Two queries."""
    values = {v.indicator_id: v for v in Value.objects.filter(data_return=data_return)}
    return [TemplateRow(indicator=i, value=values.get(i.pk)) for i in return_indicators(data_return)]


def template_csv_rows(data_return: DataReturn) -> list[list]:
    """The same rows for a CSV file (`partnership.csv.csv_response` makes each cell formula-safe)."""
    rows = []
    for row in template_rows(data_return):
        cells = row.cells(data_return.period.label)
        cells.update({key: format_number(cells[key]) for key in NUMBER_KEYS})
        cells.update({key: from_text_cell(cells[key]) for key in ("code", "indicator", "period", "commentary")})
        rows.append([cells[c.key] for c in COLUMNS])
    return rows


def template_workbook(data_return: DataReturn) -> bytes:
    """The return as an .xlsx file in the published layout (see the module docstring)."""
    rows = template_rows(data_return)
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    wb.properties.title = text_cell(f"Performance data: {data_return.agency} – {data_return.period}")
    wb.properties.creator = settings.PARTNERSHIP_NAME
    _write_rows(ws, rows, data_return.period.label)
    _write_guide(wb.create_sheet(GUIDE_SHEET), data_return, rows)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _write_rows(ws, rows: list[TemplateRow], period_label: str) -> None:
    sheets.write_header(ws, COLUMNS, HEADER_ROW)
    unlocked = Protection(locked=False)
    for offset, row in enumerate(rows):
        number = FIRST_DATA_ROW + offset
        cells = row.cells(period_label)
        for index, column in enumerate(COLUMNS, start=1):
            value = cells[column.key]
            cell = ws.cell(row=number, column=index, value=value if value != "" else None)
            cell.alignment = _WRAP_TOP
            cell.border = _BORDER
            not_used = column.key in ("numerator", "denominator") and not row.indicator.uses_ratio
            if not_used:
                cell.fill = _NOT_USED_FILL
            elif column.editable:
                cell.protection = unlocked
            else:
                cell.fill = _READ_ONLY_FILL
        ws.row_dimensions[number].height = 45
    last_row = max(FIRST_DATA_ROW, FIRST_DATA_ROW + len(rows) - 1)
    provisional = DataValidation(type="list", allow_blank=True, formula1='"Yes,No"', showErrorMessage=True,
                                 errorStyle="stop", errorTitle="Provisional", error="Choose Yes or No.")
    provisional.add(f"{LETTER['provisional']}{FIRST_DATA_ROW}:{LETTER['provisional']}{last_row}")
    ws.add_data_validation(provisional)
    numbers = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
                             showErrorMessage=True, errorStyle="stop", errorTitle="A number",
                             error="Enter a number that is 0 or more, like 12 or 12.5.")
    numbers.add(f"{LETTER['numerator']}{FIRST_DATA_ROW}:{LETTER['value']}{last_row}")
    ws.add_data_validation(numbers)
    ws.freeze_panes = f"{LETTER['indicator']}{FIRST_DATA_ROW}"
    sheets.fit_to_page(ws, HEADER_ROW)
    # Protected without a password, so the codes and periods are not changed by accident.
    ws.protection = SheetProtection(sheet=True, formatColumns=False, formatRows=False, autoFilter=False,
                                    selectLockedCells=False, selectUnlockedCells=False)


def _write_guide(ws, data_return: DataReturn, rows: list[TemplateRow]) -> None:
    ws["A1"] = text_cell(f"Performance data: {data_return.agency} – {data_return.period}")
    ws["A1"].font = Font(bold=True, size=14)
    notes = [
        f"Fill in the blue columns of the “{SHEET}” sheet, one row per indicator, then upload the file on the "
        "data return's page. You will see every row's problem before anything is saved.",
        "Percentages and rates: enter the Numerator and the Denominator; the value is worked out from them. "
        "Other indicators: enter the Value. Grey cells are not used.",
        "Provisional: Yes when the figure may still change. Commentary: the story behind the number.",
        "Keep the Indicator code and the Period as they are. You may also save the sheet as a CSV file (CSV UTF-8) "
        "with the same columns and upload that.",
    ]
    for offset, note in enumerate(notes, start=2):
        ws[f"A{offset}"] = note
        ws[f"A{offset}"].alignment = _WRAP_TOP
        ws.merge_cells(f"A{offset}:E{offset}")
        ws.row_dimensions[offset].height = 32
    head = len(notes) + 3
    headers = ("Indicator code", "Indicator", "Unit", "What it measures", "What to enter")
    widths = (18, 40, 18, 60, 60)
    for index, (header, width) in enumerate(zip(headers, widths, strict=True), start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
        cell = ws.cell(row=head, column=index, value=header)
        cell.font = _BOLD
        cell.fill = _READ_ONLY_HEAD_FILL
        cell.border = _BORDER
    for offset, row in enumerate(rows, start=head + 1):
        indicator = row.indicator
        if indicator.uses_ratio:
            enter = (f"Numerator: {indicator.numerator_definition or 'the count'}\n"
                     f"Denominator: {indicator.denominator_definition or 'the total'}")
        elif indicator.unit == Unit.YES_NO:
            enter = "Value: 1 for yes, 0 for no"
        else:
            enter = f"Value: {indicator.get_unit_display().lower()}"
        for index, text in enumerate((indicator.code, indicator.title, indicator.get_unit_display(),
                                      indicator.definition, enter), start=1):
            cell = ws.cell(row=offset, column=index, value=text_cell(text))
            cell.alignment = _WRAP_TOP
            cell.border = _BORDER
        ws.row_dimensions[offset].height = 60
    ws.protection = SheetProtection(sheet=True, formatColumns=False, formatRows=False)


# --- Reading -----------------------------------------------------------------------------------
@dataclass
class UploadSheet:
    rows: list[SheetRow] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # about the file as a whole


@sheet_limits.parsed_once
def read_upload(content: bytes, kind: str) -> UploadSheet:
    """Parse an uploaded XLSX or CSV file in the published layout. Never raises for a bad file."""
    sheet = UploadSheet()
    if kind == "csv":
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            sheet.problems.append("The CSV file is not UTF-8 text. Save it as “CSV UTF-8” and upload it again.")
            return sheet
        try:
            _read_records(sheet_limits.records(csv.reader(io.StringIO(text, newline=""))), sheet)
        except sheet_limits.TooManyRows as error:
            sheet.problems.append(str(error))
            sheet.rows = []
        except csv.Error:  # a field over the csv module's limit (128 KB), or a NUL
            sheet.problems.append("The CSV file could not be read. Save it again as “CSV UTF-8” and upload it again.")
            sheet.rows = []
        return sheet

    def open_twice():
        sheets.check_archive(content, max_unzipped=MAX_UNZIPPED_BYTES,
                             too_large="The workbook is far larger than a data return. Upload the data return only.")
        # Twice: the formulas as written, and the results Excel saved with them (a sum is read as its result).
        return (load_workbook(io.BytesIO(content), read_only=True, data_only=False),
                load_workbook(io.BytesIO(content), read_only=True, data_only=True))

    workbooks = sheets.opened(sheet, open_twice)
    if workbooks is None:
        return sheet
    formulas, results = workbooks
    try:
        name = SHEET if SHEET in formulas.sheetnames else formulas.sheetnames[0]
        records = (
            (n, [_cell_value(f, r) for f, r in zip(f_row, r_row, strict=False)])
            for (n, f_row), (_, r_row) in zip(sheet_limits.rows(formulas[name]), sheet_limits.rows(results[name]),
                                              strict=False)
        )
        _read_records(records, sheet)
    except sheet_limits.TooManyRows as error:
        sheet.problems.append(str(error))
        sheet.rows = []
    finally:
        formulas.close()
        results.close()
    return sheet


class Formula:
    """A formula cell that has no saved result (the file was not saved by a spreadsheet program)."""

    def __str__(self):
        return ""


def _cell_value(formula_cell, result_cell):
    if getattr(formula_cell, "data_type", None) == "f":
        result = getattr(result_cell, "value", None)
        return Formula() if result is None else result
    return getattr(formula_cell, "value", None)


def _read_records(records, sheet: UploadSheet) -> None:
    headers = {h.casefold(): c.key for c in COLUMNS for h in (c.header, c.header.split(" (")[0])}
    columns: dict[str, int] | None = None
    for number, cells in records:
        if columns is None:
            texts = [" ".join(from_text_cell(c).split()).casefold() for c in cells]
            found = {headers[t]: i for i, t in enumerate(texts) if t in headers}
            if "code" in found:
                columns = found
            elif number >= 20:
                break
            continue
        if len(sheet.rows) >= MAX_DATA_ROWS:
            sheet.problems.append(f"The file has more than {MAX_DATA_ROWS} rows. Upload the data return only.")
            sheet.rows = []
            return
        values, dates, formulas = {}, {}, []
        for key, index in columns.items():
            cell = cells[index] if index < len(cells) else None
            if isinstance(cell, Formula):
                formulas.append(key)
                cell = None
            if isinstance(cell, (datetime.date, datetime.datetime)):
                dates[key] = cell.date() if isinstance(cell, datetime.datetime) else cell
            values[key] = from_text_cell(cell)
        if not any(v.strip() for v in values.values()) and not formulas:
            continue  # an empty row
        sheet.rows.append(SheetRow(number=number, values=values, dates=dates, formulas=formulas))
    sheets.check_headings(
        sheet, columns, REQUIRED_KEYS, COLUMN_BY_KEY,
        no_headings="The file has no row of column headings with “Indicator code”. Download the template from the "
                    "data return's page and fill that in.",
        then="Download the template from the data return's page and fill that in.")
