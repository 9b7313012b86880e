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


def date_tags_by_their_records(since: datetime.datetime, *, story_start: datetime.datetime) -> int:
    """Tags put on records while the demo was seeded (from `since`) are dated when their record was made, or at the
    start of the story for reference records with no creation time (Section 11 criteria), so a past quarter's
    coverage map shows them. Returns how many were moved."""
    from django.contrib.contenttypes.models import ContentType

    from .models import TagChange
    from .tags import tagged_models

    moved = 0
    for model in tagged_models():
        has_created = any(f.name == "created_at" for f in model._meta.concrete_fields)
        created = dict(model._default_manager.values_list("pk", "created_at")) if has_created else {}
        changes = TagChange.objects.filter(content_type=ContentType.objects.get_for_model(model), at__gte=since)
        for change in changes:
            when = created.get(change.object_id) or story_start
            if when < change.at:
                change.at = when
                change.save(update_fields=["at"])
                moved += 1
    return moved
