"""What the service's two upload workbooks (a Section 11 return, a performance data return) share: a column of the
template, the template's header row and print layout, reading a cell's text back, opening an upload and finding its
columns, a row as read, a change an upload would make to what is saved, the words a yes/no cell may hold, an upload
preview's rows by state, the dry run that checks each row through the real save, and "save all or nothing". Each
app keeps its own columns, words and rules; reading limits are `partnership.sheet_limits`, cell safety
`partnership.csv`."""
import datetime
import io
import zipfile
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import transaction
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from partnership import sheet_limits
from partnership.csv import safe_cell
from partnership.services.errors import ConflictError, ServiceError

YES = frozenset({"yes", "y", "true", "1"})
NO = frozenset({"no", "n", "false", "0", ""})


@dataclass(frozen=True)
class Column:
    """A column of a template workbook: its key, the header people see, its width, and whether it is filled in."""

    key: str
    header: str
    width: int
    editable: bool = False


@dataclass
class Change:
    """One thing an upload would change, as the preview shows it: the field's label, then and now."""

    field: str
    old: str
    new: str


# The templates' look (GOV.UK colours): boxes to fill in have a blue header, the rest grey.
THIN = Side(style="thin", color="B1B4B6")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
READ_ONLY_FILL = PatternFill("solid", fgColor="F3F2F1")
EDITABLE_HEAD_FILL = PatternFill("solid", fgColor="D2E2F1")
READ_ONLY_HEAD_FILL = PatternFill("solid", fgColor="DEE0E2")
WRAP_TOP = Alignment(wrap_text=True, vertical="top")
BOLD = Font(bold=True)


def write_header(ws, columns, row: int) -> None:
    """The header row of a template: each column's width and header, blue where people fill it in."""
    for index, column in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(index)].width = column.width
        cell = ws.cell(row=row, column=index, value=column.header)
        cell.font = BOLD
        cell.fill = EDITABLE_HEAD_FILL if column.editable else READ_ONLY_HEAD_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="bottom")
        cell.border = BORDER
    ws.row_dimensions[row].height = 32


def fit_to_page(ws, header_row: int) -> None:
    """Print a template landscape on A4, as wide as the page, with its header row on every page."""
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def from_text_cell(value, *, other=str) -> str:
    """The text a cell holds, with the apostrophe `safe_cell` added taken off again. `other(value)`: the text of a
    value that is neither text nor yes/no (a number, a date), as the app's workbook writes it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    text = value if isinstance(value, str) else other(value)
    if text.startswith("'") and safe_cell(text[1:]) == text:
        return text[1:]
    return text


# --- Reading an upload ---------------------------------------------------------------------------
UNREADABLE = "The workbook could not be read. Save it again in Excel as an .xlsx workbook and upload it again."


class Unreadable(ValueError):
    """An uploaded file that cannot be read as it is; the message says why, for the person."""


@dataclass
class SheetRow:
    """One data row as the uploaded file has it: text per column key, the cells Excel holds as dates (where the
    app's reader keeps them) and the columns whose cell holds a formula (the reader says which count)."""

    number: int
    values: dict[str, str]
    dates: dict[str, datetime.date] = field(default_factory=dict)
    formulas: list[str] = field(default_factory=list)


def check_archive(content: bytes, *, max_unzipped: int, too_large: str, damaged: str | None = None) -> None:
    """Before openpyxl opens an uploaded .xlsx: refuse one that unzips to more than `max_unzipped` bytes
    (`too_large`) or has a sheet over the row limit (`sheet_limits.TooManyRows`). Not a zip file: `damaged`, where
    the app words it, else the zip error itself (`opened` words it)."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            if sum(m.file_size for m in archive.infolist()) > max_unzipped:
                raise Unreadable(too_large)
            sheet_limits.check_workbook(archive)
    except zipfile.BadZipFile as error:
        if damaged is None:
            raise
        raise Unreadable(damaged) from error


def opened(sheet, open_upload: Callable):
    """What `open_upload()` opens (the app's `check_archive` and openpyxl), or None, with why in `sheet.problems`:
    the file is damaged, too large, has too many rows, or cannot be read."""
    try:
        return open_upload()
    except (Unreadable, sheet_limits.TooManyRows) as error:
        sheet.problems.append(str(error))
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds of error for a damaged file
        sheet.problems.append(UNREADABLE)
    return None


def check_headings(sheet, columns: dict | None, required, by_key: dict, *, no_headings: str, then: str) -> None:
    """After reading an upload: if its row of column headings was not found (`no_headings`) or lacks a column the
    upload needs (`then`: what to do about it), say so in `sheet.problems` and keep none of its rows."""
    if columns is None:
        problem = no_headings
    else:
        missing = [by_key[k].header for k in required if k not in columns]
        if not missing:
            return
        problem = "These columns are missing: " + ", ".join(f"“{m}”" for m in missing) + f". {then}"
    sheet.problems.append(problem)
    sheet.rows = []


def rows_by_code(sheet_rows, *, fold=str) -> dict[str, list[int]]:
    """Each code the rows name (trimmed, then `fold`ed) → the numbers of the rows that name it."""
    found: dict[str, list[int]] = {}
    for sheet_row in sheet_rows:
        found.setdefault(fold(sheet_row.values.get("code", "").strip()), []).append(sheet_row.number)
    return found


def also_on(what: str, code: str, number: int, rows: list[int]) -> str | None:
    """The problem of a row whose code (of a `what`: "Indicator", "Criterion") is on other rows too, or None."""
    others = [n for n in rows if n != number]
    if not others:
        return None
    return (f"{what} {code} is also on row{'s' if len(others) > 1 else ''} {', '.join(map(str, others))}. Keep one "
            f"row per {what.lower()}.")


@dataclass
class PreviewRow:
    """An upload preview's row: the sheet's row number, its code, its problems, the changes it would make, and
    `blank` when nothing is typed in it (left out: what is saved stays). Each app's row adds what its check finds."""

    number: int
    code: str
    problems: list[str] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    blank: bool = False

    @property
    def state(self) -> str:
        """How the preview shows the row (`RowsByState`): "problem", "blank", "change" or "same"."""
        if self.problems:
            return "problem"
        if self.blank:
            return "blank"
        return "change" if self.changes else "same"


def start_row(row_type: type[PreviewRow], sheet_row: SheetRow, by_key: dict, *, formula: str):
    """An upload preview's row (a `row_type`) for `sheet_row`: its number, its code (trimmed) and a problem for each
    cell that holds a formula (`formula`: what follows "holds a formula"). The app's check goes on from there."""
    return row_type(number=sheet_row.number, code=sheet_row.values.get("code", "").strip(),
                    problems=[f"{by_key[key].header} holds a formula{formula}" for key in sheet_row.formulas])


class RowsByState:
    """An upload preview's rows sorted as the preview shows them, by each row's `state` ("problem", "change",
    "same", "blank"), and whether it may be saved: one rule for both previews. `problems`: about the file as a
    whole."""

    rows: list
    problems: list

    def _in(self, state: str) -> list:
        return [r for r in self.rows if r.state == state]

    @property
    def problem_rows(self) -> list:
        return self._in("problem")

    @property
    def changed_rows(self) -> list:
        return self._in("change")

    @property
    def unchanged_rows(self) -> list:
        return self._in("same")

    @property
    def blank_rows(self) -> list:
        return self._in("blank")

    @property
    def has_problems(self) -> bool:
        return bool(self.problems or self.problem_rows)

    @property
    def can_save(self) -> bool:
        return not self.has_problems and bool(self.changed_rows)


class _DryRun(Exception):
    pass


@contextmanager
def rolled_back():
    """A transaction that is always rolled back: a preview puts each row through the app's own save inside it, so
    it refuses exactly what saving would refuse, and nothing is kept."""
    try:
        with transaction.atomic():
            yield
            raise _DryRun
    except _DryRun:
        pass


def save_all(preview: RowsByState, save_row: Callable, *, stale: str, nothing: str) -> int:
    """Save every changed row of a checked preview through `save_row(row)` (the app's save), in the caller's
    transaction, or nothing: a file with problems is refused; a row saved meanwhile by someone else refuses the
    lot with `stale`; any other refusal names its row. `nothing`: the app's word for what did not happen
    ("saved", "imported"). Returns how many rows were saved."""
    if preview.has_problems:
        raise ServiceError(f"The file has problems, so nothing has been {nothing}. Correct them and upload it again.")
    for row in preview.changed_rows:
        try:
            save_row(row)
        except ConflictError as error:
            raise ConflictError(stale) from error
        except ServiceError as error:
            raise ServiceError(f"Row {row.number} ({row.code}): {error.message} Nothing has been {nothing}.") from error
    return len(preview.changed_rows)
