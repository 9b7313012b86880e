"""Celery tasks of the composition root: thin, idempotent."""
from celery import shared_task

from . import digest


@shared_task(name="merton_qa.send_digests")
def send_digests() -> int:
    return digest.digests_send()
