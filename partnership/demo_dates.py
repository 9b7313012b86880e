"""Dates for the demo's story. The board pack for a past quarter reads history "as at" the quarter's end, so each
demo record is saved through its events, each history row dated when that event happened (never in the future)."""
import datetime

from django.utils import timezone

from partnership import history


def at(day: datetime.date, hour: int = 10, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def by_now(moment: datetime.datetime) -> datetime.datetime:
    """`moment`, or a minute ago when it is later: nothing in the story happens in the future."""
    return min(moment, timezone.now() - datetime.timedelta(minutes=1))


def between(start: datetime.datetime, end: datetime.datetime, share: float) -> datetime.datetime:
    return start + (end - start) * share


def live_through(instance, events) -> None:
    """Save an existing `instance` through `events`, (when, {field: value}) in time order; each save is dated then."""
    for when, changes in events:
        for field, value in changes.items():
            setattr(instance, field, value)
        history.save_dated(instance, by_now(when))
