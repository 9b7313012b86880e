"""CSV exports that a spreadsheet cannot be tricked into running (formula injection)."""
import csv
from collections.abc import Iterable
from decimal import Decimal

from django.http import StreamingHttpResponse
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "|", "%")


def safe_cell(value) -> str:
    """Text that begins like a formula is prefixed with an apostrophe, so it stays text. "Begins" is judged
    after leading whitespace and control characters, which a spreadsheet program (or `xlsx_text`) may drop."""
    if value is None:
        return ""
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return str(value)
    text = str(value)
    if text.startswith(_FORMULA_START) or ILLEGAL_CHARACTERS_RE.sub("", text).lstrip().startswith(_FORMULA_START):
        return "'" + text
    return text


def xlsx_text(value) -> str:
    """What a workbook's text cell holds: normalised first (the control characters XML cannot hold are taken
    out), then made formula-safe (`safe_cell`), so the text written is the text judged."""
    if value is None or isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return safe_cell(value)
    return safe_cell(ILLEGAL_CHARACTERS_RE.sub("", str(value)))


class _Echo:
    def write(self, value):
        return value


def csv_response(filename: str, header: list[str], rows: Iterable[Iterable]) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())

    def stream():
        yield "\ufeff"  # so Excel reads UTF-8
        yield writer.writerow(header)
        for row in rows:
            yield writer.writerow([safe_cell(v) for v in row])

    response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
