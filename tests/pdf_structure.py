"""What every PDF the product makes must hold for a reader who cannot see it (accessibility issue, item 3).

`problems(pdf_bytes)` reads a PDF's structure with pikepdf and lists what is wrong, in words:
- tagged (`/MarkInfo /Marked true` and a structure tree), with a language and a title shown as the window title;
- every Figure has alternative text; a chart's (more than a few words) carries its figures, a digit at least,
  unless a data table follows it;
- no Table without rows, and every Table (each piece of a table split across pages included) has a header row;
- no list that holds nothing but lists (a definition list tagged as nested lists, as the certificate was).

tests/conftest.py runs it on every PDF rendered anywhere in the test run (it wraps WeasyPrint's `write_pdf`), so a
new PDF is checked without being listed here.
"""
import io
import re

import pikepdf

SHORT_ALT_WORDS = 3  # "Amber", "Not applicable": a rating or symbol, not a chart


def _kids(element) -> list:
    kids = element.get("/K")
    if kids is None:
        return []
    kids = list(kids) if isinstance(kids, pikepdf.Array) else [kids]
    return [kid for kid in kids if isinstance(kid, pikepdf.Dictionary) and "/S" in kid]


def _tag(element) -> str:
    return str(element.get("/S", ""))


def _walk(element, depth=0):
    yield element
    if depth < 200:
        for kid in _kids(element):
            yield from _walk(kid, depth + 1)


def _first_row(table):
    for element in _walk(table):
        if _tag(element) == "/TR":
            return element
    return None


def problems(data: bytes) -> list[str]:
    found: list[str] = []
    with pikepdf.open(io.BytesIO(data)) as pdf:
        root = pdf.Root
        mark_info = root.get("/MarkInfo")
        if not (mark_info is not None and bool(mark_info.get("/Marked"))) or "/StructTreeRoot" not in root:
            return ["not tagged: no /MarkInfo /Marked true or no structure tree"]
        if not str(root.get("/Lang", "")).strip():
            found.append("no document language (/Lang)")
        title = str(pdf.docinfo.get("/Title", "")).strip() if pdf.docinfo is not None else ""
        if not title:
            found.append("no document title")
        prefs = root.get("/ViewerPreferences")
        if prefs is None or not bool(prefs.get("/DisplayDocTitle")):
            found.append("the title is not shown as the window title (/DisplayDocTitle)")

        elements = [element for top in _kids(root.StructTreeRoot) for element in _walk(top)]
        for index, element in enumerate(elements):
            tag = _tag(element)
            if tag == "/Figure":
                found += _figure_problems(element, elements[index + 1:])
            elif tag == "/Table":
                first_row = _first_row(element)
                if first_row is None:
                    found.append("a Table with no rows (a caption or table piece left alone)")
                elif not any(_tag(cell) == "/TH" for cell in _kids(first_row)):
                    found.append("a Table whose first row has no header cell (a split table must repeat its header)")
            elif tag == "/L":
                kids = _kids(element)
                if kids and all(_tag(kid) in ("/L", "/Div") for kid in kids):
                    found.append("a list that holds only lists (a definition list tagged as nested lists)")
    return sorted(set(found))


CONTAINERS = {"/Span", "/NonStruct", "/Div", "/Part", "/Sect", "/Art", "/P"}


def _figure_problems(figure, after: list) -> list[str]:
    alt = str(figure.get("/Alt", "")).strip()
    if not alt:
        return ["a Figure with no alternative text"]
    if len(alt.split()) <= SHORT_ALT_WORDS or re.search(r"\d", alt):
        return []
    following = next((_tag(element) for element in after if _tag(element) not in CONTAINERS), "")
    if following == "/Table":  # the next thing read after the chart is its data table
        return []
    return [f"a chart whose alternative text has no figures and no data table after it: {alt[:80]!r}"]
