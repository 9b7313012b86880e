"""GOV.UK Notify as the email backend (partnership.notify), its delivery statuses read back by the scheduled task and
by Notify's callback (partnership.services.notify, partnership.views.notify), and `check_notify`.

Against a local server that speaks Notify's documented API (tests/partnership/fake_notify.py): it verifies each
request's token with the key's secret and each body against the documented shape.
"""
import datetime
import io
import json
import time

import jwt
import pytest
import requests
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from merton_qa import digest
from partnership import tasks
from partnership.models import EmailMessage, OutboxMessage, Role
from partnership.services import notify as notify_service
from partnership.services.outbox import enqueue_email
from tests.factories import UserFactory

from .fake_notify import API_KEY, SECRET, SERVICE_ID, TEMPLATE_ID, FakeNotify
from .test_outbox_integration import wait_for, worker  # noqa: F401 - worker: a Celery worker on the real broker

pytestmark = pytest.mark.django_db
D = EmailMessage.Delivery
CALLBACK_TOKEN = "a-long-callback-token-set-in-notify"


@pytest.fixture
def fake():
    with FakeNotify() as server:
        yield server


@pytest.fixture
def notify_on(settings, fake):
    settings.EMAIL_BACKEND = "partnership.notify.EmailBackend"
    settings.NOTIFY_API_KEY = API_KEY
    settings.NOTIFY_TEMPLATE_ID = TEMPLATE_ID
    settings.NOTIFY_BASE_URL = fake.url
    settings.NOTIFY_CALLBACK_TOKEN = CALLBACK_TOKEN
    return fake


def send(to="lead@police.example.org", key="test:1", capture=None) -> EmailMessage:
    """Queue an email the way every service does and let the (eager) relay deliver it after commit."""
    with capture(execute=True):
        email = enqueue_email(to=to, subject="2 things due for you: 7 December 2026", template="password_reset",
                              context={"user": {"full_name": "Lee Lead"}, "link": "https://qa.example.org/r/x/",
                                       "valid_days": 3}, key=key)
    email.refresh_from_db()
    return email


# --- Sending


def test_without_notify_configured_email_goes_by_django_and_nothing_is_tracked(django_capture_on_commit_callbacks):
    email = send(capture=django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1 and email.sent_at is not None
    assert (email.notify_id, email.delivery_status) == ("", "")
    assert tasks.check_notify_statuses.apply().get() == 0  # the scheduled read-back does nothing


def test_the_settings_choose_notify_only_with_a_key(monkeypatch):
    import importlib

    import merton_qa.settings as project_settings

    monkeypatch.delenv("EMAIL_URL", raising=False)
    monkeypatch.setenv("NOTIFY_API_KEY", API_KEY)
    try:
        assert importlib.reload(project_settings).EMAIL_BACKEND == "partnership.notify.EmailBackend"
        monkeypatch.delenv("NOTIFY_API_KEY")
        assert importlib.reload(project_settings).EMAIL_BACKEND != "partnership.notify.EmailBackend"
        assert "notify-delivery-status" in project_settings.CELERY_BEAT_SCHEDULE
    finally:
        importlib.reload(project_settings)


def test_an_outbox_email_goes_to_notify_in_the_documented_shape(notify_on, django_capture_on_commit_callbacks):
    before = int(time.time())
    email = send(capture=django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 0
    [request] = notify_on.requests
    assert (request["method"], request["path"], request["content_type"]) == (
        "POST", "/v2/notifications/email", "application/json")
    body = request["json"]
    assert set(body) == {"email_address", "template_id", "personalisation", "reference"}
    assert body["email_address"] == "lead@police.example.org" and body["template_id"] == TEMPLATE_ID
    # the subject and body the outbox rendered (links, no case text), as the template's ((subject)) and ((body))
    assert body["personalisation"] == {"subject": email.subject, "body": email.body_text}
    assert "https://qa.example.org/r/x/" in body["personalisation"]["body"]
    assert body["reference"] and body["reference"].endswith(f".{email.pk}@example.org")
    # the bearer token: signed with the key's secret (the fake verified it), iss = the service id, iat = now
    assert request["claims"]["iss"] == SERVICE_ID and before - 1 <= request["claims"]["iat"] <= time.time() + 1
    # Notify's id is kept on the email row
    assert email.notify_id in notify_on.notifications
    assert email.sent_at is not None and email.delivery_status == D.SENDING
    assert notify_on.notifications[email.notify_id]["subject"] == email.subject


def test_a_key_with_the_wrong_secret_is_refused_and_the_email_is_retried(settings, notify_on,
                                                                         django_capture_on_commit_callbacks):
    settings.NOTIFY_API_KEY = f"merton_qa_test-{SERVICE_ID}-{'0' * 8}-{SECRET[9:]}"
    email = send(capture=django_capture_on_commit_callbacks)
    assert notify_on.refused == [(403, "Invalid token: API key not found")] and not notify_on.requests
    assert email.sent_at is None and email.notify_id == ""
    row = OutboxMessage.objects.get(dedup_key=f"email:{email.key}")
    assert (row.status, row.attempts) == (OutboxMessage.Status.PENDING, 1) and "403" in row.last_error


def test_a_token_from_another_service_or_an_old_clock_is_refused(notify_on):
    fake = notify_on
    for claims in ({"iss": "another-service", "iat": int(time.time())}, {"iss": SERVICE_ID, "iat": 1_000_000}):
        token = jwt.encode(claims, SECRET, algorithm="HS256")
        with pytest.raises(requests.HTTPError, match="403"):
            requests.get(f"{fake.url}/v2/notifications/x", headers={"Authorization": f"Bearer {token}"},
                         timeout=5).raise_for_status()
    assert [status for status, _ in fake.refused] == [403, 403]


def test_notify_down_leaves_the_email_to_the_outbox_s_retry(notify_on, django_capture_on_commit_callbacks):
    notify_on.fail_sends_with = 500
    email = send(capture=django_capture_on_commit_callbacks)
    assert email.sent_at is None
    notify_on.fail_sends_with = None
    OutboxMessage.objects.update(available_at=timezone.now())
    tasks.relay_outbox.apply()
    email.refresh_from_db()
    assert email.sent_at is not None and email.notify_id and len(notify_on.sent) == 1


def test_an_address_notify_refuses_outright_is_a_bounce_not_a_retry(notify_on, bu_people,
                                                                     django_capture_on_commit_callbacks):
    email = send(to="lead@police-no-domain", capture=django_capture_on_commit_callbacks)
    assert notify_on.refused == [(400, "email_address Not a valid email address")]
    assert email.sent_at is not None and (email.notify_id, email.delivery_status) == ("", D.PERMANENT_FAILURE)
    assert OutboxMessage.objects.get(dedup_key=f"email:{email.key}").status == OutboxMessage.Status.PUBLISHED
    assert [a.to for a in bounce_alerts()] == ["manager@example.org", "second@example.org"]


# --- Reading statuses back


@pytest.fixture
def bu_people(business_unit, partnership_unit):
    second = UserFactory(email="second@example.org", full_name="Sam Second", agency=partnership_unit,
                         roles=[Role.BUSINESS_UNIT])
    return [business_unit, second]


def bounce_alerts():
    return EmailMessage.objects.filter(key__startswith=notify_service.BOUNCE_KEY_PREFIX).order_by("to")


def test_the_scheduled_task_reads_each_status_back(notify_on, agency_lead, bu_people,
                                                   django_capture_on_commit_callbacks):
    emails = [send(to=f"person{i}@agency.example.org", key=f"test:{i}", capture=django_capture_on_commit_callbacks)
              for i in range(5)]
    for email, status in zip(emails, ["delivered", "permanent-failure", "temporary-failure", "technical-failure",
                                      "sending"], strict=True):
        notify_on.set_status(email.notify_id, status)
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.check_notify_statuses.apply().get() == 4
    got = {e.to: e.delivery_status for e in EmailMessage.objects.filter(pk__in=[e.pk for e in emails])}
    assert got == {"person0@agency.example.org": D.DELIVERED, "person1@agency.example.org": D.PERMANENT_FAILURE,
                   "person2@agency.example.org": D.TEMPORARY_FAILURE,
                   "person3@agency.example.org": D.TECHNICAL_FAILURE, "person4@agency.example.org": D.SENDING}
    reads = [r["path"] for r in notify_on.requests if r["method"] == "GET"]
    assert sorted(reads) == sorted(f"/v2/notifications/{e.notify_id}" for e in emails)
    # only those still sending are asked about next time (that one, and the two bounce alerts just sent)
    notify_on.requests.clear()
    assert tasks.check_notify_statuses.apply().get() == 0
    still_sending = EmailMessage.objects.filter(delivery_status=D.SENDING).values_list("notify_id", flat=True)
    assert len(still_sending) == 3 and emails[4].notify_id in still_sending
    assert sorted(r["path"] for r in notify_on.requests) == sorted(f"/v2/notifications/{i}" for i in still_sending)


def test_a_bounce_reaches_every_business_unit_member_at_once_and_once(notify_on, agency_lead, bu_people,
                                                                      django_capture_on_commit_callbacks):
    email = send(to=agency_lead.email, capture=django_capture_on_commit_callbacks)
    notify_on.set_status(email.notify_id, "permanent-failure")
    with django_capture_on_commit_callbacks(execute=True):
        tasks.check_notify_statuses.apply()
    alerts = list(bounce_alerts())
    assert [a.to for a in alerts] == ["manager@example.org", "second@example.org"]
    alert = alerts[0]
    assert alert.subject == f"An email to {agency_lead.email} could not be delivered"
    assert "Lee Lead" in alert.body_text
    assert reverse("partnership:user-detail", args=[agency_lead.pk]) in alert.body_text
    assert alert.sent_at is not None and alert.notify_id  # sent through Notify like any other email
    # the same address bouncing again is not news
    again = send(to=agency_lead.email, key="test:again", capture=django_capture_on_commit_callbacks)
    notify_on.set_status(again.notify_id, "permanent-failure")
    with django_capture_on_commit_callbacks(execute=True):
        tasks.check_notify_statuses.apply()
    assert bounce_alerts().count() == 2
    # once mail got through to it, a new bounce is told again
    fixed = send(to=agency_lead.email, key="test:fixed", capture=django_capture_on_commit_callbacks)
    notify_on.set_status(fixed.notify_id, "delivered")
    broken = send(to=agency_lead.email, key="test:broken", capture=django_capture_on_commit_callbacks)
    notify_on.set_status(broken.notify_id, "permanent-failure")
    with django_capture_on_commit_callbacks(execute=True):
        tasks.check_notify_statuses.apply()
    assert bounce_alerts().count() == 4


def test_a_business_unit_member_s_own_bounce_goes_to_the_others_or_the_support_address(
        settings, notify_on, business_unit, django_capture_on_commit_callbacks):
    email = send(to=business_unit.email, capture=django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        notify_service.delivery_status_record(notify_id=email.notify_id, status="permanent-failure")
    assert [a.to for a in bounce_alerts()] == [settings.SUPPORT_EMAIL]


def test_statuses_never_go_back_to_sending_and_unknown_ones_are_ignored(notify_on, django_capture_on_commit_callbacks):
    email = send(capture=django_capture_on_commit_callbacks)
    notify_service.delivery_status_record(notify_id=email.notify_id, status="delivered")
    assert notify_service.delivery_status_record(notify_id=email.notify_id, status="sending").delivery_status == \
        D.DELIVERED
    assert notify_service.delivery_status_record(notify_id=email.notify_id, status="accepted") is None
    assert notify_service.delivery_status_record(notify_id="", status="delivered") is None


def test_a_bounced_address_is_in_the_business_unit_s_digest_until_mail_gets_through(
        notify_on, agency_lead, bu_people, django_capture_on_commit_callbacks):
    email = send(to=agency_lead.email, capture=django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        notify_service.delivery_status_record(notify_id=email.notify_id, status="permanent-failure")
    today = timezone.localdate()
    groups = dict(digest.due_for(bu_people[0], today))
    [item] = groups["Emails that could not be delivered"]
    assert item.title == f"Email to {agency_lead.email} (Lee Lead)"
    assert item.url == reverse("partnership:user-detail", args=[agency_lead.pk])
    assert "Emails that could not be delivered" not in dict(digest.due_for(agency_lead, today))
    with django_capture_on_commit_callbacks(execute=True):
        sent = digest.digest_send(person=bu_people[0], today=today)
    assert "EMAILS THAT COULD NOT BE DELIVERED" in sent.body_text and "not delivered" in sent.body_text
    later = send(to=agency_lead.email, key="test:later", capture=django_capture_on_commit_callbacks)
    notify_service.delivery_status_record(notify_id=later.notify_id, status="delivered",
                                          at=timezone.now() + datetime.timedelta(seconds=1))
    assert "Emails that could not be delivered" not in dict(digest.due_for(bu_people[0], today))


# --- Notify's callback


def post_receipt(client, receipt, token=CALLBACK_TOKEN, **extra):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token is not None else {}
    return client.post(reverse("partnership:notify-callback"), json.dumps(receipt), content_type="application/json",
                       **headers, **extra)


def receipt_for(email, status):
    """Notify's documented callback body for an email."""
    return {"id": email.notify_id, "reference": "x", "to": email.to, "status": status,
            "created_at": "2026-12-06T10:00:00.000000Z", "completed_at": "2026-12-06T10:00:05.000000Z",
            "sent_at": "2026-12-06T10:00:01.000000Z", "notification_type": "email", "template_id": TEMPLATE_ID,
            "template_version": 1}


def test_the_callback_records_a_status_without_a_session_or_csrf_token(notify_on, agency_lead, bu_people,
                                                                        django_capture_on_commit_callbacks):
    email = send(to=agency_lead.email, capture=django_capture_on_commit_callbacks)
    client = Client(enforce_csrf_checks=True)
    with django_capture_on_commit_callbacks(execute=True):
        response = post_receipt(client, receipt_for(email, "permanent-failure"))
    assert response.status_code == 204
    email.refresh_from_db()
    assert email.delivery_status == D.PERMANENT_FAILURE
    assert email.delivery_status_at == datetime.datetime(2026, 12, 6, 10, 0, 5, tzinfo=datetime.UTC)
    assert bounce_alerts().count() == 2
    # an id the service does not know answers the same, and records nothing
    assert post_receipt(client, {**receipt_for(email, "delivered"), "id": "0" * 36}).status_code == 204


@pytest.mark.parametrize("token", [None, "", "wrong-token", CALLBACK_TOKEN + "x", CALLBACK_TOKEN[:-1]])
def test_the_callback_refuses_a_missing_or_wrong_token(notify_on, token, django_capture_on_commit_callbacks):
    email = send(capture=django_capture_on_commit_callbacks)
    response = post_receipt(Client(), receipt_for(email, "delivered"), token=token)
    assert response.status_code == 401 and response["WWW-Authenticate"].startswith("Bearer")
    email.refresh_from_db()
    assert email.delivery_status == D.SENDING


def test_the_callback_refuses_everything_when_no_token_is_configured(settings, notify_on,
                                                                     django_capture_on_commit_callbacks):
    email = send(capture=django_capture_on_commit_callbacks)
    settings.NOTIFY_CALLBACK_TOKEN = ""
    assert post_receipt(Client(), receipt_for(email, "delivered"), token="").status_code == 401
    assert post_receipt(Client(), receipt_for(email, "delivered"), token="None").status_code == 401


def test_the_callback_answers_only_post_and_refuses_what_is_not_a_receipt(notify_on):
    client = Client()
    url = reverse("partnership:notify-callback")
    for method in (client.get, client.put, client.delete, client.head):
        assert method(url, HTTP_AUTHORIZATION=f"Bearer {CALLBACK_TOKEN}").status_code == 405
    for body in ("not json", "[]", '"text"', '{"id": "x"}', '{"status": "delivered"}'):
        response = client.post(url, body, content_type="application/json",
                               HTTP_AUTHORIZATION=f"Bearer {CALLBACK_TOKEN}")
        assert response.status_code == 400, body


def test_the_callback_is_rate_limited(settings, notify_on, django_capture_on_commit_callbacks):
    from django.core.cache import cache

    cache.clear()
    email = send(capture=django_capture_on_commit_callbacks)
    settings.NOTIFY_CALLBACK_REFUSALS_LIMIT = 3
    client = Client()
    for _ in range(3):
        assert post_receipt(client, receipt_for(email, "delivered"), token="guess").status_code == 401
    # guessing at the token closes the door for that address, even to the right token, for an hour
    assert post_receipt(client, receipt_for(email, "delivered")).status_code == 429
    assert post_receipt(client, receipt_for(email, "delivered"), REMOTE_ADDR="10.0.0.9").status_code == 204
    settings.NOTIFY_CALLBACK_RATE_LIMIT = 2
    cache.clear()
    codes = [post_receipt(client, receipt_for(email, "delivered")).status_code for _ in range(3)]
    assert codes == [204, 204, 429]
    cache.clear()


# --- Pages


def test_the_sent_reminders_page_shows_delivery(notify_on, client_for, business_unit, agency_lead,
                                                django_capture_on_commit_callbacks):
    email = send(to=agency_lead.email, key="digest:1:2026-12-06:abc", capture=django_capture_on_commit_callbacks)
    notify_service.delivery_status_record(notify_id=email.notify_id, status="permanent-failure")
    page = client_for(business_unit).get(reverse("sent-reminders")).content.decode()
    assert "<th scope=\"col\" class=\"govuk-table__header\">Delivery</th>" in page
    assert "Not delivered: address refused" in page and "govuk-tag--red" in page
    detail = client_for(business_unit).get(reverse("sent-reminder-detail", args=[email.pk])).content.decode()
    assert "Not delivered: address refused" in detail


def test_without_notify_the_sent_reminders_page_has_no_delivery_column(client_for, business_unit,
                                                                       django_capture_on_commit_callbacks):
    send(key="digest:1:2026-12-06:abc", capture=django_capture_on_commit_callbacks)
    page = client_for(business_unit).get(reverse("sent-reminders")).content.decode()
    assert ">Delivery</th>" not in page and "No reminders have been sent yet" not in page


def test_the_person_s_record_lists_their_emails_and_whether_they_arrived(
        notify_on, client_for, business_unit, agency_lead, django_assert_max_num_queries,
        django_capture_on_commit_callbacks):
    statuses = ["delivered", "permanent-failure", "temporary-failure"]
    for i, status in enumerate(statuses):
        email = send(to=agency_lead.email, key=f"test:{i}", capture=django_capture_on_commit_callbacks)
        notify_service.delivery_status_record(notify_id=email.notify_id, status=status)
    send(to="someone.else@example.org", key="test:other", capture=django_capture_on_commit_callbacks)
    client = client_for(business_unit)
    url = reverse("partnership:user-detail", args=[agency_lead.pk])
    with django_assert_max_num_queries(12) as captured:
        page = client.get(url).content.decode()
    queries = len(captured)
    for label in ("Delivered", "Not delivered: address refused", "Not delivered: mailbox full"):
        assert label in page
    assert page.count("2 things due for you") == 3 and "someone.else" not in page
    assert "Emails to lead@police.example.org are not arriving" not in page  # the last report: mailbox full
    bounce = send(to=agency_lead.email, key="test:bounce", capture=django_capture_on_commit_callbacks)
    notify_service.delivery_status_record(notify_id=bounce.notify_id, status="permanent-failure")
    assert "Emails to lead@police.example.org are not arriving" in client.get(url).content.decode()
    for i in range(10):
        send(to=agency_lead.email, key=f"test:more:{i}", capture=django_capture_on_commit_callbacks)
    with django_assert_max_num_queries(queries):
        client.get(url)
    list_page = client.get(reverse("partnership:user-list")).content.decode()
    assert f'href="{url}"' in list_page


@pytest.mark.parametrize("persona", ["agency_lead", "outsider", "chair", "qa_member", "reader", "contributor"])
def test_only_the_business_unit_opens_a_person_s_record(request, client_for, persona, agency_lead):
    response = client_for(request.getfixturevalue(persona)).get(
        reverse("partnership:user-detail", args=[agency_lead.pk]))
    assert response.status_code == 403


def test_a_person_s_record_that_does_not_exist_is_404(client_for, business_unit):
    assert client_for(business_unit).get(reverse("partnership:user-detail", args=[99999])).status_code == 404


# --- check_notify


def test_check_notify_says_clearly_when_notify_is_not_configured(settings):
    settings.NOTIFY_API_KEY = ""
    with pytest.raises(CommandError, match="GOV.UK Notify is not configured: NOTIFY_API_KEY is not set"):
        call_command("check_notify", stdout=io.StringIO())


def test_check_notify_sends_a_test_message_and_reports_its_delivery(notify_on):
    notify_on.status_after_send = "delivered"
    out = io.StringIO()
    call_command("check_notify", "--to", "bu@merton.gov.uk", "--wait", "5", "--poll", "0.1", stdout=out)
    [sent] = notify_on.sent
    assert sent["email_address"] == "bu@merton.gov.uk" and set(sent["personalisation"]) == {"subject", "body"}
    text = out.getvalue()
    assert f"service {SERVICE_ID}" in text and "Delivered to bu@merton.gov.uk." in text
    assert "/notify/callback/" in text
    assert [r["path"] for r in notify_on.requests][0] == f"/v2/template/{TEMPLATE_ID}"


def test_check_notify_fails_on_a_bounce_a_wrong_template_or_a_refused_key(settings, notify_on):
    notify_on.status_after_send = "permanent-failure"
    with pytest.raises(CommandError, match="not delivered: permanent-failure"):
        call_command("check_notify", "--wait", "1", "--poll", "0.1", stdout=io.StringIO())
    notify_on.templates[TEMPLATE_ID]["body"] = "Hello ((name))"
    with pytest.raises(CommandError, match=r"\(\(body\)\)"):
        call_command("check_notify", stdout=io.StringIO())
    settings.NOTIFY_API_KEY = f"merton_qa_test-{SERVICE_ID}-{'f' * 8}-{SECRET[9:]}"
    with pytest.raises(CommandError, match="403"):
        call_command("check_notify", stdout=io.StringIO())


# --- End to end: a real Redis broker and a Celery worker


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("worker")
def test_through_the_broker_an_invitation_goes_to_notify_and_its_bounce_is_read_back(notify_on, business_unit,
                                                                                       police):
    """`REDIS_URL=redis://127.0.0.1:6379/N pytest -k broker tests/partnership/test_notify.py`: skipped without it."""
    from partnership.services.accounts import user_invite

    invited = user_invite(by=business_unit, email="new.lead@police.example.org", full_name="Nia Newcomer",
                          agency=police, roles=[Role.AGENCY_LEAD])
    wait_for(lambda: EmailMessage.objects.filter(to=invited.email).exclude(notify_id="").exists(),
             "the invitation to reach Notify through the worker")
    invitation = EmailMessage.objects.get(to=invited.email)
    assert notify_on.sent[0]["personalisation"]["subject"] == invitation.subject
    notify_on.set_status(invitation.notify_id, "permanent-failure")
    tasks.check_notify_statuses.delay()
    wait_for(lambda: bounce_alerts().filter(sent_at__isnull=False).exists(),
             "the bounce to be read back and the business unit told through Notify")
    assert [a.to for a in bounce_alerts()] == [business_unit.email]
    assert notify_on.sent[-1]["email_address"] == business_unit.email
