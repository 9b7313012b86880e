"""What this app puts forward for a meeting's agenda: the statutory clocks breached or due within five working
days, as counts and the next deadline (never a case's details: those stay with the reviews group)."""
from django.urls import reverse

from partnership.contract import AgendaKey, AgendaSuggestion, day_words, plural

from . import access, clocks

AT_RISK_DAYS = 5
KEY = AgendaKey("reviews:clocks")


def _pressing(today) -> list:
    """The open clocks breached or due within AT_RISK_DAYS working days."""
    return [c for c in clocks.open_clocks(today) if c.working_days_left <= AT_RISK_DAYS]


def items(today, user) -> list:
    """[AgendaSuggestion]: one item when any clock is breached or at risk. Six queries (the clocks)."""
    pressing = _pressing(today)
    if not pressing:
        return []
    breached = sum(1 for c in pressing if c.breached)
    at_risk = len(pressing) - breached
    next_due = min(c.due for c in pressing if not c.breached) if at_risk else None
    detail = f"{breached} breached, {at_risk} due within {AT_RISK_DAYS} working days"
    if next_due:
        detail += f"; the next on {day_words(next_due)}"
    return [AgendaSuggestion(
        key=KEY.key, kind="Statutory clock",
        title=f"Statutory review clocks: {plural(len(pressing), 'deadline')} breached or at risk",
        detail=detail, url=reverse("reviews:home") if access.is_reviews_user(user) else "")]


def keys(today, user) -> list:
    """[AgendaKey] of `items`, by the same rule: the clocks, read once per page (the reviews panel reads them too)."""
    return [KEY] if _pressing(today) else []


def papers(user) -> list:
    """Review papers stay with the reviews group: none are offered to meetings."""
    return []
