"""PDF rendering: A4, tagged, titled, paginated, with static files read from disk and nothing else."""
import subprocess

import pytest
from django.conf import settings

from partnership.pdf import INTERNAL_BASE_URL, RefusedURL, StaticFileFetcher, pdf_response, sample_pdf


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    """templates/pdf/sample.html rendered once (a few seconds) and written to a file for poppler."""
    path = tmp_path_factory.mktemp("pdf") / "sample.pdf"
    path.write_bytes(sample_pdf())
    return path


def poppler(*args) -> str:
    return subprocess.run(args, check=True, capture_output=True, text=True, timeout=60).stdout


def test_sample_pdf_has_the_heading_running_header_and_page_numbers(sample):
    text = poppler("pdftotext", str(sample), "-")

    assert "Sample report" in text
    assert settings.PARTNERSHIP_NAME in text  # running header
    assert "Page 1 of" in text
    assert "A-080" in text  # the long table is complete
    assert "Initial health assessments within 20 working days" in text  # chart text is real text


def test_long_table_repeats_its_header_on_each_page(sample):
    pages = poppler("pdftotext", str(sample), "-").split("\f")
    table_pages = [page for page in pages if "A-0" in page]

    assert len(table_pages) > 1
    assert all("Reference" in page for page in table_pages)


def test_sample_pdf_is_a4_tagged_and_titled(sample):
    info = poppler("pdfinfo", str(sample))

    assert f"Title:           Sample report – {settings.PARTNERSHIP_NAME}" in info
    assert "Tagged:          yes" in info
    assert "(A4)" in info


def test_fetcher_reads_static_files_from_disk():
    fetcher = StaticFileFetcher()

    response = fetcher.fetch(INTERNAL_BASE_URL + "static/css/pdf.css")

    assert response.content_type == "text/css"
    assert b"@page" in response.read()


def test_fetcher_accepts_the_requests_own_host():
    response = StaticFileFetcher("https://qa.example.org/").fetch("https://qa.example.org/static/css/pdf.css")

    assert b"@page" in response.read()


@pytest.mark.parametrize("url", [
    "http://example.com/x.css",
    "https://example.com/static/css/pdf.css",
    "file:///etc/passwd",
    "ftp://example.com/x.css",
    INTERNAL_BASE_URL + "media/secret.pdf",
    INTERNAL_BASE_URL + "static/../merton_qa/settings.py",
    INTERNAL_BASE_URL + "static/%2e%2e/%2e%2e/etc/passwd",
])
def test_fetcher_refuses_anything_but_our_static_files(url):
    with pytest.raises(RefusedURL):
        StaticFileFetcher().fetch(url)


def test_fetcher_reports_a_missing_static_file():
    with pytest.raises(FileNotFoundError):
        StaticFileFetcher().fetch(INTERNAL_BASE_URL + "static/css/no-such-file.css")


def test_pdf_response_is_an_attachment():
    response = pdf_response(b"%PDF-1.7", "Board report Q1.pdf")

    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "Board report Q1.pdf" in response["Content-Disposition"]
    assert response.content == b"%PDF-1.7"


def test_a_pdf_made_for_a_dated_record_says_when_it_was_made_then(tmp_path):
    """A PDF made inside `history.dated` (a seeded pack or yearly report, published months ago) says it was
    generated at that moment, not on the day the demo was loaded."""
    import datetime

    from django.utils import timezone

    from partnership import history

    moment = timezone.make_aware(datetime.datetime(2025, 5, 30, 9, 30))
    with history.dated(moment):
        path = tmp_path / "dated.pdf"
        path.write_bytes(sample_pdf())
    assert "Generated 30 May 2025, 09:30" in poppler("pdftotext", str(path), "-")
