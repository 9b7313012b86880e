"""`snapshots.compiled_rows`: a state's `values_list` query, built and compiled once per process where the moment
allows (the live rows, or a settled moment), gives the rows the queryset gives (converted alike: days as days), sees
rows written since (the SQL is kept, never the rows), and is built for the request where a model changed after a
recent moment."""
import datetime

import pytest
from django.utils import timezone

from merton_qa import meetings, priorities
from partnership import history, snapshots
from partnership.dates import Quarter, ReportPeriod
from partnership.models import Action
from partnership.snapshots import RECENT_CHANGE, compiled_rows, read_by, state_at
from tests.audits.conftest import programme, tool  # noqa: F401 - fixtures
from tests.factories import ActionFactory, PriorityFactory
from tests.partnership.builds_in_source import assert_same_sql_whatever_the_clock, builds_passed_to, recording
from tests.partnership.test_priority_progress import world  # noqa: F401 - fixture: evidence from every app
from tests.reviews.conftest import health, lcspr, notification, notified, rapid_review, referral, screened, sent_review  # noqa: F401,E501 - fixtures

pytestmark = pytest.mark.django_db


def _actions(priority_ids: tuple[int, ...], moment):
    return (state_at(Action, moment).filter(priority_id__in=priority_ids).order_by("id")
            .values_list("id", "status", "due_date", "completed_at"))


def _rows(priority, at):
    return compiled_rows(_actions, ((priority.pk,),), at, Action)


def test_the_live_rows_are_the_querysets_and_rows_written_since_are_read():
    priority = PriorityFactory()
    first = ActionFactory(priority=priority, completed_at=timezone.now())
    at = timezone.now()
    assert read_by(at, Action) is None
    rows = _rows(priority, at)
    assert rows == list(_actions((priority.pk,), None))
    assert isinstance(rows[0][2], datetime.date) and isinstance(rows[0][3], datetime.datetime)  # converted
    second = ActionFactory(priority=priority)
    later = timezone.now() + datetime.timedelta(seconds=1)
    assert [row[0] for row in _rows(priority, later)] == [first.pk, second.pk]


def test_a_settled_moment_reads_its_history_and_a_recent_change_is_built_for_the_request():
    priority = PriorityFactory()
    long_ago = timezone.now() - datetime.timedelta(days=30)
    with history.dated(long_ago - datetime.timedelta(days=1)):
        action = ActionFactory(priority=priority)
    with history.dated(long_ago + datetime.timedelta(days=1)):
        history.update(Action.objects.filter(pk=action.pk), status=Action.Status.IN_PROGRESS)
    assert read_by(long_ago, Action) == long_ago
    assert _rows(priority, long_ago) == list(_actions((priority.pk,), long_ago))
    assert _rows(priority, long_ago)[0][1] == Action.Status.AGREED  # as it stood then

    moment = timezone.now()
    with history.dated(moment + datetime.timedelta(seconds=1)):
        history.update(Action.objects.filter(pk=action.pk), due_date=action.due_date + datetime.timedelta(days=7))
    snapshots.forget_changes()
    assert read_by(moment, Action) is RECENT_CHANGE
    assert _rows(priority, moment) == list(_actions((priority.pk,), moment))
    assert _rows(priority, moment)[0][1:3] == (Action.Status.IN_PROGRESS, action.due_date)  # before the change


def test_building_runs_no_query_and_an_empty_choice_reads_nothing(django_assert_num_queries):
    priority = PriorityFactory()
    snapshots._compiled.cache_clear()
    with django_assert_num_queries(0):  # built from its arguments alone
        snapshots._compiled(_actions, ((priority.pk,),), None, "postgresql")
        assert compiled_rows(_actions, ((),), None) == []  # `__in` nothing: no query, as Django runs none


def _completed_by(priority_ids: tuple[int, ...], end, moment):
    return (state_at(Action, moment).filter(priority_id__in=priority_ids, completed_at__lte=end).order_by("id")
            .values_list("id", "completed_at"))


def test_a_moment_that_moves_every_call_is_bound_at_each_call_and_never_compiled_in():
    """A period under way reads up to now: compiled once with `INSTANT` in its place, each call binds its own."""
    priority = PriorityFactory()
    now = timezone.now()
    early = ActionFactory(priority=priority, completed_at=now - datetime.timedelta(days=2))
    ActionFactory(priority=priority, completed_at=now - datetime.timedelta(hours=1))
    snapshots._compiled.cache_clear()
    for end in (now - datetime.timedelta(days=1), now, now - datetime.timedelta(days=3)):
        rows = compiled_rows(_completed_by, ((priority.pk,), snapshots.INSTANT), None, Action, instant=end)
        assert rows == list(_completed_by((priority.pk,), end, None)), end
    assert [row[0] for row in compiled_rows(_completed_by, ((priority.pk,), snapshots.INSTANT), None, Action,
                                            instant=now - datetime.timedelta(days=1))] == [early.pk]
    assert snapshots._compiled.cache_info().misses == 1  # one query compiled for the three moments
    with pytest.raises(ValueError, match="INSTANT"):  # a query compiled without it would read nothing it should
        compiled_rows(_completed_by, ((priority.pk,), now), None, Action, instant=now)


def test_every_query_compiled_once_is_the_same_sql_whatever_the_clock(world, business_unit, monkeypatch):  # noqa: F811
    """The class of defect `compiled_rows` could bring: a `build` whose SQL holds the clock (a `timezone.now()`, a
    `localdate()`), or any moment but the one it is given, would be compiled once and then read every later request
    as of that first one. Every `build` the project passes (found in the source, so a new caller is covered without
    being listed) is run by the priorities list and the agenda here, for a priority with evidence from every app,
    and compiled again with the clock a day and a year on: the same SQL and parameters."""
    priority = world(1)
    last = Quarter.containing(timezone.localdate()).previous()
    seen, real = recording(monkeypatch, snapshots, "_compiled")
    year = ReportPeriod.for_financial_year(Quarter.containing(timezone.localdate()).financial_year)
    for period in (year, ReportPeriod.for_quarter(last)):  # the live figures, and a settled moment
        priorities.progress([priority], period, detail=False)
        priorities.progress([priority], period)
    # The business unit's home page and a meeting's agenda: what every app puts forward (the scorecard's exceptions).
    meetings.all_keys(timezone.localdate(), business_unit)
    meetings.all_suggestions(timezone.localdate(), business_unit)
    assert {(build.__module__, build.__name__) for build, _, _ in seen} == builds_passed_to("compiled_rows")

    def sql(build, args, moment):  # the SQL and its parameters (None: a query that can match nothing)
        compiled = real(build, args, moment, "sqlite")
        return compiled and compiled[:2]

    assert_same_sql_whatever_the_clock(seen, sql, monkeypatch)
