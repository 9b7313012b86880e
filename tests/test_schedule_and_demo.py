"""The beat schedule names real tasks, and the demo data loads twice without failing or duplicating."""
import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from merton_qa.celery import app


def test_every_scheduled_task_is_registered():
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in app.tasks, entry["task"]


@pytest.mark.django_db
@pytest.mark.timeout(1500)  # the demo, twice
def test_seed_demo_is_idempotent(settings):
    from partnership.models import Action, Agency, User
    from section11.models import Answer, Cycle, Return

    settings.DEBUG = True
    settings.DEMO_PASSWORD = "demo-password-for-tests"

    def counts():
        return [m.objects.count() for m in (Agency, User, Action, Cycle, Return, Answer)]

    call_command("seed_demo", stdout=open("/dev/null", "w"))
    first = counts()
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    assert counts() == first
    assert first[0] >= 25 and first[2] >= 30
    assert User.objects.get(email="lead@police.example.org").check_password("demo-password-for-tests")
    statuses = set(Return.objects.filter(cycle__name="Section 11 2026").values_list("status", flat=True))
    assert statuses == set(Return.Status.values)  # every state, so the tracker shows something real
    assert not User.objects.exclude(email__endswith="example.org").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("command", ["seed_demo", "seed_large"])
def test_demo_seeding_refuses_to_run_on_a_live_system(settings, command):
    settings.DEBUG = False
    settings.DEMO_PASSWORD = "x" * 20
    with pytest.raises(CommandError, match="DEBUG"):
        call_command(command)
