"""This app's panel on the home dashboard: context for templates/learning/includes/dashboard_panel.html."""
import datetime

from django.db.models import Count, Q
from django.utils import timezone

from partnership.models import Role

from .models import Booking, Session
from .reminders import sessions_to_mark


def panel(user) -> dict:
    """For the L&D coordinator only: sessions to mark and the next fortnight. Two queries; none for others
    (trainers with accounts get their attendance marking in the daily digest, from reminders.due_items)."""
    if not (user.is_authenticated and user.has_role(Role.LD_COORDINATOR)):
        return {}
    today = timezone.localdate()
    to_mark = list(sessions_to_mark(user, today)[:5])
    now = timezone.now()
    soon = (Session.objects.filter(status=Session.Status.SCHEDULED, starts_at__gte=now,
                                   starts_at__lt=now + datetime.timedelta(days=14))
            .aggregate(n=Count("pk", distinct=True),
                       waiting=Count("bookings", filter=Q(bookings__status=Booking.Status.WAITING))))
    return {"learning_to_mark": to_mark, "learning_soon": soon, "learning_manager": True}
