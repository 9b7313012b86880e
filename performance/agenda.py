"""What this app puts forward for a meeting's agenda, and the papers a meeting can take from it: the scorecard's
exceptions for the latest period with validated figures, and the data returns that are late."""
from urllib.parse import urlencode

from django.urls import reverse

from partnership.contract import AgendaKey, AgendaSuggestion, SystemPaper, plural

from . import access, selectors
from .models import Frequency
from .scorecard import default_period, exception_rows, indicator_url, periods_judged, trailing_periods


def _periods(user) -> tuple:
    """(every quarter, newest first, each knowing whether it has validated figures; the latest that has), in one
    query (`scorecard_values` are the validated figures, whoever asks)."""
    every = periods_judged(Frequency.QUARTERLY, access.scorecard_values(user), values_are_validated=True)
    return every, default_period([p for p in every if p.has_values])


def _exceptions(user, fields=("code", "title", "priority_id")) -> tuple:
    """(the latest period with validated figures, its scorecard exceptions: red or worsening), or (None, []). The
    period before it is taken from the same list of quarters, not read again."""
    every, period = _periods(user)
    if period is None:
        return None, []
    return period, exception_rows(period, values=access.scorecard_values(user), fields=fields,
                                  periods=trailing_periods(period, 2, among=every))


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
