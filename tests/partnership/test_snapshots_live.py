"""state_at reads the live rows when no history row is dated after the moment (a page, a period under way), and
the history otherwise: the same rows either way, and never a change made after the moment."""
import datetime

import pytest
from django.utils import timezone

from partnership import history
from partnership.models import Action
from partnership.snapshots import changed_since, state_at
from tests.factories import ActionFactory

pytestmark = pytest.mark.django_db


def test_a_moment_nothing_was_written_after_is_read_from_the_live_rows():
    action = ActionFactory(title="Before")
    rows = state_at(Action, timezone.now() + datetime.timedelta(seconds=1))

    assert rows.model is Action  # the live table, not the historical one
    assert list(rows.values_list("title", flat=True)) == ["Before"]
    assert action.pk in rows.values_list("pk", flat=True)


def test_a_moment_something_was_written_after_is_read_from_history():
    action = ActionFactory(title="Before")
    moment = timezone.now()
    with history.dated(moment + datetime.timedelta(seconds=2)):
        action.title = "After"
        action.save()

    rows = state_at(Action, moment)

    assert rows.model is not Action and hasattr(rows.model, "instance_type")
    assert list(rows.values_list("title", flat=True)) == ["Before"]
    assert Action._meta.db_table.replace("partnership_", "partnership_historical") in changed_since(moment)


def test_a_write_in_this_process_is_not_hidden_by_the_remembered_answer():
    action = ActionFactory(title="Before")
    moment = timezone.now() + datetime.timedelta(seconds=1)
    assert state_at(Action, moment).model is Action  # remembered: nothing after `moment`
    with history.dated(moment + datetime.timedelta(seconds=1)):
        action.title = "After"
        action.save()

    assert list(state_at(Action, moment).values_list("title", flat=True)) == ["Before"]


def test_an_old_moment_is_read_from_history_without_asking(django_assert_num_queries):
    ActionFactory()
    old = timezone.now() - datetime.timedelta(days=30)
    with django_assert_num_queries(0):
        rows = state_at(Action, old)
    assert rows.model is not Action
