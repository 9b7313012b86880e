"""The transactional outbox: the one way work leaves a request.

A service calls `enqueue_task` or `enqueue_email` inside its transaction. The row commits with the
business change or not at all. After commit, and every minute from Celery beat, the relay publishes
pending rows to the broker and retries failures with back-off. Tasks are idempotent, so a message
published twice does nothing the second time.
"""
import logging
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template import Context
from django.template.loader import get_template, render_to_string
from django.utils import timezone

from partnership.models import EmailMessage, OutboxMessage

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 12


def enqueue_task(task: str, *, dedup_key: str | None = None, **kwargs) -> OutboxMessage | None:
    """Record that `task(**kwargs)` must run once this transaction commits.

    With a `dedup_key` an identical message is enqueued only once (returns None when it exists).
    """
    try:
        with transaction.atomic():
            message = OutboxMessage.objects.create(task=task, kwargs=kwargs, dedup_key=dedup_key)
    except IntegrityError:
        return None
    transaction.on_commit(lambda: relay_after_commit_safely([message.pk]))
    return message


def enqueue_email(*, to: str, subject: str, template: str, context: dict, key: str) -> EmailMessage | None:
    """Render an email now (inside the business transaction) and queue its delivery.

    `template` names `templates/emails/<template>.txt` and, when present, `.html`. The key makes the
    email unique: the same key never sends twice.
    """
    context = {
        **context,
        "PARTNERSHIP_NAME": settings.PARTNERSHIP_NAME,
        "SERVICE_NAME": settings.SERVICE_NAME,
        "SUPPORT_EMAIL": settings.SUPPORT_EMAIL,
        "SITE_URL": settings.SITE_URL,  # links in emails: {{ SITE_URL }}{% url ... %}
    }
    body_text = render_text(f"emails/{template}.txt", context)
    try:
        body_html = render_to_string(f"emails/{template}.html", context)
    except Exception:  # noqa: BLE001 - an HTML body is optional
        body_html = ""
    try:
        with transaction.atomic():
            email = EmailMessage.objects.create(
                to=to, subject=subject, body_text=body_text, body_html=body_html, key=key
            )
    except IntegrityError:
        return None
    enqueue_task("partnership.deliver_email", dedup_key=f"email:{key}", email_id=email.pk)
    return email


def render_text(template_name: str, context: dict) -> str:
    """A plain-text body: no HTML escaping ("child's", not "child&#x27;s"); it is never shown as HTML."""
    return get_template(template_name).template.render(Context(context, autoescape=False))


def relay_outbox(*, ids: list[int] | None = None, limit: int = 200) -> int:
    """Publish pending outbox rows. Returns how many were published. Safe to run concurrently."""
    from merton_qa.celery import app

    now = timezone.now()
    published = 0
    with transaction.atomic():
        rows = OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING, available_at__lte=now)
        if ids is not None:
            rows = rows.filter(pk__in=ids)
        rows = list(rows.select_for_update(skip_locked=True).order_by("pk")[:limit])
        for row in rows:
            try:
                if app.conf.task_always_eager:
                    app.tasks[row.task].apply(kwargs=row.kwargs, throw=True)
                else:
                    app.send_task(row.task, kwargs=row.kwargs)
            except Exception as exc:  # noqa: BLE001 - any failure is retried later
                row.attempts += 1
                row.last_error = f"{type(exc).__name__}: {exc}"[:2000]
                row.available_at = now + timedelta(seconds=min(2**row.attempts, 3600))
                if row.attempts >= MAX_ATTEMPTS:
                    row.status = OutboxMessage.Status.FAILED
                    log.error("outbox gave up", extra={"outbox_id": row.pk, "task": row.task})
                else:
                    log.warning("outbox publish failed", extra={"outbox_id": row.pk, "error": row.last_error})
                row.save(update_fields=["attempts", "last_error", "available_at", "status"])
                continue
            row.status = OutboxMessage.Status.PUBLISHED
            row.published_at = timezone.now()
            row.attempts += 1
            row.save(update_fields=["status", "published_at", "attempts"])
            published += 1
    return published


REDELIVER_FIRST = timedelta(minutes=1)
REDELIVER_MAX = timedelta(hours=1)


def redeliver_after(attempts: int) -> timedelta:
    """How long a published email task may stay without its email sent before it is published again: a minute
    after the first publication, then twice as long after each one (capped at an hour), so a task merely
    waiting in a long queue is published again a few times at most, and a lost one within a minute or two."""
    return min(REDELIVER_FIRST * 2 ** max(attempts - 1, 0), REDELIVER_MAX)


def republish_undelivered_emails(*, now=None) -> int:
    """Put back to pending the published email tasks whose email is still unsent `redeliver_after` their
    last publication.

    A published task can still come to nothing: a broker that dies as the worker takes the message loses it
    (kombu's Redis transport takes it off the queue before recording it as unacknowledged), a worker can die
    before running it, the database can fail under it, the mail server can refuse. The relay then publishes it
    again, up to MAX_ATTEMPTS times; delivery is once per email row, so a task that did run sends nothing more.
    """
    now = now or timezone.now()
    keys = list(EmailMessage.objects.filter(sent_at__isnull=True, created_at__lt=now - REDELIVER_FIRST)
                .order_by("pk").values_list("key", flat=True)[:500])
    if not keys:
        return 0
    overdue = Q()
    for attempts in range(1, MAX_ATTEMPTS):
        overdue |= Q(attempts=attempts, published_at__lt=now - redeliver_after(attempts))
    return OutboxMessage.objects.filter(
        overdue, status=OutboxMessage.Status.PUBLISHED, dedup_key__in=[f"email:{key}" for key in keys],
    ).update(status=OutboxMessage.Status.PENDING, available_at=timezone.now())


def relay_round() -> int:
    """What Celery beat runs every minute (partnership.relay_outbox): publish again the email tasks that came to
    nothing, then publish what is pending. Returns how many were published."""
    republish_undelivered_emails()
    return relay_outbox()


def relay_after_commit_safely(ids):
    """Used by on_commit: never let a broker outage break the response (the beat relay retries)."""
    try:
        relay_outbox(ids=ids)
    except Exception:  # noqa: BLE001
        log.exception("outbox relay after commit failed; the scheduled relay will retry")
