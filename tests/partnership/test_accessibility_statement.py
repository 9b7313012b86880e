"""The accessibility statement says what is true: its list of PDFs and its accepted findings follow the code."""
import datetime
import re
from pathlib import Path

from django.conf import settings

from partnership import accessibility

TEMPLATES = Path(settings.BASE_DIR) / "templates"


def pdf_templates() -> set[str]:
    """Every template that makes a PDF: those that extend pdf/base.html."""
    return {str(path.relative_to(TEMPLATES)) for path in TEMPLATES.rglob("*.html")
            if re.search(r'{%\s*extends\s+"pdf/base.html"\s*%}', path.read_text(encoding="utf-8"))}


def test_the_statement_lists_exactly_the_pdfs_the_service_makes():
    listed = {doc.template for doc in accessibility.PDF_DOCUMENTS}
    assert len(listed) == len(accessibility.PDF_DOCUMENTS), "a PDF is listed twice"
    assert listed | set(accessibility.NOT_OFFERED) == pdf_templates(), (
        "partnership/accessibility.py PDF_DOCUMENTS must name every template that makes a PDF, and no other")


def test_every_known_gap_names_its_criterion_and_a_date_or_why_not(client):
    for gap in accessibility.KNOWN_GAPS:
        assert gap.criterion
        assert gap.fix_by is None or gap.fix_by > accessibility.STATEMENT_REVIEWED
        assert gap.fix_by is not None or "not plan" in gap.what


def test_the_statement_page_shows_every_pdf_gap_and_accepted_finding(client):
    page = client.get("/accessibility/", secure=True).content.decode()
    for doc in accessibility.PDF_DOCUMENTS:
        assert doc.name in page
    for gap in accessibility.KNOWN_GAPS:
        assert gap.criterion in page
        if gap.fix_by:
            assert f"{gap.fix_by:%-d %B %Y}" in page
    for finding in accessibility.ACCEPTED_AXE_FINDINGS:
        assert finding.rule in page
    for check in accessibility.CHECKS:
        assert check.what.replace("'", "&#x27;") in page
    assert "400%" in page and "320 pixels" in page
    assert f"{accessibility.STATEMENT_REVIEWED:%-d %B %Y}" in page


def test_the_statement_was_reviewed_within_a_year():
    assert accessibility.STATEMENT_REVIEWED >= datetime.date.today() - datetime.timedelta(days=365)


def test_every_check_the_statement_names_is_a_test_that_exists():
    for check in accessibility.CHECKS:
        assert (Path(settings.BASE_DIR) / check.test).is_file(), f"{check.test} (named by the statement) is missing"


def test_the_gaps_fixed_are_off_the_statement():
    """The admin's targets and links are restyled (static/css/admin.css, swept by tests/e2e/test_admin_sweep.py), and
    the PDFs' arrows are artifacts (tests/pdf_structure.py): neither is a known gap any more."""
    gaps = " ".join(gap.what for gap in accessibility.KNOWN_GAPS)
    criteria = " ".join(gap.criterion for gap in accessibility.KNOWN_GAPS)
    assert "2.5.8" not in criteria and "1.4.1" not in criteria and "arrows" not in gaps
