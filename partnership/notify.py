"""GOV.UK Notify as the way email leaves the service (docs/email.md).

With `NOTIFY_API_KEY` set, settings make `EmailBackend` below Django's email backend, so the outbox's emails
(partnership.services.email) and any other Django email go through Notify's API with the official client. Notify
sends from one template of the service whose subject is `((subject))` and whose body is `((body))`: the outbox has
already rendered both (titles and links, never case text), and they go in as personalisation.

The backend records Notify's id for each message on the message (`notify_id`), which the outbox keeps on its
email row; the delivery status is read back later (partnership.services.notify).
"""
from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from notifications_python_client.errors import HTTPError
from notifications_python_client.notifications import NotificationsAPIClient

TIMEOUT_SECONDS = 15  # a worker never hangs on Notify for long; a failed send is retried by the outbox


class NotConfigured(Exception):
    pass


def configured() -> bool:
    return bool(settings.NOTIFY_API_KEY)


def client() -> NotificationsAPIClient:
    """The official client with the configured key, pointed at NOTIFY_BASE_URL."""
    if not configured():
        raise NotConfigured("NOTIFY_API_KEY is not set")
    return NotificationsAPIClient(settings.NOTIFY_API_KEY, base_url=settings.NOTIFY_BASE_URL, timeout=TIMEOUT_SECONDS)


def send(api: NotificationsAPIClient, *, to: str, subject: str, body: str, reference: str = "") -> str:
    """Send one email through the configured template. Returns Notify's id for it."""
    if not settings.NOTIFY_TEMPLATE_ID:
        raise NotConfigured("NOTIFY_TEMPLATE_ID is not set")
    response = api.send_email_notification(
        email_address=to, template_id=settings.NOTIFY_TEMPLATE_ID,
        personalisation={"subject": subject, "body": body}, reference=reference or None,
    )
    return response["id"]


def reference_of(message) -> str:
    """Notify's `reference` for a message: its Message-ID without the angle brackets (the same on every attempt at
    one outbox row, and holding nothing but a digest and the row's id), so Notify's records can be matched up."""
    return str(message.extra_headers.get("Message-ID", "")).strip("<>")


class EmailBackend(BaseEmailBackend):
    """Django's email backend over GOV.UK Notify: one notification per recipient (the outbox has one)."""

    def send_messages(self, email_messages) -> int:
        if not email_messages:
            return 0
        try:
            api = client()
        except NotConfigured:
            if self.fail_silently:
                return 0
            raise
        sent = 0
        for message in email_messages:
            ids = []
            message.notify_status = ""
            try:
                for to in message.recipients():
                    ids.append(send(api, to=to, subject=message.subject, body=message.body,
                                    reference=reference_of(message)))
            except HTTPError as error:
                if not address_refused(error):
                    if not self.fail_silently:
                        raise
                    continue
                message.notify_status = "permanent-failure"  # never deliverable: not retried, reported as a bounce
            except Exception:
                if not self.fail_silently:
                    raise
                continue
            message.notify_id = ids[0] if ids else ""
            sent += 1
        return sent


def address_refused(error: HTTPError) -> bool:
    """Notify refused the address itself (400, "email_address Not a valid email address"): sending it again can
    never work, so it counts as a permanent failure rather than an error for the outbox to retry."""
    return error.status_code == 400 and "email_address" in str(error.message)
