"""The performance pages of the board report, and the scorecard PDF made in the background.

`scorecard_section(period)` and `exceptions_section(period)` return the context for
`performance/pdf/scorecard_section.html` and `performance/pdf/exceptions_section.html`: the board
report includes those fragments; `pdf/scorecard.html` and `pdf/exceptions.html` are the same sections
as documents of their own. A board pack shows validated figures only, and every linked action.

The PDF is registered as the "performance-scorecard" export with parameters {period_id, frequency}.
"""
from django.db.models import Exists, OuterRef
from django.utils.text import slugify

from partnership import contract
from partnership.contract import Evidence, Fact, plural, section_context, share_status
from partnership.dates import ReportPeriod
from partnership.models import Action
from partnership.pdf import render_pdf
from partnership.services.exports import register_export
from partnership.snapshots import state_at

from . import rules
from .indicator_page import trend_chart
from .models import Frequency, Period
from .scorecard import exceptions, latest_validated_period, scorecard, validated_values

EXPORT_KIND = "performance-scorecard"


def scorecard_section(period: Period, *, at=None) -> dict:
    """The scorecard for a period (indicators of the period's frequency), by OBA question: now, or with the
    figures, plans and actions as they stood at the moment `at`."""
    context = scorecard(period, values=validated_values(at), actions=state_at(Action, at))
    context["frequency_label"] = Frequency(period.kind).label
    return context


def exceptions_section(period: Period, *, rows=None, at=None) -> dict:
    """Red and worsening indicators with their story, trend chart and actions (`rows`: the unfiltered
    scorecard's, when the caller has them)."""
    context = exceptions(period, values=validated_values(at), actions=state_at(Action, at), rows=rows)
    for row in context["items"]:
        row.chart, _ = trend_chart(row, width=600, height=200, for_print=True)
    context["frequency_label"] = Frequency(period.kind).label
    return context


def board_section(report: ReportPeriod) -> dict:
    """The board pack's performance pages: the scorecard and the exception report, from the figures validated by
    the period's moment, as they stood then.

    The last quarter of the period's own validated figures; when it has none yet (figures arrive after a quarter
    ends), the latest quarter before it that has, and the section says which.
    """
    validated = validated_values(report.as_at)
    period = (Period.objects.filter(kind=Frequency.QUARTERLY, start__lte=report.end, end__lte=report.end)
              .filter(Exists(validated.filter(period_id=OuterRef("pk")))).order_by("-start").first())
    if period is None:
        return section_context({"has_data": False})
    card = scorecard_section(period, at=report.as_at)
    context = {"has_data": True, "quarter_shown": period, "is_quarter_asked": period.end == report.end,
               "scorecard": card, "exceptions": exceptions_section(period, rows=card["rows"], at=report.as_at)}
    first = (Period.objects.filter(kind=Frequency.QUARTERLY, start__gte=report.start, end__lte=period.end)
             .filter(Exists(validated.filter(period_id=OuterRef("pk")))).order_by("start").first())
    context["over_period"] = over_the_period(card["rows"], first) if first and first.pk != period.pk else None
    return section_context(context, **_board_summary(period, card, context["exceptions"]["items"]))


def over_the_period(rows, first: Period) -> dict:
    """For a report over several quarters (the yearly report): each indicator's figure in `first`, the period's
    first quarter with validated figures, beside its latest, and the direction between them by the same rule as
    the scorecard's (`rules.direction`). The first figure is read from the row's own trailing figures."""
    out = []
    for row in rows:
        before = next((figure for period, figure in zip(row.periods, row.history, strict=True)
                       if period.pk == first.pk), None)
        value = before.value if before else None
        out.append({"row": row, "first_value": value,
                    "direction": rules.direction(row.value, value, row.indicator.polarity)})
    return {"first": first, "rows": out}


def _board_summary(period: Period, card: dict, exceptions: list) -> dict:
    """What the scorecard adds to the pack's opening pages, in the numbers it shows."""
    rows = [r for r in card["rows"] if r.rag.code != "grey"]
    counts = {c["code"]: c["count"] for c in card["counts"]}
    better = sum(1 for r in card["rows"] if r.direction.is_better)
    worse = sum(1 for r in card["rows"] if r.direction.is_worse)
    red = [row for row in exceptions if row.rag == rules.RED]
    with_plans = sum(1 for r in exceptions if r.curves or r.open_actions)
    facts = [
        Fact(contract.HOW_MUCH, f"Performance: {plural(len(card['rows']), 'indicator')} reported for {period.label}."),
        Fact(contract.HOW_WELL, f"Performance: {counts.get('green', 0)} green, {counts.get('amber', 0)} amber and "
                                f"{counts.get('red', 0)} red against target."),
        Fact(contract.BETTER_OFF,
             f"Performance: {plural(better, 'indicator')} better than the period before, {worse} worse."),
    ]
    if exceptions:
        facts.append(Fact(contract.WHAT_NEXT,
                          f"Performance: {plural(len(exceptions), 'exception')} (red or worsening), "
                          f"{with_plans} with a turn-the-curve plan or open action."))
    evidence = [Evidence(contract.QUALITY,
                         share_status(counts.get("green", 0), len(rows), assured_from=0.8, partly_from=0.5),
                         f"Performance: {counts.get('green', 0)} of {plural(len(rows), 'rated indicator')} on "
                         f"target in {period.label}.")] if rows else []
    if exceptions:
        evidence.append(Evidence(contract.RIGHT_PRIORITIES, share_status(with_plans, len(exceptions)),
                                 f"Performance: {with_plans} of {plural(len(exceptions), 'exception')} with a plan "
                                 f"or an open action."))
    # "Achieving its priorities" is judged by the priorities section alone (merton_qa.priorities: every source a
    # priority has, these indicators among them). Its indicators on target, said here a second time by another rule,
    # made the pack read "Not assured" beside a priorities section where every priority showed progress.
    headlines = [
        f"{len(red)} indicator{'s' if len(red) != 1 else ''} rated red in {period.label}: "
        + "; ".join(row.indicator.title for row in red[:4]) + ("; and others." if len(red) > 4 else ".")
    ] if red else []
    return {"facts": facts, "evidence": evidence, "headlines": headlines}


def export_period(parameters: dict) -> Period:
    """The period asked for; without one, the latest with validated figures at the frequency asked for."""
    if parameters.get("period_id"):
        return Period.objects.get(pk=parameters["period_id"])
    kind = parameters.get("frequency") or Frequency.QUARTERLY
    period = latest_validated_period(kind if kind in Frequency.values else Frequency.QUARTERLY)
    if period is None:
        raise ValueError("There are no validated performance figures to report yet.")
    return period


def export_filename(period: Period) -> str:
    return f"performance-scorecard-{slugify(period.label) or period.pk}.pdf"


@register_export(EXPORT_KIND, title="Performance scorecard (PDF)")
def scorecard_pdf(parameters: dict) -> tuple[str, bytes]:
    period = export_period(parameters)
    card = scorecard_section(period)
    context = {"scorecard": card, "exceptions": exceptions_section(period, rows=card["rows"]),
               "period": period}
    return export_filename(period), render_pdf("performance/pdf/scorecard.html", context)
