"""What the service's two upload workbooks (a Section 11 return, a performance data return) share: a column of the
template, a change an upload would make to what is saved, and the words a yes/no cell may hold. Each app keeps its
own columns and rules; reading limits are `partnership.sheet_limits`, cell safety `partnership.csv`."""
from dataclasses import dataclass

from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

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
    "same", "blank"): one rule for both previews."""

    rows: list

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
