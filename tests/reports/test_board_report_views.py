"""The board reports page: who may ask for a quarter's report, the export it makes, emails, the broker-down path."""
import re
from unittest import mock

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from merton_qa import board_report
from partnership.dates import Quarter
from partnership.models import EmailMessage, OutboxMessage, ReportExport
from partnership.services.outbox import relay_outbox
from tests.factories import UserFactory
from tests.reports.conftest import Role, past_quarter

pytestmark = pytest.mark.django_db
URL = reverse("board-reports")
R = ReportExport.Status


def ask(client, capture, period):
    """POST the form as a browser does: with the CSRF token, and no period when no radio is chosen."""
    data = {"csrfmiddlewaretoken": "token"} | ({} if period is None else {"period": period})
    with capture(execute=True):
        return client.post(URL, data)


def make_ready(person, quarter: Quarter) -> ReportExport:
    export = ReportExport.objects.create(kind=board_report.EXPORT_KIND, parameters={"period": quarter.code},
                                         requested_by=person, status=R.READY,
                                         filename=board_report.filename(quarter))
    export.file.save(export.filename, ContentFile(b"%PDF-1.7 " + quarter.code.encode()))
    return export


@pytest.fixture
def quick_render(monkeypatch):
    """A stand-in for the PDF where the test is about the page, not the document (the real one is tested)."""
    calls = []

    def render(quarter, **kwargs):
        calls.append(quarter)
        return b"%PDF-1.7 board report " + quarter.code.encode()

    monkeypatch.setattr(board_report, "render", render)
    return calls


# --- Who may ask -----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("persona", ["business_unit", "qa_member", "chair"])
def test_report_readers_see_the_page_with_the_last_eight_quarters(request, client_for, persona):
    response = client_for(request.getfixturevalue(persona)).get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    this = Quarter.containing(timezone.localdate())
    assert re.search(rf'value="{this.code}"[^>]*checked', html)  # the current quarter is chosen
    assert f"{this.label}: {this.months} (figures to date)" in html
    assert len(re.findall(r'name="period"', html)) == 8
    assert "No PDF has been made yet." in html


@pytest.mark.parametrize("persona", ["business_unit", "qa_member", "chair"])
def test_report_readers_ask_for_a_quarter_and_get_a_ready_export(request, client_for, persona, quick_render,
                                                                 django_capture_on_commit_callbacks):
    person = request.getfixturevalue(persona)
    quarter = past_quarter()

    response = ask(client_for(person), django_capture_on_commit_callbacks, quarter.code)

    export = ReportExport.objects.get()
    assert (export.kind, export.parameters, export.requested_by) == ("board-report", {"period": quarter.code}, person)
    assert response.status_code == 302
    assert response.url == export.get_absolute_url()
    assert export.status == R.READY
    assert export.filename == f"board-report-{quarter.label.replace(' ', '-').lower()}.pdf"
    assert quick_render == [quarter]


def test_asking_makes_the_real_pdf_and_emails_the_link(client_for, chair, django_capture_on_commit_callbacks,
                                                       settings):
    quarter = past_quarter()  # with no data in any app: the quickest real document
    client = client_for(chair)

    response = ask(client, django_capture_on_commit_callbacks, quarter.code)

    export = ReportExport.objects.get()
    assert export.status == R.READY, export.error
    download = client.get(reverse("partnership:export-download", args=[export.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF-")
    page = client.get(response.url).content.decode()
    assert reverse("partnership:export-download", args=[export.pk]) in page
    [email] = mail.outbox
    assert email.to == [chair.email]
    assert email.subject == "Your report is ready: Quarterly QA board report (PDF)"
    assert settings.SITE_URL + export.get_absolute_url() in email.body


@pytest.mark.parametrize("persona", ["reader", "agency_lead", "contributor", "outsider", "reviews_member"])
def test_others_are_refused_the_page_and_cannot_ask(request, client_for, persona, quick_render,
                                                   django_capture_on_commit_callbacks):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(URL).status_code == 403
    assert ask(client, django_capture_on_commit_callbacks, past_quarter().code).status_code == 403
    assert not ReportExport.objects.exists()
    assert not OutboxMessage.objects.exists()
    assert quick_render == []


def test_anonymous_visitor_is_sent_to_sign_in(client, django_capture_on_commit_callbacks):
    for response in (client.get(URL), ask(client, django_capture_on_commit_callbacks, past_quarter().code)):
        assert response.status_code == 302
        assert response.url.startswith(reverse("partnership:sign-in"))
    assert not ReportExport.objects.exists()


@pytest.mark.parametrize("period, message", [
    (None, "Choose the quarter the report is for."),
    ("", "Choose the quarter the report is for."),
    ("2026-Q5", "Select one of the options shown"),
    ("2001-Q1", "Select one of the options shown"),  # a real quarter, but not one the page offers
])
def test_a_missing_or_invalid_period_shows_the_error_by_the_field(client_for, business_unit, period, message,
                                                                  django_capture_on_commit_callbacks):
    response = ask(client_for(business_unit), django_capture_on_commit_callbacks, period)
    assert response.status_code == 400
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert re.search(r'<legend[^>]*>\s*Which quarter\?\s*</legend>.*?<span id="id_period_1_error" '
                     r'class="govuk-error-message">\s*<span class="govuk-visually-hidden">Error:</span>\s*'
                     + re.escape(message), html, re.DOTALL)
    assert not ReportExport.objects.exists()


# --- Reports made before -------------------------------------------------------------------------------------
def test_chair_sees_and_downloads_a_report_someone_else_asked_for(client_for, chair, business_unit):
    quarter = past_quarter()
    export = make_ready(business_unit, quarter)
    client = client_for(chair)

    html = client.get(URL).content.decode()

    assert export.get_absolute_url() in html
    assert f"{quarter.label} <span class=\"govuk-body-s\">({quarter.months})</span>" in html
    assert business_unit.full_name in html
    assert reverse("partnership:export-download", args=[export.pk]) in html
    download = client.get(reverse("partnership:export-download", args=[export.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.7 " + quarter.code.encode()


def test_page_lists_only_board_reports_and_no_download_link_until_ready(client_for, business_unit):
    queued = ReportExport.objects.create(kind=board_report.EXPORT_KIND, parameters={"period": "2026-Q1"},
                                         requested_by=business_unit)
    other = ReportExport.objects.create(kind="actions-overdue", requested_by=business_unit, status=R.READY)
    html = client_for(business_unit).get(URL).content.decode()
    assert queued.get_absolute_url() in html
    assert reverse("partnership:export-download", args=[queued.pk]) not in html
    assert other.get_absolute_url() not in html


def test_a_report_with_an_unreadable_period_is_still_listed(client_for, business_unit):
    odd = ReportExport.objects.create(kind=board_report.EXPORT_KIND, parameters={"period": "mystery"},
                                      requested_by=business_unit)
    html = client_for(business_unit).get(URL).content.decode()
    assert odd.get_absolute_url() in html
    assert ">mystery</a>" in html


def test_page_queries_do_not_grow_with_past_reports(client_for, chair):
    client = client_for(chair)
    people = [UserFactory(roles=[Role.BUSINESS_UNIT]) for _ in range(3)]
    make_ready(people[0], past_quarter())
    client.get(URL)  # warm up the session and the form's caches
    with CaptureQueriesContext(connection) as few:
        assert client.get(URL).status_code == 200
    for n in range(12):
        make_ready(people[n % 3], past_quarter().previous())
    with CaptureQueriesContext(connection) as many:
        assert client.get(URL).status_code == 200
    assert len(many) == len(few)


# --- When the broker is down ------------------------------------------------------------------------------------
def test_when_the_broker_is_down_the_request_is_kept_and_made_when_it_returns(
        client_for, business_unit, quick_render, django_capture_on_commit_callbacks):
    from merton_qa.celery import app

    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    client = client_for(business_unit)
    app.conf.task_always_eager = False
    try:
        with mock.patch.object(app, "send_task", side_effect=refuse) as send_task:
            response = ask(client, django_capture_on_commit_callbacks, past_quarter().code)
    finally:
        app.conf.task_always_eager = True
    assert send_task.call_count == 1

    export = ReportExport.objects.get()
    assert response.url == export.get_absolute_url()
    assert export.status == R.QUEUED
    message = OutboxMessage.objects.get(dedup_key=f"export:{export.pk}")
    assert message.status == OutboxMessage.Status.PENDING
    assert message.attempts > 0
    assert "Connection refused" in message.last_error
    page = client.get(export.get_absolute_url()).content.decode()
    assert "The service that makes reports is not answering at the moment." in page
    assert "Your request is saved" in page
    assert quick_render == []

    # The broker is back (eager again); the scheduled relay runs once the back-off has passed.
    OutboxMessage.objects.update(available_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        relay_outbox()

    export.refresh_from_db()
    assert export.status == R.READY
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.PUBLISHED
    page = client.get(export.get_absolute_url()).content.decode()
    assert "not answering" not in page
    assert reverse("partnership:export-download", args=[export.pk]) in page
    assert [m.to for m in mail.outbox] == [[business_unit.email]]


def test_a_queued_report_whose_task_was_handed_over_does_not_say_the_service_is_down(client_for, business_unit):
    export = ReportExport.objects.create(kind=board_report.EXPORT_KIND, parameters={"period": "2026-Q1"},
                                         requested_by=business_unit)
    OutboxMessage.objects.create(task="partnership.run_export", kwargs={"export_id": export.pk},
                                 dedup_key=f"export:{export.pk}", status=OutboxMessage.Status.PUBLISHED, attempts=1)
    page = client_for(business_unit).get(export.get_absolute_url()).content.decode()
    assert "not answering" not in page
    assert "The report is being made." in page


def test_a_failing_report_emails_the_requester_that_it_failed(client_for, qa_member, monkeypatch, settings,
                                                              django_capture_on_commit_callbacks):
    def broken(quarter, **kwargs):
        raise RuntimeError("the scorecard could not be drawn")

    monkeypatch.setattr(board_report, "render", broken)

    response = ask(client_for(qa_member), django_capture_on_commit_callbacks, past_quarter().code)

    export = ReportExport.objects.get()
    assert export.status == R.FAILED
    assert "the scorecard could not be drawn" not in export.error and "reference" in export.error
    [email] = mail.outbox
    assert email.to == [qa_member.email]
    assert "ready" not in email.subject.lower()
    assert "could not" in email.subject.lower()
    assert "We could not make the report you asked for: Quarterly QA board report (PDF)." in email.body
    assert "the scorecard could not be drawn" not in email.body and export.error in email.body
    assert settings.SITE_URL + export.get_absolute_url() in email.body
    page = client_for(qa_member).get(response.url).content.decode()
    assert "The report could not be made." in page
    assert EmailMessage.objects.filter(key=f"export-ready:{export.pk}").count() == 1


def test_the_home_page_offers_the_board_report_to_those_who_may_make_it(client_for, chair, reader):
    link = reverse("board-reports")
    assert link in client_for(chair).get(reverse("home")).content.decode()
    assert link not in client_for(reader).get(reverse("home")).content.decode()
