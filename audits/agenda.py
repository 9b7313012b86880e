"""What this app puts forward for a meeting's agenda, and the papers a meeting can take from it: the audit
reports agreed (each one an item and a paper)."""
from django.urls import reverse

from partnership.contract import AgendaSuggestion, SystemPaper, day_words

from . import selectors

RECENT = 20  # the reports agreed most recently


def _agreed():
    return list(selectors.reports_agreed(RECENT))


def items(today, user) -> list:
    """[AgendaSuggestion, ...]: the audit reports agreed and not yet monitored. One query."""
    return [AgendaSuggestion(key=f"audits:report:{audit.pk}", kind="Audit report",
                             title=f"Multi-agency audit report: {audit.theme}",
                             detail=f"Agreed {day_words(audit.report_agreed_on)}",
                             url=reverse("audits:report", args=[audit.pk]),
                             priority_ids=(audit.priority_id,) if audit.priority_id else ())
            for audit in _agreed()]


def papers(user) -> list:
    """[SystemPaper, ...]: the reports of audits agreed, monitored or closed, most recent first. One query."""
    done = selectors.reports_done(RECENT)
    return [SystemPaper(f"audits:report:{audit.pk}", f"Audit report: {audit.theme}",
                        reverse("audits:report", args=[audit.pk])) for audit in done]
