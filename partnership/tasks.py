"""Celery tasks of the shared kernel: thin, idempotent, taking ids."""
from celery import shared_task

from partnership import form_tokens
from partnership.services import accounts, email, exports, notify, relay, retention


@shared_task(name="partnership.deliver_email")
def deliver_email(email_id: int) -> bool:
    return email.email_deliver(email_id=email_id)


@shared_task(name="partnership.relay_outbox")
def relay_outbox() -> int:
    return relay.relay_round()


@shared_task(name="partnership.run_export")
def run_export(export_id: int) -> None:
    export = exports.export_run(export_id=export_id)
    if exports.still_running(export) and not run_export.app.conf.task_always_eager:
        # another run has it: look again when its lease could have ended (taken over if that run died)
        run_export.apply_async(kwargs={"export_id": export_id}, countdown=exports.lease().total_seconds() + 5)


@shared_task(name="partnership.fail_stale_exports")
def fail_stale_exports() -> int:
    return exports.exports_fail_stale()


@shared_task(name="partnership.apply_retention")
def apply_retention() -> dict[str, int]:
    counts = retention.retention_run()
    counts["form-tokens"] = form_tokens.forget_old()
    return counts


@shared_task(name="partnership.password_reset_send")
def password_reset_send(email: str) -> None:
    accounts.password_reset_send(email=email)


@shared_task(name="partnership.check_notify_statuses")
def check_notify_statuses() -> int:
    return notify.delivery_statuses_check()
