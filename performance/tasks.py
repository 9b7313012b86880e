"""Performance Celery tasks: thin, idempotent."""
from celery import shared_task

from performance.services.upload import delete_stale_upload_files


@shared_task(name="performance.delete_stale_uploads")
def delete_stale_uploads() -> int:
    """Uploaded files that were never saved or cancelled are removed after a day."""
    return delete_stale_upload_files()
