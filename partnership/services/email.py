"""Delivery of queued emails: at most once per EmailMessage row."""
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone

from partnership.models import EmailMessage


@transaction.atomic
def email_deliver(*, email_id: int) -> bool:
    """Send the email unless it was already sent. Returns True when it sent now."""
    email = EmailMessage.objects.select_for_update().filter(pk=email_id).first()
    if email is None or email.sent_at is not None:
        return False
    message = EmailMultiAlternatives(
        subject=email.subject, body=email.body_text, from_email=settings.DEFAULT_FROM_EMAIL, to=[email.to]
    )
    if email.body_html:
        message.attach_alternative(email.body_html, "text/html")
    message.send()
    email.sent_at = timezone.now()
    email.save(update_fields=["sent_at"])
    return True
