"""What is due in learning and development for a signed-in person (the daily digest reads this).

Attendance to mark: for the L&D coordinator, every past session with unmarked confirmed delegates; for a
trainer with an account, their own such sessions. One query.
"""
import datetime

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from partnership.services.reminders import DueItem, item_key

from . import access
from .models import Booking, Session


def sessions_to_mark(person, today: datetime.date):
    end_of_today = timezone.make_aware(datetime.datetime.combine(today + datetime.timedelta(days=1), datetime.time()))
    qs = (Session.objects.filter(status=Session.Status.SCHEDULED, starts_at__lt=end_of_today)
          .annotate(unmarked=Count("bookings", filter=Q(bookings__status=Booking.Status.CONFIRMED,
                                                        bookings__attendance="")))
          .filter(unmarked__gt=0).select_related("course").order_by("starts_at"))
    if not access.is_manager(person):
        qs = qs.filter(trainers__user=person).distinct()
    return qs


def due_items(person, today: datetime.date) -> list[DueItem]:
    if not person.is_authenticated:
        return []
    items = []
    for session in sessions_to_mark(person, today):
        day = session.date
        stage = "due-today" if day == today else "overdue"
        items.append(DueItem(key=item_key(session), stage=stage, app="learning", due=day,
                             title=f"Mark attendance: {session.course.title}, {day:%-d %B %Y} "
                                   f"({session.unmarked} unmarked)",
                             url=reverse("learning:attendance", args=[session.pk])))
    return items
