"""The scorecard as a spreadsheet: one line per indicator, its figures as numbers and its labels as words (the
scorecard page's CSV download)."""
from .scorecard import COMPARATOR_ORDER, Row

CSV_HEADER = ["OBA question", "Code", "Indicator", "Period", "Value", "Unit", "Formatted value", "Target", "RAG",
              "Direction of travel", "Previous value", "Comparator year", "England", "London",
              "Statistical neighbours", "Comparators are demo figures", "Provisional", "Validated", "Owning agency",
              "Priority", "Open actions", "Commentary"]


def csv_rows(rows: list[Row]) -> list[list]:
    """One line per indicator: numbers as numbers, labels as words. `csv_response` makes text formula-safe."""
    out = []
    for row in rows:
        ind = row.indicator
        comps = [row.comparator(k) for k in COMPARATOR_ORDER]
        out.append([
            ind.get_quadrant_display(), ind.code, ind.title, row.periods[-1].label if row.periods else "",
            row.value, ind.get_unit_display(), row.value_text, ind.target, row.rag.label, row.direction.text,
            row.previous_value, row.comparator_year, *[c.value if c else None for c in comps],
            "Yes" if any(c and c.is_demo for c in comps) else "No",
            "Yes" if row.provisional else "No",
            "" if row.current is None else ("No" if row.unvalidated else "Yes"),
            ind.owner_agency.name, ind.priority.title if ind.priority else "", len(row.open_actions),
            row.commentary,
        ])
    return out
