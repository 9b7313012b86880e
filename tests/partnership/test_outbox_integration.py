"""The outbox end to end: real Redis broker, an in-process Celery worker, committed rows.

Run with `REDIS_URL=redis://127.0.0.1:6379/15 .venv/bin/pytest tests/partnership/test_outbox_integration.py`.
`transaction=True` so the rows are really committed and the worker's thread (its own database connection
to the same test database) can see them.
"""
import threading
import time

import pytest
from celery.signals import task_postrun
from django.conf import settings
from django.core import mail
from django.db import connections

from partnership.models import EmailMessage, OutboxMessage, Role
from partnership.services import outbox
from partnership.services.accounts import user_invite
from partnership.services.outbox import relay_outbox

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
WAIT_SECONDS = 15


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def worker():
    """A solo-pool worker in a thread on the test Redis database. Yields the names of the tasks it finished."""
    if not settings.REDIS_URL:
        pytest.skip("REDIS_URL is not set: the integration tests need a Redis broker "
                    "(e.g. REDIS_URL=redis://127.0.0.1:6379/15)")
    from celery.contrib.testing.worker import start_worker

    from merton_qa.celery import app

    finished: list[str] = []
    lock = threading.Lock()

    def after_task(sender=None, **kwargs):
        # The worker thread opened its own connection to the test database: close it after each task so it
        # neither holds locks during the test nor blocks dropping the test database at the end.
        connections.close_all()
        with lock:
            finished.append(sender.name)

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = False
    app.control.purge()  # nothing left over in the test queue from an earlier run
    task_postrun.connect(after_task, weak=False)
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=15):
            yield finished
    finally:
        task_postrun.disconnect(after_task)
        app.conf.task_always_eager = previous


def wait_for(predicate, what: str):
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    pytest.fail(f"Waited {WAIT_SECONDS} s for {what}")


def invite(business_unit, police):
    return user_invite(by=business_unit, email="new.person@police.example.org", full_name="Nia Newcomer",
                       agency=police, roles=[Role.AGENCY_CONTRIBUTOR])


def sent(email_id) -> bool:
    return EmailMessage.objects.filter(pk=email_id, sent_at__isnull=False).exists()


def test_invitation_is_delivered_once_through_the_broker(worker, business_unit, police):
    user = invite(business_unit, police)  # commits; the on-commit relay publishes to Redis
    email = EmailMessage.objects.get(to=user.email)
    relay_outbox()  # the scheduled relay finds nothing left to publish

    wait_for(lambda: sent(email.pk), "the worker to send the invitation")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["new.person@police.example.org"]
    assert OutboxMessage.objects.get().status == OutboxMessage.Status.PUBLISHED

    assert relay_outbox() == 0
    time.sleep(1)
    assert worker == ["partnership.deliver_email"]
    assert len(mail.outbox) == 1


def test_scheduled_relay_publishes_what_the_on_commit_relay_missed(worker, business_unit, police, monkeypatch):
    monkeypatch.setattr(outbox, "relay_after_commit_safely", lambda ids: None)  # as if Redis was down at commit
    user = invite(business_unit, police)
    email = EmailMessage.objects.get(to=user.email)
    time.sleep(0.5)
    assert not sent(email.pk)
    assert OutboxMessage.objects.get().status == OutboxMessage.Status.PENDING

    assert relay_outbox() == 1

    wait_for(lambda: sent(email.pk), "the worker to send the invitation")
    assert len(mail.outbox) == 1
    assert relay_outbox() == 0
    time.sleep(1)
    assert len(mail.outbox) == 1


def test_redelivered_email_task_sends_nothing_more(worker, business_unit, police):
    from merton_qa.celery import app

    user = invite(business_unit, police)
    email = EmailMessage.objects.get(to=user.email)
    wait_for(lambda: len(worker) == 1, "the first delivery")

    app.send_task("partnership.deliver_email", kwargs={"email_id": email.pk})  # the broker delivers it again

    wait_for(lambda: len(worker) == 2, "the redelivered task to finish")
    assert sent(email.pk)
    assert len(mail.outbox) == 1
