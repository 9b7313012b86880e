"""Agencies' accountability profiles: each app's facts (read as at the period's moment), the composer's one rule,
who may see which profile, and queries that do not grow with agencies or records."""
import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from audits.models import AgencyAudit
from learning.models import Booking, SessionTrainer
from merton_qa import agency_profiles
from partnership.contract import ASSURED, NO_EVIDENCE, NOT_ASSURED, PARTLY
from partnership.dates import ReportPeriod
from partnership.history import create_dated, save_dated
from partnership.models import Action, Escalation, Role
from performance.models import DataReturn
from reviews.models import AgencySummary
from section11.models import Return
from tests.audits.conftest import make_audit, programme, tool  # noqa: F401
from tests.factories import ActionFactory, AgencyFactory, UserFactory
from tests.learning.conftest import make_course, make_session
from tests.performance.conftest import indicator, quarters  # noqa: F401
from tests.reviews.conftest import health, notification, notified, rapid_review, referral, screened  # noqa: F401
from tests.section11.conftest import answer_all, framework, make_cycle, rag_scale  # noqa: F401

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


def ago(days: int) -> datetime.date:
    return TODAY - days * DAY


def moment(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


def year_period():
    return ReportPeriod.between(ago(364), TODAY)


def facts_under(found, agency, heading):
    return [f for f in found[agency.pk].facts if f.heading == heading]


def give_records(agency, *, framework, quarters, tool, programme, rapid_review, late: bool):  # noqa: F811
    """One of everything the profile reads, for `agency`: on time, or late when `late`."""
    cycle = make_cycle(framework, [agency], name=f"Section 11 {agency.pk}", opens_on=ago(90), deadline=ago(30))
    ret = Return.objects.get(cycle=cycle, agency=agency)
    answer_all(ret)
    ret.status, ret.submitted_at = Return.Status.SUBMITTED, moment(ago(20 if late else 40))
    ret.save()
    DataReturn.objects.create(agency=agency, period=quarters[0], due_date=ago(10), status=DataReturn.Status.SUBMITTED,
                              submitted_at=moment(ago(5 if late else 12)))
    DataReturn.objects.create(agency=agency, period=quarters[1], due_date=ago(3),
                              **({} if late else {"status": DataReturn.Status.SUBMITTED,
                                                  "submitted_at": moment(ago(4))}))
    audit = make_audit(tool, programme, [agency], status="in_progress", cases=1, theme=f"Neglect {agency.pk}")
    audit.agency_audits_due = ago(7)
    audit.save()
    if not late:
        for aa in AgencyAudit.objects.filter(case__audit=audit):
            aa.status, aa.submitted_at = AgencyAudit.Status.SUBMITTED, moment(ago(8))
            aa.save()
    AgencySummary.objects.create(rapid_review=rapid_review, agency=agency, requested_on=ago(20), due_on=ago(10),
                                 submitted_on=ago(2) if late else ago(11))
    session = make_session(make_course(title=f"Neglect {agency.pk}"), ago(15))
    for n, attendance in enumerate(["attended", "attended", "no_show" if late else "attended"]):
        Booking.objects.create(session=session, name="Alex Example", email=f"person{n}.{agency.pk}@example.org",
                               agency=agency, role="Key worker", status=Booking.Status.CONFIRMED,
                               attendance=attendance)
    SessionTrainer.objects.create(session=session, name="A trainer", agency=agency, days=1)
    ActionFactory(owner_agency=agency, due_date=ago(5) if late else TODAY + 10 * DAY)


@pytest.fixture
def records(police, framework, quarters, tool, programme, rapid_review):  # noqa: F811
    def make(agency, late=False):
        give_records(agency, framework=framework, quarters=quarters, tool=tool, programme=programme,
                     rapid_review=rapid_review, late=late)
        return agency
    return make


def test_each_app_says_how_the_agency_engaged(records, police, business_unit):
    records(police, late=True)
    found = agency_profiles.profiles([police], year_period(), business_unit)
    profile = found[police.pk]
    headings = [heading for heading, _ in profile.sections]
    assert headings == ["Section 11", "Data returns", "Audits", "Practice reviews", "Training", "Actions",
                        "Meeting attendance"]
    (s11,) = facts_under(found, police, "Section 11")
    assert "Submitted (late" in s11.value and "Ratings: 6 Green: fully met" in s11.value and s11.status == PARTLY
    (returns,) = facts_under(found, police, "Data returns")
    assert returns.value == "0 of 2 returns on time; 1 late; 1 overdue and not yet in"
    assert returns.status == NOT_ASSURED
    (audits,) = facts_under(found, police, "Audits")
    assert audits.value == "0 of 1 case audit on time; 1 overdue and not yet in"
    summaries = facts_under(found, police, "Practice reviews")
    assert summaries[0].value == "0 of 1 summary on time; 1 late"
    training = {f.label: f for f in facts_under(found, police, "Training")}
    assert training["Training places used"].value == "2 places"
    assert training["No-shows and late cancellations"].value == "1 of 3 places booked and not used"
    assert training["Trainer days given to the partnership"].value == "1 day"
    actions = {f.label: f for f in facts_under(found, police, "Actions")}
    assert actions["Open actions"].value == "1 of 1 open action overdue"
    assert facts_under(found, police, "Meeting attendance")[0].value == (
        "No place at a partnership meeting held in the period")  # attendance is tested in test_meetings
    assert profile.engagement == NOT_ASSURED


def test_an_agency_that_does_everything_on_time_is_engaging(records, police, business_unit):
    records(police)
    profile = agency_profiles.profiles([police], year_period(), business_unit)[police.pk]
    judged = [f for f in profile.facts if f.status != NO_EVIDENCE]
    assert judged and all(f.status == ASSURED for f in judged), [f for f in judged if f.status != ASSURED]
    assert profile.engagement == ASSURED and profile.engagement_words == "Engaging"


def test_facts_are_read_as_they_stood_at_the_periods_moment(police, business_unit, quarters):  # noqa: F811
    """A data return submitted after the period's moment was still missing then."""
    data_return = DataReturn(agency=police, period=quarters[0], due_date=ago(30))
    create_dated(data_return, moment(ago(40)))
    data_return.status, data_return.submitted_at = DataReturn.Status.SUBMITTED, moment(ago(2))
    save_dated(data_return, moment(ago(2)))
    past = ReportPeriod.between(ago(100), ago(10))
    (then,) = facts_under(agency_profiles.profiles([police], past, business_unit), police, "Data returns")
    (now,) = facts_under(agency_profiles.profiles([police], year_period(), business_unit), police, "Data returns")
    assert "overdue and not yet in" in then.value
    assert now.value == "0 of 1 return on time; 1 late"


def test_review_details_and_links_stay_with_the_reviews_group(records, police, agency_lead, reviews_member,
                                                                business_unit):
    records(police, late=True)
    for user, linked in ((agency_lead, False), (reviews_member, True), (business_unit, True)):
        found = agency_profiles.profiles([police], year_period(), user)
        for fact in facts_under(found, police, "Practice reviews"):
            assert bool(fact.url) is linked
            assert "MA-" not in fact.value and "Infant" not in fact.value


def test_queries_do_not_grow_with_agencies_or_records(records, police, business_unit, django_assert_max_num_queries):
    records(police, late=True)
    period = year_period()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        agency_profiles.profiles([police], period, business_unit)
    others = [records(AgencyFactory(), late=bool(n % 2)) for n in range(3)]
    # 11 (Section 11 three, audits one, data returns one, reviews one, training two, actions one, attendance one,
    # escalations one), the reader's roles, and the one asking whether the live rows are the state at the moment
    # (asked again when the call outlasts the second it is remembered for, on a busy machine)
    assert len(one) <= 14, "\n".join(q["sql"][:150] for q in one)
    with django_assert_max_num_queries(len(one)):
        agency_profiles.profiles([police, *others], period, business_unit)


# --- Pages and who may see them


def test_the_business_unit_sees_every_agency_in_one_list(client, records, police, business_unit,
                                                         django_assert_max_num_queries):
    records(police, late=True)
    client.force_login(business_unit)
    response = client.get(reverse("agency-list"))
    assert response.status_code == 200
    assert police.name in response.content.decode()
    url = reverse("agency-list")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(3):
        records(AgencyFactory(), late=True)
    with django_assert_max_num_queries(len(few)):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("persona", ["business_unit", "qa_member", "chair", "agency_lead", "contributor"])
def test_who_reads_the_police_profile(client, request, persona, police):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(reverse("agency-profile", args=[police.pk]))
    assert response.status_code == 200
    assert "Meeting attendance" in response.content.decode()


@pytest.mark.parametrize("persona", ["outsider", "reader", "reviews_member"])
def test_no_one_else_reads_the_police_profile(client, request, persona, police):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("agency-profile", args=[police.pk])).status_code == 404


def test_an_agency_user_is_taken_to_their_own_profile_not_the_list(client, agency_lead, police, outsider, reader):
    client.force_login(agency_lead)
    response = client.get(reverse("agency-list"))
    assert response.status_code == 302 and response.url == reverse("agency-profile", args=[police.pk])
    client.force_login(reader)
    assert client.get(reverse("agency-list")).status_code == 403


def test_a_school_dsl_reads_their_schools_profile_only(client, police):
    school = AgencyFactory(name="Cherry Tree Primary School", sector="school")
    dsl = UserFactory(agency=school, roles=[Role.AGENCY_LEAD], job_title="Designated safeguarding lead")
    client.force_login(dsl)
    assert client.get(reverse("agency-profile", args=[school.pk])).status_code == 200
    assert client.get(reverse("agency-profile", args=[police.pk])).status_code == 404


def test_the_profile_shows_open_escalations(client, police, business_unit, agency_lead):
    escalation = Escalation.objects.create(agency=police, stage=1, reason="Late data returns.", letter_date=ago(20),
                                           response_due=TODAY + 8 * DAY, signatory="Bea Manager",
                                           signatory_role="Business manager", raised_by=business_unit)
    client.force_login(agency_lead)
    page = client.get(reverse("agency-profile", args=[police.pk])).content.decode()
    assert reverse("escalation-detail", args=[escalation.pk]) in page
    assert "Raise a stage 1 escalation" not in page
    client.force_login(business_unit)
    page = client.get(reverse("agency-list")).content.decode()
    assert "Stage 1" in page


def test_actions_count_only_the_agency_s_own(police, outsider_agency, business_unit):
    ActionFactory(owner_agency=police, due_date=ago(3))
    ActionFactory(owner_agency=outsider_agency, due_date=ago(3), status=Action.Status.IMPACT_ASSURED,
                  completion_evidence="Done.", impact_evidence="Audited.")
    found = agency_profiles.profiles([police, outsider_agency], year_period(), business_unit)
    assert facts_under(found, police, "Actions")[0].value == "1 of 1 open action overdue"
    assert facts_under(found, outsider_agency, "Actions")[1].value == "1"


def test_a_record_saved_twice_in_one_moment_is_read_once(police, quarters, business_unit):  # noqa: F811
    """Two history rows at the same instant (a save and a history-aware write together, or dated events) are one
    record as it stood, the later row winning: the profile does not count the return twice."""
    from partnership.snapshots import state_at

    data_return = DataReturn(agency=police, period=quarters[0], due_date=ago(30))
    create_dated(data_return, moment(ago(40)))
    data_return.status, data_return.submitted_at = DataReturn.Status.SUBMITTED, moment(ago(40))
    save_dated(data_return, moment(ago(40)))
    rows = list(state_at(DataReturn, timezone.now()).filter(agency_id=police.pk))
    assert [(r.pk, r.status) for r in rows] == [(data_return.pk, DataReturn.Status.SUBMITTED)]
    (fact,) = facts_under(agency_profiles.profiles([police], year_period(), business_unit), police, "Data returns")
    assert fact.value == "1 of 1 return on time"


def test_meeting_attendance_comes_from_the_meetings_attendance_records(db, police, agency_lead, business_unit):
    from partnership.models import Attendance, Meeting, Subgroup

    group = Subgroup.objects.create(name="Quality assurance subgroup", kind=Subgroup.Kind.QA)
    now = timezone.now()
    for days, status in ((90, Attendance.Status.PRESENT), (60, Attendance.Status.DEPUTY),
                         (30, Attendance.Status.APOLOGIES), (10, Attendance.Status.ABSENT)):
        meeting = Meeting.objects.create(subgroup=group, starts_at=now - datetime.timedelta(days=days),
                                         status=Meeting.Status.HELD)
        Attendance.objects.create(meeting=meeting, person=agency_lead, agency=police, status=status)
    period = agency_profiles.period_for(timezone.localdate())
    [fact] = agency_profiles.attendance_facts([police], period)[police.pk]
    assert fact.value == "Attended 2 of 4 (50%), in person or by a deputy" and fact.status == NOT_ASSURED
