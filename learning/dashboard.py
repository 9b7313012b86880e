"""This app's panel on the home dashboard: context for templates/learning/includes/dashboard_panel.html."""
import datetime

from django.db.models import Count, Q
from django.utils import timezone

from . import access
from .models import Booking, Session
from .reminders import sessions_to_mark


def panel(user) -> dict:
    """For L&D coordinators (and trainers with accounts): sessions to mark and the next fortnight. Two queries."""
    if not user.is_authenticated:
        return {}
    today = timezone.localdate()
    to_mark = list(sessions_to_mark(user, today)[:5])
    if not access.is_manager(user):
        return {"learning_to_mark": to_mark} if to_mark else {}
    now = timezone.now()
    soon = (Session.objects.filter(status=Session.Status.SCHEDULED, starts_at__gte=now,
                                   starts_at__lt=now + datetime.timedelta(days=14))
            .aggregate(n=Count("pk", distinct=True),
                       waiting=Count("bookings", filter=Q(bookings__status=Booking.Status.WAITING))))
    return {"learning_to_mark": to_mark, "learning_soon": soon, "learning_manager": True}
