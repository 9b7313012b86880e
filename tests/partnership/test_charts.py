"""SVG charts: valid XML, accessible names, the data drawn, escaping, and no inline styles (CSP)."""
import xml.etree.ElementTree as ET

import pytest

from partnership.charts import (
    bar_chart,
    chart_data_table,
    line_chart,
    line_chart_table,
    print_sparkline,
    rag_cell,
    sparkline,
)

SVG = "{http://www.w3.org/2000/svg}"
LABELS = ["Apr", "May", "Jun", "Jul", "Aug", "Sep"]
VALUES = [72, 75, None, 80, None, 91]


def parse(markup) -> ET.Element:
    # Parses markup the service itself drew in this test, never input from outside.
    return ET.fromstring(str(markup))  # nosec B314


def by_class(root: ET.Element, css_class: str) -> list[ET.Element]:
    return [el for el in root.iter() if css_class in el.get("class", "").split()]


def sample_line_chart(**kwargs):
    args = {"title": "Timeliness", "description": "Monthly percentage", "labels": LABELS,
            "values": VALUES, "unit": "%"}
    return line_chart(**(args | kwargs))


def all_charts():
    return {
        "line": sample_line_chart(target=85, comparators={"London": [70, 71, 72, None, 74, 75]}),
        "sparkline": sparkline(VALUES, title="Timeliness trend"),
        "bar": bar_chart(title="By agency", description="Latest quarter", labels=["Police", "Health"],
                         values=[80, None], unit="%"),
    }


@pytest.mark.parametrize("kind", ["line", "sparkline", "bar"])
def test_chart_is_valid_svg_named_by_its_title_which_carries_its_figures(kind):
    root = parse(all_charts()[kind])

    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("viewBox") and root.get("width") and root.get("height")
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title is not None and title.text
    assert desc is not None and desc.text
    # One name, read once: the title is the whole alternative (the PDF's Figure /Alt is the title alone).
    assert root.get("aria-labelledby") == title.get("id")
    assert title.text.startswith(f"{title.text.split('.')[0]}.") and desc.text in title.text
    expected_figure = {"line": "Apr 72%, May 75%, Jun No data", "sparkline": "Values: 72, 75, No data, 80",
                       "bar": "Police: 80%; Health: No data."}[kind]
    assert expected_figure in title.text


@pytest.mark.parametrize("kind", ["line", "sparkline", "bar"])
def test_chart_has_no_inline_style_for_the_csp(kind):
    root = parse(all_charts()[kind])

    assert all("style" not in el.attrib for el in root.iter())
    assert "style=" not in str(all_charts()[kind])


def test_line_chart_draws_one_marker_per_known_value():
    root = parse(sample_line_chart())

    assert len(by_class(root, "chart-point")) == 4
    # The gaps (None) split the series into separate lines: [72, 75], [80], [91].
    assert len(by_class(root, "chart-line")) == 3


def test_line_chart_draws_a_labelled_dashed_target_only_when_given():
    with_target, without = parse(sample_line_chart(target=85)), parse(sample_line_chart())

    [line] = by_class(with_target, "chart-target")
    assert line.get("stroke-dasharray")
    assert any((el.text or "").startswith("Target") for el in with_target.iter(f"{SVG}text"))
    assert by_class(without, "chart-target") == []


def test_line_chart_y_scale_includes_zero_and_the_target():
    root = parse(sample_line_chart(values=[50, 60, 55, 58, 57, 59], target=95))
    texts = {el.text for el in root.iter(f"{SVG}text")}

    assert "0%" in texts
    assert "100%" in texts  # the top tick is at or above the target


def test_line_chart_comparators_are_dotted_and_in_the_legend():
    root = parse(sample_line_chart(comparators={"England": [60] * 6, "London": [65] * 6}))
    texts = {el.text for el in root.iter(f"{SVG}text")}

    comparators = by_class(root, "chart-comparator-line")
    assert len(comparators) == 2
    assert all(line.get("stroke-dasharray") for line in comparators)
    assert {"England", "London", "This partnership"} <= texts


def test_line_chart_rejects_series_of_the_wrong_length():
    with pytest.raises(ValueError, match="labels"):
        sample_line_chart(comparators={"England": [1, 2]})


def test_line_chart_with_no_data_says_so():
    root = parse(sample_line_chart(values=[None] * 6))

    assert "No data yet" in {el.text for el in root.iter(f"{SVG}text")}
    assert by_class(root, "chart-point") == []


def test_text_is_escaped():
    markup = str(sample_line_chart(title="<script>alert(1)</script>", description="A & B",
                                   labels=["<b>Q1</b>", *LABELS[1:]]))

    assert "<script>" not in markup and "<b>" not in markup
    root = parse(markup)  # still well-formed XML
    assert root.find(f"{SVG}title").text.startswith("<script>alert(1)</script>. A & B <b>Q1</b> ")
    assert root.find(f"{SVG}desc").text == "A & B"


def test_two_charts_on_one_page_have_different_ids():
    first, second = parse(sample_line_chart()), parse(sample_line_chart())
    ids = [el.get("id") for root in (first, second) for el in root.iter() if el.get("id")]

    assert len(ids) == 4
    assert len(set(ids)) == 4


def test_sparkline_describes_first_and_last_values_and_marks_the_last():
    root = parse(sparkline([None, 3, 5, 4, 8], title="Trend", unit="days"))

    assert root.find(f"{SVG}desc").text == "From 3 days to 8 days over 5 periods."
    [last] = by_class(root, "chart-point")
    assert float(last.get("cx")) == max(float(p.split(",")[0]) for p in
                                        by_class(root, "chart-line")[0].get("points").split())


def test_bar_chart_writes_each_value_as_text():
    root = parse(bar_chart(title="By agency", description="d", labels=["Police", "Health", "Schools"],
                           values=[80, 62.5, None], unit="%"))
    texts = {el.text for el in root.iter(f"{SVG}text")}

    assert len(by_class(root, "chart-bar")) == 2
    assert {"Police", "Health", "Schools", "80%", "62.5%", "No data"} <= texts


@pytest.mark.parametrize(("rating", "label", "ink"), [
    ("red", "Red", "#ffffff"), ("amber", "Amber", "#0b0c0c"), ("green", "Green", "#ffffff"),
    ("grey", "Not applicable", "#0b0c0c"), ("na", "Not applicable", "#0b0c0c"),
])
def test_rag_cell_always_shows_its_label_in_a_contrasting_colour(rating, label, ink):
    root = parse(rag_cell(rating))
    text = root.find(f"{SVG}text")

    assert text.text == label
    assert text.get("fill") == ink
    title = root.find(f"{SVG}title")
    assert title.text == label and root.get("aria-labelledby") == title.get("id")
    assert "style=" not in str(rag_cell(rating))


def test_rag_cell_takes_a_custom_label_escaped():
    root = parse(rag_cell("Amber", "Partly <met>"))

    assert root.find(f"{SVG}text").text == "Partly <met>"


def test_rag_cell_rejects_an_unknown_rating():
    with pytest.raises(ValueError, match="Unknown RAG rating"):
        rag_cell("purple")


def test_data_table_holds_the_same_numbers_as_the_chart():
    table = parse(line_chart_table(title="Timeliness", labels=LABELS, values=VALUES, target=85, unit="%",
                                   comparators={"London": [70] * 6}))

    assert table.get("class").startswith("govuk-table")
    assert table.find("caption").text == "Timeliness"
    assert [th.text for th in table.find("thead").iter("th")] == ["Period", "This partnership", "London",
                                                                  "Target"]
    rows = table.find("tbody").findall("tr")
    assert len(rows) == 6
    assert [cell.text for cell in rows[2]] == ["Jun", "No data", "70%", "85%"]


def test_data_table_escapes_text():
    markup = str(chart_data_table(["<i>Q1</i>"], {"<b>": [1]}, caption="<script>"))

    assert "<script>" not in markup and "<b>" not in markup and "<i>" not in markup


# --- For print (the PDFs, issue 21: a lighter board pack) ------------------------------------------------------
def printed(markup) -> tuple[ET.Element, ET.Element]:
    """A chart for print: the HTML <img> (read as XML here) and the SVG of its data URL."""
    from urllib.parse import unquote

    img = parse(str(markup).removesuffix(">") + "/>")
    prefix = "data:image/svg+xml,"
    assert img.tag == "img" and img.get("src").startswith(prefix)
    return img, parse(unquote(img.get("src").removeprefix(prefix)))


def test_print_sparkline_is_one_image_of_one_path_whose_alt_carries_the_figures():
    img, image = printed(print_sparkline(VALUES, title="Timeliness trend", unit="%"))

    assert img.get("class") == "app-sparkline"
    assert img.get("alt") == ("Timeliness trend. From 72% to 91% over 6 periods. "
                              "Values: 72%, 75%, No data, 80%, No data, 91%.")
    assert [el.tag for el in image.iter()] == [f"{SVG}svg", f"{SVG}path"]
    path = image.find(f"{SVG}path").get("d")
    # The runs [72, 75], [80] (a lone value: a dot) and [91], then the ring on the latest value.
    assert path.count("M") == 4 and "h0.1" in path and path.count(" a") == 2


def test_print_sparkline_without_figures_says_so():
    img, image = printed(print_sparkline([None, None], title="Timeliness trend"))

    assert img.get("alt") == "Timeliness trend. No data yet." and list(image) == []


def test_line_chart_for_print_is_one_image_without_point_markers_or_tooltips_and_keeps_its_figures():
    comparators = {"London": [70, 71, 72, None, 74, 75]}
    web = parse(sample_line_chart(target=85, comparators=comparators))
    img, image = printed(sample_line_chart(target=85, comparators=comparators, for_print=True))

    assert img.get("class") == "app-chart" and img.get("alt") == web.find(f"{SVG}title").text
    assert "Apr 72%, May 75%, Jun No data" in img.get("alt")
    assert image.find(f"{SVG}title") is None and image.find(f"{SVG}desc") is None  # alt says it all
    # A marker only where a value has no neighbour to join ([80] and [91] in this series), so they still show.
    assert len(by_class(image, "chart-point")) == 2
    # Each series one path, broken at its gaps (the web chart: a polyline per run, a marker per value).
    assert [el.tag for el in by_class(image, "chart-line")] == [f"{SVG}path"]
    assert len(list(image.iter())) < len(list(web.iter())) * 0.7
    assert [t.text for t in image.iter(f"{SVG}text")] == [t.text for t in web.iter(f"{SVG}text")]


def test_bar_chart_for_print_is_one_image_with_no_tooltip_per_bar():
    img, image = printed(bar_chart(title="By agency", description="Latest quarter", labels=["Police", "Health"],
                                   values=[80, 70], unit="%", for_print=True))

    assert "Police: 80%; Health: 70%." in img.get("alt")
    assert image.find(f"{SVG}title") is None
    assert len(by_class(image, "chart-bar")) == 2
