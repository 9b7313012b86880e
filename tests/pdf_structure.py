"""What every PDF the product makes must hold for a reader who cannot see it (accessibility issue, item 3).

`problems(pdf_bytes)` reads a PDF's structure with pikepdf and lists what is wrong, in words:
- tagged (`/MarkInfo /Marked true` and a structure tree), with a language and a title shown as the window title;
- every Figure has alternative text; a chart's (more than a few words) carries its figures, a digit at least,
  unless a data table follows it;
- no Table without rows, and every Table (each piece of a table split across pages included) has a header row;
- no list that holds nothing but lists (a definition list tagged as nested lists, as the certificate was);
- decorative glyphs (the direction arrows ▲ ▼ ▶, a bullet outside a list's label) are artifacts: none is in the
  text that the structure tree reads (the marked content with an MCID), so none is read aloud.

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
        found += _decorative_glyph_problems(pdf)
    return sorted(set(found))


# Glyphs that only decorate: the word beside them says the same ("▲ Better"). A bullet is content only as a list
# item's label (/Lbl), where a reader announces it as the list's marker.
ARROWS = set("▲▼▶◀△▽►◄↑↓")
BULLETS = set("•◦▪")


def _to_unicode(font) -> dict[bytes, str]:
    """The font's ToUnicode map (the bfchar and bfrange entries WeasyPrint writes), code bytes to text."""
    mapping: dict[bytes, str] = {}
    stream = font.get("/ToUnicode")
    if stream is None:
        return mapping
    text = stream.read_bytes().decode("latin-1")
    hexes = lambda line: [bytes.fromhex(h) for h in re.findall(r"<([0-9A-Fa-f]*)>", line)]  # noqa: E731
    for block in re.findall(r"beginbfchar(.*?)endbfchar", text, re.S):
        for line in block.strip().splitlines():
            pair = hexes(line)
            if len(pair) == 2:
                mapping[pair[0]] = pair[1].decode("utf-16-be", "replace")
    for block in re.findall(r"beginbfrange(.*?)endbfrange", text, re.S):
        for line in block.strip().splitlines():
            parts = hexes(line)
            if len(parts) == 3:
                low, high, first = (int.from_bytes(parts[0], "big"), int.from_bytes(parts[1], "big"),
                                    int.from_bytes(parts[2], "big"))
                for offset in range(high - low + 1):
                    mapping[(low + offset).to_bytes(len(parts[0]), "big")] = chr(first + offset)
    return mapping


def _decode(data: bytes, mapping: dict[bytes, str]) -> str:
    width = len(next(iter(mapping))) if mapping else 1
    return "".join(mapping.get(data[i:i + width], "") for i in range(0, len(data), width))


def _marked_text(pdf) -> dict[tuple[int, int], str]:
    """{(page number, MCID): the text shown in that marked content} for every page (artifacts are not marked)."""
    found: dict[tuple[int, int], str] = {}
    for number, page in enumerate(pdf.pages):
        fonts = {str(name): _to_unicode(font) for name, font in page.Resources.get("/Font", {}).items()}
        stack: list[int | None] = []  # the MCID of each open marked-content sequence (None: none, or an artifact)
        font: dict = {}
        for operands, operator in pikepdf.parse_content_stream(page):
            op = str(operator)
            if op == "BDC":
                props = operands[1] if len(operands) > 1 else None
                mcid = props.get("/MCID") if isinstance(props, pikepdf.Dictionary) else None
                stack.append(None if str(operands[0]) == "/Artifact" or mcid is None else int(mcid))
            elif op == "BMC":
                stack.append(None)
            elif op == "EMC" and stack:
                stack.pop()
            elif op == "Tf":
                font = fonts.get(str(operands[0]), {})
            elif op in ("Tj", "TJ", "'", '"'):
                mcid = next((m for m in reversed(stack) if m is not None), None)
                if mcid is None:
                    continue
                parts = operands[0] if op == "TJ" else [operands[-1]]
                text = "".join(_decode(bytes(part), font) for part in parts if isinstance(part, pikepdf.String))
                found[(number, mcid)] = found.get((number, mcid), "") + text
    return found


def _labelled(root, in_label=False, depth=0):
    """(element, inside a list item's label) for every element under `root`."""
    yield root, in_label
    if depth < 200:
        for kid in _kids(root):
            yield from _labelled(kid, in_label or _tag(kid) == "/Lbl", depth + 1)


def _decorative_glyph_problems(pdf) -> list[str]:
    text = _marked_text(pdf)
    if not text:
        return []
    pages = {page.objgen: number for number, page in enumerate(pdf.pages)}
    problems = []
    for top in _kids(pdf.Root.StructTreeRoot):
        for element, in_label in _labelled(top):
            page, kids = element.get("/Pg"), element.get("/K")
            for kid in list(kids) if isinstance(kids, pikepdf.Array) else [kids]:
                if not isinstance(kid, int) or page is None:
                    continue
                words = text.get((pages.get(page.objgen, -1), kid), "")
                glyphs = {c for c in words if c in ARROWS or (c in BULLETS and not in_label)}
                if glyphs:
                    problems.append(f"decorative glyphs {''.join(sorted(glyphs))} are read aloud (in a "
                                    f"{_tag(element)}: {words.strip()[:40]!r}): draw them as artifacts")
    return problems


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
