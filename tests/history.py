"""Test data made today that a past period's report must see: its history moved back to a moment in the period."""
import datetime

from django.utils import timezone


def moment(day: datetime.date, hour: int = 12) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def backdate_history(when: datetime.datetime) -> None:
    """Move every history row written after `when` (by the fixtures, today) to just after `when`, one microsecond
    apart in the order they were written, so the data reads as made then (a past quarter's pack sees it)."""
    from django.apps import apps

    for model in apps.get_models():
        if not model.__name__.startswith("Historical") or not hasattr(model, "instance_type"):
            continue
        rows = list(model.objects.filter(history_date__gt=when).order_by("history_date", "history_id")
                    .values_list("history_id", flat=True))
        for n, history_id in enumerate(rows):
            model.objects.filter(history_id=history_id).update(history_date=when + datetime.timedelta(microseconds=n))
    from partnership.models import TagChange

    TagChange.objects.filter(at__gt=when).update(at=when)
