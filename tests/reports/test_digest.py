"""The daily digest: one email per person from every app's due items; idempotent, catching up, preferences."""
import datetime
import re

import pytest
from celery.schedules import crontab
from django.conf import settings as django_settings
from django.core import mail
from django.urls import reverse

from merton_qa import digest
from partnership.models import Action, EmailMessage, OutboxMessage, ReminderLog
from partnership.services.reminders import DueItem
from performance.models import DataReturn, Frequency
from performance.services.periods import periods_generate
from section11.models import Cycle, Return
from tests.factories import ActionFactory, UserFactory
from tests.reports.conftest import Role, _scale
from tests.section11.conftest import make_cycle, make_framework

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 6, 10)
NEXT_DAY = DAY + datetime.timedelta(days=1)
XSS = '<script>alert("x")</script> Review & "update" the <b>CP</b> plan'


@pytest.fixture
def senior_officer(police):
    return UserFactory(email="chief@police.example.org", full_name="Sam Senior", agency=police, roles=[Role.READER])


@pytest.fixture
def due(police, outsider_agency, agency_lead, senior_officer):
    """For the police lead: a Section 11 return due in 10 days, an overdue data return, an action due in 3 days.

    For the senior officer: another cycle's return submitted and waiting for their sign-off.
    """
    framework = make_framework(_scale())
    cycle = make_cycle(framework, [police], name="Section 11 2026", opens_on=DAY - datetime.timedelta(days=20),
                       deadline=DAY + datetime.timedelta(days=10))
    earlier = make_cycle(framework, [police], name="Section 11 2025", opens_on=DAY - datetime.timedelta(days=200),
                         deadline=DAY - datetime.timedelta(days=150), status=Cycle.Status.OPEN)
    to_sign = Return.objects.get(cycle=earlier, agency=police)
    to_sign.status, to_sign.senior_officer = Return.Status.SUBMITTED, senior_officer
    to_sign.save()
    periods = periods_generate(financial_year=2025, kinds=[Frequency.QUARTERLY])
    data_return = DataReturn.objects.create(agency=police, period=periods[3], due_date=DAY - datetime.timedelta(days=5))
    action = ActionFactory(owner_agency=police, owner=agency_lead, title="Refresh the missing-from-home protocol",
                           due_date=DAY + datetime.timedelta(days=3))
    ActionFactory(owner_agency=police, owner=agency_lead, title="Far off", due_date=DAY + datetime.timedelta(days=30))
    return {"s11": Return.objects.get(cycle=cycle, agency=police), "to_sign": to_sign, "data_return": data_return,
            "action": action}


def send(capture, today=DAY) -> int:
    with capture(execute=True):
        return digest.digests_send(today=today)


def emails_to(person) -> list:
    return [m for m in mail.outbox if m.to == [person.email]]


def lines(body: str) -> list[str]:
    return [line.strip() for line in body.splitlines() if line.strip()]


# --- One email per person ------------------------------------------------------------------------------------
def test_each_person_with_something_due_gets_one_email(due, agency_lead, senior_officer, reader,
                                                       django_capture_on_commit_callbacks):
    assert send(django_capture_on_commit_callbacks) == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted([agency_lead.email, senior_officer.email])
    assert emails_to(reader) == []


def test_agency_lead_email_lists_each_item_with_its_stage_words_and_link(due, agency_lead,
                                                                        django_capture_on_commit_callbacks):
    send(django_capture_on_commit_callbacks)
    [email] = emails_to(agency_lead)
    site = django_settings.SITE_URL
    body = lines(email.body)
    assert email.subject == "3 things due for you: 10 June 2026"
    assert "Dear Lee Lead," in body
    assert "3 things are due or overdue for you in the" in email.body
    expected = [
        ("SECTION 11", "- Section 11 return for Section 11 2026: due in 10 days (20 June 2026)",
         site + due["s11"].get_absolute_url()),
        ("PERFORMANCE DATA RETURNS", "- Data return for 2025-26 Q4: overdue (5 June 2026)",
         site + due["data_return"].get_absolute_url()),
        ("ACTIONS", f"- Action {due['action'].reference}: Refresh the missing-from-home protocol: due in 3 days "
         "(13 June 2026)", site + due["action"].get_absolute_url()),
    ]
    for heading, item, link in expected:
        assert body[body.index(item) + 1] == link
        assert body.index(heading) < body.index(item)
    assert [h for h, _, _ in expected] == [line for line in body if line in {h for h, _, _ in expected}]
    assert "Far off" not in email.body
    assert site + "/account/" in email.body


def test_senior_officer_is_reminded_of_the_return_to_sign_off(due, senior_officer,
                                                              django_capture_on_commit_callbacks):
    send(django_capture_on_commit_callbacks)
    [email] = emails_to(senior_officer)
    assert email.subject == "1 thing due for you: 10 June 2026"
    assert "- Section 11 return for Section 11 2025: waiting for your sign-off: to sign off" in lines(email.body)
    assert django_settings.SITE_URL + due["to_sign"].get_absolute_url() in email.body
    assert "One thing is due or overdue" in email.body


def test_person_with_nothing_due_gets_no_email(reader, outsider, django_capture_on_commit_callbacks):
    assert send(django_capture_on_commit_callbacks) == 0
    assert mail.outbox == []
    assert not EmailMessage.objects.exists()
    assert not ReminderLog.objects.exists()


def test_inactive_people_and_people_without_email_get_nothing(due, agency_lead, senior_officer,
                                                              django_capture_on_commit_callbacks):
    agency_lead.is_active = False
    agency_lead.save()
    senior_officer.email = ""
    senior_officer.save()
    assert send(django_capture_on_commit_callbacks) == 0
    assert mail.outbox == []


# --- Idempotent and catching up ------------------------------------------------------------------------------
def test_running_twice_the_same_day_sends_nothing_more(due, agency_lead, django_capture_on_commit_callbacks):
    assert send(django_capture_on_commit_callbacks) == 2
    assert send(django_capture_on_commit_callbacks) == 0
    assert len(mail.outbox) == 2
    assert EmailMessage.objects.count() == 2


def test_reminder_log_has_one_row_per_person_item_stage_and_day(due, agency_lead, senior_officer,
                                                                django_capture_on_commit_callbacks):
    send(django_capture_on_commit_callbacks)
    send(django_capture_on_commit_callbacks)
    rows = set(ReminderLog.objects.values_list("person__email", "item", "stage", "date"))
    assert rows == {
        (agency_lead.email, f"section11.return:{due['s11'].pk}", "due-in-10", DAY),
        (agency_lead.email, f"performance.datareturn:{due['data_return'].pk}", "overdue", DAY),
        (agency_lead.email, f"partnership.action:{due['action'].pk}", "due-in-3", DAY),
        (senior_officer.email, f"section11.return:{due['to_sign'].pk}", "to-sign-off", DAY),
    }
    assert ReminderLog.objects.count() == 4


def test_next_day_sends_overdue_items_again_but_not_those_no_longer_due(due, agency_lead,
                                                                        django_capture_on_commit_callbacks):
    send(django_capture_on_commit_callbacks)
    action = due["action"]
    action.status, action.completion_evidence = Action.Status.COMPLETED, "Protocol published."
    action.save()
    mail.outbox.clear()

    send(django_capture_on_commit_callbacks, today=NEXT_DAY)

    [email] = emails_to(agency_lead)
    assert "- Data return for 2025-26 Q4: overdue (5 June 2026)" in lines(email.body)
    assert "- Section 11 return for Section 11 2026: due in 9 days (20 June 2026)" in lines(email.body)
    assert "missing-from-home" not in email.body
    assert email.subject.startswith("2 things due for you: 11 June 2026")


def test_a_missed_day_is_caught_up_by_the_next_run(due, agency_lead, django_capture_on_commit_callbacks):
    """The worker was down on DAY: the next run still has everything that is due or overdue."""
    later = DAY + datetime.timedelta(days=4)
    send(django_capture_on_commit_callbacks, today=later)
    [email] = emails_to(agency_lead)
    body = lines(email.body)
    assert "- Data return for 2025-26 Q4: overdue (5 June 2026)" in body
    assert (f"- Action {due['action'].reference}: Refresh the missing-from-home protocol: overdue (13 June 2026)"
            in body)
    assert "- Section 11 return for Section 11 2026: due in 6 days (20 June 2026)" in body


# --- Preferences and statutory clocks -----------------------------------------------------------------------------
@pytest.fixture
def statutory_source(monkeypatch):
    """A source giving the agency lead a statutory review clock (as the reviews app will), plus the real ones."""
    original = digest._sources

    def due_items(person, today):
        if not person.has_role(Role.AGENCY_LEAD):
            return []
        return [DueItem(key="reviews.review:7", stage="due-in-2", title="Rapid review for case MA-2026-01",
                        url="/reviews/7/", due=today + datetime.timedelta(days=2), statutory=True, app="reviews")]

    def sources():
        yield "Serious incidents and reviews", due_items
        yield from original()

    monkeypatch.setattr(digest, "_sources", sources)


def test_person_who_switched_reminders_off_gets_only_statutory_items(due, agency_lead, statutory_source,
                                                                     django_capture_on_commit_callbacks):
    agency_lead.optional_reminders = False
    agency_lead.save()

    send(django_capture_on_commit_callbacks)

    [email] = emails_to(agency_lead)
    assert email.subject == "1 thing due for you, including a statutory deadline: 10 June 2026"
    assert "- Rapid review for case MA-2026-01: due in 2 days (12 June 2026) [statutory deadline]" in lines(email.body)
    for left_out in ("Section 11 return", "Data return", "missing-from-home"):
        assert left_out not in email.body
    assert set(ReminderLog.objects.filter(person=agency_lead).values_list("item", flat=True)) == {"reviews.review:7"}


def test_with_reminders_on_statutory_items_come_first_with_everything_else(due, agency_lead, statutory_source,
                                                                           django_capture_on_commit_callbacks):
    send(django_capture_on_commit_callbacks)
    [email] = emails_to(agency_lead)
    body = lines(email.body)
    assert email.subject == "4 things due for you, including a statutory deadline: 10 June 2026"
    assert body.index("SERIOUS INCIDENTS AND REVIEWS") < body.index("SECTION 11")


def test_person_with_reminders_off_and_nothing_statutory_gets_no_email(due, agency_lead,
                                                                       django_capture_on_commit_callbacks):
    agency_lead.optional_reminders = False
    agency_lead.save()
    send(django_capture_on_commit_callbacks)
    assert emails_to(agency_lead) == []
    assert not ReminderLog.objects.filter(person=agency_lead).exists()


def test_a_failure_for_one_person_does_not_stop_the_others(due, agency_lead, senior_officer, monkeypatch,
                                                           django_capture_on_commit_callbacks):
    original = digest._sources
    broken = {"on": True}

    def flaky(person, today):
        if broken["on"] and person == agency_lead:
            raise RuntimeError("the audits database went away")
        return []

    def sources():
        yield from original()
        yield "Multi-agency audits", flaky

    monkeypatch.setattr(digest, "_sources", sources)

    assert send(django_capture_on_commit_callbacks) == 1
    assert emails_to(senior_officer) and not emails_to(agency_lead)
    assert not ReminderLog.objects.filter(person=agency_lead).exists()  # nothing recorded as sent

    broken["on"] = False
    assert send(django_capture_on_commit_callbacks) == 1  # the same day's next run catches the person up
    [email] = emails_to(agency_lead)
    assert email.subject.startswith("3 things due for you")


# --- The bodies ---------------------------------------------------------------------------------------------
def test_text_body_is_plain_text_with_titles_as_written(police, agency_lead, django_capture_on_commit_callbacks):
    ActionFactory(owner_agency=police, owner=agency_lead, title=XSS, due_date=DAY)
    send(django_capture_on_commit_callbacks)
    [email] = emails_to(agency_lead)
    assert not re.search(r"</?(p|a|li|ul|h2|strong|html|body)\b", email.body)
    assert "&lt;" not in email.body and "&amp;" not in email.body and "&quot;" not in email.body
    assert f"{XSS}: due today" in email.body  # plain text shows the title exactly as typed


def test_html_body_escapes_titles(police, agency_lead, django_capture_on_commit_callbacks):
    ActionFactory(owner_agency=police, owner=agency_lead, title=XSS, due_date=DAY)
    send(django_capture_on_commit_callbacks)
    [email] = emails_to(agency_lead)
    [(html, mimetype)] = email.alternatives
    assert mimetype == "text/html"
    assert "<script>" not in html and "<b>CP</b>" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; Review &amp; &quot;update&quot;" in html
    assert '<html lang="en-GB">' in html


# --- The schedule and the task ---------------------------------------------------------------------------------
def test_digest_is_scheduled_daily_at_seven_london_time(settings):
    [entry] = [e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == "merton_qa.send_digests"]
    assert entry["schedule"] == crontab(hour=7, minute=0)
    assert settings.CELERY_TIMEZONE == "Europe/London"


def test_the_task_sends_today_s_digests(agency_lead, police, django_capture_on_commit_callbacks):
    from django.utils import timezone

    from merton_qa import tasks

    ActionFactory(owner_agency=police, owner=agency_lead, due_date=timezone.localdate())
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.send_digests.apply().get() == 1
    assert [m.to for m in mail.outbox] == [[agency_lead.email]]


# --- The sent-reminders pages -----------------------------------------------------------------------------------
def test_business_unit_sees_what_was_sent_to_whom(due, agency_lead, senior_officer, business_unit, client_for,
                                                  django_capture_on_commit_callbacks):
    send(django_capture_on_commit_callbacks)
    other = EmailMessage.objects.create(to="x@example.org", subject="Your report is ready: x", key="export-ready:1")
    client = client_for(business_unit)

    html = client.get(reverse("sent-reminders")).content.decode()

    assert agency_lead.email in html and senior_officer.email in html
    assert "3 things due for you: 10 June 2026" in html
    assert other.subject not in html
    email = EmailMessage.objects.get(to=agency_lead.email)
    detail = client.get(reverse("sent-reminder-detail", args=[email.pk]))
    assert detail.status_code == 200
    assert "Section 11 return for Section 11 2026: due in 10 days" in detail.content.decode()
    assert client.get(reverse("sent-reminder-detail", args=[other.pk])).status_code == 404


@pytest.mark.parametrize("persona", ["qa_member", "chair", "reader", "agency_lead", "outsider"])
def test_others_cannot_see_sent_reminders(request, persona, client_for, business_unit):
    email = EmailMessage.objects.create(to=business_unit.email, subject="1 thing due for you", key="digest:1:x")
    client = client_for(request.getfixturevalue(persona))
    assert client.get(reverse("sent-reminders")).status_code == 403
    assert client.get(reverse("sent-reminder-detail", args=[email.pk])).status_code == 403


def test_anonymous_visitor_is_sent_to_sign_in_from_sent_reminders(client):
    response = client.get(reverse("sent-reminders"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("partnership:sign-in"))


def test_send_now_is_post_only(client_for, business_unit):
    assert client_for(business_unit).get(reverse("send-reminders-now")).status_code == 405
    assert not OutboxMessage.objects.exists()


def test_business_unit_sends_today_s_reminders_now(client_for, business_unit, agency_lead, police,
                                                   django_capture_on_commit_callbacks):
    from django.utils import timezone

    ActionFactory(owner_agency=police, owner=agency_lead, due_date=timezone.localdate())
    client = client_for(business_unit)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("send-reminders-now"))
    assert response.status_code == 302
    assert response.url == reverse("sent-reminders")
    assert OutboxMessage.objects.filter(task="merton_qa.send_digests").count() == 1
    assert [m.to for m in mail.outbox] == [[agency_lead.email]]
    page = client.get(response.url).content.decode()
    assert "Today&#x27;s reminders have been handed to the mail service" in page


@pytest.mark.parametrize("persona", ["qa_member", "chair", "agency_lead"])
def test_others_cannot_send_reminders_now(request, persona, client_for, django_capture_on_commit_callbacks):
    client = client_for(request.getfixturevalue(persona))
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("send-reminders-now")).status_code == 403
    assert not OutboxMessage.objects.exists()
    assert mail.outbox == []


def test_sent_reminder_page_shows_a_title_with_markup_as_text(police, agency_lead, business_unit, client_for,
                                                              django_capture_on_commit_callbacks):
    ActionFactory(owner_agency=police, owner=agency_lead, title=XSS, due_date=DAY)
    send(django_capture_on_commit_callbacks)
    email = EmailMessage.objects.get(to=agency_lead.email)
    html = client_for(business_unit).get(reverse("sent-reminder-detail", args=[email.pk])).content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html


def test_the_reports_page_links_to_the_reminders_log_for_the_business_unit_only(client_for, business_unit, chair):
    link = reverse("sent-reminders")
    assert link in client_for(business_unit).get(reverse("partnership:export-list")).content.decode()
    assert link not in client_for(chair).get(reverse("partnership:export-list")).content.decode()


# --- What waits for the business unit's answer: emailed at once, and gathered by the digest until answered ------
def _digests_to(person) -> list[str]:
    return [m.body for m in emails_to(person) if "due for you" in m.subject]


def test_a_change_of_due_date_waits_in_the_business_unit_s_digest_until_decided(due, agency_lead, business_unit,
                                                                                 django_capture_on_commit_callbacks):
    from partnership.services.actions import due_date_decide, due_date_request

    request = due_date_request(action=due["action"], by=agency_lead, to_date=DAY + datetime.timedelta(days=40),
                               reason="The protocol waits for the police policy review.", today=DAY)
    send(django_capture_on_commit_callbacks)
    [body] = _digests_to(business_unit)
    assert (f"Action {due['action'].reference}: a change of due date to agree or decline: waiting for you"
            in body)
    assert request.get_absolute_url() in body
    assert "police policy review" not in body  # a link, not what the agency typed
    mail.outbox.clear()
    send(django_capture_on_commit_callbacks, today=NEXT_DAY)  # still waiting: gathered again the next day
    assert "a change of due date" in _digests_to(business_unit)[0]
    due_date_decide(request=request, by=business_unit, agree=True)
    assert not [i for _, items in digest.due_for(business_unit, NEXT_DAY) for i in items if "due date" in i.title]


def _performance(person, today=DAY) -> list:
    return [item for heading, items in digest.due_for(person, today) if heading == "Performance data returns"
            for item in items]


def test_an_agency_s_reply_to_a_query_waits_in_the_digest_of_who_queried(due, agency_lead, business_unit, reader,
                                                                          django_capture_on_commit_callbacks):
    from performance.services.returns import data_return_query, data_return_reply

    data_return = due["data_return"]
    data_return.status = DataReturn.Status.SUBMITTED
    data_return.save()
    data_return_query(data_return=data_return, by=business_unit, message="Row 3 looks ten times too high.")
    assert _performance(business_unit) == []  # the query is the business unit's own: nothing waits for it
    data_return_reply(data_return=data_return, by=agency_lead, text="It was typed in pence; corrected below.")
    [item] = _performance(business_unit)
    assert item.url == data_return.get_absolute_url() and item.stage == "waiting-for-you"
    assert "the agency has replied to the query" in item.title and "pence" not in item.title
    assert _performance(reader) == []
    data_return_reply(data_return=data_return, by=business_unit, text="Thank you: validated.")
    assert _performance(business_unit) == []


def test_a_reply_leaves_the_digest_once_the_return_is_validated(due, agency_lead, business_unit,
                                                                 django_capture_on_commit_callbacks):
    """Validating answers the agency's reply without a message of its own: the thread no longer waits for anyone."""
    from performance.services.returns import (
        data_return_query,
        data_return_reply,
        data_return_submit,
        data_return_validate,
    )

    data_return = due["data_return"]
    data_return.status = DataReturn.Status.SUBMITTED
    data_return.save()
    data_return_query(data_return=data_return, by=business_unit, message="Row 3 looks ten times too high.")
    data_return_reply(data_return=data_return, by=agency_lead, text="Corrected and sent again.")
    data_return_submit(data_return=data_return, by=agency_lead)
    assert len(_performance(business_unit)) == 1
    data_return_validate(data_return=data_return, by=business_unit)
    assert _performance(business_unit) == []


def test_a_business_unit_person_who_also_leads_an_agency_keeps_their_agency_s_returns(
        due, police, business_unit, django_capture_on_commit_callbacks):
    from partnership.models import UserRole

    business_unit.agency = police
    business_unit.save()
    UserRole.objects.create(user=business_unit, role=Role.AGENCY_LEAD)
    person = type(business_unit).objects.get(pk=business_unit.pk)
    assert [i.url for i in _performance(person)] == [due["data_return"].get_absolute_url()]
