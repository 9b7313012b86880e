"""The yearly report's Word document: it opens with python-docx, holds every required heading in Word's real heading
styles, tables with a repeating header row, charts as images with alternative text, and LibreOffice converts it."""
import datetime
import io
import shutil
import subprocess

import docx
import pytest
from django.utils import timezone
from docx.oxml.ns import qn

from merton_qa import yearly_report
from partnership import chart_images
from partnership.dates import Quarter, ReportPeriod
from partnership.models import Feedback, Priority
from partnership.services import yearly_reports
from tests.reports.test_yearly_report import TEXTS, make_year

pytestmark = pytest.mark.django_db
REQUIRED = [
    "What the partnership did",
    "Child safeguarding practice reviews",
    "Decisions and actions on local recommendations",
    "Decisions and actions on national reviews' recommendations",
    "Improvements that resulted",
    "Evidence of impact on children and families",
    "Where there is little or no evidence of progress on our priorities",
    "How feedback from children, families and practitioners was sought and used",
    "What relevant agencies contributed",
    "The independent scrutineer's assessment",
    "Priorities for the year ahead",
    "Approval by the safeguarding partners",
]


@pytest.fixture(scope="module")
def word(django_db_setup, django_db_blocker, tmp_path_factory):
    """A year with figures in every quarter, a written report and feedback, made once for the module."""
    from django.db import transaction

    from tests.factories import UserFactory

    folder = tmp_path_factory.mktemp("yearly-docx")
    year = Quarter.containing(timezone.localdate()).financial_year - 1
    with django_db_blocker.unblock(), transaction.atomic():
        from partnership.models import Role

        manager = UserFactory(roles=[Role.BUSINESS_UNIT])
        make_year(year)
        Priority.objects.create(code="neglect", title="Neglect", start_date=datetime.date(year, 4, 1))
        Feedback.objects.create(source=Feedback.Source.CHILDREN, heard_on=datetime.date(year, 7, 1),
                                heard="Young people wanted one worker.", changed="Workers now stay with the child.",
                                recorded_by=manager)
        report = yearly_reports.report_start(start=datetime.date(year, 4, 1), by=manager)
        yearly_reports.report_edit(report=report, expected_version=report.version, by=manager, **TEXTS)
        content = yearly_report.render_docx_for(ReportPeriod.for_financial_year(year), report=report)
        transaction.set_rollback(True)
    path = folder / "report.docx"
    path.write_bytes(content)
    return path


def test_it_opens_with_every_required_heading_in_real_heading_styles(word):
    document = docx.Document(str(word))
    headings = {p.text: p.style.name for p in document.paragraphs if p.style.name.startswith(("Heading", "Title"))}
    for heading in REQUIRED:
        assert heading in headings, heading
        assert headings[heading] in ("Heading 1", "Heading 2")
    assert headings["What the partnership did"] == "Heading 1"
    assert headings["Improvements that resulted"] == "Heading 2"
    assert document.core_properties.title.startswith("Yearly report of the safeguarding partnership")
    text = "\n".join(p.text for p in document.paragraphs)
    assert "The arrangements work." in text and "Impact is less clear." in text
    assert "Little or no evidence of progress on Neglect" in text
    assert "notified the national Panel of 8 incidents" in text
    assert "YR-" not in text  # no case reference


def test_tables_have_a_repeating_header_row_and_charts_have_alternative_text(word):
    document = docx.Document(str(word))
    assert len(document.tables) >= 5
    for table in document.tables:
        properties = table.rows[0]._tr.trPr
        assert properties is not None and properties.find(qn("w:tblHeader")) is not None
        assert all(run.bold for run in table.rows[0].cells[0].paragraphs[0].runs)
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    assert "Workers now stay with the child." in cells
    if not chart_images.available():
        pytest.skip("pdftoppm is not installed: charts are written as words")
    shapes = document.inline_shapes
    assert len(shapes) >= 1
    for shape in shapes:
        description = shape._inline.docPr.get("descr")
        assert description and description.startswith("Bar chart of")


def test_the_layout_keeps_headings_with_their_text_and_breaks_no_word_or_row(word):
    """Headings and a paragraph introducing a table go with what follows; a number column is as wide as its
    header's longest word needs at the table's type size (so "Notifications" is never "Notificati/ons"); no row
    splits across pages, and a short table (the approvals) is kept on one page."""
    from docx.shared import Cm

    from merton_qa import yearly_docx

    document = docx.Document(str(word))
    body = list(document.element.body.iterchildren())
    for n, element in enumerate(body):
        if element.tag != qn("w:p"):
            continue
        paragraph = docx.text.paragraph.Paragraph(element, document)
        introduces = paragraph.text and n + 2 < len(body) and body[n + 2].tag == qn("w:tbl")
        if paragraph.style.name.startswith("Heading") or introduces:
            assert paragraph.paragraph_format.keep_with_next, paragraph.text
    checked = 0
    for table in document.tables:
        for row in table.rows:
            assert row._tr.trPr.find(qn("w:cantSplit")) is not None
        for cell in table.rows[0].cells:
            text = cell.text
            if cell.paragraphs[0].alignment != docx.enum.text.WD_ALIGN_PARAGRAPH.RIGHT:
                continue  # a words column
            size = cell.paragraphs[0].runs[0].font.size.pt
            longest = max(len(part) for word in text.split() for part in word.split("-"))
            assert cell.width >= Cm(longest * yearly_docx.CHAR_CM * size + yearly_docx.CELL_PADDING_CM) - Cm(0.01), text
            checked += 1
    assert checked >= 10
    approval = [t for t in document.tables if t.rows[0].cells[0].text == "Partner"][0]
    for row in approval.rows[:-1]:
        assert all(p.paragraph_format.keep_with_next for c in row.cells for p in c.paragraphs)


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_converts_it(word, tmp_path):
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/profile", "--convert-to",
                    "pdf", "--outdir", str(tmp_path), str(word)], check=True, capture_output=True, timeout=180)
    pdf = tmp_path / "report.pdf"
    assert pdf.exists()
    text = subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    for heading in REQUIRED:
        assert " ".join(heading.split()) in " ".join(text.split()), heading


def test_a_chart_becomes_a_png_of_its_own_size():
    from partnership import charts

    if not chart_images.available():
        pytest.skip("pdftoppm is not installed")
    svg = charts.bar_chart(title="T", description="D", labels=["A", "B"], values=[1, 2])
    png, width, height = chart_images.png_from_svg(str(svg))
    assert png.startswith(b"\x89PNG") and width == 640
    from PIL import Image

    image = Image.open(io.BytesIO(png))
    assert image.size[0] == round(640 / 96 * chart_images.RESOLUTION)
