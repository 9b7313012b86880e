"""The reviews app's Celery tasks. Its deadline reminders go out in the daily digest (merton_qa.digest),
from `reviews.reminders.due_items`, so the reviews group gets one email a day, not one per clock."""
