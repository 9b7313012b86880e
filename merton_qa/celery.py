"""The Celery application. With no REDIS_URL (the demo) tasks run eagerly in-process."""
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "merton_qa.settings")

app = Celery("merton_qa")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
