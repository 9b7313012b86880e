"""Audits' Celery tasks: thin, idempotent."""
from celery import shared_task

from audits.services.concerns import escalate_concerns as _escalate


@shared_task(name="audits.escalate_concerns")
def escalate_concerns() -> int:
    """Unacknowledged immediate concerns past one working day go to the business unit, once each."""
    return _escalate()
