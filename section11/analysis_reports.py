"""The Section 11 analysis as a page, a spreadsheet (CSV) and a PDF made in the background.

`analysis_context` feeds the page (views/analysis.py) and the PDF alike, so both show the same
figures; the board report's Section 11 pages can build on it too. The PDF is registered as the
"section11-analysis" export with parameters {cycle_id, sector, ratings}.
"""
import datetime

from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify

from partnership.models import Sector
from partnership.pdf import render_pdf
from partnership.services.exports import register_export

from . import analysis as a
from .models import Cycle

EXPORT_KIND = "section11-analysis"
BAR_FILLS = {"green": "#00703c", "amber": "#ffdd00", "red": "#d4351c", "grey": "#505a5f"}
NA_FILL, EMPTY_FILL, EDGE = "#b1b4b6", "#ffffff", "#505a5f"


def analysis_cycles():
    """Cycles with what the analysis reads from them, so it runs no extra query per relation."""
    return Cycle.objects.select_related("framework", "previous__framework")


def clean_params(data) -> tuple[str, str]:
    """The sector and basis (self or moderated) from GET, POST or an export's parameters."""
    sector = data.get("sector") or ""
    basis = a.MODERATED if data.get("ratings") == a.MODERATED else a.SELF
    return (sector if sector in Sector.values else ""), basis


def stacked_bar(row: dict, *, width: int = 120, height: int = 14) -> SafeString:
    """A small bar of one criterion's answers split by rating, then N/A, then not yet rated.

    Decorative: the counts are in the table beside it, so it is hidden from screen readers.
    """
    segments = [(BAR_FILLS.get(level.colour, EDGE), n) for level, n in row["counts"]]
    segments += [(NA_FILL, row["not_applicable"]), (EMPTY_FILL, row["unanswered"])]
    total = sum(n for _, n in segments)
    parts, x = [], 0.0
    for fill, n in segments:
        if not n:
            continue
        w = (width - 2) * n / total
        parts.append(f'<rect x="{1 + x:.1f}" y="1" width="{w:.1f}" height="{height - 2}" fill="{fill}"/>')
        x += w
    if total:  # thin white gaps between segments keep neighbouring colours apart
        edges, x = [], 0.0
        for _, n in segments[:-1]:
            x += (width - 2) * n / total
            if n and 0 < x < width - 2:
                edges.append(f'<line x1="{1 + x:.1f}" y1="1" x2="{1 + x:.1f}" y2="{height - 1}" stroke="#ffffff"/>')
        parts += edges
    # Safe to mark: numbers and fixed colours only, no text.
    return mark_safe(  # nosec B308, B703
        f'<svg xmlns="http://www.w3.org/2000/svg" class="app-stack" aria-hidden="true" focusable="false"'
        f' viewBox="0 0 {width} {height}" width="{width}" height="{height}">{"".join(parts)}'
        f'<rect x="0.5" y="0.5" width="{width - 1}" height="{height - 1}" fill="none" stroke="{EDGE}"/></svg>'
    )


def analysis_context(cycle: Cycle, *, sector: str = "", basis: str = a.SELF) -> dict:
    """The analysis, with what the page and the PDF both show beside the figures."""
    context = a.analysis(cycle, sector=sector, basis=basis)
    for row in context["distribution"]:
        row["bar"] = stacked_bar(row)
    levels = context["scale"].levels
    cmp = context["comparison"]
    context.update(
        comparison_tables=[(cmp["standards"], "By standard", "Standard"), (cmp["agencies"], "By agency", "Agency")]
        if cmp and cmp["comparable"] else [],
        basis_label="moderated" if basis == a.MODERATED else "self-assessed",
        legend=context["scale"].legend(),
        bottom_level=context["scale"].bottom,
        top_level=context["scale"].top,
        levels=levels,
        bar_key=[(BAR_FILLS.get(lvl.colour, EDGE), lvl.label) for lvl in levels]
        + [(NA_FILL, "Not applicable"), (EMPTY_FILL, "Not rated yet")],
    )
    return context


def heat_map_csv(cycle: Cycle, *, sector: str = "", basis: str = a.SELF) -> tuple[list[str], list[list]]:
    """Header and rows: agency, sector, status, the average for each standard, overall. Four queries."""
    hm = a.heat_map(cycle, sector=sector, basis=basis)
    header = ["Agency", "Sector", "Status",
              *(f"Standard {s.number}: {s.title}" for s in hm.standards), "Overall", "Overall rating"]
    rows = [
        [row.ret.agency.name, row.ret.agency.get_sector_display(), row.ret.get_status_display(),
         *(cell.average for cell in row.cells), row.overall.average, row.overall.label]
        for row in hm.rows
    ]
    return header, rows


def export_filename(cycle: Cycle, *, sector: str, basis: str, extension: str) -> str:
    parts = ["section11-analysis", slugify(cycle.name) or str(cycle.pk)]
    if sector:
        parts.append(slugify(sector))
    if basis == a.MODERATED:
        parts.append("moderated")
    return "-".join(parts) + f".{extension}"


def _cycle_for(parameters: dict) -> Cycle:
    """The cycle asked for; from the reports page (no parameters), the latest launched cycle."""
    cycles = analysis_cycles()
    if parameters.get("cycle_id"):
        return cycles.get(pk=parameters["cycle_id"])
    cycle = cycles.exclude(status=Cycle.Status.DRAFT).order_by("-opens_on", "-pk").first()
    if cycle is None:
        raise ValueError("There is no Section 11 cycle to analyse yet.")
    return cycle


@register_export(EXPORT_KIND, title="Section 11 analysis (PDF)")
def analysis_pdf(parameters: dict) -> tuple[str, bytes]:
    cycle = _cycle_for(parameters)
    sector, basis = clean_params(parameters)
    context = analysis_context(cycle, sector=sector, basis=basis)
    return export_filename(cycle, sector=sector, basis=basis, extension="pdf"), render_pdf(
        "section11/pdf/analysis.html", context)


def describe(cycle: Cycle, *, sector: str, basis: str) -> str:
    """One line saying what an analysis covers: for captions and titles."""
    scope = f" · {dict(Sector.choices)[sector]}" if sector else ""
    return f"{cycle.name}{scope} · {'moderated' if basis == a.MODERATED else 'self-assessed'} ratings"


def board_section(*, start: datetime.date, end: datetime.date) -> dict:
    """Section 11 in the quarterly board report: the cycle under way at the end of the quarter.

    Completion, the heat map of self-assessed ratings by agency and standard, the comparison with the
    last cycle and the improvement actions: the same figures as the analysis page and its PDF.
    """
    cycle = analysis_cycles().filter(opens_on__lte=end).order_by("-opens_on").first()
    if cycle is None:
        return {"has_data": False}
    today = timezone.localdate()
    # Returns and answers are read as they stand today (not rebuilt from their history): for a quarter that has
    # ended, the pack says so rather than pass today's figures off as the quarter's.
    context = {"has_data": True, **analysis_context(cycle), "read_on": today if end < today else None}
    done = context["completion"]
    headlines = []
    if done["total"] and done["rate"] < 100:
        headlines.append(f"{cycle.name}: {done['submitted']} of {done['total']} agencies have "
                         f"submitted their self-assessment"
                         + (f"; {done['late']} {'is' if done['late'] == 1 else 'are'} late." if done["late"] else "."))
    if context["actions"]["overdue"]:
        headlines.append(f"{context['actions']['overdue']} Section 11 improvement actions are overdue.")
    context["headlines"] = headlines
    return context
