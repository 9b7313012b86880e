"""What the service's two upload workbooks (a Section 11 return, a performance data return) share: a column of the
template, a change an upload would make to what is saved, the words a yes/no cell may hold, an upload preview's rows
by state, the dry run that checks each row through the real save, and "save all or nothing". Each app keeps its
own columns and rules; reading limits are `partnership.sheet_limits`, cell safety `partnership.csv`."""
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import transaction
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

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
