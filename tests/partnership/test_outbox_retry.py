"""The outbox never gives up silently: the business unit is told once, sees what waits, and can send it again;
a report whose run died is taken over by the redelivered task."""
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from partnership.models import EmailMessage, OutboxMessage, ReportExport
from partnership.services import exports, outbox

from .test_exports import test_kinds  # noqa: F401 - a fixture
from .test_outbox import broker_down, not_eager, queue_email  # noqa: F401 - fixtures

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
