"""The outbox never gives up silently: the business unit is told once, sees what waits, and can send it again;
a report whose run died is taken over by the redelivered task."""
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from partnership.models import EmailMessage, OutboxMessage, ReportExport
from partnership.services import exports, outbox, relay

from .test_exports import test_kinds  # noqa: F401 - a fixture
from .test_outbox import broker_down, broker_up, not_eager, queue_email  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db


def _age(hours: float):
    OutboxMessage.objects.update(created_at=timezone.now() - timedelta(hours=hours))


def test_the_business_unit_is_told_once_about_messages_waiting_over_an_hour(broker_down, business_unit):  # noqa: F811
    queue_email()
    outbox.relay_outbox()
    assert outbox.alert_business_unit() == 0  # not an hour yet
    _age(2)
    assert outbox.alert_business_unit() == 1
    alert = EmailMessage.objects.get(to=business_unit.email, key__startswith="outbox-alert:")
    assert "/outbox/" in alert.body_text and "never" not in alert.subject
    assert outbox.alert_business_unit() == 0  # once, not every retry
    assert EmailMessage.objects.filter(key__startswith="outbox-alert:").count() == 1


def test_the_outbox_page_lists_waiting_rows_and_sends_one_again(broker_down, business_unit, client_for,  # noqa: F811
                                                                 monkeypatch):
    queue_email()
    outbox.relay_outbox()
    _age(2)
    client = client_for(business_unit)
    page = client.get(reverse("partnership:outbox")).content.decode()
    row = OutboxMessage.objects.get()
    assert "Email (reference" in page and "Connection refused" in page
    response = client.post(reverse("partnership:outbox-requeue", args=[row.pk]), follow=True)
    assert "will be sent as soon as the service is back" in response.content.decode()
    row.refresh_from_db()
    assert row.status == OutboxMessage.Status.PENDING and row.available_at <= timezone.now()


@pytest.mark.parametrize("persona", ["qa_member", "chair", "agency_lead", "reader"])
def test_only_the_business_unit_sees_the_outbox(request, persona, client_for):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(reverse("partnership:outbox")).status_code == 403
    row = OutboxMessage.objects.create(task="partnership.relay_outbox", status=OutboxMessage.Status.FAILED)
    assert client.post(reverse("partnership:outbox-requeue", args=[row.pk])).status_code == 403
    assert OutboxMessage.objects.get().status == OutboxMessage.Status.FAILED


def test_a_report_whose_run_died_is_taken_over_by_the_redelivered_task(test_kinds, chair):  # noqa: F811
    export = ReportExport.objects.create(kind="test-tiny", parameters={"name": "Ann"}, requested_by=chair,
                                         status=ReportExport.Status.RUNNING,
                                         started_at=timezone.now() - exports.lease() - timedelta(seconds=5))
    assert exports.export_run(export_id=export.pk).status == ReportExport.Status.READY


def test_a_report_another_live_run_is_making_is_left_alone(test_kinds, chair):  # noqa: F811
    export = ReportExport.objects.create(kind="test-tiny", parameters={"name": "Ann"}, requested_by=chair,
                                         status=ReportExport.Status.RUNNING, started_at=timezone.now(),
                                         heartbeat_at=timezone.now())
    done = exports.export_run(export_id=export.pk)
    assert done.status == ReportExport.Status.RUNNING and exports.still_running(done)


def test_a_report_waiting_long_says_how_long_and_what_to_do(test_kinds, chair, client_for):  # noqa: F811
    export = ReportExport.objects.create(kind="test-tiny", parameters={"name": "Ann"}, requested_by=chair)
    page = client_for(chair).get(export.get_absolute_url()).content.decode()
    assert "usually takes less than a minute" in page
    ReportExport.objects.filter(pk=export.pk).update(requested_at=timezone.now() - timedelta(minutes=40))
    page = client_for(chair).get(export.get_absolute_url()).content.decode()
    assert "40 minutes ago" in page and "less than a minute" not in page


# --- A report whose run died (its worker killed) is made without waiting for the sweeper (`make fault` phase D)
R = ReportExport.Status


def _published(chair, *, status, published_ago, kind="test-tiny", **fields) -> ReportExport:
    """A report whose task the relay published `published_ago`."""
    export = ReportExport.objects.create(kind=kind, parameters={"name": "Ann"}, requested_by=chair, status=status,
                                         **fields)
    ReportExport.objects.filter(pk=export.pk).update(requested_at=timezone.now() - published_ago)
    OutboxMessage.objects.create(task="partnership.run_export", kwargs={"export_id": export.pk},
                                 dedup_key=f"export:{export.pk}", status=OutboxMessage.Status.PUBLISHED, attempts=1,
                                 published_at=timezone.now() - published_ago)
    return export


def _gone():
    return timezone.now() - exports.lease() - timedelta(seconds=5)


def test_the_relay_publishes_again_the_tasks_of_reports_whose_run_died_or_never_started(
        test_kinds, chair, broker_up):  # noqa: F811
    minutes = timedelta(minutes=2)
    dead = _published(chair, status=R.RUNNING, published_ago=minutes, started_at=_gone(), heartbeat_at=_gone(), runs=1)
    _published(chair, status=R.RUNNING, published_ago=minutes, started_at=_gone(), heartbeat_at=timezone.now(), runs=1)
    lost = _published(chair, status=R.QUEUED, published_ago=minutes)  # its task never started
    _published(chair, status=R.QUEUED, published_ago=timedelta(seconds=10))  # only waiting in the queue
    _published(chair, status=R.READY, published_ago=minutes)
    assert relay.relay_round() == 2
    assert sorted(kwargs["export_id"] for _, kwargs in broker_up) == [dead.pk, lost.pk]
    assert relay.relay_round() == 0  # published again once, not every round


def test_the_task_published_again_takes_the_dead_run_over_and_makes_the_report_once(test_kinds, chair):  # noqa: F811
    export = _published(chair, status=R.RUNNING, published_ago=timedelta(minutes=2), started_at=_gone(), runs=1)
    relay.relay_round()  # eager here: the task runs in-process, as the worker would
    export.refresh_from_db()
    assert (export.status, export.runs, export.file.read()) == (R.READY, 2, b"Hello Ann")
    assert test_kinds == [{"name": "Ann"}]
    assert EmailMessage.objects.filter(key=f"export-ready:{export.pk}").count() == 1


def test_a_report_whose_runs_keep_dying_is_failed_and_its_requester_told(test_kinds, chair):  # noqa: F811
    export = ReportExport.objects.create(kind="test-tiny", parameters={"name": "Ann"}, requested_by=chair,
                                         status=R.RUNNING, started_at=_gone(), runs=exports.MAX_RUNS)
    done = exports.export_run(export_id=export.pk)
    assert done.status == R.FAILED and f"stopped {exports.MAX_RUNS} times" in done.error
    assert test_kinds == []  # not made a fourth time
    assert "could not be made" in EmailMessage.objects.get(key=f"export-ready:{export.pk}").subject


def test_a_run_taken_over_while_it_worked_keeps_nothing_it_made(chair):
    @exports.register_export("test-overtaken")
    def overtaken(parameters: dict) -> tuple[str, bytes]:
        # meanwhile its lease seemed to lapse and another run took the report over
        ReportExport.objects.filter(kind="test-overtaken").update(started_at=timezone.now() + timedelta(seconds=1),
                                                                  runs=2)
        return "late.txt", b"late"

    try:
        export = ReportExport.objects.create(kind="test-overtaken", parameters={}, requested_by=chair)
        done = exports.export_run(export_id=export.pk)
    finally:
        exports._REGISTRY.pop("test-overtaken", None)
    assert (done.status, done.runs, done.file.name) == (R.RUNNING, 2, "")  # the other run's to finish
    assert not EmailMessage.objects.exists()


def test_the_worker_reconnects_to_the_broker_for_ever():
    """Celery's default, 100 tries 2 to 30 s apart, ended the worker after about 47 minutes without the broker."""
    from merton_qa.celery import app

    assert app.conf.broker_connection_max_retries is None
