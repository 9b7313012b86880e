"""The demo's history is a credible story: the board pack for any recent quarter, read "as at" the quarter's end,
finds the records that existed then, each history row dated when its event happened; its records are plausible;
and it loads twice without failing or duplicating.

The demo is seeded once for all of these checks (one test, three named parts): seeding it renders six board packs,
about a minute of the suite's time each, in each of CI's three runs."""
import datetime

import pytest
from django.apps import apps
from django.core.management import call_command
from django.utils import timezone

from audits.models import AuditCase
from partnership.dates import Quarter
from partnership.history import is_tracked
from partnership.models import Action
from reviews.models import Referral
from section11.models import Answer, Cycle, Return

pytestmark = pytest.mark.django_db


def last_completed_quarter_ends(today: datetime.date, count: int) -> list[datetime.datetime]:
    """The ends (23:59:59 local) of the `count` financial quarters before the one holding `today`, newest first."""
    ends = []
    day = today
    for _ in range(count):
        day = datetime.date(day.year, (day.month - 1) // 3 * 3 + 1, 1) - datetime.timedelta(days=1)
        ends.append(timezone.make_aware(datetime.datetime.combine(day, datetime.time(23, 59, 59))))
    return ends


def test_quarter_ends_are_the_four_before_the_current_quarter():
    assert [e.date() for e in last_completed_quarter_ends(datetime.date(2026, 12, 6), 4)] == [
        datetime.date(2026, 9, 30), datetime.date(2026, 6, 30), datetime.date(2026, 3, 31), datetime.date(2025, 12, 31)]


@pytest.fixture
def demo(settings):
    settings.DEBUG = True
    settings.DEMO_PASSWORD = "demo-password-for-tests"
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    return timezone.now()


def tracked_models():
    return [m for m in apps.get_models() if is_tracked(m)]


@pytest.mark.timeout(1500)  # seeds the whole demo twice: minutes on a busy machine
def test_the_demo_tells_a_dated_story_of_plausible_records_and_seeds_twice(demo):
    the_history_is_dated(demo)
    the_records_are_plausible(demo)
    every_past_period_reads_its_evidence()
    seeding_again_changes_nothing()


def every_past_period_reads_its_evidence():
    """Every quarter and financial year from the demo's first record to now reads each priority's evidence from
    every app, with and without the detail (a priority's page, the list, the board pack's and the yearly report's
    Priorities sections), as they stood then, and makes its board pack's or yearly report's pages (their HTML: the
    PDF engine's part is the same for any period). A past period before one kind of record existed is where a
    reader failed: the indicators of a frequency with no validated period yet crashed the pack for an old quarter."""
    from django.template.loader import render_to_string

    from merton_qa import board_report, priorities, yearly_report
    from partnership.dates import ReportPeriod

    first = min(model.history.order_by("history_date").values_list("history_date", flat=True).first()
                for model in (Action, Return, Answer, Referral))
    quarter, now = Quarter.containing(timezone.localdate(first)), Quarter.containing(timezone.localdate())
    periods = []
    while quarter.start <= now.start:
        periods.append(ReportPeriod.for_quarter(quarter))
        if quarter.number == 1:
            periods.append(ReportPeriod.for_financial_year(quarter.financial_year))
        quarter = quarter.next()
    assert len(periods) > 8  # the demo's history starts years back
    for period in periods:
        chosen = list(priorities.current_priorities(period.end))
        full = priorities.progress(chosen, period)
        listed = priorities.progress(chosen, period, detail=False)
        assert [row.status for row in full] == [row.status for row in listed], period.label
        if period.kind == ReportPeriod.QUARTER:
            assert "<h1" in render_to_string("reports/board_report.html", board_report.report_context(period))
        else:
            assert yearly_report.report_context(period)["sections"], period.label


def the_history_is_dated(demo):
    # Every recent quarter's pack finds actions and returns as they stood at its end.
    for end in last_completed_quarter_ends(timezone.localdate(), 4):
        assert Action.history.as_of(end).exists(), end
        assert Return.history.as_of(end).exists(), end

    # Every record has history, and none of it happens after the seeding.
    for model in tracked_models():
        assert not model.objects.exclude(pk__in=model.history.values("id")).exists(), model
        assert not model.history.filter(history_date__gt=demo).exists(), model

    # Each record's first history row is its creation, dated when it was created (a service's save() stamps the
    # two a moment apart).
    for model in (Action, Return):
        for created in model.history.filter(history_type="+"):
            assert abs(created.history_date - created.created_at) < datetime.timedelta(seconds=1), (model, created.id)

    # The events are dated when they happened.
    for ret in Return.objects.exclude(submitted_at=None):
        assert ret.history.filter(status=Return.Status.SUBMITTED, history_date=ret.submitted_at).exists(), ret
        assert ret.started_at <= ret.submitted_at
    for ret in Return.objects.exclude(signed_off_at=None):
        assert ret.history.filter(status=Return.Status.SIGNED_OFF, history_date=ret.signed_off_at).exists(), ret
    for action in Action.objects.exclude(signed_off_at=None):
        assert action.history.filter(status=Action.Status.IMPACT_ASSURED,
                                     history_date=action.signed_off_at).exists(), action
    for referral in Referral.objects.all():  # made through the services, on the day of the referral
        assert timezone.localtime(referral.history.earliest().history_date).date() == referral.referred_on, referral
    for answer in Answer.objects.exclude(moderated_at=None)[:200]:
        assert answer.history.filter(history_date=answer.moderated_at,
                                     moderated_rating_id=answer.moderated_rating_id).exists(), answer


def the_records_are_plausible(demo):
    for cycle in Cycle.objects.select_related("framework"):
        assert int(cycle.framework.version[:4]) <= cycle.opens_on.year, "a cycle's framework existed when it opened"
    for answer in Answer.objects.exclude(narrative="").select_related("criterion")[:300]:
        assert answer.criterion.text.strip() in answer.narrative, "the narrative answers its own criterion"
    bands = set(AuditCase.objects.filter(audit__theme__icontains="exploitation").values_list("age_band", flat=True))
    assert bands and bands <= {"11_15", "16_17"}
    # The yearly report's analysis of priorities with little or no evidence of progress has one to name: the
    # priority added for the last complete year with one overdue action behind it; the others show progress.
    from merton_qa import yearly_report
    from partnership.dates import ReportPeriod

    period = ReportPeriod.for_financial_year(yearly_report.last_complete_year())
    findings = yearly_report.report_context(period)["findings"]
    assert [f.priority.title for f in findings if f.little_or_no_evidence] == ["Hearing the voice of the child"]
    assert len(findings) == 4

    # Every quarter of that year has its board pack, each dated as it was made: drafted after its quarter ended,
    # approved, then published before the Partnership executive's meeting that took it; and the year under way's
    # next quarter is due at a planned executive meeting.
    from merton_qa.yearly_figures import packs_of_year
    from partnership.models import BoardPack, Meeting, Subgroup

    packs = packs_of_year(period)
    assert [bool(p.published_at) for p in packs] == [True] * 4
    for pack in BoardPack.objects.filter(status=BoardPack.Status.PUBLISHED):
        end = timezone.make_aware(datetime.datetime.combine(Quarter.parse(pack.period_code).end, datetime.time(23)))
        assert end < pack.created_at < pack.approved_at < pack.published_at < demo, pack
        for meeting in Meeting.objects.filter(subgroup__kind=Subgroup.Kind.EXECUTIVE,
                                              items__title__endswith=pack.label):  # the meeting that took it
            assert pack.published_at < meeting.starts_at < pack.published_at + datetime.timedelta(days=14), pack
    assert Meeting.objects.filter(subgroup__kind=Subgroup.Kind.EXECUTIVE, status=Meeting.Status.PLANNED,
                                  starts_at__gt=demo).exists()


def seeding_again_changes_nothing():
    from partnership.models import Agency, User

    def counts():
        return [m.objects.count() for m in (Agency, User, Action, Cycle, Return, Answer)]

    first = counts()
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    assert counts() == first
    assert first[0] >= 25 and first[2] >= 30
    assert User.objects.get(email="lead@police.example.org").check_password("demo-password-for-tests")
    statuses = set(Return.objects.filter(cycle__name="Section 11 2026").values_list("status", flat=True))
    assert statuses == set(Return.Status.values)  # every state, so the tracker shows something real
    assert not User.objects.exclude(email__endswith="example.org").exists()
