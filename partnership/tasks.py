"""Celery tasks of the shared kernel: thin, idempotent, taking ids."""
from celery import shared_task

from partnership.services import accounts, email, exports, notify, outbox, retention


@shared_task(name="partnership.deliver_email")
def deliver_email(email_id: int) -> bool:
    return email.email_deliver(email_id=email_id)


@shared_task(name="partnership.relay_outbox")
def relay_outbox() -> int:
    return outbox.relay_round()


@shared_task(name="partnership.run_export")
def run_export(export_id: int) -> None:
    exports.export_run(export_id=export_id)


@shared_task(name="partnership.fail_stale_exports")
def fail_stale_exports() -> int:
    return exports.exports_fail_stale()


@shared_task(name="partnership.apply_retention")
def apply_retention() -> dict[str, int]:
    return retention.retention_run()


@shared_task(name="partnership.password_reset_send")
def password_reset_send(email: str) -> None:
    accounts.password_reset_send(email=email)


@shared_task(name="partnership.check_notify_statuses")
def check_notify_statuses() -> int:
    return notify.delivery_statuses_check()
