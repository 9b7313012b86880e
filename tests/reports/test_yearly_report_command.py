"""manage.py yearly_report --year 2025-26 --output report.docx (or .pdf): everything checked before rendering."""
import docx
import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from merton_qa import yearly_report
from partnership.dates import Quarter

pytestmark = pytest.mark.django_db


def _year(first: int) -> str:
    return f"{first}-{(first + 1) % 100:02d}"


@pytest.fixture
def never_rendered(monkeypatch):
    def never(*args, **kwargs):
        raise AssertionError("rendered before the arguments were checked")

    monkeypatch.setattr(yearly_report, "render_docx_for", never)
    monkeypatch.setattr(yearly_report, "render_pdf_for", never)


@pytest.mark.parametrize("year, name, message", [
    ("2025", "report.docx", "not a financial year"),
    ("2025-27", "report.docx", "2025-26 follows 2025"),
    ("next", "report.pdf", "not a financial year"),
    (None, "report.docx", "has not started yet"),
    ("2024-25", "report.txt", "must end in .docx"),
    ("2024-25", "missing-folder/report.pdf", "There is no folder"),
])
def test_bad_arguments_are_refused_before_anything_is_made(never_rendered, tmp_path, year, name, message):
    year = year or _year(Quarter.containing(timezone.localdate()).financial_year + 1)
    with pytest.raises(CommandError, match=message):
        call_command("yearly_report", year=year, output=str(tmp_path / name))
    assert not list(tmp_path.iterdir())


def test_it_writes_the_word_document_and_the_pdf(tmp_path, capsys):
    year = _year(Quarter.containing(timezone.localdate()).financial_year - 1)
    call_command("yearly_report", year=year, output=str(tmp_path / "report.docx"))
    document = docx.Document(str(tmp_path / "report.docx"))
    assert document.paragraphs[0].text == f"Yearly report of the safeguarding partnership, {year}"
    call_command("yearly_report", year=year, output=str(tmp_path / "report.PDF"))
    assert (tmp_path / "report.PDF").read_bytes().startswith(b"%PDF")
    out = capsys.readouterr().out
    assert "as Word to" in out and "as PDF to" in out


def test_a_published_year_writes_the_stored_pdf_and_says_so(tmp_path, capsys, monkeypatch):
    """The published report is the frozen PDF: the command writes it, not a fresh rendering; the Word document is
    made afresh and says so."""
    import datetime

    from partnership.models import YearlyReport

    first = Quarter.containing(timezone.localdate()).financial_year - 1
    stored = b"%PDF-1.7 the report as the partners published it"
    YearlyReport.objects.create(start=Quarter(first, 1).start, end=Quarter(first, 4).end, label=_year(first),
                                status=YearlyReport.Status.PUBLISHED, pdf=stored, sha256="abc123",
                                as_at=timezone.make_aware(datetime.datetime(first + 1, 3, 31, 23, 59)))

    def never(*args, **kwargs):
        raise AssertionError("a published report's PDF was made again")

    monkeypatch.setattr(yearly_report, "render_pdf_for", never)
    call_command("yearly_report", year=_year(first), output=str(tmp_path / "report.pdf"))
    assert (tmp_path / "report.pdf").read_bytes() == stored
    out = capsys.readouterr().out
    assert "the PDF stored when it was published" in out and "not made again" in out and "abc123" in out
    call_command("yearly_report", year=_year(first), output=str(tmp_path / "report.docx"))
    assert "made afresh from the records" in capsys.readouterr().out
