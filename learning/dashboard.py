"""This app's panel on the home dashboard: context for templates/learning/includes/dashboard_panel.html."""

from django.utils import timezone

from partnership.models import Role

from . import selectors


def panel(user) -> dict:
    """For the L&D coordinator only: sessions to mark and the next fortnight. Two queries; none for others
    (trainers with accounts get their attendance marking in the daily digest, from reminders.due_items)."""
    if not (user.is_authenticated and user.has_role(Role.LD_COORDINATOR)):
        return {}
    today = timezone.localdate()
    to_mark = list(selectors.sessions_to_mark(user, today)[:5])
    soon = selectors.sessions_soon(timezone.now())
    return {"learning_to_mark": to_mark, "learning_soon": soon, "learning_manager": True}
