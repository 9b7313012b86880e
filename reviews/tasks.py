"""The reviews app's Celery tasks: thin and idempotent."""
from celery import shared_task
from django.utils import timezone


@shared_task(name="reviews.send_deadline_reminders")
def send_deadline_reminders() -> int:
    """Email the reviews group before and on each statutory deadline (once per person, item, stage, day)."""
    from .reminders import send_reminders

    return send_reminders(today=timezone.localdate())
