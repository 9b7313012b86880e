"""The Section 11 analysis as a page, a spreadsheet (CSV) and a PDF made in the background.

`analysis_context` feeds the page (views/analysis.py) and the PDF alike, so both show the same
figures; the board report's Section 11 pages can build on it too. The PDF is registered as the
"section11-analysis" export with parameters {cycle_id, sector, ratings}.
"""
import functools

from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify

from partnership import contract
from partnership.contract import (
    Evidence,
    Fact,
    add_open_actions,
    day_words,
    plural,
    section_context,
    share_status,
)
from partnership.dates import ReportPeriod
from partnership.models import Sector
from partnership.pdf import render_pdf
from partnership.services.exports import register_export
from partnership.snapshots import settled, state_at

from . import analysis as a
from .models import Cycle, Return

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

    Decorative on a page: the counts are in the table beside it, so it is hidden from screen readers. A tagged PDF
    makes every SVG a Figure, which must have alternative text: its <title> gives the same counts in words.
    """
    words = [f"{level.label} {n}" for level, n in row["counts"]]
    words += [f"not applicable {row['not_applicable']}", f"not rated {row['unanswered']}"]
    title = escape("Answers by rating: " + ", ".join(words))
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
    # Safe to mark: numbers, fixed colours and the escaped title.
    return mark_safe(  # nosec B308, B703
        f'<svg xmlns="http://www.w3.org/2000/svg" class="app-stack" aria-hidden="true" focusable="false"'
        f' viewBox="0 0 {width} {height}" width="{width}" height="{height}"><title>{title}</title>{"".join(parts)}'
        f'<rect x="0.5" y="0.5" width="{width - 1}" height="{height - 1}" fill="none" stroke="{EDGE}"/></svg>'
    )


def analysis_context(cycle: Cycle, *, sector: str = "", basis: str = a.SELF, at=None) -> dict:
    """The analysis, with what the page and the PDF both show beside the figures (as it stood at `at`, if given)."""
    context = a.analysis(cycle, sector=sector, basis=basis, at=at)
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


def cycles_in(period: ReportPeriod) -> list[Cycle]:
    """Every cycle open at any time in the period (`open_in`), with what the analysis reads from it. One query."""
    return list(open_in(period, analysis_cycles()).order_by("framework__audience", "-opens_on", "pk"))


def open_in(period: ReportPeriod, cycles: QuerySet[Cycle] | None = None) -> QuerySet[Cycle]:
    """The cycles open at any time in the period: launched by its end, opened by then, and either due on or after
    its start or with a return still not made when it began (a late cycle is still the partnership's business).
    The one rule, as a queryset: read by `cycles_in` (the board pack), as names (a priority's page), or chosen by in
    another query (the priorities list)."""
    start = period.start_moment
    if cycles is None and settled(start):
        # Safe: the SQL is Django's own compilation of the rule's queryset (no input in its text), and its values
        # are parameters the driver binds.
        chosen = Cycle.objects.filter(pk__in=RawSQL(*_open_between_settled(  # nosec B611
            period.start, period.end, start, connection.vendor)))
    else:
        chosen = _open_between(Cycle.objects.all() if cycles is None else cycles, period.start, period.end, start)
    return chosen.filter(Q(launched_at__isnull=True) | Q(launched_at__lte=period.as_at))


def _open_between(cycles: QuerySet[Cycle], start, end, start_moment) -> QuerySet[Cycle]:
    """`open_in`'s rule but the launch: what depends on the period's days (and the returns at its start) alone."""
    outstanding_at_start = state_at(Return, start_moment).filter(cycle_id=OuterRef("pk"), status__in=Return.EDITABLE)
    return (cycles.exclude(status=Cycle.Status.DRAFT).filter(opens_on__lte=end)
            .filter(Q(deadline__gte=start) | Exists(outstanding_at_start)))


@functools.lru_cache(maxsize=8)
def _open_between_settled(start, end, start_moment, vendor: str) -> tuple[str, tuple]:
    """`_open_between` of every cycle for a start `state_at` reads from history whatever the data (`snapshots.settled`),
    as the SQL of its cycles' keys and its parameters: a pure function of the days (and of the database's dialect,
    `vendor`), built and compiled once per process (the priorities list built its history subquery again at every
    request for the current financial year, about 1 ms, then compiled it again, about 1 ms more); `open_in` chooses
    the cycles whose key it gives, and the database reads the rows when that runs."""
    return _open_between(Cycle.objects.all(), start, end, start_moment).order_by().values("pk").query.sql_with_params()


def statute(cycle: Cycle, *, short: bool = False) -> str:
    """What the returns answer under: schools and colleges under section 175/157 (KCSIE), agencies under section 11."""
    if cycle.framework.is_schools:
        return "section 175/157" if short else "Education Act 2002, section 175/157, Keeping children safe in education"
    return "section 11" if short else "Children Act 2004, section 11"


def cycle_board_context(cycle: Cycle, period: ReportPeriod) -> dict:
    """One cycle in the board pack, as it stood at the period's moment, with what it adds to the opening pages."""
    context = analysis_context(cycle, at=period.as_at)
    done, actions = context["completion"], context["actions"]
    nouns = ("school", "schools") if cycle.framework.is_schools else ("agency", "agencies")
    who = nouns[1]
    context.update(statute=statute(cycle), who=who)
    facts, evidence, headlines = [], [], []
    if done["total"]:
        facts.append(Fact(contract.HOW_MUCH,
                          f"{cycle.name}: {done['submitted']} of {plural(done['total'], *nouns)} had made "
                          f"their self-assessment ({done['rate']}%)."))
        # Judged on lateness: a return not yet due is no failure of the duty, and the line says so ("0 of 5 returns
        # made" beside "assured" read as a contradiction).
        lateness = (f"; {plural(done['late'], 'return')} late" if done["late"]
                    else f"; none late (due by {day_words(cycle.deadline)})" if done["submitted"] < done["total"]
                    else "")
        evidence.append(Evidence(contract.DUTIES, share_status(done["total"] - done["late"], done["total"]),
                                 f"{cycle.name} ({statute(cycle, short=True)}): {done['submitted']} of {done['total']} "
                                 f"returns made{lateness}."))
        if done["late"]:
            evidence.append(Evidence(contract.ACCOUNTABILITY, contract.NOT_ASSURED,
                                     f"{cycle.name}: {plural(done['late'], 'return')} past the deadline and not made."))
    overall = context["heat_map"].partnership_overall
    if overall is not None and overall.average is not None:
        facts.append(Fact(contract.HOW_WELL, f"{cycle.name}: {who} rate themselves {overall.label} on average across "
                                             f"the partnership."))
    comparison = context["comparison"]
    counts = (comparison or {}).get("counts")
    if counts and counts["better"] + counts["same"] + counts["worse"]:
        facts.append(Fact(contract.BETTER_OFF,
                          f"{cycle.name}: {plural(counts['better'], *nouns)} rated "
                          f"higher than in {comparison['previous'].name}, {counts['worse']} lower."))
    add_open_actions(facts, evidence, cycle.name, open_count=actions["open"], overdue=actions["overdue"],
                     noun="improvement action")
    if done["total"] and done["rate"] < 100:
        late = f"; {done['late']} {'was' if done['late'] == 1 else 'were'} late." if done["late"] else "."
        headlines.append(f"{cycle.name}: {done['submitted']} of {plural(done['total'], *nouns)} had made their "
                         f"self-assessment{late}")
    if actions["overdue"]:
        headlines.append(f"{cycle.name}: {plural(actions['overdue'], 'improvement action')} overdue.")
    section_context(context, facts=facts, evidence=evidence, headlines=headlines)
    context["html"] = render_to_string("section11/pdf/board_cycle.html", context)
    return context


def board_section(period: ReportPeriod) -> dict:
    """Section 11 and schools' self-assessments in the board pack: every cycle open at any time in the period,
    each with its own completion, ratings, comparison and improvement actions, as they stood at the period's
    moment (from the returns', answers' and actions' history)."""
    cycles = [cycle_board_context(cycle, period) for cycle in cycles_in(period)]
    return section_context(
        {"has_data": bool(cycles), "cycles": cycles, "period": period},
        facts=[f for c in cycles for f in c["facts"]], evidence=[e for c in cycles for e in c["evidence"]],
        headlines=[h for c in cycles for h in c["headlines"]],
    )
