"""`snapshots.compiled_rows`: a state's `values_list` query, built and compiled once per process where the moment
allows (the live rows, or a settled moment), gives the rows the queryset gives (converted alike: days as days), sees
rows written since (the SQL is kept, never the rows), and is built for the request where a model changed after a
recent moment."""
import datetime

import pytest
from django.utils import timezone

from partnership import history, snapshots
from partnership.models import Action
from partnership.snapshots import RECENT_CHANGE, compiled_rows, read_by, state_at
from tests.factories import ActionFactory, PriorityFactory

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
