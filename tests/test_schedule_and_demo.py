"""The beat schedule names real tasks, and the demo seeding refuses a live system (that it loads twice without
failing or duplicating is in test_demo_history, which seeds it once for all its checks)."""
import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from merton_qa.celery import app


def test_every_scheduled_task_is_registered():
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in app.tasks, entry["task"]


@pytest.mark.django_db
@pytest.mark.parametrize("command", ["seed_demo", "seed_large"])
def test_demo_seeding_refuses_to_run_on_a_live_system(settings, command):
    settings.DEBUG = False
    settings.DEMO_PASSWORD = "x" * 20
    with pytest.raises(CommandError, match="DEBUG"):
        call_command(command)
