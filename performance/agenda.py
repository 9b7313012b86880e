"""What this app puts forward for a meeting's agenda, and the papers a meeting can take from it: the scorecard's
exceptions for the latest period with validated figures, and the data returns that are late."""
from collections import namedtuple
from functools import lru_cache
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.urls import reverse

from partnership.contract import AgendaKey, AgendaSuggestion, SystemPaper, plural
from partnership.models import Action
from partnership.snapshots import compiled_rows

from . import access, selectors
from .models import Frequency, Indicator, Period, Value
from .scorecard import (
    JUDGED,
    JudgedFigure,
    Row,
    default_period,
    exceptions,
    indicator_url,
    periods_judged,
    scorecard_indicators,
    trailing_periods,
    validated_values,
)


def _periods(user) -> tuple:
    """(every quarter, newest first, each knowing whether it has validated figures; the latest that has), in one
    query compiled once per process (for whoever reads the validated figures: `access.reads_validated_figures`)."""
    if not access.reads_validated_figures(user):
        return [], None
    every = periods_judged(Frequency.QUARTERLY, validated_values(), values_are_validated=True)
    return every, default_period([p for p in every if p.has_values])


def _exceptions(user, fields=("code", "title", "priority_id")) -> tuple:
    """(the latest period with validated figures, its scorecard exceptions: red or worsening), or (None, []). The
    period before it is taken from the same list of quarters, not read again."""
    every, period = _periods(user)
    if period is None:
        return None, []
    return period, exception_rows(period, fields=fields, periods=trailing_periods(period, 2, among=every))


def exception_rows(period: Period, *, values: QuerySet[Value] | None = None, fields=("code", "title", "priority_id"),
                   periods: list[Period] | None = None) -> list[Row]:
    """The rows `exceptions` lists for a period, in its order, with only what makes them exceptions (the figure's
    value and the one before it; no commentary, flags, comparators, stories or actions): for a meeting's agenda.
    Each row's indicator is a named row of what the rules read and `fields`, not a model, read with its figures'
    values in one query (an indicator with no figure in either period is no exception). Two queries; one given the
    `periods` (`trailing_periods(period, 2)`). `values`: the figures read, None for the validated figures now
    (`validated_values()`, what everyone signed in sees), whose query is compiled once per process."""
    periods = trailing_periods(period, 2) if periods is None else periods
    named, width = _judged_row(tuple(fields)), len(JUDGED) + len(fields)
    key = (period.kind, tuple(p.pk for p in periods), tuple(fields))
    found_rows = (compiled_rows(_validated_figures, key, None) if values is None
                  else _figures(values, *key))
    judged, figures = {}, {}
    for found in found_rows:
        if found[0] not in judged:
            judged[found[0]] = named(*found[:width])
        figures[found[0], found[width]] = JudgedFigure(found[width + 1])
    rows = [Row(indicator=ind, periods=periods, history=[figures.get((pk, p.pk)) for p in periods])
            for pk, ind in judged.items()]
    return exceptions(period, values=values, actions=Action.objects.none(), rows=rows)["items"]


def _figures(values: QuerySet[Value], kind: str, period_ids: tuple, fields: tuple) -> QuerySet:
    """`values` of the kind's scorecard indicators in the periods, in the indicators' order, each with what the rules
    read of its indicator and `fields`, its period and its value."""
    return (values.filter(indicator_id__in=scorecard_indicators(kind).values("pk"), period_id__in=period_ids)
            .order_by(*(_of_indicator(name) for name in (*Indicator._meta.ordering, "pk")))
            .values_list(*(f"indicator__{name}" for name in _judged_row(fields)._fields), "period_id", "value"))


def _validated_figures(kind: str, period_ids: tuple, fields: tuple, moment) -> QuerySet:
    return _figures(validated_values(moment), kind, period_ids, fields)


def _of_indicator(ordering: str) -> str:
    """An indicator's ordering field, read through its figures ("-order" → "-indicator__order")."""
    return f"-indicator__{ordering[1:]}" if ordering.startswith("-") else f"indicator__{ordering}"


@lru_cache(maxsize=8)
def _judged_row(fields: tuple) -> type:
    """The named row `exception_rows` reads of an indicator: what the rules read (`JUDGED`) and `fields`."""
    return namedtuple("Judged", (*JUDGED, *fields))


def _exception_key(indicator, period) -> AgendaKey:
    return AgendaKey(f"performance:exception:{indicator.pk}:{period.pk}",
                     (indicator.priority_id,) if indicator.priority_id else ())


def _late_key(period_id) -> AgendaKey:
    return AgendaKey(f"performance:late-returns:{period_id}")


def items(today, user) -> list:
    """[AgendaSuggestion, ...]: one per scorecard exception (red or worsening), and the late data returns in
    one item. A fixed number of queries."""
    suggestions = []
    period, rows = _exceptions(user)
    for row in rows:
        indicator, key = row.indicator, _exception_key(row.indicator, period)
        suggestions.append(AgendaSuggestion(
            key=key.key, kind="Scorecard exception", title=f"{indicator.title}: exception in {period.label}",
            detail="Red or worse than the period before", url=indicator_url(indicator.code),
            priority_ids=key.priority_ids))
    late = list(selectors.late_returns_by_period(today))
    for group in late:
        suggestions.append(AgendaSuggestion(
            key=_late_key(group["period_id"]).key, kind="Late returns",
            title=f"Data returns overdue for {group['period__label']}",
            detail=plural(group["count"], "agency", "agencies") + " not yet submitted",
            url=reverse("performance:data-returns")))
    return suggestions


def keys(today, user) -> list:
    """[AgendaKey, ...] of `items`, by the same rule. A fixed number of queries."""
    period, rows = _exceptions(user, fields=("priority_id",))
    return ([_exception_key(row.indicator, period) for row in rows]
            + [_late_key(group["period_id"]) for group in selectors.late_returns_by_period(today)])


def papers(user) -> list:
    """[SystemPaper, ...]: the scorecard and its exception report for the latest period with validated figures."""
    period = _periods(user)[1]
    if period is None:
        return []
    query = "?" + urlencode({"frequency": period.kind, "period": period.pk})
    return [
        SystemPaper(f"performance:scorecard:{period.pk}", f"Performance scorecard, {period.label}",
                    reverse("performance:scorecard") + query),
        SystemPaper(f"performance:exceptions:{period.pk}", f"Exception report, {period.label}",
                    reverse("performance:exceptions") + query),
    ]
