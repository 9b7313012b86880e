"""Server-side SVG charts: hand-written markup whose text stays real text.

Every chart has a <title> and <desc> (linked by aria-labelledby, ids unique per call) and a data
table alternative (`chart_data_table`, `line_chart_table`). Colours and fonts are SVG presentation
attributes, never inline styles, so the markup passes the site's CSP and renders the same on a page
and in a WeasyPrint PDF. All text is escaped here: titles may hold user input.
"""
import math
import uuid
from collections.abc import Sequence
from itertools import groupby
from urllib.parse import quote

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

BLACK, GREY, MID_GREY, LIGHT_GREY = "#0b0c0c", "#505a5f", "#b1b4b6", "#f3f2f1"
BLUE, RED, YELLOW, GREEN = "#1d70b8", "#d4351c", "#ffdd00", "#00703c"
# Comparator lines: colour and dash pattern both differ, so colour never carries meaning alone.
COMPARATOR_STYLES = [(GREY, "2 3"), ("#4c2c92", "7 3 2 3"), ("#d53880", "1 3"), (GREEN, "9 4")]
TARGET_DASH = "6 4"
FONT = "Arial, Helvetica, 'Liberation Sans', sans-serif"
FONT_SIZE = 12

Number = float | int | None
Series = Sequence[Number]


def fmt(value: Number, unit: str = "") -> str:
    """'85%', '12 days', '1,250', or 'No data' for None."""
    if value is None:
        return "No data"
    number = f"{round(value, 1):,.1f}".removesuffix(".0")
    if not unit:
        return number
    return f"{number}{unit}" if unit == "%" else f"{number} {unit}"


def _w(text: str, size: float = FONT_SIZE) -> float:
    """Rough rendered width of Arial text (there are no font metrics on the server)."""
    return len(text) * size * 0.56


def _n(x: float) -> str:
    return f"{x:.1f}".removesuffix(".0")


def _nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values covering [low, high]; callers include 0 and the target in the range."""
    if high == low:
        high = low + 1
    raw = (high - low) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    ticks = [math.floor(low / step) * step]
    while ticks[-1] < high - step * 1e-9 or len(ticks) < 2:
        ticks.append(round(ticks[-1] + step, 10))
    return ticks


def alternative(title: str, description: str, figures: str = "") -> str:
    """A chart's whole text alternative: its name, what it shows, and its figures.

    It is the SVG's <title>, which names the image on the page and which WeasyPrint's tagged PDF takes as the
    Figure's alternative text: a reader of the PDF, where the page's data table may not follow, hears the
    figures too (accessibility issue: the PDFs' chart alternatives were the title alone)."""
    parts = [title.strip().rstrip(".") + "."]
    parts += [text.strip() for text in (description, figures) if text and text.strip()]
    return " ".join(parts)


def figures_text(labels: Sequence[str], values: Series, unit: str = "", name: str = "") -> str:
    """ "This partnership: Apr 72%, May No data, Jun 75%." (every value, gaps named)."""
    pairs = ", ".join(f"{label} {fmt(v, unit)}" for label, v in zip(labels, values, strict=True))
    return f"{name}: {pairs}." if name else f"{pairs}."


def _svg(body: list[str], *, title: str, description: str, width: int, height: int,
         css_class: str = "app-chart", figures: str = "", for_print: bool = False) -> SafeString:
    if for_print:
        return _image(f' font-family="{FONT}" font-size="{FONT_SIZE}" fill="{BLACK}">' + "".join(body),
                      alt=alternative(title, description, figures), width=width, height=height, css_class=css_class)
    chart_id = f"chart-{uuid.uuid4().hex[:12]}"
    # Every text value is escaped, here and in the markup the callers pass in. The <title> is the whole text
    # alternative (`alternative`); the <desc> repeats what the chart shows for SVG tools, and is not read twice.
    return mark_safe(  # nosec B308, B703
        f'<svg xmlns="http://www.w3.org/2000/svg" class="{css_class}" role="img"'
        f' aria-labelledby="{chart_id}-title" viewBox="0 0 {width} {height}"'
        f' width="{width}" height="{height}" font-family="{FONT}" font-size="{FONT_SIZE}" fill="{BLACK}">'
        f'<title id="{chart_id}-title">{escape(alternative(title, description, figures))}</title>'
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>' + "".join(body) + "</svg>"
    )


def _image(inside: str, *, alt: str, width: int, height: int, css_class: str) -> SafeString:
    """A chart for print (the PDFs): one <img> of the SVG as a data URL, its whole text alternative in `alt`.

    The PDF is the same as with the SVG inline (WeasyPrint draws both as an image, its text as text, and tags a
    Figure whose Alt is the alternative), but the page holds one element per chart instead of one per line, mark
    and label for the PDF engine to style (issue 21: a lighter board pack). `inside` is the <svg> tag's remaining
    attributes and its content, already escaped."""
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}"'
           f' height="{height}"{inside}</svg>')
    # Safe to mark: the image is percent-encoded (no quote or angle bracket is left) and the alternative escaped.
    return mark_safe(  # nosec B308, B703
        f'<img class="{css_class}" src="data:image/svg+xml,{quote(svg, safe="=:/,.")}" width="{width}"'
        f' height="{height}" alt="{escape(alt)}">'
    )


def _text(x: float, y: float, text: str, *, anchor: str = "start", fill: str = BLACK,
          bold: bool = False) -> str:
    weight = ' font-weight="bold"' if bold else ""
    return (f'<text x="{_n(x)}" y="{_n(y)}" text-anchor="{anchor}" fill="{fill}"{weight}>'
            f"{escape(text)}</text>")


def _hline(x1: float, x2: float, y: float, colour: str, width: float = 1, dash: str = "",
           css_class: str = "") -> str:
    extra = (f' stroke-dasharray="{dash}"' if dash else "") + (f' class="{css_class}"' if css_class else "")
    return (f'<line x1="{_n(x1)}" y1="{_n(y)}" x2="{_n(x2)}" y2="{_n(y)}" stroke="{colour}"'
            f' stroke-width="{width}"{extra}/>')


def _lines_and_points(points: list[tuple[float, float] | None], tips: list[str], colour: str, *,
                      line_width: float, radius: float, dash: str = "", css_class: str,
                      isolated_only: bool = False, tooltips: bool = True) -> list[str]:
    """Polylines broken at None (gaps show as gaps), then a marker with a tooltip per known value
    (or, with `isolated_only`, only where a value has no neighbour and so no line). Without `tooltips` (print):
    one path for the whole series and no tooltip."""
    dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
    parts = []
    if not tooltips and any(points):  # print: the whole series one path, broken at the gaps
        parts.append(f'<path class="{css_class}-line" d="{_path(points)}" fill="none" stroke="{colour}"'
                     f' stroke-width="{line_width}" stroke-linejoin="round" stroke-linecap="round"{dash_attr}/>')
    for is_gap, run in groupby(points if tooltips else [], key=lambda p: p is None):
        if not is_gap:
            coords = " ".join(f"{_n(x)},{_n(y)}" for x, y in run)
            parts.append(f'<polyline class="{css_class}-line" points="{coords}" fill="none"'
                         f' stroke="{colour}" stroke-width="{line_width}" stroke-linejoin="round"'
                         f' stroke-linecap="round"{dash_attr}/>')
    padded = [None, *points, None]
    for i, (point, tip) in enumerate(zip(points, tips, strict=True)):
        if point is None or not radius or (isolated_only and (padded[i] or padded[i + 2])):
            continue
        tooltip = f"<title>{escape(tip)}</title>" if tip and tooltips else ""
        parts.append(f'<circle class="{css_class}-point" cx="{_n(point[0])}" cy="{_n(point[1])}"'
                     f' r="{radius}" fill="{colour}" stroke="#ffffff" stroke-width="1">{tooltip}</circle>')
    return parts


def _legend(items: list[tuple[str, str, str]], right: float) -> tuple[list[str], float]:
    """Lay out (label, colour, dash) keys left to right, wrapping; return markup and height used."""
    parts, x, y = [], 8.0, 12.0
    for label, colour, dash in items:
        item_width = 30 + _w(label) + 20
        if x > 8 and x + item_width > right:
            x, y = 8.0, y + 20
        parts += [_hline(x, x + 24, y, colour, 2.5, dash), _text(x + 30, y + 4, label)]
        x += item_width
    return parts, y + 8


def line_chart(*, title: str, description: str, labels: Sequence[str], values: Series,
               target: float | None = None, comparators: dict[str, Series] | None = None,
               unit: str = "", width: int = 640, height: int = 280,
               series_label: str = "This partnership", for_print: bool = False) -> SafeString:
    """A line over time with point markers, an optional dashed target and dotted comparators.

    `for_print` (the PDFs): nothing to point at on paper, so no marker or tooltip per point (a marker only where a
    value has no neighbour to join), the grid one path, and the <desc> left out (the <title> carries it all)."""
    labels = [str(label) for label in labels]
    comparators = dict(comparators or {})
    for name, series in [(series_label, values), *comparators.items()]:
        if len(series) != len(labels):
            raise ValueError(f"{name!r} has {len(series)} values for {len(labels)} labels")
    known = [v for series in [values, *comparators.values()] for v in series if v is not None]
    scale = [0, *known, *([] if target is None else [target])]
    ticks = _nice_ticks(min(scale), max(scale))
    tick_labels = [fmt(t, unit) for t in ticks]
    styles = {name: COMPARATOR_STYLES[i % len(COMPARATOR_STYLES)] for i, name in enumerate(comparators)}

    body: list[str] = []
    top = 14.0
    if comparators:
        items = [(series_label, BLUE, ""), *((name, *style) for name, style in styles.items())]
        if target is not None:
            items.append(("Target", BLACK, TARGET_DASH))
        body, used = _legend(items, width - 8)
        top += used
    target_label = "" if target is None else f"Target {fmt(target, unit)}"
    left = max(_w(t) for t in tick_labels) + 14
    right = width - (_w(target_label) + 14 if target_label else 12)
    bottom = height - 28
    band = (right - left) / max(len(labels), 1)

    def sx(i: int) -> float:
        return left + band * (i + 0.5)

    def sy(v: float) -> float:
        return bottom - (v - ticks[0]) / (ticks[-1] - ticks[0]) * (bottom - top)

    if not known:
        body.append(_text((left + right) / 2, (top + bottom) / 2, "No data yet", anchor="middle"))
    grid = []
    for tick, text in zip(ticks, tick_labels, strict=True):
        if tick == 0:
            body.append(_hline(left, right, sy(tick), GREY))
        elif known or target is not None:  # with nothing to measure, keep only the baseline
            if for_print:
                grid.append(f"M{_n(left)},{_n(sy(tick))} H{_n(right)}")
            else:
                body.append(_hline(left, right, sy(tick), MID_GREY, 0.5))
        else:
            continue
        body.append(_text(left - 8, sy(tick) + 4, text, anchor="end"))
    if grid:
        body.append(f'<path d="{" ".join(grid)}" stroke="{MID_GREY}" stroke-width="0.5"/>')
    step = max(1, math.ceil((max((_w(lb) for lb in labels), default=0) + 10) / band))
    for i, label in enumerate(labels):  # thin out crowded labels, always keeping the latest
        if (len(labels) - 1 - i) % step == 0:
            body.append(_text(sx(i), bottom + 18, label, anchor="middle"))
    if target is not None:
        body.append(_hline(left, right, sy(target), BLACK, 1.5, TARGET_DASH, "chart-target"))
        body.append(_text(right + 6, sy(target) + 4, target_label, bold=True))

    def plot(series: Series, name: str = "") -> tuple[list, list[str]]:
        points = [None if v is None else (sx(j), sy(v)) for j, v in enumerate(series)]
        prefix = f"{name}, " if name else ""
        tips = [f"{prefix}{label}: {fmt(v, unit)}" for label, v in zip(labels, series, strict=True)]
        return points, tips

    for name, series in comparators.items():
        colour, dash = styles[name]
        body += _lines_and_points(*plot(series, name), colour, line_width=2, radius=2.5, dash=dash,
                                  css_class="chart-comparator", isolated_only=True, tooltips=not for_print)
    body += _lines_and_points(*plot(values), BLUE, line_width=2.5, radius=4, css_class="chart",
                              isolated_only=for_print, tooltips=not for_print)
    figures = " ".join([figures_text(labels, values, unit, series_label if comparators else ""),
                        *(figures_text(labels, series, unit, name) for name, series in comparators.items()),
                        *([f"{target_label}."] if target_label else [])])
    return _svg(body, title=title, description=description, width=width, height=height, figures=figures,
                for_print=for_print)


def sparkline(values: Series, *, title: str, width: int = 120, height: int = 28,
              unit: str = "") -> SafeString:
    """A tiny trend line with the latest point marked; the description gives first and last values."""
    known = [(i, v) for i, v in enumerate(values) if v is not None]
    if not known:
        return _svg([], title=title, description="No data yet.", width=width, height=height,
                    css_class="app-chart app-chart--sparkline")
    desc, figures, points, (x, y) = _spark(values, known, width, height, unit)
    body = _lines_and_points(points, [""] * len(points), BLUE, line_width=1.5, radius=0, css_class="chart")
    body.append(f'<circle class="chart-point" cx="{_n(x)}" cy="{_n(y)}" r="2.5" fill="{BLUE}"/>')
    return _svg(body, title=title, description=desc, width=width, height=height,
                css_class="app-chart app-chart--sparkline", figures=figures)


def _spark(values: Series, known: list, width: int, height: int, unit: str) -> tuple:
    """A sparkline's description, figures, points (None at gaps) and latest point."""
    periods = f"{len(values)} period{'' if len(values) == 1 else 's'}"
    desc = f"From {fmt(known[0][1], unit)} to {fmt(known[-1][1], unit)} over {periods}."
    low, high = min(v for _, v in known), max(v for _, v in known)
    pad = 4

    def point(i: int, v: float) -> tuple[float, float]:
        x = pad + (width - 2 * pad) * i / max(len(values) - 1, 1)
        y = height / 2 if high == low else height - pad - (v - low) / (high - low) * (height - 2 * pad)
        return x, y

    figures = "Values: " + ", ".join(fmt(v, unit) for v in values) + "."
    return desc, figures, [None if v is None else point(i, v) for i, v in enumerate(values)], point(*known[-1])


def _path(points: list[tuple[float, float] | None]) -> str:
    """One path's data for a line broken at None: a move at each run's start (gaps stay gaps); a lone value, with
    no neighbour to join, a dot (a zero-length stroke with round caps)."""
    parts = []
    for is_gap, run in groupby(points, key=lambda p: p is None):
        if is_gap:
            continue
        run = list(run)
        parts.append("M" + " L".join(f"{_n(x)},{_n(y)}" for x, y in run) + (" h0.1" if len(run) == 1 else ""))
    return " ".join(parts)


def print_sparkline(values: Series, *, title: str, width: int = 120, height: int = 28, unit: str = "") -> SafeString:
    """`sparkline` for print (the PDFs): one small image holding one path, the line with a ring on the latest value,
    its whole text alternative (title, first and last values, every value) in `alt`. No markup inside the page for
    the PDF engine to style, and nothing to point at on paper; web pages keep `sparkline`."""
    known = [(i, v) for i, v in enumerate(values) if v is not None]
    if not known:
        alt, d = alternative(title, "No data yet."), ""
    else:
        desc, figures, points, (x, y) = _spark(values, known, width, height, unit)
        alt = alternative(title, desc, figures)
        ring = f" M{_n(x - 1.75)},{_n(y)} a1.75,1.75 0 1,0 3.5,0 a1.75,1.75 0 1,0 -3.5,0"
        d = _path(points) + ring
    path = (f'<path d="{d}" fill="none" stroke="{BLUE}" stroke-width="1.5" stroke-linejoin="round"'
            ' stroke-linecap="round"/>') if d else ""
    return _image(">" + path, alt=alt, width=width, height=height, css_class="app-sparkline")


def _wrap(text: str, max_chars: int, max_lines: int = 2) -> list[str]:
    """Break a label at spaces into at most `max_lines` lines, ending in "…" if it still overflows."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= max_chars:
            lines[-1] += " " + word
        else:
            lines.append(word)
    cut = max(max_chars - 1, 1)
    shown = [line if len(line) <= max_chars else line[:cut] + "…" for line in lines[:max_lines]]
    if len(lines) > max_lines and not shown[-1].endswith("…"):
        shown[-1] = shown[-1][:cut].rstrip() + "…"
    return shown or [""]


def bar_chart(*, title: str, description: str, labels: Sequence[str], values: Series,
              unit: str = "", width: int = 640, height: int | None = None, for_print: bool = False) -> SafeString:
    """Horizontal bars, one per label, each with its value written beside it. `for_print` (the PDFs): no tooltip
    per bar (the value is written beside it) and no <desc> (the <title> carries it all)."""
    labels = [str(label) for label in labels]
    if len(values) != len(labels):
        raise ValueError(f"{len(values)} values for {len(labels)} labels")
    label_room = min(max((_w(lb) for lb in labels), default=0), width * 0.38)
    wrapped = [_wrap(label, int(label_room / _w("x"))) for label in labels]
    top = 8
    row = 40 if any(len(lines) > 1 for lines in wrapped) else 30
    height = height or top * 2 + row * len(labels)
    row = (height - top * 2) / max(len(labels), 1)
    value_texts = [fmt(v, unit) for v in values]
    left = label_room + 16
    right = width - max((_w(t) for t in value_texts), default=0) - 12
    known = [v for v in values if v is not None]
    low, high = min([0, *known]), max([0, *known])

    def sx(v: float) -> float:
        return left + (v - low) / ((high - low) or 1) * (right - left)

    body = [f'<line x1="{_n(sx(0))}" y1="{top}" x2="{_n(sx(0))}" y2="{_n(height - top)}" stroke="{GREY}"/>']
    for i, (label, lines, value, text) in enumerate(zip(labels, wrapped, values, value_texts, strict=True)):
        y_mid = top + row * (i + 0.5)
        for j, line in enumerate(lines):
            body.append(_text(left - 8, y_mid + 4 + (j - (len(lines) - 1) / 2) * 14, line, anchor="end"))
        if value is not None:
            x0, x1 = sorted((sx(0), sx(value)))
            bar_h = min(20, row * 0.7)
            body.append(f'<rect class="chart-bar" x="{_n(x0)}" y="{_n(y_mid - bar_h / 2)}"'
                        f' width="{_n(max(x1 - x0, 1))}" height="{_n(bar_h)}" fill="{BLUE}"'
                        + ("/>" if for_print else f"><title>{escape(label)}: {escape(text)}</title></rect>"))
        ink = BLACK if value is not None else GREY
        body.append(_text(max(sx(value or 0), sx(0)) + 6, y_mid + 4, text, fill=ink))
    figures = "; ".join(f"{label}: {text}" for label, text in zip(labels, value_texts, strict=True)) + "."
    return _svg(body, title=title, description=description, width=width, height=height, figures=figures,
                for_print=for_print)


RAG = {  # rating: (label, fill, text colour); text contrast is at least 4.5:1 on each fill
    "red": ("Red", RED, "#ffffff"),
    "amber": ("Amber", YELLOW, BLACK),
    "green": ("Green", GREEN, "#ffffff"),
    "grey": ("Not applicable", LIGHT_GREY, BLACK),
    "na": ("Not applicable", LIGHT_GREY, BLACK),
}


def rag_cell(rating: str, label: str | None = None, *, width: int = 112, height: int = 26) -> SafeString:
    """A heat-map cell: a coloured block with its rating written on it (never colour alone)."""
    key = (rating or "na").strip().lower()
    if key not in RAG:
        raise ValueError(f"Unknown RAG rating {rating!r}")
    default_label, fill, ink = RAG[key]
    text = label or default_label
    width = max(width, int(_w(text, 13)) + 16)
    border = MID_GREY if fill == LIGHT_GREY else fill
    cell_id = f"rag-{uuid.uuid4().hex[:12]}"
    # The <title> names the image on a page and becomes the figure's Alt text in a tagged PDF.
    # Safe to mark: the label is escaped; the rest are numbers and fixed names.
    return mark_safe(  # nosec B308, B703
        f'<svg xmlns="http://www.w3.org/2000/svg" class="app-rag app-rag--{key}" role="img"'
        f' aria-labelledby="{cell_id}" viewBox="0 0 {width} {height}" width="{width}" height="{height}"'
        f' font-family="{FONT}" font-size="13"><title id="{cell_id}">{escape(text)}</title>'
        f'<rect x="0.5" y="0.5" width="{width - 1}" height="{height - 1}" rx="2" fill="{fill}"'
        f' stroke="{border}"/>'
        f'<text x="{width / 2:g}" y="{height / 2 + 4.5:g}" text-anchor="middle" fill="{ink}"'
        f' font-weight="bold">{escape(text)}</text></svg>'
    )


def chart_data_table(labels: Sequence[str], series: dict[str, Series], *, caption: str,
                     unit: str = "", label_header: str = "Period") -> SafeString:
    """The same data as a GOV.UK table: one row per label, one numeric column per series."""
    head = "".join(f'<th scope="col" class="govuk-table__header govuk-table__header--numeric">'
                   f"{escape(name)}</th>" for name in series)
    rows = []
    for i, label in enumerate(labels):
        cells = "".join(f'<td class="govuk-table__cell govuk-table__cell--numeric">'
                        f"{escape(fmt(v[i], unit))}</td>" for v in series.values())
        rows.append(f'<tr class="govuk-table__row"><th scope="row" class="govuk-table__header">'
                    f"{escape(label)}</th>{cells}</tr>")
    # Safe to mark: every text value is escaped above and below.
    return mark_safe(  # nosec B308, B703
        f'<table class="govuk-table app-chart-table"><caption class="govuk-table__caption'
        f' govuk-table__caption--s">{escape(caption)}</caption><thead class="govuk-table__head">'
        f'<tr class="govuk-table__row"><th scope="col" class="govuk-table__header">'
        f'{escape(label_header)}</th>{head}</tr></thead>'
        f'<tbody class="govuk-table__body">{"".join(rows)}</tbody></table>'
    )


def line_chart_table(*, title: str, labels: Sequence[str], values: Series, target: float | None = None,
                     comparators: dict[str, Series] | None = None, unit: str = "",
                     series_label: str = "This partnership", label_header: str = "Period") -> SafeString:
    """The data table alternative for `line_chart`: pass the same data (title becomes the caption)."""
    series = {series_label: values, **(comparators or {})}
    if target is not None:
        series["Target"] = [target] * len(labels)
    return chart_data_table(labels, series, caption=title, unit=unit, label_header=label_header)
