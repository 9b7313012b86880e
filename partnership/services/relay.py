"""The relay's round, what Celery beat runs every minute (`partnership.relay_outbox`): it puts back the email and
report tasks that came to nothing, publishes what is pending, and alerts the business unit about what waits too
long. Apart from the outbox, which the export service queues through, so neither imports the other."""
from .exports import republish_stalled_exports
from .outbox import alert_business_unit, relay_outbox, republish_undelivered_emails


def relay_round() -> int:
    """Publish again the email and report tasks that came to nothing, then publish what is pending. Returns how many
    were published."""
    republish_undelivered_emails()
    republish_stalled_exports()
    published = relay_outbox()
    alert_business_unit()
    return published
