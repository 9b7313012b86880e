"""Uploading a data return as a spreadsheet (XLSX or CSV): check every row first, then save all or nothing.

`upload_preview` reads the file (layout in `performance.spreadsheets`) and reports, row by row, what would
change and what is wrong, without saving anything. The value rules are not repeated here: each row is
checked with `check_value` (every problem, not just the first), then put through `value_save` itself in a
transaction that is always rolled back, so the preview refuses exactly what saving would refuse.
`upload_apply` saves every changed row through `value_save` in one transaction: one refusal and nothing is
saved. A row with no figure and nothing else typed is left out: the figure online stays as it is.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction

from partnership.services.errors import ConflictError, ServiceError
from partnership.sheets import Change, PreviewRow, RowsByState, also_on, rolled_back, rows_by_code, save_all, start_row
from partnership.uploads import delete_stale_files

from .. import access, spreadsheets
from ..models import DataReturn, Indicator, Unit, Value
from ..rules import format_value, ratio_value
from .returns import check_value, return_indicators, value_save

UPLOADS_DIR = "performance/uploads"
MAX_CSV_BYTES = 5 * 1024 * 1024  # as the upload form allows
STALE_MESSAGE = ("Someone changed this data return after you checked the file, so nothing has been saved. The "
                 "rows below now compare your file with the latest figures: check them, then save again.")
FIELD_LABELS = {"numerator": "Numerator", "denominator": "Denominator", "value": "Value",
                "provisional": "Provisional", "commentary": "Commentary"}
YES_NO_WORDS = {"yes": "1", "y": "1", "no": "0", "n": "0"}
DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%b-%y", "%B %Y", "%b %Y", "%m/%Y")


def is_csv(upload) -> bool:
    """A .csv file whose content is UTF-8 text without NUL bytes (CSV has no magic number to test)."""
    name = (getattr(upload, "name", "") or "").lower()
    if not name.endswith(".csv") or not getattr(upload, "size", 0) or upload.size > MAX_CSV_BYTES:
        return False
    upload.seek(0)
    content = upload.read()
    upload.seek(0)
    if b"\x00" in content:
        return False
    try:
        content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    return True


@dataclass
class UploadRow(PreviewRow):
    indicator: Indicator | None = None
    current: Value | None = None
    figures: dict | None = None  # what value_save is given

    @property
    def new_value_display(self) -> str:
        if not self.figures or self.indicator is None:
            return ""
        return format_value(self.figures["shown_value"], self.indicator.unit)


@dataclass
class UploadPreview(RowsByState):
    data_return: DataReturn
    problems: list[str] = field(default_factory=list)  # about the file as a whole
    rows: list[UploadRow] = field(default_factory=list)
    fingerprint: dict = field(default_factory=dict)
    not_in_file: list[Indicator] = field(default_factory=list)


def fingerprint(data_return: DataReturn) -> dict:
    """What the preview was checked against: the return's state and each figure's version. JSON-safe."""
    fresh = DataReturn.objects.values("status", "version", "updated_at").get(pk=data_return.pk)
    return {"return": [fresh["status"], fresh["version"], fresh["updated_at"].isoformat()],
            "values": {str(i): v for i, v in Value.objects.filter(data_return_id=data_return.pk)
                       .values_list("indicator_id", "version")}}


def upload_preview(*, data_return: DataReturn, by, content: bytes | None = None, kind: str,
                   sheet: spreadsheets.UploadSheet | None = None) -> UploadPreview:
    """What saving the file into `data_return` would do, row by row. Saves nothing. `sheet`: the file as parsed when
    it was uploaded (partnership.staged_uploads), so it is not parsed again."""
    if not access.can_edit_data_return(by, data_return):
        raise ServiceError("You cannot change this data return.")
    preview = UploadPreview(data_return=data_return, fingerprint=fingerprint(data_return))
    sheet = sheet if sheet is not None else spreadsheets.read_upload(content, kind)
    preview.problems += sheet.problems
    in_return = {i.code: i for i in return_indicators(data_return)}
    codes = {r.values.get("code", "").strip().casefold() for r in sheet.rows} - {""}
    known = {i.code.casefold(): i for i in Indicator.objects.filter(code__in=codes).select_related("owner_agency")}
    known.update({code.casefold(): i for code, i in in_return.items()})
    current = {v.indicator_id: v for v in Value.objects.filter(data_return=data_return)}
    rows_of = rows_by_code(sheet.rows, fold=str.casefold)
    seen = set()
    for sheet_row in sheet.rows:
        row = _check_row(sheet_row, data_return, in_return, known, current, rows_of)
        if row.indicator:
            seen.add(row.indicator.pk)
        preview.rows.append(row)
    if not sheet.problems:
        preview.not_in_file = [i for i in in_return.values() if i.pk not in seen]
    _dry_run(preview, by)
    return preview


def _period_matches(sheet_row, period) -> bool:
    text = " ".join(sheet_row.values.get("period", "").split())
    if text.casefold() == period.label.casefold():
        return True
    day = sheet_row.dates.get("period")  # Excel turns "April 2026" into a date
    if day is None:
        for pattern in DATE_FORMATS:
            try:
                day = datetime.datetime.strptime(text, pattern).date()
                break
            except ValueError:
                continue
    return day is not None and period.kind == "monthly" and period.start <= day <= period.end


def _check_row(sheet_row, data_return, in_return, known, current, rows_of) -> UploadRow:
    """The row's input shape, then the value rules (`check_value`): every problem of the row."""
    row = start_row(UploadRow, sheet_row, spreadsheets.COLUMN_BY_KEY,
                    formula=" without a saved result. Type the figure or the text itself.")
    values, code, problems = sheet_row.values, row.code, row.problems
    indicator = known.get(code.casefold()) if code else None
    if not code:
        problems.append("The indicator code is empty, so this row cannot be matched to an indicator.")
    elif indicator is None:
        problems.append(f"Unknown indicator code “{code}”.")
    elif indicator.code not in in_return:
        problems.append(f"Indicator {indicator.code} is not in this data return: it is reported by "
                        f"{indicator.owner_agency}, {indicator.get_frequency_display().lower()}.")
        indicator = None
    else:
        row.indicator, row.current = indicator, current.get(indicator.pk)
        twice = also_on("Indicator", indicator.code, row.number, rows_of.get(code.casefold(), []))
        if twice:
            problems.append(twice)
    period = data_return.period
    if not _period_matches(sheet_row, period):
        given = " ".join(values.get("period", "").split())
        problems.append(f"The period is “{given}”, but this data return is for “{period.label}”." if given else
                        f"The period is empty: this data return is for “{period.label}”.")

    numbers = {}
    for key in spreadsheets.NUMBER_KEYS:
        text = values.get(key, "").strip()
        if key == "value" and indicator is not None and indicator.unit == Unit.YES_NO:
            text = YES_NO_WORDS.get(text.casefold(), text)
        try:
            numbers[key] = spreadsheets.parse_number(text)
        except spreadsheets.NumberError as error:
            numbers[key] = None
            problems.append(f"{FIELD_LABELS[key]}: “{text}” is not a number. {error}."
                            if str(error) == spreadsheets.NUMBER_MESSAGE else f"{FIELD_LABELS[key]}: {error}.")
    flag = values.get("provisional", "").strip().casefold()
    if flag not in spreadsheets.YES | spreadsheets.NO:
        problems.append("Provisional must be Yes or No.")
    commentary = values.get("commentary", "").replace("\r\n", "\n").replace("\r", "\n").strip()
    typed = {k for k in spreadsheets.NUMBER_KEYS if values.get(k, "").strip()}
    if not typed and not commentary and flag in spreadsheets.NO:
        row.blank = not problems
        return row
    if numbers["value"] is None and numbers["numerator"] is None and not (typed & {"value", "numerator"}):
        problems.append("Enter a value, or a numerator and a denominator." if indicator and indicator.uses_ratio
                        else "Enter a value: the row has no figure.")
    if indicator is None:
        return row
    if not indicator.uses_ratio and (numbers["numerator"] is not None or numbers["denominator"] is not None):
        problems.append(f"{indicator.code} is a {indicator.get_unit_display().lower()}: enter the Value, and leave "
                        "Numerator and Denominator empty.")
    for key, message in check_value(indicator, commentary=commentary, **numbers):
        text = f"{FIELD_LABELS.get(key, key.title())}: {message}."
        if text not in problems:
            problems.append(text)
    row.figures = {**numbers, "provisional": flag in spreadsheets.YES, "commentary": commentary}
    shown = numbers["value"]
    if indicator.uses_ratio and numbers["numerator"] is not None and numbers["denominator"]:
        shown = ratio_value(numbers["numerator"], numbers["denominator"], indicator.unit)
    row.figures["shown_value"] = shown
    row.changes = _changes(indicator, row.current, row.figures)
    return row


def _show(number) -> str:
    return spreadsheets.format_number(number)


def _changes(indicator: Indicator, current: Value | None, figures: dict) -> list[Change]:
    before = {"numerator": current.numerator, "denominator": current.denominator, "value": current.value,
              "provisional": current.provisional, "commentary": current.commentary} if current else {
        "numerator": None, "denominator": None, "value": None, "provisional": False, "commentary": ""}
    after = {"numerator": figures["numerator"], "denominator": figures["denominator"],
             "value": figures["shown_value"], "provisional": figures["provisional"],
             "commentary": figures["commentary"]}
    changes = []
    for key, label in FIELD_LABELS.items():
        old, new = before[key], after[key]
        if key in spreadsheets.NUMBER_KEYS:
            same = (old is None and new is None) or (old is not None and new is not None
                                                     and Decimal(old) == Decimal(new))
            if not same:
                if key == "value":
                    changes.append(Change(label, format_value(old, indicator.unit) if old is not None else "",
                                          format_value(new, indicator.unit) if new is not None else ""))
                else:
                    changes.append(Change(label, _show(old), _show(new)))
        elif key == "provisional":
            if bool(old) != bool(new):
                changes.append(Change(label, "Yes" if old else "No", "Yes" if new else "No"))
        elif (old or "").strip() != (new or "").strip():
            changes.append(Change(label, old or "", new or ""))
    return changes


def _save_kwargs(row: UploadRow) -> dict:
    figures = row.figures
    return {"numerator": figures["numerator"], "denominator": figures["denominator"], "value": figures["value"],
            "provisional": figures["provisional"], "commentary": figures["commentary"],
            "expected_version": row.current.version if row.current else 0}


def _dry_run(preview: UploadPreview, by) -> None:
    """Put each changed row through `value_save`, then roll everything back: the rules in one place."""
    with rolled_back():
        fresh = DataReturn.objects.select_related("agency", "period").get(pk=preview.data_return.pk)
        for row in preview.changed_rows:
            try:
                value_save(data_return=fresh, indicator=row.indicator, by=by, **_save_kwargs(row))
            except ConflictError:
                continue  # the stale check in upload_apply answers this one
            except ServiceError as error:
                row.problems.append(error.message)


@transaction.atomic
def upload_apply(*, data_return: DataReturn, by, content: bytes | None = None, kind: str, expected: dict | None,
                 sheet: spreadsheets.UploadSheet | None = None) -> int:
    """Save every changed row of the file, or nothing. Refuses if the return changed since the preview."""
    data_return = DataReturn.objects.select_for_update().select_related("agency", "period").get(pk=data_return.pk)
    if not access.can_edit_data_return(by, data_return):
        raise ServiceError("This data return can no longer be changed, so nothing has been saved.")
    if expected is None or fingerprint(data_return) != expected:
        raise ConflictError(STALE_MESSAGE)
    preview = upload_preview(data_return=data_return, by=by, content=content, kind=kind, sheet=sheet)
    return save_all(preview, lambda row: value_save(data_return=data_return, indicator=row.indicator, by=by,
                                                    **_save_kwargs(row)), stale=STALE_MESSAGE, nothing="saved")


def delete_stale_upload_files(*, older_than: datetime.timedelta = datetime.timedelta(days=1)) -> int:
    """Remove uploaded files nobody saved or cancelled (for a daily task). Returns how many."""
    return delete_stale_files(UPLOADS_DIR, older_than=older_than)
