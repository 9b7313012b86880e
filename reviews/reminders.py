"""What is due for a person in the reviews app, for the daily digest (merton_qa.digest; constant queries).

The digest sends these to the reviews group and the business unit every morning, whatever their reminder
setting, since the clocks are statutory (recommendation review dates excepted).

Titles carry the case reference at most: never a pseudonym or any case detail, since they go by email.
"""
import datetime

from django.conf import settings

from partnership.services.reminders import DueItem, due_stage, item_key, stage_of

from . import access, clocks


def stage_for(working_days_left: int) -> str | None:
    """"overdue", "due-today" or "due-in-N" (N up to the reminder window), else None (not yet)."""
    return stage_of(working_days_left, int(getattr(settings, "REVIEWS_REMINDER_WORKING_DAYS_BEFORE", 2)))


def due_items(person, today: datetime.date) -> list[DueItem]:
    """Every statutory clock within the reminder window, for the reviews group; an agency lead's own agency
    summaries still to write, every day from the day they are asked (their whole timetable is nine working days)."""
    items = summary_items(person, today)
    if not access.is_reviews_user(person):
        return items
    return items + statutory_items(today)


def summary_items(person, today: datetime.date) -> list[DueItem]:
    summaries = (access.summaries_for_lead(person).filter(submitted_on__isnull=True, requested_on__lte=today)
                 .select_related("rapid_review__notification").order_by("due_on"))
    return [DueItem(key=item_key(s), stage=due_stage(s.due_on, today, since=s.requested_on) or "requested",
                    title=f"{s.case_reference}: your agency's summary for the rapid review",
                    url=s.get_absolute_url(), due=s.due_on, statutory=True, app="reviews")
            for s in summaries]


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
