"""What the service's two upload workbooks (a Section 11 return, a performance data return) share: a column of the
template, a change an upload would make to what is saved, and the words a yes/no cell may hold. Each app keeps its
own columns and rules; reading limits are `partnership.sheet_limits`, cell safety `partnership.csv`."""
from dataclasses import dataclass

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
