"""Section 11's Celery tasks: thin, idempotent."""
from celery import shared_task

from section11.services.transfer import delete_stale_import_files


@shared_task(name="section11.delete_stale_imports")
def delete_stale_imports() -> int:
    """Uploaded workbooks that were never saved or cancelled are removed after a day."""
    return delete_stale_import_files()
