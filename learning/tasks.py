"""Learning and development background work (Celery beat, daily)."""
from celery import shared_task


@shared_task(name="learning.send_due_messages")
def send_due_messages() -> dict:
    from .services.bookings import delete_stale_requests
    from .services.evaluation import send_due_messages as run

    return {**run(), "stale_booking_requests_deleted": delete_stale_requests()}
