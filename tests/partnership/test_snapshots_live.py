"""state_at reads the live rows when no history row is dated after the moment (a page, a period under way), and
the history otherwise: the same rows either way, and never a change made after the moment."""
import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from partnership import history, snapshots
from partnership.models import Action
from partnership.snapshots import changed_since, forget_changes, state_at, tracked_tables
from tests.factories import ActionFactory

pytestmark = pytest.mark.django_db
needs_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's prepared statements")


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


def test_a_row_dated_at_the_moment_itself_is_not_a_change_after_it():
    """The probe asks for a history row dated after the moment: one dated at it is the state then."""
    moment = timezone.now().replace(microsecond=0) + datetime.timedelta(seconds=2)
    with history.dated(moment):
        ActionFactory(title="At the moment")
    table = Action._meta.db_table.replace("partnership_", "partnership_historical")

    assert table not in changed_since(moment)
    forget_changes()
    assert table in changed_since(moment - datetime.timedelta(microseconds=1))
    forget_changes()
    assert table not in changed_since(moment + datetime.timedelta(microseconds=1))


def test_the_probe_names_every_table_with_a_later_row_and_no_other():
    """One answer per history table, in the order of `tracked_tables()`: a table with no history at all (NULL
    latest date) is not changed."""
    moment = timezone.now() + datetime.timedelta(seconds=1)
    with history.dated(moment + datetime.timedelta(seconds=1)):
        ActionFactory()
    later = {t for t in tracked_tables() if _written_after(t, moment)}

    assert changed_since(moment) == later
    assert Action._meta.db_table.replace("partnership_", "partnership_historical") in later


def _written_after(table: str, moment) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT 1 FROM {connection.ops.quote_name(table)} WHERE history_date > %s",  # nosec B608
                       [moment])
        return cursor.fetchone() is not None


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_the_probe_is_a_prepared_statement_of_the_session():
    """PostgreSQL plans the probe once per database session (a page runs outside a transaction): the statement
    is prepared at its first use in a session, in a new session after a reconnection, and again when the session
    lost it; each answer is the same as asking each table."""
    action = ActionFactory(title="Before")
    moment = timezone.now() + datetime.timedelta(seconds=1)
    table = Action._meta.db_table.replace("partnership_", "partnership_historical")
    connection.close()

    name = snapshots._probe_name()  # its SQL's digest beside PROBE

    def probe():
        forget_changes()
        with CaptureQueriesContext(connection) as asked:
            found = changed_since(moment)
        return found, [q["sql"].split("(")[0].split(" AS ")[0] for q in asked.captured_queries]

    assert probe() == (frozenset(), [f"PREPARE {name}", f"EXECUTE {name}"])
    assert probe() == (frozenset(), [f"EXECUTE {name}"])  # prepared once per session

    with history.dated(moment + datetime.timedelta(seconds=1)):
        action.title = "After"
        action.save()
    assert probe() == ({table}, [f"EXECUTE {name}"])  # the same plan, a new answer

    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")  # the session lost it (as a pool's reset would)
    found, asked = probe()
    assert found == {table}
    assert asked == [f"EXECUTE {name}", f"PREPARE {name}", f"EXECUTE {name}"]

    connection.close()  # a new session: prepared in it
    assert probe() == ({table}, [f"PREPARE {name}", f"EXECUTE {name}"])


@needs_postgresql
def test_inside_a_transaction_the_probe_is_sent_whole():
    """A lost prepared statement would abort a transaction: inside one the probe is not prepared."""
    moment = timezone.now() + datetime.timedelta(seconds=1)
    forget_changes()
    with CaptureQueriesContext(connection) as asked:
        assert changed_since(moment) == frozenset()
    assert len(asked.captured_queries) == 1
    assert asked.captured_queries[0]["sql"].startswith("SELECT (SELECT max(history_date) FROM ")
