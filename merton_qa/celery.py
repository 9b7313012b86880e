"""The Celery application. With no REDIS_URL (the demo) tasks run eagerly in-process.

Every task of the project is a `Task` (the app's task class): it survives broker and database outages. See
README "Reliability" and `make fault`.
"""
import logging
import os

import celery
from celery.worker.request import Request
from django.db import InterfaceError, OperationalError

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "merton_qa.settings")

log = logging.getLogger(__name__)


class BrokerLossSafeRequest(Request):
    """A task request that does not acknowledge a message on a channel that is already closed.

    With `acks_late` a task's message is acknowledged when the task ends. If the broker connection broke
    while the task ran (Redis killed or restarted), the worker closes that connection and its channels
    before reconnecting, and kombu 5.7's Redis transport then fails to acknowledge on the old channel: its
    transport no longer has a client, so `_connparams` raises "AttributeError: 'NoneType' object has no
    attribute 'hostname'". That is not one of the connection errors Celery catches around an ack, so the
    worker stopped ("Unrecoverable error") and nothing ran until something restarted it (`make fault`, about
    1 run in 4).

    A delivery tag belongs to its channel: once the channel is closed the message cannot be acknowledged
    through it. It stays in Redis's unacknowledged set (append-only file) and Redis redelivers it after the
    transport's `visibility_timeout`; the tasks are idempotent (an email is sent at most once per
    EmailMessage row), so the second run does nothing. So skip the ack or reject, say so in the log, and
    keep the worker running.
    """

    def _channel_closed(self) -> bool:
        channel = self.message.channel
        return channel is None or bool(getattr(channel, "closed", False))

    def acknowledge(self):
        if not self.acknowledged and self._channel_closed():
            self._leave_for_redelivery("acknowledge")
            return
        super().acknowledge()

    def reject(self, requeue=False):
        if not self.acknowledged and self._channel_closed():
            self._leave_for_redelivery("reject")
            return
        super().reject(requeue=requeue)

    def _leave_for_redelivery(self, action: str) -> None:
        self.acknowledged = True  # settled as far as this worker goes: never try again on the dead channel
        log.warning("broker connection lost while the task ran: cannot %s it on the closed channel; "
                    "the broker redelivers it after the visibility timeout", action,
                    extra={"task": self.task_name, "task_id": self.id})


class Task(celery.Task):
    """The project's tasks are thin and idempotent (they take ids; a side effect has a unique key), so:

    - `Request`: a broker outage while a task runs must not stop the worker (see BrokerLossSafeRequest);
    - a task whose database went away (PostgreSQL restarting, a failover) is retried with back-off, 2 s, 4 s,
      8 s ... up to 8 times (about 8.5 minutes), instead of failing: without this an email whose task ran
      while PostgreSQL was down waited for the relay's 10-minute republication.
    """

    Request = BrokerLossSafeRequest
    autoretry_for = (OperationalError, InterfaceError)
    retry_backoff = 2
    retry_backoff_max = 300
    retry_jitter = False
    max_retries = 8


app = celery.Celery("merton_qa", task_cls=Task)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
