"""The board report and the daily digest end to end through the real Redis broker and a Celery worker.

Run with `REDIS_URL=redis://127.0.0.1:6379/15 .venv/bin/pytest tests/integration`. CI does.
"""
import datetime
import subprocess

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from partnership.dates import Quarter
from partnership.models import EmailMessage, ReportExport
from tests.factories import ActionFactory
from tests.partnership.test_outbox_integration import wait_for, worker  # noqa: F401 - the worker fixture

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_a_chair_asks_for_the_board_report_and_the_worker_makes_it(worker, chair, client_for, tmp_path):  # noqa: F811
    quarter = Quarter.containing(timezone.localdate())
    response = client_for(chair).post(reverse("board-reports"), {"period": quarter.code})
    export = ReportExport.objects.get()
    assert response.status_code == 302 and response["Location"] == export.get_absolute_url()

    wait_for(lambda: ReportExport.objects.filter(pk=export.pk, status=ReportExport.Status.READY).exists(),
             "the worker to make the board report")
    wait_for(lambda: EmailMessage.objects.filter(key=f"export-ready:{export.pk}", sent_at__isnull=False).exists(),
             "the worker to email the chair")
    assert worker.count("partnership.run_export") == 1
    assert [m.to for m in mail.outbox] == [[chair.email]]

    download = client_for(chair).get(reverse("partnership:export-download", args=[export.pk]))
    pdf = tmp_path / "board.pdf"
    pdf.write_bytes(b"".join(download.streaming_content))
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "Quality assurance report to the partnership board" in " ".join(text.split())
    assert quarter.label in text


def test_the_scheduled_digest_runs_on_the_worker_and_its_emails_are_delivered(worker, agency_lead):  # noqa: F811
    from merton_qa.celery import app

    ActionFactory(owner=agency_lead, owner_agency=agency_lead.agency, title="Refresh the MASH threshold guide",
                  due_date=timezone.localdate() + datetime.timedelta(days=2))
    app.send_task("merton_qa.send_digests")  # what beat sends at 07:00

    wait_for(lambda: EmailMessage.objects.filter(to=agency_lead.email, sent_at__isnull=False).exists(),
             "the digest to be delivered")
    assert worker.count("merton_qa.send_digests") == 1
    (message,) = mail.outbox
    assert message.to == [agency_lead.email]
    assert "Refresh the MASH threshold guide: due in 2 days" in message.body

    app.send_task("merton_qa.send_digests")  # a second run the same day sends nothing more
    wait_for(lambda: worker.count("merton_qa.send_digests") == 2, "the second run")
    assert len(mail.outbox) == 1
