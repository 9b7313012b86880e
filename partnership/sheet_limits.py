"""Limits on reading an uploaded spreadsheet, so one file cannot hold a web worker for a minute (issue 17, 6).

A 1.9 MB workbook of 390,000 near-empty rows took 68 s to read: empty rows were skipped without being counted.
Every reader goes through `rows` (a worksheet) or `records` (CSV): at most `MAX_ROWS` rows are read, empty ones
included, and at most `MAX_COLUMNS` cells of each; a sheet that declares more rows is refused before reading.
Past the limit `TooManyRows` is raised, with a message for the person.
`parsed_once` keeps a reader's result for the same bytes (the preview, its reloads and "save all" parse once).

`check_workbook` runs first, before openpyxl opens the file: openpyxl reads a whole sheet looking for its size
when the sheet does not declare one, so the rows are counted in the compressed file's stream (a fraction of a
second for the worst case).
"""
import functools
import hashlib
import logging
import re
import zipfile

from django.core.cache import cache

log = logging.getLogger(__name__)
PARSED_SECONDS = 30 * 60  # a parsed upload is kept this long: the preview's reloads and "save all" reuse it

MAX_ROWS = 2_000  # rows read, empty ones included: our largest sheet has about 1,000 rows
MAX_COLUMNS = 40  # cells read per row: our widest sheet has 12 columns
MAX_CELL_CHARACTERS = 32_767  # Excel's own limit for a cell; a CSV field longer than this is refused


class TooManyRows(ValueError):
    def __init__(self, limit: int = MAX_ROWS, what: str = "sheet"):
        super().__init__(f"The {what} has more than {limit:,} rows (empty rows count too). Delete the rows you do "
                         "not need, or download the published spreadsheet again and fill that in.")


_SHEET = re.compile(r"xl/worksheets/[^/]+\.xml", re.I)
_ROW = re.compile(rb"<(?:[A-Za-z0-9_]+:)?row[\s>/]")
CHUNK = 1 << 20


def check_workbook(archive: zipfile.ZipFile, *, max_rows: int = MAX_ROWS) -> None:
    """Raise TooManyRows if any worksheet of the (already opened) .xlsx archive has more than `max_rows` rows."""
    for info in archive.infolist():
        if not _SHEET.fullmatch(info.filename):
            continue
        count, tail = 0, b""
        with archive.open(info) as stream:
            while chunk := stream.read(CHUNK):
                data = tail + chunk
                count += len(_ROW.findall(data[:len(data) - 32] if len(chunk) == CHUNK else data))
                tail = data[len(data) - 32:] if len(chunk) == CHUNK else b""
                if count > max_rows:
                    raise TooManyRows(max_rows)


def declared_rows(ws) -> int | None:
    """The number of rows a worksheet says it has (read-only worksheets read it from the file's own header)."""
    try:
        return ws.max_row
    except Exception:  # noqa: BLE001 - no or a damaged dimension: the count while reading still holds
        return None


def rows(ws, *, max_rows: int = MAX_ROWS, max_col: int = MAX_COLUMNS, values_only: bool = False):
    """(number, cells) for each row of `ws`, from 1, stopping with TooManyRows past `max_rows`."""
    declared = declared_rows(ws)
    if declared is not None and declared > max_rows:
        raise TooManyRows(max_rows)
    for number, cells in enumerate(ws.iter_rows(max_col=max_col, values_only=values_only), start=1):
        if number > max_rows:
            raise TooManyRows(max_rows)
        yield number, cells


def records(reader, *, max_rows: int = MAX_ROWS, max_col: int = MAX_COLUMNS):
    """The same for a csv.reader: (number, fields), at most `max_col` fields per row."""
    for number, fields in enumerate(reader, start=1):
        if number > max_rows:
            raise TooManyRows(max_rows, "file")
        yield number, fields[:max_col]


def parsed_once(reader):
    """Decorate a reader `f(content, *args)`: its result for the same bytes and arguments is kept in the shared
    cache for PARSED_SECONDS. Without the cache (Redis down) it simply parses again."""
    name = f"{reader.__module__}.{reader.__qualname__}"

    @functools.wraps(reader)
    def wrapper(content: bytes, *args):
        key = "parsed:" + hashlib.sha256(name.encode() + repr(args).encode() + b"\0" + content).hexdigest()
        try:
            kept = cache.get(key)
        except Exception:  # noqa: BLE001 - any cache backend error: parse
            log.warning("parsed upload cache unavailable", exc_info=True)
            kept = None
        if kept is not None:
            return kept
        result = reader(content, *args)
        try:
            cache.set(key, result, PARSED_SECONDS)
        except Exception:  # noqa: BLE001 - any cache backend error: the result is still returned
            log.warning("parsed upload cache unavailable", exc_info=True)
        return result

    return wrapper
