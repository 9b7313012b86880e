"""The transactional outbox: the one way work leaves a request.

A service calls `enqueue_task` or `enqueue_email` inside its transaction. The row commits with the
business change or not at all. After commit, and every minute from Celery beat, the relay publishes
pending rows to the broker and retries failures with back-off. Tasks are idempotent, so a message
published twice does nothing the second time.
"""
import logging
from datetime import timedelta

from celery import current_app
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q, Value
from django.db.models.functions import Concat
from django.template import Context
from django.template.loader import get_template, render_to_string
from django.utils import timezone

from partnership import history
from partnership.models import EmailMessage, OutboxMessage

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 12  # email tasks are published again at most this often while their email stays unsent
ALERT_AFTER = timedelta(hours=1)  # the business unit is told once a row has waited this long


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
    moment = history.dated_moment()
    try:
        with transaction.atomic():
            email = EmailMessage.objects.create(
                to=to, subject=subject, body_text=body_text, body_html=body_html, key=key, sent_at=moment
            )
    except IntegrityError:
        return None
    if moment is not None:
        # An event of the past, recorded now (the demo's story): its email is on record as sent then, and is not
        # sent again today about something months old.
        EmailMessage.objects.filter(pk=email.pk).update(created_at=moment)
        return email
    enqueue_task("partnership.deliver_email", dedup_key=f"email:{key}", email_id=email.pk)
    return email


def render_text(template_name: str, context: dict) -> str:
    """A plain-text body: no HTML escaping ("child's", not "child&#x27;s"); it is never shown as HTML."""
    return get_template(template_name).template.render(Context(context, autoescape=False))


def relay_outbox(*, ids: list[int] | None = None, limit: int = 200) -> int:
    """Publish pending outbox rows. Returns how many were published. Safe to run concurrently."""
    app = current_app  # the project's Celery app, configured by the composition root; the kernel never imports it

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
                row.available_at = now + retry_after(row.attempts)  # never given up: capped back-off for ever
                log.warning("outbox publish failed", extra={"outbox_id": row.pk, "error": row.last_error})
                row.save(update_fields=["attempts", "last_error", "available_at"])
                continue
            row.status = OutboxMessage.Status.PUBLISHED
            row.published_at = timezone.now()
            row.attempts += 1
            row.save(update_fields=["status", "published_at", "attempts"])
            published += 1
    return published


def retry_after(attempts: int) -> timedelta:
    """Back-off after a failed publication: 2, 4, 8 ... seconds, then every 15 minutes, for ever."""
    return min(timedelta(seconds=2 ** min(attempts, 20)), retry_cap())


def retry_cap() -> timedelta:
    """A row that cannot be published is tried again at least this often, for ever (settings.OUTBOX_RETRY_CAP_SECONDS,
    15 minutes; `make fault` shortens it to take a broker outage past the old give-up point in a short run)."""
    return timedelta(seconds=settings.OUTBOX_RETRY_CAP_SECONDS)


def is_waiting(message: OutboxMessage | None = None, *, dedup_key: str | None = None) -> bool:
    """True when the message (or the one with `dedup_key`) could not be handed to the worker yet (the broker is
    down): it is safe in the outbox and will be sent when the service is back. Views use it to say so."""
    rows = OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING, attempts__gt=0)
    if message is not None:
        return rows.filter(pk=message.pk).exists()
    return dedup_key is not None and rows.filter(dedup_key=dedup_key).exists()


def queued_words(waiting: bool, done: str, what: str = "It") -> str:
    """The honest message after asking for background work: `done` when the worker has it, or that it is queued
    while the mail or worker service is down."""
    if waiting:
        return (f"{what} is queued: the mail and background service is not answering at the moment, so it will be "
                "sent as soon as the service is back. You do not need to do it again.")
    return done


def stuck(*, now=None):
    """Rows the business unit should see: given up by the old rules, waiting to be published for more than a
    minute after a failure, or published email tasks whose email is still unsent after an hour."""
    now = now or timezone.now()
    unsent = EmailMessage.objects.filter(sent_at__isnull=True, created_at__lt=now - ALERT_AFTER).values("key")
    keys = unsent.annotate(dedup=Concat(Value("email:"), "key")).values("dedup")
    return (OutboxMessage.objects.filter(
        Q(status=OutboxMessage.Status.FAILED)
        | Q(status=OutboxMessage.Status.PENDING, attempts__gt=0, created_at__lt=now - timedelta(minutes=1))
        | Q(status=OutboxMessage.Status.PUBLISHED, dedup_key__in=keys))
        .order_by("created_at", "pk"))


@transaction.atomic
def requeue(*, by, message_id: int) -> OutboxMessage:
    """The business unit's button: publish the row again now."""
    from partnership import access
    from partnership.services.errors import ServiceError

    if not access.is_business_unit(by):
        raise ServiceError("Only the business unit can send messages again.")
    row = OutboxMessage.objects.select_for_update().get(pk=message_id)
    row.status, row.available_at, row.alerted_at = OutboxMessage.Status.PENDING, timezone.now(), None
    row.save(update_fields=["status", "available_at", "alerted_at"])
    transaction.on_commit(lambda: relay_after_commit_safely([row.pk]))
    return row


def alert_business_unit(*, now=None) -> int:
    """Tell the business unit, once per row, about messages waiting longer than ALERT_AFTER (the email is itself
    queued: it arrives when the mail service is back, and the outbox page lists the rows meanwhile)."""
    from django.urls import reverse

    from partnership.models import Role, User

    now = now or timezone.now()
    rows = list(stuck(now=now).filter(alerted_at__isnull=True, created_at__lt=now - ALERT_AFTER)
                .exclude(task="partnership.deliver_email", dedup_key__startswith="email:outbox-alert:")[:200])
    if not rows:
        return 0
    with transaction.atomic():
        OutboxMessage.objects.filter(pk__in=[r.pk for r in rows]).update(alerted_at=now)
        for person in User.objects.filter(is_active=True, roles__role=Role.BUSINESS_UNIT).distinct():
            enqueue_email(to=person.email, subject=f"{len(rows)} messages of the service are waiting to be sent",
                          template="outbox_alert",
                          context={"person": person, "count": len(rows),
                                   "link": settings.SITE_URL + reverse("partnership:outbox")},
                          key=f"outbox-alert:{now:%Y%m%d%H%M}:{person.pk}")
    log.error("outbox messages waiting longer than an hour", extra={"count": len(rows)})
    return len(rows)


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
    again (every hour at most after MAX_ATTEMPTS times, never given up); delivery is once per email row, so a
    task that did run sends nothing more.
    """
    now = now or timezone.now()
    keys = list(EmailMessage.objects.filter(sent_at__isnull=True, created_at__lt=now - REDELIVER_FIRST)
                .order_by("pk").values_list("key", flat=True)[:500])
    if not keys:
        return 0
    return OutboxMessage.objects.filter(
        overdue_publication(now), status=OutboxMessage.Status.PUBLISHED, dedup_key__in=[f"email:{key}" for key in keys],
    ).update(status=OutboxMessage.Status.PENDING, available_at=timezone.now())


def overdue_publication(now) -> Q:
    """Published rows whose last publication is older than `redeliver_after` their attempts."""
    overdue = Q(attempts__gte=MAX_ATTEMPTS, published_at__lt=now - REDELIVER_MAX)  # for ever, hourly at most
    for attempts in range(1, MAX_ATTEMPTS):
        overdue |= Q(attempts=attempts, published_at__lt=now - redeliver_after(attempts))
    return overdue


def relay_after_commit_safely(ids):
    """Used by on_commit: never let a broker outage break the response (the beat relay retries)."""
    try:
        relay_outbox(ids=ids)
    except Exception:  # noqa: BLE001
        log.exception("outbox relay after commit failed; the scheduled relay will retry")
