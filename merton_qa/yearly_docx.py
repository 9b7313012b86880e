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

BLACK = RGBColor(0x0B, 0x0C, 0x0C)
TEXT_WIDTH_CM = 16.0


def render(context: dict) -> bytes:
    document = Document()
    _page_and_styles(document, context)
    document.add_paragraph(context["title"], style="Title")
    document.add_paragraph(settings.PARTNERSHIP_NAME, style="Subtitle")
    status = document.add_paragraph()
    status.add_run(context["status_words"]).bold = True
    document.add_paragraph(f"Made on {timezone.localtime(context['generated_at']):%-d %B %Y at %H:%M}.")
    charts = 0
    for block in context["blocks"]:
        if block.is_heading:
            document.add_heading(block.text, level=block.level)
        elif block.is_paragraph:
            document.add_paragraph(block.text)
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


def _widths(block) -> list[float]:
    """Centimetres per column: numbers 2.2 cm, words share the rest by the table's weights (or evenly, the first
    column twice as wide when the others are numbers)."""
    count = len(block.header)
    words = [i for i in range(count) if i not in block.numeric]
    number_width = 2.2
    rest = TEXT_WIDTH_CM - number_width * (count - len(words))
    weights = list(block.weights) if len(block.weights) == len(words) else [1.0] * len(words)
    shares = dict(zip(words, weights, strict=True))
    return [number_width if i in block.numeric else rest * shares[i] / sum(shares.values()) for i in range(count)]


def _table(document, block) -> None:
    caption = document.add_paragraph(block.caption, style="Caption")
    caption.paragraph_format.keep_with_next = True
    table = document.add_table(rows=1, cols=len(block.header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    table.autofit = False
    header = table.rows[0]
    _repeat_header(header)
    for i, text in enumerate(block.header):
        cell = header.cells[i]
        run = cell.paragraphs[0].add_run(text)
        run.bold = True
        if i in block.numeric:
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    for values in block.rows:
        row = table.add_row()
        _row_whole(row)
        for i, text in enumerate(values):
            row.cells[i].text = str(text)
            if i in block.numeric:
                row.cells[i].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    widths = _widths(block)
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
