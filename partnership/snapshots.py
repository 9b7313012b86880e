"""Reading records as they stood at a moment, from their history (django-simple-history), for reports.

`state_at(Model, at)` is a queryset of the model's rows as they were at `at` (the latest history row of each
at or before that moment, deleted rows left out), or of the rows now when `at` is None, so one report function
serves the live page and a past period alike. Rows read from history carry no cached relations: `attach` fills
one relation for a list of rows in one query, whatever their number.

A moment no history row is dated after (a page, or a period still under way, reads "now") is served from the live
rows: every write of a tracked model leaves a history row (the history rule), so when none is later than `at` the
rows now are the rows as they stood then, and reading them costs a fraction of reading the history. One small
query over the tracked models' indexed `history_date` decides (`changed_since`), asked only for a moment in the
last few minutes or in the future.
"""
import contextlib
import contextvars
import datetime
import functools
import hashlib
import time
import weakref

from django.apps import apps
from django.core.exceptions import EmptyResultSet
from django.db import ProgrammingError, connection, models
from django.db.models import Exists, OuterRef
from django.utils import timezone

RECENT = datetime.timedelta(minutes=5)  # older moments are read from history without asking


def state_at(model: type[models.Model], at: datetime.datetime | None) -> models.QuerySet:
    """Like `Model.history.as_of(at)`, but one row per record even when two history rows of a record share the
    latest moment (a save and a history-aware write in the same instant, or dated events): the later row wins."""
    if at is None or unchanged_since(model, at):
        return model._default_manager.all()
    history = history_of(model)
    rows = history.as_of(at)
    # simple-history keeps each row that no later row beats, so two history rows written at the same instant (a
    # service saving twice inside one dated() block) both came back: the record counted twice. Of rows at the same
    # instant, the one written last (highest history_id) is the state.
    pk = rows._pk_attr
    written_later = history.filter(**{pk: OuterRef(pk)}, history_date=OuterRef("history_date"),
                                 history_id__gt=OuterRef("history_id"))
    return rows.filter(~Exists(written_later))


def only(queryset: models.QuerySet, *fields: str) -> models.QuerySet:
    """`queryset.only(*fields)` for live rows. A past state's rows are model instances built from every column of their
    history rows, so they are read whole: deferring there reads each deferred column back once a row."""
    return queryset if from_history(queryset) else queryset.only(*fields)


def from_history(queryset: models.QuerySet) -> bool:
    """Whether `state_at` read these rows from history (a past state) rather than the live rows (whose foreign keys
    the database holds: a live row's protected relation exists)."""
    return getattr(queryset, "_as_instances", False)


def unchanged_since(model: type[models.Model], at: datetime.datetime) -> bool:
    """True when no history row of `model` is dated after `at` (so its live rows are its state at `at`). Only asked
    for a recent or future moment, where it is the common case; False for an older one, without a query."""
    if settled(at):
        return False
    return history_table(model) not in changed_since(at)


def settled(at: datetime.datetime) -> bool:
    """True for a moment older than `RECENT`: `state_at` reads it from history whatever the data, so a queryset of
    the state then is a pure function of the moment (a caller may build it once per process)."""
    return at < timezone.now() - RECENT


@functools.cache
def history_of(model: type[models.Model]):
    """The model's history manager (`Model.history`), made once per process: reading `Model.history` builds a new
    manager class each time (about a quarter of a millisecond), and `state_at` read it twice for every model it read
    from history, at every request. The manager holds no state of its own (each query starts a new queryset)."""
    return model.history


@functools.cache
def history_table(model: type[models.Model]) -> str:
    """The model's history table, found once per process."""
    return history_of(model).model._meta.db_table


@functools.cache
def tracked_tables() -> tuple[str, ...]:
    """Every history table, sorted (the models are fixed once Django has started)."""
    return tuple(sorted({history_table(m) for m in apps.get_models()
                         if getattr(m._meta, "simple_history_manager_attribute", None) == "history"}))


_checked: dict[datetime.datetime, tuple[float, frozenset[str]]] = {}
FRESH_SECONDS = 1.0  # a page reads several models at one moment within a second or so; then ask again
# Inside `one_reading()`: the answers for each moment, kept for the whole reading however long it takes.
_reading: contextvars.ContextVar[dict | None] = contextvars.ContextVar("snapshot_reading", default=None)


@contextlib.contextmanager
def one_reading():
    """A report reads every model at its one moment: inside this block `changed_since` asks once per moment for
    the whole report, however long it takes on a busy machine (so its queries do not depend on the clock)."""
    token = _reading.set({})
    try:
        yield
    finally:
        _reading.reset(token)


def changed_since(at: datetime.datetime) -> frozenset[str]:
    """The history tables with a row dated after `at`: one query over every tracked model (each an index probe on
    `history_date`), remembered for `at` for a second (for the whole reading inside `one_reading()`), so the models
    a page or report reads at one moment share it."""
    reading = _reading.get()
    if reading is not None and at in reading:
        return reading[at]
    hit = _checked.get(at)
    if hit and time.monotonic() - hit[0] < FRESH_SECONDS:
        return hit[1]
    tables = tracked_tables()
    latest_after = _ask_prepared(at) if _can_prepare() else _ask(at)
    found = frozenset(t for t, changed in zip(tables, latest_after, strict=True) if changed)
    if len(_checked) > 32:
        _checked.clear()
    _checked[at] = (time.monotonic(), found)
    if reading is not None:
        reading[at] = found
    return found


def _probe_sql(placeholder: str) -> str:
    """The probe: for each history table, whether its latest `history_date` is after the moment (`placeholder`).
    The table names come from the models' own metadata (never from input) and are quoted; the moment is a
    parameter. Each latest date is an index's last entry, whatever the moment, so PostgreSQL's plan for it never
    depends on the moment: prepared once (`_ask_prepared`), the plan is kept and reused, where `history_date > $1`
    made a generic plan that scanned whole tables. (NULL for a table with no history: nothing changed.)"""
    return "SELECT " + ", ".join(
        f"(SELECT max(history_date) FROM {connection.ops.quote_name(t)}) > {placeholder}"  # nosec B608
        for t in tracked_tables())


def _ask(at: datetime.datetime) -> tuple:
    """The probe sent whole (SQLite, or inside a transaction): the moment once per table."""
    with connection.cursor() as cursor:
        cursor.execute(_probe_sql("%s"), [connection.ops.adapt_datetimefield_value(at)] * len(tracked_tables()))
        return cursor.fetchone()


PROBE = "mqa_changed_since"  # the prepared probe's name begins so in each PostgreSQL session (`_probe_name`)
# The database sessions (psycopg connections, held weakly) this process prepared the probe in.
_prepared_in: weakref.WeakSet = weakref.WeakSet()


def _can_prepare() -> bool:
    """PostgreSQL, outside a transaction (the pages: `ATOMIC_REQUESTS` is off). PostgreSQL planned the probe's 38
    subqueries at every request (1 to 2 ms, more than running them); prepared, it is planned once per session.
    Inside a transaction the probe is sent whole: a prepared statement the session lost (a pool that reset it)
    could only be found missing by an error, which would abort the transaction; outside one, it is prepared
    again."""
    return connection.vendor == "postgresql" and not connection.in_atomic_block and connection.get_autocommit()


@functools.cache
def _probe_name() -> str:
    """The prepared probe's name: `PROBE` and its SQL's digest, so that a statement of this name in any database
    session is this very probe. A pooler may hand a new connection a session that already holds it (PgBouncer
    without a reset query), from this process or another, or from another release whose probe names other tables
    (a rolling deploy): under one fixed name that one would have been trusted, and answered for the wrong tables."""
    digest = hashlib.sha1(_probe_sql("$1").encode(), usedforsecurity=False).hexdigest()[:12]
    return f"{PROBE}_{digest}"


def _ask_prepared(at: datetime.datetime) -> tuple:
    """The probe as a prepared statement of this database session: prepared at its first use in the session (a new
    connection is a new session; one that already holds it keeps it), and again if the session lost it. Where it
    is lost again at once (a pooler in transaction mode may send PREPARE and EXECUTE to different sessions), the
    probe is sent whole."""
    moment, name = connection.ops.adapt_datetimefield_value(at), _probe_name()
    with connection.cursor() as cursor:
        for _ in range(2):
            session = connection.connection
            if session not in _prepared_in:
                try:
                    cursor.execute(f"PREPARE {name}(timestamptz) AS {_probe_sql('$1')}")
                except ProgrammingError as error:  # the session holds it already: by its name, this very probe
                    if _sqlstate(error) != DUPLICATE_PREPARED_STATEMENT:
                        raise
                _prepared_in.add(session)
            try:
                cursor.execute(f"EXECUTE {name}(%s)", [moment])
            except ProgrammingError as error:  # the session lost it (DISCARD ALL, DEALLOCATE): prepare it again
                if _sqlstate(error) != INVALID_STATEMENT_NAME:
                    raise
                _prepared_in.discard(session)
            else:
                return cursor.fetchone()
    return _ask(at)


def _sqlstate(error: Exception) -> str | None:
    return getattr(error.__cause__, "sqlstate", None)


INVALID_STATEMENT_NAME = "26000"  # PostgreSQL: prepared statement "..." does not exist
DUPLICATE_PREPARED_STATEMENT = "42P05"  # PostgreSQL: prepared statement "..." already exists


def forget_changes(*args, **kwargs) -> None:
    """Forget what `changed_since` found (a history row was written here, or a request starts)."""
    _checked.clear()
    reading = _reading.get()
    if reading is not None:
        reading.clear()


def attach(rows, name: str, model: type[models.Model]) -> list:
    """Set `row.<name>` from `row.<name>_id` for every row, in one query. Returns the rows as a list."""
    rows = list(rows)
    ids = {getattr(row, f"{name}_id") for row in rows} - {None}
    found = model._default_manager.in_bulk(ids) if ids else {}
    for row in rows:
        setattr(row, name, found.get(getattr(row, f"{name}_id")))
    return rows


# --- A state's query compiled once --------------------------------------------------------------------------------
RECENT_CHANGE = object()  # `read_by`: a model changed after the moment in the last few minutes


def read_by(at: datetime.datetime | None, *models: type[models.Model]):
    """The moment `state_at` reads these models at `at` by, as a key: None where every one reads its live rows (no
    history after `at`), `at` itself once settled (read from history whatever the data), else `RECENT_CHANGE`."""
    if at is None or all(unchanged_since(model, at) for model in models):
        return None
    return at if settled(at) else RECENT_CHANGE


# Stands, in a query compiled once, for a moment that moves at every call (a period still under way is read "now"):
# a build is given it in its arguments where it compares with that moment, and `compiled_rows(..., instant=)` binds
# the call's own moment in its place. A date no record holds, so it is never mistaken for a record's value.
INSTANT = datetime.datetime(1111, 11, 11, 11, 11, 11, 111111, tzinfo=datetime.UTC)


def compiled_rows(build, args: tuple, at: datetime.datetime | None, *models: type[models.Model],
                  instant: datetime.datetime | None = None) -> list[tuple]:
    """The rows of `build(*args, moment)`: a `values_list` queryset reading `models` as they stood at the moment
    (`state_at(model, moment)`, None for the live rows), whose SQL is a pure function of `args` and the moment
    (no other moment, no clock, no data in it). Where `read_by` gives a key, the SQL is built and compiled once
    per process (and database dialect) for it; a list page asking its question every request then pays the
    database, not Django building and compiling the same query again (about 1 ms a query). The database reads
    the rows each time, converted as the queryset converts them (never kept). `build` is a module's function;
    `tests/partnership/test_compiled_rows.py` finds every one in the source and checks that its SQL does not move
    with the clock.

    `instant`: where the query compares a date and time with a moment of the call's own (a period under way
    reads up to now), `args` carry `INSTANT` in its place and this moment is bound there as a parameter."""
    moment = read_by(at, *models)
    if moment is RECENT_CHANGE:
        compiled = _compile(build, args, at)
    else:
        compiled = _compiled(build, args, moment, connection.vendor)
    if compiled is None:  # a query that can match nothing (`__in` an empty list): Django runs none either
        return []
    sql, params, converters = compiled
    if instant is not None:
        params = _bind_instant(params, instant)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if not converters:
        return rows
    converted = []
    for row in rows:  # as `SQLCompiler.apply_converters` does, with this request's connection
        row = list(row)
        for position, (functions, expression) in converters.items():
            value = row[position]
            for function in functions:
                value = function(value, expression, connection)
            row[position] = value
        converted.append(tuple(row))
    return converted


def _bind_instant(params: tuple, instant: datetime.datetime) -> tuple:
    """The parameters with the call's moment where the query was compiled with `INSTANT` (as a date and time
    field's value: the database's own form of it). A query without it would read the year 1111: refused."""
    stand_in = connection.ops.adapt_datetimefield_value(INSTANT)
    if stand_in not in params:
        raise ValueError("compiled_rows(instant=...) for a query compiled without snapshots.INSTANT")
    value = connection.ops.adapt_datetimefield_value(instant)
    return tuple(value if param == stand_in else param for param in params)


@functools.lru_cache(maxsize=128)
def _compiled(build, args: tuple, moment, vendor: str) -> tuple[str, tuple, dict] | None:
    """`_compile` once per process for each key (`vendor` keys the dialect)."""
    return _compile(build, args, moment)


def _compile(build, args: tuple, moment) -> tuple[str, tuple, dict] | None:
    """`build(*args, moment)`'s SQL, parameters and column converters; None for a query that can match nothing."""
    compiler = build(*args, moment).query.get_compiler(connection=connection)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:
        return None
    return sql, tuple(params), compiler.get_converters([column[0] for column in compiler.select[:compiler.col_count]])
