"""The Celery application. With no REDIS_URL (the demo) tasks run eagerly in-process.

Every task of the project is a `Task` (the app's task class): retried when its database goes away. The worker
survives a broker outage thanks to the broker transport (merton_qa.broker). See docs/reliability.md and
`make fault`.
"""
import os

import celery
from django.db import InterfaceError, OperationalError

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "merton_qa.settings")


class Task(celery.Task):
    """The project's tasks are thin and idempotent (they take ids; a side effect has a unique key), so a task
    whose database went away (PostgreSQL restarting, a failover) is retried with back-off, 2 s, 4 s, 8 s ...
    up to 8 times (about 8.5 minutes) instead of failing: without this an email whose task ran while
    PostgreSQL was down waited for the relay's 10-minute republication (`make fault` phase B).
    """

    autoretry_for = (OperationalError, InterfaceError)
    retry_backoff = 2
    retry_backoff_max = 300
    retry_jitter = False
    max_retries = 8


app = celery.Celery("merton_qa", task_cls=Task)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
