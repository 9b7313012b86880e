"""The PDF structure check itself (tests/pdf_structure.py), on PDFs made to fail each rule, and on the product's."""
import pytest
from weasyprint import HTML

from partnership.pdf import sample_pdf
from tests.pdf_structure import problems


def pdf_of(body: str, *, lang="en-GB", title="A report") -> bytes:
    head = f"<title>{title}</title>" if title else ""
    html = f'<html lang="{lang}"><head>{head}</head><body>{body}</body></html>'
    return HTML(string=html).write_pdf(pdf_variant="pdf/ua-1")


@pytest.fixture(autouse=True)
def _made_to_fail(request):
    """These PDFs are broken on purpose: keep conftest's every-PDF check out of this module."""
    import tests.conftest as shared

    yield
    shared._PDF_PROBLEMS.clear()


def test_the_sample_report_passes():
    assert problems(sample_pdf()) == []


def test_an_untagged_pdf_is_refused():
    assert problems(HTML(string="<p>x</p>").write_pdf()) == [
        "not tagged: no /MarkInfo /Marked true or no structure tree"]


def test_a_pdf_without_a_title_is_refused():
    assert "no document title" in problems(pdf_of("<p>Hello</p>", title=""))


CHART = ('<svg xmlns="http://www.w3.org/2000/svg" role="img" width="200" height="50">'
         '<title>{}</title><rect width="10" height="10"/></svg>')


def test_a_chart_named_by_its_title_alone_is_refused():
    found = problems(pdf_of(CHART.format("Initial health assessments on time")))
    assert found == ["a chart whose alternative text has no figures and no data table after it: "
                     "'Initial health assessments on time'"]


def test_a_chart_that_carries_its_figures_or_is_followed_by_its_table_passes():
    assert problems(pdf_of(CHART.format("Initial health assessments on time. Apr 72%, May 75%."))) == []
    table = "<table><tr><th>Month</th><th>Value</th></tr><tr><td>Apr</td><td>72%</td></tr></table>"
    assert problems(pdf_of(CHART.format("Initial health assessments on time") + table)) == []


def test_a_rating_figure_of_one_word_passes():
    assert problems(pdf_of(CHART.format("Amber"))) == []


def test_a_table_without_a_header_row_is_refused():
    body = "<table><tr><td>Police</td><td>3</td></tr></table>"
    assert "a Table whose first row has no header cell" in " ".join(problems(pdf_of(body)))


def test_a_long_table_split_across_pages_repeats_its_header():
    rows = "".join(f"<tr><td>Agency {i}</td><td>{i}</td></tr>" for i in range(120))
    body = f"<table><caption>Returns</caption><thead><tr><th>Agency</th><th>Returns</th></tr></thead>{rows}</table>"
    assert problems(pdf_of(body)) == []


def test_a_definition_list_laid_out_as_a_table_is_refused():
    body = ('<dl style="display: table"><div style="display: table-row"><dt style="display: table-cell">Name'
            '</dt><dd style="display: table-cell">Value</dd></div></dl>')
    assert problems(pdf_of(body)) == ["a list that holds only lists (a definition list tagged as nested lists)"]


def test_every_pdf_the_code_writes_is_a_tagged_document():
    """Every write_pdf in the service's code asks for PDF/UA-1 (so conftest's check reads it), but the chart images'
    intermediate page, which becomes a PNG and is never a document."""
    import re
    from pathlib import Path

    from django.conf import settings

    root = Path(settings.BASE_DIR)
    calls = {}
    for path in root.rglob("*.py"):
        relative = path.relative_to(root)
        if relative.parts[0] in {".venv", "tests", "node_modules"} or relative.parts[0].startswith(".venv"):
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            if ".write_pdf(" in line:
                calls.setdefault(str(relative), []).append(line.strip())
    untagged = {path: lines for path, lines in calls.items() if path != "partnership/chart_images.py"
                and any(not re.search(r"pdf_variant=\"pdf/ua-1\"", line) for line in lines)}
    assert calls and not untagged, f"write_pdf without pdf_variant=\"pdf/ua-1\": {untagged}"


def test_a_decorative_glyph_read_aloud_is_refused():
    """WeasyPrint tags every glyph of text as content (aria-hidden means nothing to it): the direction arrow beside
    'Worse' is read as 'black down-pointing triangle', and a bullet typed outside a list as 'bullet'."""
    found = " ".join(problems(pdf_of('<p><span aria-hidden="true">▼</span> Falling, worse</p><p>Police • Health</p>')))
    assert "decorative glyphs ▼ are read aloud" in found
    assert "decorative glyphs • are read aloud" in found


def test_the_house_pdf_styles_draw_the_direction_arrows_as_artifacts_and_bullets_of_lists_pass():
    """The direction arrow is an empty box drawn with borders (performance.scorecard.direction_tag), which WeasyPrint
    draws as an artifact: no glyph is read, the words beside it say the movement and the judgement."""
    from django.conf import settings

    from performance import rules
    from performance.scorecard import direction_tag

    css = (settings.BASE_DIR / "static" / "css" / "pdf.css").read_text(encoding="utf-8")
    arrows = "".join(f"<p>{direction_tag(d)}</p>" for d in (rules.RISING_BETTER, rules.FALLING_WORSE, rules.SAME,
                                                              rules.RISING))
    assert problems(pdf_of(f"<style>{css}</style>{arrows}<ul><li>A list's own bullet</li></ul>")) == []
