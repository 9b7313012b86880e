"""Guards for the history probe `partnership.snapshots.changed_since` (review rev7, of branch prio7): each history
table's `(SELECT max(history_date) FROM t) > moment`, sent whole inside a transaction and on SQLite, and on
PostgreSQL outside a transaction a statement prepared once per database session.

What makes it right: for every table, its answer is "some history row is dated after the moment" (asked of each
table alone with EXISTS), for moments before, at and after each table's last history row, in any time zone, and a
table with no history (NULL latest date) is unchanged; and the prepared path answers as the whole one."""
import datetime
import threading
import zoneinfo

import pytest
from django.db import connection
from django.utils import timezone

from partnership import history, snapshots
from partnership.models import Action, Role, UserRole
from partnership.snapshots import changed_since, forget_changes, tracked_tables
from tests.factories import ActionFactory, UserFactory

pytestmark = pytest.mark.django_db
needs_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's prepared statements")
ZONES = (datetime.UTC, zoneinfo.ZoneInfo("Europe/London"), datetime.timezone(datetime.timedelta(hours=5, minutes=30)))


def _each_alone(moment) -> frozenset[str]:
    found = set()
    with connection.cursor() as cursor:
        for table in tracked_tables():
            cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {connection.ops.quote_name(table)} "  # nosec B608
                           "WHERE history_date > %s)", [connection.ops.adapt_datetimefield_value(moment)])
            if cursor.fetchone()[0]:
                found.add(table)
    return frozenset(found)


def _history_table(model) -> str:
    return snapshots.history_table(model)


def _write_dated_history():
    """Two tables whose last history rows are at different moments (a second apart, with microseconds), every other
    table empty or older: returns {table: its last history_date}."""
    base = timezone.now().replace(microsecond=0) + datetime.timedelta(seconds=5)
    with history.dated(base + datetime.timedelta(microseconds=250)):
        UserFactory(email="dated@example.org", roles=[Role.READER])
    with history.dated(base + datetime.timedelta(seconds=1, microseconds=500_000)):
        ActionFactory()
    return {_history_table(model): max(model.history.values_list("history_date", flat=True))
            for model in (UserRole, Action)}


def _moments(lasts):
    for last in lasts.values():
        for delta in (-datetime.timedelta(seconds=1), -datetime.timedelta(microseconds=1), datetime.timedelta(0),
                      datetime.timedelta(microseconds=1), datetime.timedelta(seconds=1)):
            for zone in ZONES:
                yield (last + delta).astimezone(zone)


def _check_every_moment(lasts):
    for moment in _moments(lasts):
        forget_changes()
        assert changed_since(moment) == _each_alone(moment), moment


def test_the_probe_is_each_tables_exists_before_at_and_after_its_last_row():
    """Inside the test's transaction (and on SQLite): the probe sent whole."""
    lasts = _write_dated_history()
    assert len(set(lasts.values())) == 2
    _check_every_moment(lasts)
    far = max(lasts.values()) + datetime.timedelta(days=1)
    forget_changes()
    assert changed_since(far) == frozenset()  # every table's latest date, NULL ones too, is no change


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_the_prepared_probe_is_each_tables_exists_before_at_and_after_its_last_row():
    """Outside a transaction on PostgreSQL: the prepared statement, with its moment in any time zone."""
    lasts = _write_dated_history()
    connection.close()
    _check_every_moment(lasts)
    assert connection.connection in snapshots._prepared_in  # the path under test was the prepared one


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_each_threads_session_prepares_its_own_probe():
    """gunicorn's threads each have their own connection (their own database session): a thread's probe is
    prepared in its session, not taken as prepared because another thread's session has it."""
    lasts = _write_dated_history()
    moment = min(lasts.values())
    expected = _each_alone(moment)
    answers, errors = [], []

    def ask():
        try:
            forget_changes()
            snapshots._checked.clear()
            answers.append((changed_since(moment), connection.connection in snapshots._prepared_in))
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    for _ in range(3):
        thread = threading.Thread(target=ask)
        thread.start()
        thread.join()
    assert not errors
    assert answers == [(expected, True)] * 3


def _probe_in_a_session_holding(name: str, sql: str):
    """The probe's answer, and each table's, in a new connection whose database session already holds a statement
    `name` (as another client of the session left it)."""
    lasts = _write_dated_history()
    moment = min(lasts.values()) - datetime.timedelta(seconds=1)
    expected = _each_alone(moment)
    assert expected  # a table changed after the moment: an answer of "nothing changed" would be wrong
    connection.close()
    try:
        with connection.cursor() as cursor:
            cursor.execute(f"PREPARE {name}(timestamptz) AS {sql}")
        assert connection.connection not in snapshots._prepared_in  # not prepared by this process's probe
        forget_changes()
        return changed_since(moment), expected
    finally:
        connection.close()  # the next test's session holds nothing of this one's


# A new connection may be handed a database session in which a statement of the probe's name already exists: through
# a pooler that does not reset the sessions it hands over (PgBouncer with an empty server_reset_query; its transaction
# mode, where PREPARE and EXECUTE may even land in different sessions), from another process of this release or from
# another release whose probe names other tables (a rolling deploy). The probe must answer as each table alone.


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_session_already_holding_this_releases_probe_answers_without_an_error():
    """prio7 prepares unconditionally in a connection it has not seen: 'prepared statement already exists'
    (42P05), an error page. Fix: a DuplicatePreparedStatement on PREPARE means the session has it."""
    name = snapshots._probe_name() if hasattr(snapshots, "_probe_name") else snapshots.PROBE  # the name it prepares
    found, expected = _probe_in_a_session_holding(name, snapshots._probe_sql("$1"))
    assert found == expected


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_session_holding_another_releases_probe_is_not_trusted():
    """A statement of prio7's fixed name with another release's tables (here answering "unchanged" for each): taking it
    as this probe (catching 42P05 alone) would read live rows for a moment after which they changed. Fix: name the
    statement by a digest of its SQL (`mqa_changed_since_<sha1 of the SQL>[:12]`), so a statement of that name in
    any session is this very probe."""
    found, expected = _probe_in_a_session_holding(
        "mqa_changed_since", "SELECT " + ", ".join("$1 IS NULL" for _ in tracked_tables()))
    assert found == expected


def test_parameters_are_bound_on_the_client_as_the_prepared_probe_needs():
    """The prepared probe sends `EXECUTE name(%s)`: psycopg's client-side binding writes the moment into the text.
    With Django's `server_side_binding` option (which a DATABASE_URL's query string can set) PostgreSQL refuses it,
    'there is no parameter $1' (checked with psycopg 3.3 and PostgreSQL 15), and every page would fail."""
    assert not connection.settings_dict.get("OPTIONS", {}).get("server_side_binding")


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_statement_lost_at_every_execute_falls_back_to_the_whole_probe():
    """A pooler in transaction mode may send PREPARE and EXECUTE to different sessions: the statement is missing
    at each EXECUTE. After preparing again once, the probe is sent whole, and answers as each table alone."""
    lasts = _write_dated_history()
    moment = min(lasts.values()) - datetime.timedelta(seconds=1)
    expected = _each_alone(moment)
    sent = []

    def lose_it_first(execute, sql, params, many, context):
        if sql.startswith(f"EXECUTE {snapshots.PROBE}"):
            context["cursor"].execute("DEALLOCATE ALL")  # another session's statements, as it were
        if sql != "DEALLOCATE ALL":
            sent.append(sql.split("(")[0].split(" AS ")[0])
        return execute(sql, params, many, context)

    connection.close()
    try:
        forget_changes()
        with connection.execute_wrapper(lose_it_first):
            found = changed_since(moment)
    finally:
        connection.close()
    name = snapshots._probe_name()
    assert found == expected
    assert sent == [f"PREPARE {name}", f"EXECUTE {name}", f"PREPARE {name}", f"EXECUTE {name}", "SELECT "]
