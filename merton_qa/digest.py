"""The daily digest: one email a person, gathering what is due for them from every app.

Each app's contribution answers `due_items(person, today)` with DueItems (partnership.services.reminders).
Computed from the database each run: a missed day is caught up by the next run (the overdue items are
still overdue), and the ReminderLog's unique (person, item, stage, date) means a second run on the same
day sends nothing twice. Non-statutory items respect the person's `optional_reminders`; statutory
clocks are always sent.
"""
import datetime
import hashlib
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from partnership.dates import day_words
from partnership.models import EmailMessage, User
from partnership.services import notify
from partnership.services.outbox import enqueue_email, enqueue_task
from partnership.services.reminders import DueItem, reminder_record, stage_words

from .composition import DIGEST_ORDER

log = logging.getLogger(__name__)

DIGEST_KEY_PREFIX = "digest:"


def _sources():
    yield "Emails that could not be delivered", notify.due_items  # the business unit's (GOV.UK Notify's bounces)
    for app in DIGEST_ORDER:
        if app.due_items:
            yield app.digest_heading, app.due_items


def due_for(person, today: datetime.date) -> list[tuple[str, list[DueItem]]]:
    """Everything due for the person today, by app; filtered by their reminder preference."""
    groups = []
    for heading, due_items in _sources():
        items = due_items(person, today)
        if not person.optional_reminders:
            items = [item for item in items if item.statutory]
        if items:
            groups.append((heading, items))
    return groups


@transaction.atomic
def digest_send(*, person, today: datetime.date) -> EmailMessage | None:
    """Send the person today's digest of items not already reminded today. None when there is nothing new."""
    groups = []
    for heading, items in due_for(person, today):
        new = [item for item in items
               if reminder_record(person=person, item=item.key, stage=item.stage, on=today)]
        if new:
            groups.append((heading, [(item, stage_words(item.stage), settings.SITE_URL + item.url) for item in new]))
    if not groups:
        return None
    count = sum(len(items) for _, items in groups)
    statutory = any(item.statutory for _, items in groups for item, _, _ in items)
    fingerprint = hashlib.sha256("|".join(sorted(f"{i.key}/{i.stage}" for _, items in groups for i, _, _ in items))
                                 .encode()).hexdigest()[:16]
    subject = f"{count} thing{'s' if count != 1 else ''} due for you" + (", including a statutory deadline"
                                                                          if statutory else "")
    return enqueue_email(
        to=person.email, subject=f"{subject}: {day_words(today)}", template="digest",
        context={"person": person, "groups": groups, "today": today, "count": count,
                 "account_link": settings.SITE_URL + "/account/"},
        key=f"{DIGEST_KEY_PREFIX}{person.pk}:{today.isoformat()}:{fingerprint}",
    )


def digests_send(*, today: datetime.date | None = None) -> int:
    """Every active person's digest. One person's failure is logged and does not stop the others."""
    today = today or timezone.localdate()
    sent = 0
    for person in User.objects.filter(is_active=True).exclude(email="").order_by("pk"):
        try:
            sent += digest_send(person=person, today=today) is not None
        except Exception:  # noqa: BLE001 - the next run catches this person up
            log.exception("digest failed", extra={"person_id": person.pk})
    log.info("digests sent", extra={"count": sent, "date": today.isoformat()})
    return sent


@transaction.atomic
def digests_request():
    """Ask the worker to run today's digests now (the business unit's button); idempotent like the 07:00 run.
    Returns the outbox row (`outbox.is_waiting` tells whether the broker took it)."""
    return enqueue_task("merton_qa.send_digests")


def sent_digests():
    """What was sent to whom: the digest emails, newest first (their bodies hold titles and links only)."""
    return EmailMessage.objects.filter(key__startswith=DIGEST_KEY_PREFIX).order_by("-created_at", "-pk")
