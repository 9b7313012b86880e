"""What GOV.UK Notify says happened to each email it sent, and who must hear of a bounce.

Notify reports an email's status by its callback (partnership.views.notify) and on request; the scheduled task
`partnership.check_notify_statuses` asks for every email still "sending" (Notify keeps them for 7 days), so a
status is read back even with no callback set up. Both land in `delivery_status_record`.

A permanent failure (the address does not exist, or its mail system refuses the service; or Notify rejected the
address outright when it was sent, partnership.notify.address_refused) reaches the business
unit at once, by an email through the outbox to each of them (once per failed address: again only after a
message to that address has since been delivered), and stays in their daily digest for two weeks unless a later
message to the address is delivered: an agency lead whose address bounces cannot be left unreached.
"""
import datetime
import hashlib
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from partnership import notify
from partnership.models import EmailMessage, Role, User
from partnership.services.outbox import enqueue_email
from partnership.services.reminders import DueItem

log = logging.getLogger(__name__)
Delivery = EmailMessage.Delivery

# Notify's statuses of an email (docs.notifications.service.gov.uk, "Status - email").
STATUSES = {
    "created": Delivery.SENDING, "sending": Delivery.SENDING, "pending": Delivery.SENDING,
    "delivered": Delivery.DELIVERED, "permanent-failure": Delivery.PERMANENT_FAILURE,
    "temporary-failure": Delivery.TEMPORARY_FAILURE, "technical-failure": Delivery.TECHNICAL_FAILURE,
}
READ_BACK = datetime.timedelta(days=7)  # Notify keeps a notification's status for 7 days
IN_DIGEST = datetime.timedelta(days=14)
BOUNCE_KEY_PREFIX = "notify-bounce:"


@transaction.atomic
def delivery_status_record(*, notify_id: str, status: str, at: datetime.datetime | None = None) -> EmailMessage | None:
    """Record Notify's status of the email it knows by `notify_id`. Returns the email, or None when no email has
    that id or the status is not one of Notify's. Statuses may arrive in any order (a callback and the read-back);
    a final status is never turned back into "sending"."""
    new = STATUSES.get(status)
    email = EmailMessage.objects.select_for_update().filter(notify_id=notify_id).first() if notify_id else None
    if new is None or email is None:
        return None
    if email.delivery_status == new or (new == Delivery.SENDING and email.delivery_status in EmailMessage.FINAL):
        return email
    email.delivery_status = new
    email.delivery_status_at = at or timezone.now()
    email.save(update_fields=["delivery_status", "delivery_status_at"])
    log.info("notify delivery status", extra={"email_id": email.pk, "status": new})
    if new == Delivery.PERMANENT_FAILURE:
        bounce_alert(email)
    return email


def delivery_statuses_check(*, now: datetime.datetime | None = None, limit: int = 300) -> int:
    """Ask Notify for the status of each email it is still sending (the oldest first). Returns how many changed.
    One email's error is logged and does not stop the others; nothing is held locked while Notify answers."""
    if not notify.configured():
        return 0
    now = now or timezone.now()
    pending = list(EmailMessage.objects.filter(delivery_status=Delivery.SENDING, sent_at__gte=now - READ_BACK)
                   .exclude(notify_id="").order_by("sent_at", "pk").values_list("notify_id", flat=True)[:limit])
    if not pending:
        return 0
    api = notify.client()
    changed = 0
    for notify_id in pending:
        try:
            answer = api.get_notification_by_id(notify_id)
        except Exception:  # noqa: BLE001 - the next run asks again
            log.warning("notify status read-back failed", extra={"notify_id": notify_id}, exc_info=True)
            continue
        status = answer.get("status", "")
        if STATUSES.get(status, Delivery.SENDING) != Delivery.SENDING:
            changed += delivery_status_record(notify_id=notify_id, status=status,
                                              at=_when(answer.get("completed_at"))) is not None
    return changed


def _when(value) -> datetime.datetime | None:
    try:
        return parse_datetime(value) if value else None
    except ValueError:
        return None


def _digest(text: str) -> str:
    return hashlib.sha256(text.lower().encode()).hexdigest()[:16]


def business_unit_addresses(*, besides: str = "") -> list[str]:
    """Where news of a bounce goes: each active business unit member (but the bounced address itself); the
    support address when there is no one else."""
    addresses = [address for address in User.objects.filter(is_active=True, roles__role=Role.BUSINESS_UNIT)
                 .exclude(email="").order_by("pk").values_list("email", flat=True).distinct()
                 if address.lower() != besides.lower()]
    return addresses or [settings.SUPPORT_EMAIL]


def person_link(address: str) -> tuple[User | None, str]:
    """The person an address belongs to, and the link to their record (the people page when no one has it)."""
    person = User.objects.select_related("agency").filter(email__iexact=address).first()
    path = reverse("partnership:user-detail", args=[person.pk]) if person else reverse("partnership:user-list")
    return person, settings.SITE_URL + path


def bounce_alert(email: EmailMessage) -> int:
    """Tell the business unit that `email` bounced, once per address (and again only after a message to it has been
    delivered since). Returns how many alerts were queued."""
    delivered_since = EmailMessage.objects.filter(to__iexact=email.to, delivery_status=Delivery.DELIVERED).count()
    person, link = person_link(email.to)
    queued = 0
    for to in business_unit_addresses(besides=email.to):
        queued += enqueue_email(
            to=to, subject=f"An email to {email.to} could not be delivered", template="notify_bounced",
            context={"email": email.to, "person": person, "title": email.subject, "link": link},
            key=f"{BOUNCE_KEY_PREFIX}{_digest(email.to)}:{delivered_since}:{_digest(to)}",
        ) is not None
    return queued


def due_items(person, today: datetime.date) -> list[DueItem]:
    """For the business unit's daily digest: each address whose latest email bounced in the last two weeks and has
    had nothing delivered since. Two queries."""
    if not person.has_role(Role.BUSINESS_UNIT):
        return []
    since = timezone.now() - IN_DIGEST
    bounced = {}
    for email in (EmailMessage.objects.filter(delivery_status=Delivery.PERMANENT_FAILURE, delivery_status_at__gte=since)
                  .order_by("delivery_status_at", "pk").only("pk", "to", "delivery_status_at")):
        bounced[email.to.lower()] = email  # the latest bounce of each address
    if not bounced:
        return []
    delivered = dict(EmailMessage.objects.filter(to__in=[e.to for e in bounced.values()],
                                                 delivery_status=Delivery.DELIVERED)
                     .values("to").annotate(last=Max("delivery_status_at")).values_list("to", "last"))
    people = {user.email.lower(): user for user in User.objects.filter(email__in=[e.to for e in bounced.values()])}
    items = []
    for address, email in sorted(bounced.items()):
        last_delivered = delivered.get(email.to)
        if last_delivered and last_delivered > email.delivery_status_at:
            continue
        owner = people.get(address)
        items.append(DueItem(
            key=f"partnership.emailmessage:{email.pk}", stage="not-delivered",
            title=f"Email to {email.to}" + (f" ({owner.full_name})" if owner else ""),
            url=reverse("partnership:user-detail", args=[owner.pk]) if owner else reverse("sent-reminders"),
            app="notify",
        ))
    return items
