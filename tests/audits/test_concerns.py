"""Immediate concerns: routed at once, acknowledged by the responsible agency's lead, escalated after one
working day (weekends and bank holidays from the kernel calendar), once."""
import datetime
import zoneinfo

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from audits.models import ImmediateConcern
from audits.reminders import due_items
from audits.services import concerns as services
from audits.tasks import escalate_concerns
from partnership import history
from partnership.models import ClosureDay, EmailMessage, ReminderLog
from partnership.services.errors import ServiceError

pytestmark = pytest.mark.django_db
LONDON = zoneinfo.ZoneInfo("Europe/London")


def at(*args):
    return datetime.datetime(*args, tzinfo=LONDON)


@pytest.fixture
def concern(audit, contributor, police, agency_lead):
    concern = services.concern_raise(case=audit.cases.first(), agency=police, by=contributor,
                                     description="Bruising seen at the last visit was not followed up.")
    return concern


def raised(concern, when):
    history.update(ImmediateConcern.objects.filter(pk=concern.pk), raised_at=when)
    concern.refresh_from_db()
    return concern


def test_raising_emails_the_responsible_agencys_lead_at_once(concern, agency_lead):
    email = EmailMessage.objects.get(to=agency_lead.email)
    assert "IMMEDIATE CONCERN" in email.body_text and concern.case.case_reference in email.body_text
    assert f"{settings.SITE_URL}/audits/concerns/{concern.pk}/" in email.body_text  # a link to the page


def test_raising_refuses_an_uninvolved_agency_and_an_empty_description(audit, contributor, outsider_agency):
    case = audit.cases.first()
    with pytest.raises(ServiceError, match="involved"):
        services.concern_raise(case=case, agency=outsider_agency, by=contributor, description="x")
    with pytest.raises(ServiceError, match="Describe"):
        services.concern_raise(case=case, agency=case.agencies.first(), by=contributor, description=" ")


def test_only_a_lead_of_the_responsible_agency_acknowledges_with_the_action(concern, contributor, agency_lead,
                                                                            business_unit, client_for):
    for person in (contributor, business_unit):
        with pytest.raises(ServiceError, match="Only a lead"):
            services.concern_acknowledge(concern=concern, by=person, action_taken="Visited")
    with pytest.raises(ServiceError, match="action"):
        services.concern_acknowledge(concern=concern, by=agency_lead, action_taken="")
    url = reverse("audits:concern-detail", args=[concern.pk])
    assert client_for(contributor).post(url, {"action_taken": "x"}).status_code == 403
    r = client_for(agency_lead).post(url, {"action_taken": ""})
    assert r.status_code == 400 and "Say what action" in r.content.decode()
    assert client_for(agency_lead).post(url, {"action_taken": "Strategy discussion held today"}).status_code == 302
    concern.refresh_from_db()
    assert concern.acknowledged_by == agency_lead and concern.action_taken == "Strategy discussion held today"
    with pytest.raises(ServiceError, match="already"):
        services.concern_acknowledge(concern=concern, by=agency_lead, action_taken="again")


def test_deadline_skips_the_weekend_and_a_bank_holiday(concern):
    # Friday 22 May 2026, 15:00; Monday 25 May is the spring bank holiday.
    raised(concern, at(2026, 5, 22, 15, 0))
    # By the end of the next working day's working hours (17:00), not 24 clock hours.
    assert services.acknowledge_by(concern) == at(2026, 5, 26, 17, 0)
    ClosureDay.objects.create(date=datetime.date(2026, 5, 26), reason="Office closed")
    assert services.acknowledge_by(concern) == at(2026, 5, 27, 17, 0)


def test_deadline_is_the_end_of_the_next_working_days_hours(concern, settings):
    raised(concern, at(2026, 5, 20, 8, 0))  # Wednesday early: due Thursday at the end of the day
    assert services.acknowledge_by(concern) == at(2026, 5, 21, 17, 0)
    raised(concern, at(2026, 5, 21, 23, 30))  # Thursday night: due Friday 17:00, not Friday 23:30
    assert services.acknowledge_by(concern) == at(2026, 5, 22, 17, 0)
    settings.WORKING_DAY_ENDS = "17:30"
    assert services.acknowledge_by(concern) == at(2026, 5, 22, 17, 30)


def test_escalation_after_one_working_day_once(concern, business_unit, qa_member):
    raised(concern, at(2026, 5, 22, 15, 0))
    assert services.escalate_concerns(now=at(2026, 5, 25, 18, 0)) == 0  # bank holiday Monday: not yet
    assert services.escalate_concerns(now=at(2026, 5, 26, 16, 59)) == 0
    assert services.escalate_concerns(now=at(2026, 5, 26, 17, 0)) == 1
    assert services.escalate_concerns(now=at(2026, 5, 26, 17, 15)) == 0  # recorded once
    concern.refresh_from_db()
    assert concern.escalated_at == at(2026, 5, 26, 17, 0)
    emails = EmailMessage.objects.filter(subject__startswith="Unacknowledged")
    assert [e.to for e in emails] == [business_unit.email]  # the business unit only, not QA
    assert ReminderLog.objects.filter(person=business_unit, stage="escalated").count() == 1


def test_acknowledged_concerns_are_not_escalated_and_the_task_runs(concern, agency_lead, business_unit):
    raised(concern, at(2026, 5, 22, 15, 0))
    services.concern_acknowledge(concern=concern, by=agency_lead, action_taken="Done")
    assert services.escalate_concerns(now=at(2026, 6, 1, 9, 0)) == 0
    assert escalate_concerns.apply().get() == 0


def test_unacknowledged_concerns_stay_on_the_business_unit_home_page(concern, business_unit, agency_lead,
                                                                      client_for):
    raised(concern, at(2026, 5, 22, 15, 0))
    services.escalate_concerns(now=at(2026, 5, 27, 9, 0))
    home = client_for(business_unit).get(reverse("home")).content.decode()
    assert "Immediate concerns not yet acknowledged" in home and "Escalated" in home
    lead_home = client_for(agency_lead).get(reverse("home")).content.decode()
    assert "Immediate concerns for your agency to acknowledge" in lead_home
    items = [i for i in due_items(agency_lead, datetime.date(2026, 5, 27)) if i.key.startswith("audits.immediate")]
    assert len(items) == 1 and items[0].statutory and items[0].stage == "overdue"
    services.concern_acknowledge(concern=concern, by=agency_lead, action_taken="Done")
    home = client_for(business_unit).get(reverse("home")).content.decode()
    assert "Immediate concerns not yet acknowledged" not in home


def test_the_oversight_panel_reads_its_concerns_and_audits_in_fixed_queries(concern, audit, business_unit, police,
                                                                             contributor, client_for):
    """The business unit's panel reads only what it shows of each concern and audit in progress: a second concern
    (escalated) adds its line, not a query for a column left unread."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(business_unit)
    client.get(reverse("home"))
    with CaptureQueriesContext(connection) as one:
        home = client.get(reverse("home")).content.decode()
    assert concern.case.case_reference in home and audit.theme in home
    another = services.concern_raise(case=audit.cases.last(), agency=police, by=contributor,
                                     description="A second concern about the same audit.")
    raised(another, at(2026, 5, 22, 15, 0))
    services.escalate_concerns(now=at(2026, 5, 27, 9, 0))
    with CaptureQueriesContext(connection) as two:
        home = client.get(reverse("home")).content.decode()
    assert home.count(f"{police.display_name}</a>, raised") == 2 and "Escalated" in home
    assert len(two.captured_queries) == len(one.captured_queries)


def test_acknowledged_in_time(concern, agency_lead):
    raised(concern, at(2026, 5, 22, 15, 0))
    history.update(ImmediateConcern.objects.filter(pk=concern.pk), acknowledged_at=at(2026, 5, 26, 10, 0),
                   acknowledged_by=agency_lead, action_taken="x")
    concern.refresh_from_db()
    assert services.acknowledged_in_time(concern)


def test_deadlines_with_preloaded_closures_match_and_due_items_queries_are_constant(
        audit, contributor, police, agency_lead, django_assert_max_num_queries):
    case = audit.cases.first()
    made = [services.concern_raise(case=case, agency=police, by=contributor, description=f"Concern {n}")
            for n in range(3)]
    raised(made[0], at(2026, 5, 22, 15, 0))
    raised(made[1], at(2026, 12, 24, 9, 0))
    ClosureDay.objects.create(date=datetime.date(2026, 12, 29), reason="Office closed")
    closures = services.closures_for(made)
    for concern in made:
        concern.refresh_from_db()
        assert services.acknowledge_by(concern, closures=closures) == services.acknowledge_by(concern)
    assert services.acknowledge_by(made[1]) == at(2026, 12, 30, 17, 0)  # Christmas, Boxing Day (Mon), closure
    agency_lead.role_set  # noqa: B018 - read once per request in real life
    with django_assert_max_num_queries(3):
        # the audit's two agency audits are due 10 days from the real today (the fixture's): ask as of that day
        assert len(due_items(agency_lead, timezone.localdate() + datetime.timedelta(days=10))) == 3 + 2
