"""partnership.pdf_engine: a chart's labels drawn in one run land where WeasyPrint's letter-by-letter code puts them,
anything else still goes letter by letter, and pydyf's page references are the library's own, kept until a page is
added. Real PDFs, read back with pdftotext -bbox."""
import re
import subprocess
import urllib.parse

import pydyf
import pytest
from weasyprint import HTML, svg

from partnership import pdf_engine
from partnership.charts import line_chart

WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>')


def words(pdf: bytes) -> list[tuple[str, float, float, float]]:
    """(word, left, baseline box top, right) of every word in the PDF, in reading order."""
    out = subprocess.run(["pdftotext", "-bbox", "-", "-"], input=pdf, capture_output=True, check=True,
                         timeout=60).stdout.decode()
    return [(m[5], float(m[1]), float(m[2]), float(m[3])) for m in WORD.finditer(out)]


def as_image(svg_markup: str) -> str:
    return (f'<img src="data:image/svg+xml,{urllib.parse.quote(svg_markup)}" width="600" height="200" '
            f'alt="A chart">')


LABELS = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 600 200" width="600" height="200" '
          'font-family="Arial, Helvetica, \'Liberation Sans\', sans-serif" font-size="12" fill="#0b0c0c">'
          '<text x="10" y="20" text-anchor="start">This partnership</text>'
          '<text x="300" y="60" text-anchor="middle">2025-26 Q3</text>'
          '<text x="590" y="100" text-anchor="end" font-weight="bold">Target 20%</text>'
          '<text x="40" y="140" dominant-baseline="central">80%</text>'
          '<text x="0" y="180">At the edge</text>'
          '</svg>')


@pytest.fixture
def letter_by_letter(monkeypatch):
    """Draw with WeasyPrint's own code, for comparison."""
    assert pdf_engine.installed()
    original = svg.TAGS["text"].letter_by_letter
    monkeypatch.setattr(svg, "text", original)
    for tag, function in list(svg.TAGS.items()):
        if getattr(function, "letter_by_letter", None) is original:
            monkeypatch.setitem(svg.TAGS, tag, original)


def render(markup: str) -> bytes:
    page = f"<!doctype html><html lang='en'><head><title>Chart labels</title></head><body>{markup}</body></html>"
    return HTML(string=page).write_pdf(pdf_variant="pdf/ua-1")


def test_it_is_installed_for_the_pinned_versions_and_only_them():
    assert pdf_engine.installed()
    assert svg.TAGS["text"] is svg.text and svg.TAGS["tspan"] is svg.text
    assert hasattr(svg.text, "letter_by_letter")


def test_labels_in_one_run_land_where_weasyprint_put_them_letter_by_letter(request):
    ours = words(render(as_image(LABELS)))
    request.getfixturevalue("letter_by_letter")
    theirs = words(render(as_image(LABELS)))
    assert [w[0] for w in ours] == [w[0] for w in theirs] == [
        "This", "partnership", "2025-26", "Q3", "Target", "20%", "80%", "At", "the", "edge"]
    for (word, left, top, right), (_, their_left, their_top, their_right) in zip(ours, theirs, strict=True):
        # The same start and line; the end within a point (a whole run is kerned, "Ta" most of all).
        assert abs(left - their_left) < 1 and abs(top - their_top) < 0.01, word
        assert abs(right - their_right) < 1, word


def test_a_real_chart_s_labels_are_drawn_in_one_run_each(monkeypatch):
    chart = line_chart(title="Visits on time", description="Quarterly.", labels=["Q1", "Q2", "Q3", "Q4"],
                       values=[60, 70, None, 85], target=80, unit="%", for_print=True)
    markup = str(chart)
    runs, calls = [], []
    one_run = pdf_engine._text_in_one_run
    monkeypatch.setattr(pdf_engine, "_text_in_one_run", lambda *a: runs.append(a[1].text) or one_run(*a))
    monkeypatch.setattr(svg.TAGS["text"], "letter_by_letter", lambda *a: calls.append(a[1].text))
    src = re.search(r'src="data:image/svg\+xml,([^"]+)"', markup)
    labels = re.findall(r"<text[^>]*>([^<]*)</text>", urllib.parse.unquote(src[1]) if src else markup)
    render(markup)
    assert labels and sorted(runs) == sorted(labels)
    assert calls == []


def test_text_that_places_its_letters_still_goes_letter_by_letter(monkeypatch):
    placed = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 100" width="200" height="100" '
              'font-size="12"><text x="10 30 50" y="20">abc</text><text x="10" y="40" dx="2">dx</text>'
              '<text x="10" y="60" rotate="10">turned</text><text x="10" y="80" letter-spacing="3">spaced</text>'
              '<text x="100" y="20">plain <tspan font-weight="bold">bold</tspan></text></svg>')
    calls, original = [], svg.TAGS["text"].letter_by_letter

    def counted(drawing, node, font_size):
        calls.append(node.text)
        return original(drawing, node, font_size)

    monkeypatch.setattr(svg.TAGS["text"], "letter_by_letter", counted)
    text = " ".join(w[0] for w in words(render(as_image(placed))))
    assert sorted(calls) == sorted(["abc", "dx", "turned", "spaced", "plain ", "bold"])
    for word in ("dx", "turned", "spaced", "plain", "bold"):
        assert word in text


def test_page_references_are_pydyf_s_own_and_follow_each_page_added():
    document = pydyf.PDF()
    assert document.page_references == ()
    for count in range(1, 4):
        document.add_page(pydyf.Dictionary({"Type": "/Page"}))
        expected = tuple(f"{number} 0 R".encode("ascii") for number in document.pages["Kids"][::3])
        assert document.page_references == expected and len(expected) == count
    assert document.page_references is document.page_references  # built once, not at each use
