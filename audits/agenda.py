"""What this app puts forward for a meeting's agenda, and the papers a meeting can take from it: the audit
reports agreed (each one an item and a paper)."""
from django.urls import reverse

from partnership.compiled import compiled_list
from partnership.contract import AgendaKey, AgendaSuggestion, SystemPaper, day_words

from . import selectors

RECENT = 20  # the reports agreed most recently


def _agreed():
    return compiled_list(_reports_agreed)


def _reports_agreed():
    return selectors.reports_agreed(RECENT)


def _key(audit) -> AgendaKey:
    return AgendaKey(f"audits:report:{audit.pk}", (audit.priority_id,) if audit.priority_id else ())


def items(today, user) -> list:
    """[AgendaSuggestion, ...]: the audit reports agreed and not yet monitored. One query."""
    suggestions = []
    for audit in _agreed():
        key = _key(audit)
        suggestions.append(AgendaSuggestion(
            key=key.key, kind="Audit report", title=f"Multi-agency audit report: {audit.theme}",
            detail=f"Agreed {day_words(audit.report_agreed_on)}", url=reverse("audits:report", args=[audit.pk]),
            priority_ids=key.priority_ids))
    return suggestions


def keys(today, user) -> list:
    """[AgendaKey, ...] of `items`, by the same rule. One query."""
    return [_key(audit) for audit in _agreed()]


def papers(user) -> list:
    """[SystemPaper, ...]: the reports of audits agreed, monitored or closed, most recent first. One query."""
    done = selectors.reports_done(RECENT)
    return [SystemPaper(f"audits:report:{audit.pk}", f"Audit report: {audit.theme}",
                        reverse("audits:report", args=[audit.pk])) for audit in done]
