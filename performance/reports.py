"""The performance pages of the board report, and the scorecard PDF made in the background.

`scorecard_section(period)` and `exceptions_section(period)` return the context for
`performance/pdf/scorecard_section.html` and `performance/pdf/exceptions_section.html`: the board
report includes those fragments; `pdf/scorecard.html` and `pdf/exceptions.html` are the same sections
as documents of their own. A board pack shows validated figures only, and every linked action.

The PDF is registered as the "performance-scorecard" export with parameters {period_id, frequency}.
"""
import datetime

from django.db.models import Exists, OuterRef
from django.utils.text import slugify

from partnership.models import Action
from partnership.pdf import render_pdf
from partnership.services.exports import register_export

from . import rules
from .models import Frequency, Period
from .scorecard import exceptions, latest_validated_period, scorecard, trend_chart, validated_values

EXPORT_KIND = "performance-scorecard"


def scorecard_section(period: Period) -> dict:
    """The scorecard for a period (indicators of the period's frequency), by OBA question."""
    context = scorecard(period, values=validated_values(), actions=Action.objects.all())
    context["frequency_label"] = Frequency(period.kind).label
    return context


def exceptions_section(period: Period, *, rows=None) -> dict:
    """Red and worsening indicators with their story, trend chart and actions (`rows`: the unfiltered
    scorecard's, when the caller has them)."""
    context = exceptions(period, values=validated_values(), actions=Action.objects.all(), rows=rows)
    for row in context["items"]:
        row.chart, _ = trend_chart(row, width=600, height=200)
    context["frequency_label"] = Frequency(period.kind).label
    return context


def board_section(*, start: datetime.date, end: datetime.date) -> dict:
    """The quarterly board report's performance pages: the scorecard and the exception report.

    The quarter's own validated figures; when the quarter has none yet (figures arrive after it ends),
    the latest quarter before it that has, and the section says which.
    """
    validated = validated_values()
    period = (Period.objects.filter(kind=Frequency.QUARTERLY, start__lte=end, end__lte=end)
              .filter(Exists(validated.filter(period=OuterRef("pk")))).order_by("-start").first())
    if period is None:
        return {"has_data": False}
    card = scorecard_section(period)
    context = {"has_data": True, "period": period, "is_quarter_asked": period.start == start,
               "scorecard": card, "exceptions": exceptions_section(period, rows=card["rows"])}
    red = [row for row in context["exceptions"]["items"] if row.rag == rules.RED]
    context["headlines"] = [
        f"{len(red)} indicator{'s' if len(red) != 1 else ''} rated red in {period.label}: "
        + "; ".join(row.indicator.title for row in red[:4]) + ("; and others." if len(red) > 4 else ".")
    ] if red else []
    return context


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
