"""What is due in learning and development for a signed-in person (the daily digest reads this).

Attendance to mark: for the L&D coordinator, every past session with unmarked confirmed delegates; for a
trainer with an account, their own such sessions. One query.
"""
import datetime

from django.urls import reverse

from partnership.dates import day_words
from partnership.services.reminders import DueItem, item_key

from . import selectors


def due_items(person, today: datetime.date) -> list[DueItem]:
    if not person.is_authenticated:
        return []
    items = []
    for session in selectors.sessions_to_mark(person, today):
        day = session.date
        stage = "due-today" if day == today else "overdue"
        items.append(DueItem(key=item_key(session), stage=stage, app="learning", due=day,
                             title=f"Mark attendance: {session.course.title}, {day_words(day)} "
                                   f"({session.unmarked} unmarked)",
                             url=reverse("learning:attendance", args=[session.pk])))
    return items
