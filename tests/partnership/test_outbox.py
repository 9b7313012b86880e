"""The transactional outbox and email delivery (partnership.services.outbox, .email, partnership.tasks)."""
import io
from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import OperationalError, transaction
from django.utils import timezone

from merton_qa.celery import app
from partnership import tasks
from partnership.models import EmailMessage, OutboxMessage
from partnership.services import outbox
from partnership.services.email import email_deliver, message_id
from partnership.services.outbox import MAX_ATTEMPTS, enqueue_email, enqueue_task, relay_outbox

pytestmark = pytest.mark.django_db
P = OutboxMessage.Status


class BrokerDown(Exception):
    pass


def queue_email(key="reset:1", to="pat@example.org"):
    return enqueue_email(
        to=to, subject="Reset your password", template="password_reset",
        context={"user": {"full_name": "Pat Person"}, "link": "https://qa.example.org/reset/x/y/", "valid_days": 3},
        key=key,
    )


@pytest.fixture
def not_eager():
    """Take the real-broker path in relay_outbox (send_task) instead of running tasks in-process."""
    app.conf.task_always_eager = False
    yield
    app.conf.task_always_eager = True


@pytest.fixture
def broker_down(monkeypatch, not_eager):
    """The broker refuses every publish."""

    def refuse(*args, **kwargs):
        raise BrokerDown("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(app, "send_task", refuse)


@pytest.fixture
def broker_up(monkeypatch, not_eager):
    """A broker that accepts everything and records what it was given."""
    sent = []
    monkeypatch.setattr(app, "send_task", lambda name, kwargs=None, **_: sent.append((name, kwargs)))
    return sent


# --- Commit or nothing


def test_email_enqueued_in_rolled_back_transaction_is_never_sent(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            queue_email()
            assert EmailMessage.objects.count() == 1
            raise RuntimeError("the business change failed")
    assert callbacks == []
    assert not EmailMessage.objects.exists()
    assert not OutboxMessage.objects.exists()
    assert relay_outbox() == 0
    assert mail.outbox == []


def test_nothing_is_sent_before_the_transaction_commits(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        queue_email()
    assert len(callbacks) == 1
    assert mail.outbox == []
    assert OutboxMessage.objects.get().status == P.PENDING


def test_email_is_sent_exactly_once_after_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        email = queue_email(to="pat@example.org")
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert (sent.to, sent.subject) == (["pat@example.org"], "Reset your password")
    assert "https://qa.example.org/reset/x/y/" in sent.body
    email.refresh_from_db()
    assert email.sent_at is not None
    row = OutboxMessage.objects.get()
    assert (row.task, row.kwargs, row.status, row.attempts) == (
        "partnership.deliver_email", {"email_id": email.pk}, P.PUBLISHED, 1)
    assert row.dedup_key == "email:reset:1"
    assert row.published_at is not None


def test_relaying_again_sends_nothing_more(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        queue_email()
    assert relay_outbox() == 0
    call_command("relay_outbox", stdout=io.StringIO())
    assert len(mail.outbox) == 1


def test_redelivered_task_sends_nothing_more(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        email = queue_email()
    assert email_deliver(email_id=email.pk) is False
    assert tasks.deliver_email.apply(kwargs={"email_id": email.pk}).get() is False
    assert len(mail.outbox) == 1


def test_deliver_sends_once_when_the_task_arrives_twice():
    email = queue_email()  # not committed: no relay has run
    assert email_deliver(email_id=email.pk) is True
    assert email_deliver(email_id=email.pk) is False
    assert len(mail.outbox) == 1


def test_a_copy_sent_again_carries_the_same_message_id_so_mail_systems_drop_it():
    """The database failing after the mail server took the message but before sent_at was committed: the
    task runs again and sends again, with the first copy's Message-ID."""
    email = queue_email()
    with mock.patch.object(EmailMessage, "save", side_effect=OperationalError("the server closed the connection")):
        with pytest.raises(OperationalError):
            email_deliver(email_id=email.pk)
    email.refresh_from_db()
    assert email.sent_at is None and len(mail.outbox) == 1
    assert email_deliver(email_id=email.pk) is True
    first, again = (m.extra_headers["Message-ID"] for m in mail.outbox)
    assert first == again == message_id(email)
    assert first.startswith("<") and first.endswith("@example.org>")
    other = queue_email(key="another")
    assert message_id(other) != first


def test_deliver_for_a_missing_email_does_nothing():
    assert email_deliver(email_id=999_999) is False
    assert mail.outbox == []


def test_same_key_twice_sends_one_email(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = queue_email(key="invite:7")
        second = queue_email(key="invite:7")
    assert first is not None
    assert second is None
    assert EmailMessage.objects.count() == 1
    assert OutboxMessage.objects.count() == 1
    assert len(mail.outbox) == 1


def test_enqueue_task_with_existing_dedup_key_returns_none():
    assert enqueue_task("partnership.relay_outbox", dedup_key="once") is not None
    assert enqueue_task("partnership.relay_outbox", dedup_key="once") is None
    assert OutboxMessage.objects.count() == 1


# --- Publishing to the broker, failures and back-off


def test_relay_publishes_pending_rows_to_the_broker(broker_up):
    email = queue_email()
    assert relay_outbox() == 1
    assert broker_up == [("partnership.deliver_email", {"email_id": email.pk})]
    assert OutboxMessage.objects.get().status == P.PUBLISHED
    assert relay_outbox() == 0
    assert len(broker_up) == 1


def test_publish_failure_leaves_row_pending_with_back_off(broker_down):
    queue_email()
    before = timezone.now()
    assert relay_outbox() == 0
    row = OutboxMessage.objects.get()
    assert row.status == P.PENDING
    assert row.attempts == 1
    assert "BrokerDown" in row.last_error and "Connection refused" in row.last_error
    assert row.available_at > before
    assert row.published_at is None
    assert mail.outbox == []
    # Not due yet: the next relay leaves it alone.
    assert relay_outbox() == 0
    assert OutboxMessage.objects.get().attempts == 1


def test_back_off_grows_with_each_attempt(broker_down):
    queue_email()
    delays = []
    for _ in range(3):
        OutboxMessage.objects.update(available_at=timezone.now() - timedelta(seconds=1))
        start = timezone.now()
        relay_outbox()
        delays.append((OutboxMessage.objects.get().available_at - start).total_seconds())
    assert delays[0] < delays[1] < delays[2]


def test_task_failure_in_eager_mode_leaves_row_pending(monkeypatch):
    def fail(*args, **kwargs):
        raise ConnectionError("SMTP server unavailable")

    monkeypatch.setattr(app.tasks["partnership.deliver_email"], "apply", fail)
    queue_email()
    assert relay_outbox() == 0
    row = OutboxMessage.objects.get()
    assert (row.status, row.attempts) == (P.PENDING, 1)
    assert "SMTP server unavailable" in row.last_error
    assert row.available_at > timezone.now()


def test_a_row_is_never_given_up_and_is_tried_every_15_minutes_at_most(broker_down):
    queue_email()
    for attempt in range(1, 3 * MAX_ATTEMPTS + 1):
        OutboxMessage.objects.update(available_at=timezone.now() - timedelta(seconds=1))
        relay_outbox()
        row = OutboxMessage.objects.get()
        assert (row.attempts, row.status) == (attempt, P.PENDING)
        assert row.available_at <= timezone.now() + outbox.retry_cap()
    assert row.available_at > timezone.now() + timedelta(minutes=14)


def test_recovered_broker_publishes_what_failed_before(broker_down, monkeypatch):
    queue_email()
    relay_outbox()
    sent = []
    monkeypatch.setattr(app, "send_task", lambda name, kwargs=None, **_: sent.append(name))
    OutboxMessage.objects.update(available_at=timezone.now() - timedelta(seconds=1))
    assert relay_outbox() == 1
    row = OutboxMessage.objects.get()
    assert (row.status, row.attempts, sent) == (P.PUBLISHED, 2, ["partnership.deliver_email"])


def test_broker_outage_after_commit_does_not_break_the_request(broker_down, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        email = queue_email()
    email.refresh_from_db()
    assert email.sent_at is None
    assert OutboxMessage.objects.get().status == P.PENDING


def test_relay_after_commit_swallows_unexpected_errors(monkeypatch):
    def explode(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(outbox, "relay_outbox", explode)
    outbox.relay_after_commit_safely([1])  # logs, never raises


def test_relay_only_publishes_the_ids_asked_for(broker_up):
    first = enqueue_task("partnership.relay_outbox")
    enqueue_task("partnership.fail_stale_exports")
    assert relay_outbox(ids=[first.pk]) == 1
    assert [name for name, _ in broker_up] == ["partnership.relay_outbox"]


# --- The management command and the scheduled task


def test_relay_outbox_command_publishes_pending_emails(capsys):
    queue_email()  # committed with the test transaction, never relayed on commit
    call_command("relay_outbox")
    assert "Published 1 outbox message(s)." in capsys.readouterr().out
    assert len(mail.outbox) == 1
    assert OutboxMessage.objects.get().status == P.PUBLISHED


def test_scheduled_relay_task_publishes_pending_emails():
    queue_email()
    assert tasks.relay_outbox.apply().get() == 1
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_plain_text_bodies_are_not_html_escaped_and_html_bodies_are():
    email = outbox.enqueue_email(
        to="someone@example.org", subject="Ready", template="digest",
        context={"person": {"full_name": "Siobhán O'Neil & <b>Co</b>"}, "groups": [], "today": timezone.localdate(),
                 "count": 1, "account_link": "http://testserver/account/"},
        key="escape-test",
    )
    assert "Dear Siobhán O'Neil & <b>Co</b>," in email.body_text
    assert "&#x27;" not in email.body_text and "&amp;" not in email.body_text
    assert "Siobhán O&#x27;Neil &amp; &lt;b&gt;Co&lt;/b&gt;" in email.body_html


@pytest.mark.django_db
def test_an_email_whose_published_task_came_to_nothing_is_published_again_and_sent_once(monkeypatch):
    """The worker died (or the database failed) after the task was published: the relay tries again."""
    monkeypatch.setattr(outbox, "relay_after_commit_safely", lambda ids: None)
    with transaction.atomic():
        email = outbox.enqueue_email(to="lead@police.example.org", subject="Due", template="digest",
                                     context={"person": {"full_name": "Lee"}, "groups": [], "today": None,
                                              "count": 1, "account_link": ""}, key="lost-once")
    row = OutboxMessage.objects.get(dedup_key="email:lost-once")
    later = timezone.now() + timedelta(minutes=11)
    # Published, but the task never ran: the email is unsent.
    OutboxMessage.objects.filter(pk=row.pk).update(status=OutboxMessage.Status.PUBLISHED, attempts=1,
                                                   published_at=timezone.now())
    assert outbox.republish_undelivered_emails(now=timezone.now()) == 0  # too soon to give up on it
    assert outbox.republish_undelivered_emails(now=later) == 1
    row.refresh_from_db()
    assert row.status == OutboxMessage.Status.PENDING
    outbox.relay_outbox()  # eager here: the relay runs the task
    email.refresh_from_db()
    assert email.sent_at is not None and len(mail.outbox) == 1
    # Once sent, nothing is published again and nothing is sent twice.
    assert outbox.republish_undelivered_emails(now=later + timedelta(minutes=20)) == 0
    tasks.relay_outbox()
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_an_email_that_keeps_failing_is_published_again_every_hour_for_ever():
    email = EmailMessage.objects.create(to="x@example.org", subject="s", body_text="b", key="never")
    OutboxMessage.objects.create(task="partnership.deliver_email", kwargs={"email_id": email.pk},
                                 dedup_key="email:never", status=OutboxMessage.Status.PUBLISHED,
                                 attempts=outbox.MAX_ATTEMPTS, published_at=timezone.now() - timedelta(hours=1))
    EmailMessage.objects.filter(pk=email.pk).update(created_at=timezone.now() - timedelta(hours=1))
    assert outbox.republish_undelivered_emails() == 1


@pytest.mark.django_db
def test_a_lost_email_task_is_published_again_within_minutes_and_a_queued_one_only_a_few_times():
    """A minute after its first publication, then twice as long after each: a task the broker lost (taken off
    the queue as Redis died) is sent within a couple of minutes; one merely waiting behind a long queue is
    published again a handful of times at most (each extra copy does nothing: the email is sent once)."""
    assert [outbox.redeliver_after(n) for n in (1, 2, 3, 7, 11)] == [
        timedelta(minutes=1), timedelta(minutes=2), timedelta(minutes=4), timedelta(hours=1), timedelta(hours=1)]
    now = timezone.now()
    rows = {}
    for key, attempts, minutes_ago in (("a", 1, 1.5), ("b", 1, 0.5), ("c", 3, 3), ("d", 3, 5)):
        email = EmailMessage.objects.create(to="x@example.org", subject="s", body_text="b", key=key)
        EmailMessage.objects.filter(pk=email.pk).update(created_at=now - timedelta(hours=1))
        rows[key] = OutboxMessage.objects.create(
            task="partnership.deliver_email", kwargs={"email_id": email.pk}, dedup_key=f"email:{key}",
            status=OutboxMessage.Status.PUBLISHED, attempts=attempts,
            published_at=now - timedelta(minutes=minutes_ago))
    assert outbox.republish_undelivered_emails(now=now) == 2
    pending = set(OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING).values_list("dedup_key", flat=True))
    assert pending == {"email:a", "email:d"}


def test_an_email_of_a_dated_past_event_is_on_record_as_sent_then_and_not_sent_now(django_capture_on_commit_callbacks):
    """The demo records months of events through the services: their emails are history, not today's post."""
    from partnership import history

    moment = timezone.now() - timedelta(days=200)
    with django_capture_on_commit_callbacks(execute=True), history.dated(moment):
        email = queue_email(key="pack-published:old")
    email.refresh_from_db()
    assert email.sent_at == moment and email.created_at == moment
    assert not OutboxMessage.objects.exists() and mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        relay_outbox()
    assert mail.outbox == []
