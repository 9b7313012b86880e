"""Delivery of queued emails: once per EmailMessage row.

The row is locked while it is sent and marked sent in the same transaction. The one gap left is the database
failing after the mail server took the message but before the commit: the task then runs again and sends it
again. That copy carries the same Message-ID (made from the row's unique key), which mail systems use to drop
a message they already hold, so the reader still sees one email.
"""
import hashlib

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone

from partnership.models import EmailMessage
from partnership.services.notify import bounce_alert


@transaction.atomic
def email_deliver(*, email_id: int) -> bool:
    """Send the email unless it was already sent. Returns True when it sent now."""
    email = EmailMessage.objects.select_for_update().filter(pk=email_id).first()
    if email is None or email.sent_at is not None:
        return False
    message = EmailMultiAlternatives(
        subject=email.subject, body=email.body_text, from_email=settings.DEFAULT_FROM_EMAIL, to=[email.to],
        headers={"Message-ID": message_id(email)},
    )
    if email.body_html:
        message.attach_alternative(email.body_html, "text/html")
    message.send()
    email.sent_at = timezone.now()
    # Set by the GOV.UK Notify backend (partnership.notify): Notify's id, or an address Notify refused outright.
    email.notify_id = getattr(message, "notify_id", "")
    email.delivery_status = getattr(message, "notify_status", "") or ("sending" if email.notify_id else "")
    email.delivery_status_at = timezone.now() if email.delivery_status else None
    email.save(update_fields=["sent_at", "notify_id", "delivery_status", "delivery_status_at"])
    if email.delivery_status == EmailMessage.Delivery.PERMANENT_FAILURE:
        bounce_alert(email)
    return True


def message_id(email: EmailMessage) -> str:
    """The same for every attempt at one row (its unique key), unique across rows and installations."""
    digest = hashlib.sha256(f"{email.pk}:{email.key}".encode()).hexdigest()[:32]
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or "localhost"
    return f"<{digest}.{email.pk}@{domain}>"
