"""The yearly report as an editable Word document (python-docx), from the same blocks as the PDF.

Accessible by construction, so the business unit's edits start from a sound document: the title in the Title
style and every heading in the real Heading 1 and Heading 2 styles (the navigation pane and screen readers use
them), tables with a header row that repeats on each page, each chart an image with alternative text (its
numbers in words) followed by its numbers, the document's title and language set.
"""
import io

from django.conf import settings
from django.utils import timezone
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from partnership import chart_images
from partnership.dates import moment_words

BLACK = RGBColor(0x0B, 0x0C, 0x0C)
TEXT_WIDTH_CM = 16.0


def render(context: dict) -> bytes:
    document = Document()
    _page_and_styles(document, context)
    document.add_paragraph(context["title"], style="Title")
    document.add_paragraph(settings.PARTNERSHIP_NAME, style="Subtitle")
    status = document.add_paragraph()
    status.add_run(context["status_words"]).bold = True
    document.add_paragraph(f"Made on {moment_words(timezone.localtime(context['generated_at']), ' at ')}.")
    charts = 0
    blocks = context["blocks"]
    for n, block in enumerate(blocks):
        following = blocks[n + 1] if n + 1 < len(blocks) else None
        if block.is_heading:
            # A heading never stands alone at the foot of a page: it goes with what follows it.
            document.add_heading(block.text, level=block.level).paragraph_format.keep_with_next = True
        elif block.is_paragraph:
            # A paragraph introducing a table or a chart stays on the page with it.
            document.add_paragraph(block.text).paragraph_format.keep_with_next = bool(
                following and (following.is_table or following.is_chart))
        elif block.is_bullets:
            for item in block.items:
                document.add_paragraph(item, style="List Bullet")
        elif block.is_table:
            _table(document, block)
        elif block.is_chart:
            charts += 1
            _chart(document, block, charts)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _page_and_styles(document, context: dict) -> None:
    section = document.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)  # A4
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(2.5))
    section.top_margin = section.bottom_margin = Cm(2.2)
    core = document.core_properties
    core.title, core.author, core.language = context["title"], settings.PARTNERSHIP_NAME, "en-GB"
    core.subject = "Yearly report of the safeguarding arrangements (Working Together to Safeguard Children 2023)"
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = "Arial", Pt(11)
    rpr = normal.element.get_or_add_rPr()
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "en-GB")
    rpr.append(lang)
    for name, size in (("Title", 24), ("Subtitle", 14), ("Heading 1", 18), ("Heading 2", 14)):
        style = document.styles[name]
        style.font.name, style.font.size, style.font.color.rgb = "Arial", Pt(size), BLACK
    # Word's own Heading styles keep their outline levels; the footer says where the reader is.
    footer = section.footer.paragraphs[0]
    footer.text = f"{context['title']}. {context['status_words']}."
    footer.style.font.size = Pt(9)


def _repeat_header(row) -> None:
    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def _row_whole(row) -> None:
    """A row is never split across two pages."""
    properties = row._tr.get_or_add_trPr()
    whole = OxmlElement("w:cantSplit")
    whole.set(qn("w:val"), "true")
    properties.append(whole)


TABLE_PT, CRAMPED_PT = 10, 9  # the tables' type size; smaller where the words columns would be too narrow
CHAR_CM = 0.022  # a generous average width of a bold character, per point of type size
CELL_PADDING_CM = 0.45  # the cell's own margins, left and right
NUMBER_MIN_CM = 1.6
WORDS_MIN_CM = 4.0  # a words column narrower than this (at the usual size) sets the table in the smaller size
KEEP_TOGETHER_ROWS = 12  # a table this short is kept on one page (a longer one breaks between rows, never in one)
KEEP_TOGETHER_CHARS = 1200  # ... unless its cells hold more text than this (kept whole, it would leave a page empty)
KEEP_WITH_HEADER = 2  # a longer table's first rows stay with its header row


def _number_width(header: str, size: int) -> float:
    """Wide enough for the header's longest word (a hyphen may break a word, nothing else does) and a number."""
    longest = max((len(part) for word in header.split() for part in word.split("-")), default=0)
    return round(max(NUMBER_MIN_CM, longest * CHAR_CM * size + CELL_PADDING_CM), 2)


def _size(block) -> int:
    words = len(block.header) - len(block.numeric)
    numbers = sum(_number_width(block.header[i], TABLE_PT) for i in block.numeric)
    return TABLE_PT if TEXT_WIDTH_CM - numbers >= WORDS_MIN_CM * words else CRAMPED_PT


def _widths(block, size: int = TABLE_PT) -> list[float]:
    """Centimetres per column: a number column as wide as its header's longest word needs (no word broken), the
    words columns sharing the rest by the table's weights (or evenly)."""
    count = len(block.header)
    words = [i for i in range(count) if i not in block.numeric]
    numbers = {i: _number_width(block.header[i], size) for i in block.numeric}
    rest = TEXT_WIDTH_CM - sum(numbers.values())
    weights = list(block.weights) if len(block.weights) == len(words) else [1.0] * len(words)
    shares = dict(zip(words, weights, strict=True))
    return [numbers[i] if i in numbers else rest * shares[i] / sum(shares.values()) for i in range(count)]


def _cell(cell, text: str, *, size: int, right: bool, bold: bool = False, keep: bool = False) -> None:
    paragraph = cell.paragraphs[0]
    run = paragraph.add_run(str(text))
    run.bold, run.font.size = bold, Pt(size)
    if right:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    paragraph.paragraph_format.keep_with_next = keep  # Word keeps a table together through its paragraphs


def _table(document, block) -> None:
    caption = document.add_paragraph(block.caption, style="Caption")
    caption.paragraph_format.keep_with_next = True
    table = document.add_table(rows=1, cols=len(block.header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    table.autofit = False
    short = len(block.rows) <= KEEP_TOGETHER_ROWS and sum(len(c) for r in block.rows for c in r) <= KEEP_TOGETHER_CHARS
    kept = len(block.rows) - 1 if short else KEEP_WITH_HEADER
    size = _size(block)
    header = table.rows[0]
    _repeat_header(header)
    _row_whole(header)
    for i, text in enumerate(block.header):
        _cell(header.cells[i], text, size=size, right=i in block.numeric, bold=True, keep=True)
    for n, values in enumerate(block.rows):
        row = table.add_row()
        _row_whole(row)
        for i, text in enumerate(values):
            _cell(row.cells[i], text, size=size, right=i in block.numeric, keep=n < kept)
    widths = _widths(block, size)
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Cm(width)  # the table's grid: LibreOffice lays the table out from it
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = Cm(width)  # each cell's own width: Word lays the table out from these
    document.add_paragraph()


def _chart(document, block, number: int) -> None:
    image = chart_images.png_from_svg(block.svg)
    if image is None:  # no rasteriser here: the words carry the numbers
        document.add_paragraph(block.alt)
        return
    png, width, _ = image
    document.add_paragraph(block.title, style="Caption").paragraph_format.keep_with_next = True
    shape = document.add_picture(io.BytesIO(png), width=Cm(min(TEXT_WIDTH_CM, width / 96 * 2.54)))
    properties = shape._inline.docPr
    properties.set("descr", block.alt)  # the alternative text Word shows and reads out
    properties.set("title", block.title)
    properties.set("name", f"Chart {number}")
    document.add_paragraph(block.alt)
