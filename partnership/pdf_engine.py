"""Two pieces of WeasyPrint 70 / pydyf 0.13 that cost the board pack's PDF a sixth of its CPU, done once instead.

Installed by `partnership.apps` when (and only when) the pinned versions are the ones below; any other version
keeps the library's own code untouched (`installed()` says which).

1. **SVG text in one run.** WeasyPrint lays out and draws an SVG `<text>` one letter at a time, so that each letter
   can take its own `x`, `y`, `dx`, `dy` or `rotate`, or the spacing `letter-spacing` and `textLength` ask for. Our
   charts (`partnership.charts`) give a label one `x` and one `y` and nothing else: the pack's 110 charts have
   1,219 labels of 7,762 letters, and each letter was a Pango layout of its own. A label with none of those
   attributes is now laid out and drawn as the one line WeasyPrint had already laid out to measure it: the same
   place, the same bounding box (so `text-anchor` moves it as before), and the font's kerning kept. Any other
   `<text>`, `<tspan>` or `<textPath>` goes to WeasyPrint's own code.
2. **Page references built once.** A tagged PDF (PDF/UA-1) names the page of every tagged element, and pydyf's
   `PDF.page_references` builds the tuple of every page's reference again at each use: 15,000 times for the
   pack, quadratic in pages. It is now kept until a page is added (pages are only ever appended).
"""
from math import inf

PINNED = {"weasyprint": "70.0", "pydyf": "0.13.0"}
_installed = False

_ONE_RUN_REFUSES = ("dx", "dy", "rotate", "letter-spacing", "textLength")


def installed() -> bool:
    return _installed


def install() -> bool:
    """Install both, once, if the libraries are the pinned versions; True when they are in place."""
    global _installed
    if _installed:
        return True
    import pydyf
    import weasyprint
    from weasyprint import svg

    if weasyprint.__version__ != PINNED["weasyprint"] or pydyf.__version__ != PINNED["pydyf"]:
        return False
    letter_by_letter = svg.TAGS["text"]

    def text(svg_drawing, node, font_size):
        if not _one_run(node):
            return text.letter_by_letter(svg_drawing, node, font_size)
        return _text_in_one_run(svg_drawing, node, font_size)

    text.letter_by_letter = letter_by_letter
    # The package's own name `text` too: its `draw_node` knows a text element by `TAGS[tag] == text`.
    svg.text = text
    for tag, function in list(svg.TAGS.items()):
        if function is letter_by_letter:
            svg.TAGS[tag] = text
    pydyf.PDF.page_references = property(_page_references)
    _installed = True
    return True


def _one_run(node) -> bool:
    """A `<text>` element of text alone (no `<tspan>` in it) that asks nothing of its letters one by one: at most
    one x and one y."""
    if node.tag != "text" or not node.text or len(node._etree_node) or any(
            name in node.attrib for name in _ONE_RUN_REFUSES):
        return False
    return all(len(node.attrib.get(name, "").replace(",", " ").split()) <= 1 for name in ("x", "y"))


def _page_references(pdf):
    kids = pdf.pages["Kids"]
    cached = pdf.__dict__.get("_page_references_of")
    if cached is None or cached[0] != len(kids):
        cached = (len(kids), tuple(f"{number} 0 R".encode("ascii") for number in kids[::3]))
        pdf.__dict__["_page_references_of"] = cached
    return cached[1]


def _text_in_one_run(svg_drawing, node, font_size):
    """WeasyPrint 70's `svg.text.text` for a label of one run: its code, with the loop over letters taken out."""
    from weasyprint.css.properties import INITIAL_VALUES
    from weasyprint.draw.text import draw_emojis, draw_first_line
    from weasyprint.matrix import Matrix
    from weasyprint.svg.bounding_box import extend_bounding_box
    from weasyprint.svg.text import Style, TextBox
    from weasyprint.svg.utils import normalize, size
    from weasyprint.text.line_break import split_first_line

    style = Style()
    style.update(INITIAL_VALUES)
    style.font_config = svg_drawing.font_config
    style["font_family"] = [font.strip("\"'") for font in node.get("font-family", "sans-serif").split(",")]
    style["font_style"] = node.get("font-style", "normal")
    style["font_size"] = font_size
    if node.get("direction") in ("ltr", "rtl"):
        style["direction"] = node.get("direction")
    style["font_weight"] = _font_weight(node.get("font-weight", 400))

    layout, _, _, width, height, baseline = split_first_line(node.text, style, svg_drawing.context, inf, 0)
    x = y = None
    if "x" in node.attrib:
        x = size(normalize(node.attrib["x"]).strip(), font_size, svg_drawing.inner_width)
    if "y" in node.attrib:
        y = size(normalize(node.attrib["y"]).strip(), font_size, svg_drawing.inner_height)
    y_align = _y_align(node, font_size, height)

    if x:  # as WeasyPrint's loop: a zero x does not reset the running offset either
        svg_drawing.cursor_d_position[0] = 0
    if y:
        svg_drawing.cursor_d_position[1] = 0
    x = svg_drawing.cursor_position[0] if x is None else x
    y = svg_drawing.cursor_position[1] if y is None else y
    svg_drawing.cursor_position = x + width, y
    x_position = x + svg_drawing.cursor_d_position[0]
    y_position = y + svg_drawing.cursor_d_position[1] + y_align
    node.text_bounding_box = extend_bounding_box(
        node.text_bounding_box,
        ((x_position, y_position - baseline), (x_position + width, y_position - baseline + height)))

    svg_drawing.stream.push_state()
    fill, stroke = svg_drawing.set_graphical_state(node, font_size)
    svg_drawing.stream.begin_text()
    layout.reactivate(style)
    svg_drawing.fill_stroke(fill, stroke, text=True)
    text_box = TextBox(layout, style)
    text_box.baseline = baseline
    emojis = draw_first_line(
        svg_drawing.stream, text_box, "none", "none", Matrix(a=1, d=-1, e=x_position, f=y_position))
    svg_drawing.stream.end_text()
    svg_drawing.stream.pop_state()
    draw_emojis(svg_drawing.stream, style, x, y, emojis)


def _font_weight(value):
    if value == "normal":
        return 400
    if value == "bold":
        return 700
    try:
        return int(value)
    except ValueError:
        return 400


def _y_align(node, font_size, height) -> float:
    """WeasyPrint 70's vertical alignment of an SVG text box (its own approximations kept)."""
    ascent, descent = font_size * .8, font_size * .2
    display_anchor = node.get("display-anchor")
    baseline = node.get("dominant-baseline", node.get("alignment-baseline"))
    if display_anchor == "middle":
        return -height / 2
    if display_anchor == "top":
        return 0
    if display_anchor == "bottom":
        return -height
    if baseline in ("central", "middle"):
        return (ascent + descent) / 2 - descent
    if baseline in ("text-before-edge", "before_edge", "top", "hanging", "text-top"):
        return ascent
    if baseline in ("text-after-edge", "after_edge", "bottom", "text-bottom"):
        return -descent
    return 0
