"""How a figure's rating, movement and marks are written on the pages and in the PDFs, and the legend that explains
them (the scorecard, the exception report, an indicator's page and the board pack)."""
from functools import lru_cache

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from . import rules

# What the colours and arrows mean: shown beside every scorecard (members asked for a legend).
RAG_LEGEND = [
    (rules.GREEN, "on or better than target, or within the agreed tolerance of it"),
    (rules.AMBER, "worse than target, but within the red tolerance"),
    (rules.RED, "worse than target by more than the red tolerance"),
    (rules.Rag("grey", "Grey"), "no rating: no target, no figure for the period, or a context-only measure"),
]
DIRECTION_LEGEND = [
    (rules.RISING, "higher than the period before"),
    (rules.FALLING, "lower than the period before"),
    (rules.SAME, "the same as the period before"),
]
JUDGEMENT_LEGEND = ("after the arrow's word, whether that movement is good news, judged by whether higher or lower is "
                    "better for the indicator: a falling figure can be better and a rising one worse (a context-only "
                    "measure is not judged)")


@lru_cache(maxsize=32)  # a handful of ratings, each tagged once per process
def rag_tag(rag: rules.Rag) -> SafeString:
    """The rating written on its colour (page and PDF): colour never carries the meaning alone."""
    return format_html('<span class="app-rag app-rag--{}">{}</span>', rag.code, rag.label)


@lru_cache(maxsize=32)
def direction_tag(direction: rules.Direction) -> SafeString:
    """The movement (an arrow and its word) and the judgement in words: "▲ Rising, worse". The arrow always
    shows which way the figure moved and the words say both, so they are its text equivalent. The arrow is drawn
    by CSS (an empty, `aria-hidden` box with borders), so neither a screen reader nor a tagged PDF reads out a
    symbol ("black up-pointing triangle"): WeasyPrint marks borders as artifacts."""
    if not direction.arrow:
        return format_html('<span class="app-direction app-direction--{}">{}</span>', direction.code, direction.label)
    judgement = format_html(', <span class="app-direction__judgement">{}</span>', direction.judgement) \
        if direction.judgement else ""
    return format_html('<span class="app-direction app-direction--{}"><span class="app-direction__arrow '
                       'app-direction__arrow--{}" aria-hidden="true"></span>{}{}</span>', direction.code,
                       direction.movement, direction.movement_label, judgement)


@lru_cache(maxsize=32)
def print_direction_tag(direction: rules.Direction) -> SafeString:
    """`direction_tag` for a PDF (static/css/performance_print.css): the same words and arrow in one element, the
    arrow drawn by borders on its ::before, so the pack has a third of the elements for it (issue 21)."""
    if not direction.arrow:
        return format_html('<span class="app-direction app-direction--{}">{}</span>', direction.code, direction.label)
    words = f"{direction.movement_label}, {direction.judgement}" if direction.judgement else direction.movement_label
    return format_html('<span class="app-direction app-direction--{} pdf-arrow pdf-arrow--{}">{}</span>',
                       direction.code, direction.movement, words)


@lru_cache(maxsize=8)  # three marks, each there or not: eight tags, each written once per process
def flags_tag(unvalidated: bool, provisional: bool, demo: bool) -> SafeString:
    """`Row.flags`: the marks beside a figure, in one span (nothing when there are none)."""
    marks = []
    if unvalidated:
        marks.append(format_html('<strong class="app-flag app-flag--unvalidated">{}</strong>', "Not yet validated"))
    if provisional:
        marks.append(format_html('<strong class="app-flag">{}</strong>', "Provisional"))
    if demo:
        marks.append(format_html('<span class="app-flag app-flag--demo">{}</span>', "(demo)"))
    if not marks:
        return SafeString("")
    return format_html('<span class="app-flags">{}</span>', format_html_join("", "{}", ((m,) for m in marks)))


def legend() -> dict:
    return {"rag_legend": [(rag_tag(r), words) for r, words in RAG_LEGEND],
            "direction_legend": [(direction_tag(d), words) for d, words in DIRECTION_LEGEND],
            "print_direction_legend": [(print_direction_tag(d), words) for d, words in DIRECTION_LEGEND],
            "judgement_legend": JUDGEMENT_LEGEND}
