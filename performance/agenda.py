"""What this app puts forward for a meeting's agenda, and the papers a meeting can take from it: the scorecard's
exceptions for the latest period with validated figures, and the data returns that are late."""
from urllib.parse import urlencode

from django.urls import reverse

from partnership.contract import AgendaSuggestion, SystemPaper, plural

from . import access, selectors
from .models import Frequency
from .scorecard import default_period, exception_rows, indicator_url, period_choices


def _latest_period(user):
    return default_period(period_choices(Frequency.QUARTERLY, access.scorecard_values(user)))


def items(today, user) -> list:
    """[AgendaSuggestion, ...]: one per scorecard exception (red or worsening), and the late data returns in
    one item. A fixed number of queries."""
    suggestions = []
    period = _latest_period(user)
    if period is not None:
        for row in exception_rows(period, values=access.scorecard_values(user)):
            indicator = row.indicator
            suggestions.append(AgendaSuggestion(
                key=f"performance:exception:{indicator.pk}:{period.pk}", kind="Scorecard exception",
                title=f"{indicator.title}: exception in {period.label}",
                detail="Red or worse than the period before", url=indicator_url(indicator.code),
                priority_ids=(indicator.priority_id,) if indicator.priority_id else ()))
    late = list(selectors.late_returns_by_period(today))
    for group in late:
        suggestions.append(AgendaSuggestion(
            key=f"performance:late-returns:{group['period_id']}", kind="Late returns",
            title=f"Data returns overdue for {group['period__label']}",
            detail=plural(group["count"], "agency", "agencies") + " not yet submitted",
            url=reverse("performance:data-returns")))
    return suggestions


def papers(user) -> list:
    """[SystemPaper, ...]: the scorecard and its exception report for the latest period with validated figures."""
    period = _latest_period(user)
    if period is None:
        return []
    query = "?" + urlencode({"frequency": period.kind, "period": period.pk})
    return [
        SystemPaper(f"performance:scorecard:{period.pk}", f"Performance scorecard, {period.label}",
                    reverse("performance:scorecard") + query),
        SystemPaper(f"performance:exceptions:{period.pk}", f"Exception report, {period.label}",
                    reverse("performance:exceptions") + query),
    ]
