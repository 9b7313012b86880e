"""What is due for a person in the reviews app, for the kernel's daily digest (constant queries).

Titles carry the case reference at most: never a pseudonym or any case detail, since they go by email.
"""
import datetime

from django.conf import settings
from django.db import transaction

from partnership.models import Role, User
from partnership.services.outbox import enqueue_email
from partnership.services.reminders import DueItem, reminder_record

from . import access, clocks


def stage_for(working_days_left: int) -> str | None:
    """"overdue", "due-today" or "due-in-N" (N up to the reminder window), else None (not yet)."""
    before = int(getattr(settings, "REVIEWS_REMINDER_WORKING_DAYS_BEFORE", 2))
    if working_days_left < 0:
        return "overdue"
    if working_days_left == 0:
        return "due-today"
    if working_days_left <= before:
        return f"due-in-{working_days_left}"
    return None


def due_items(person, today: datetime.date) -> list[DueItem]:
    """Every statutory clock within the reminder window, for the reviews group only."""
    if not access.is_reviews_user(person):
        return []
    return statutory_items(today)


def statutory_items(today: datetime.date) -> list[DueItem]:
    items = []
    for clock in clocks.open_clocks(today):
        stage = stage_for(clock.working_days_left)
        if stage is None:
            continue
        items.append(DueItem(key=clock.key, stage=stage, title=f"{clock.case_reference}: {clock.label}",
                             url=clock.url, due=clock.due,
                             statutory=clock.kind != "recommendation", app="reviews"))
    return items


@transaction.atomic
def send_reminders(*, today: datetime.date) -> int:
    """Email each reviews member and business unit manager once per (clock, stage, day). Returns emails queued."""
    people = User.objects.filter(is_active=True, roles__role__in=[Role.REVIEWS_MEMBER, Role.BUSINESS_UNIT]) \
        .distinct()
    sent = 0
    items = statutory_items(today)
    for person in people:
        for item in items:
            if not reminder_record(person=person, item=item.key, stage=item.stage, on=today):
                continue
            enqueue_email(to=person.email, subject=f"Statutory deadline: {item.title}",
                          template="reviews_deadline", context={"person": person.get_short_name(), "item": item},
                          key=f"reviews:{item.key}:{item.stage}:{today.isoformat()}:{person.pk}")
            sent += 1
    return sent
