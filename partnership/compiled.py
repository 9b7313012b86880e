"""A live read built and compiled once per process, its changing values bound at each call: `compiled_list`.

A dashboard asks the same twenty small questions at every request, each of the current person and day: Django built
and compiled each query again every time (about half a millisecond each, as much as the database took to answer).
Here a read is written as a `build` function of its `args` (what decides the query's shape: a role, whether there
is an agency) and its `bound` values (what only fills it in: a person's or an agency's id, today's date). Its
queryset is built and compiled once per process for the `args` and the kinds of the `bound` values, with a stand-in
in each bound value's place; each call binds its own values there and reads the rows afresh, into model instances,
dicts or tuples as the queryset would. The rows are never kept: only the SQL.

`snapshots.compiled_rows` does the same for a state's rows read as they stood at a moment; this is for the live
rows, where any kind of queryset (with `select_related`, annotations, `values()`) is wanted.
"""
import copy
import datetime
import functools

from django.core.exceptions import EmptyResultSet
from django.db import connection, connections

# Each bound value's stand-in, by its kind: values no record holds, so never mistaken for a record's value. The i-th
# bound value of a kind gets the i-th stand-in.
_STAND_INS = {
    int: lambda i: -1_918_273_600 - i,
    datetime.date: lambda i: datetime.date(1111, 11, 1 + i),
    datetime.datetime: lambda i: datetime.datetime(1111, 11, 1 + i, 11, 11, 11, 111111, tzinfo=datetime.UTC),
}
STAND_IN_YEAR = 1111


def _adapt(value):
    """A bound value as the database layer is given it (a date or a moment in the database's own form)."""
    if isinstance(value, datetime.datetime):
        return connection.ops.adapt_datetimefield_value(value)
    if isinstance(value, datetime.date):
        return connection.ops.adapt_datefield_value(value)
    return value


def compiled_list(build, args: tuple = (), bound: tuple = ()) -> list:
    """`list(build(*args, *bound))`, a queryset of the live rows, whose query is built and compiled once per process
    for `args` (hashable) and the kinds of `bound` (ints, dates, moments; never None, and never reckoned with in
    `build`: `today + 28 days` is bound as a value of its own). A build that drops a bound value from its query, or
    computes another from it, is refused (ValueError) rather than read with a stand-in's value. `build` is a
    module's function; `tests/partnership/test_compiled_list.py` finds every one in the source and checks that its
    SQL does not move with the clock."""
    kinds = tuple(_kind(value) for value in bound)
    prepared = _prepared(build, args, kinds, connection.vendor)
    if prepared is None:  # a query that can match nothing (`__in` an empty list): Django runs none either
        return []
    queryset, template, sql, params, positions = prepared
    values = list(params)
    for position, index in positions:
        values[position] = _adapt(bound[index])
    compiler = copy.copy(template)
    compiler.connection = connections[queryset.db]
    compiler.as_sql = lambda *a, **k: (sql, values)  # the query compiled once, with this call's values
    reading = queryset._chain()
    reading.query.get_compiler = lambda *a, **k: compiler
    return list(reading)


def _kind(value) -> type:
    for kind in (datetime.datetime, datetime.date, int):  # a moment is a date too: the narrower first
        if isinstance(value, kind) and not isinstance(value, bool):
            return kind
    raise TypeError(f"compiled_list binds ints, dates and moments, not {value!r}")


@functools.lru_cache(maxsize=256)
def _prepared(build, args: tuple, kinds: tuple, vendor: str):
    """(the queryset, its compiler, SQL and parameters, and where each bound value goes: (parameter, value)), built
    once per process for each key (`vendor` keys the dialect); None for a query that can match nothing."""
    counts: dict[type, int] = {}
    stand_ins = []
    for kind in kinds:
        stand_ins.append(_STAND_INS[kind](counts.get(kind, 0)))
        counts[kind] = counts.get(kind, 0) + 1
    queryset = build(*args, *stand_ins)
    compiler = queryset.query.get_compiler(using=queryset.db)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:
        return None
    adapted = [_adapt(value) for value in stand_ins]
    positions = [(position, adapted.index(param)) for position, param in enumerate(params)
                 if any(param == value and type(param) is type(value) for value in adapted)]
    missing = set(range(len(stand_ins))) - {index for _, index in positions}
    derived = [param for position, param in enumerate(params)
               if position not in dict(positions) and _looks_derived(param)]
    if missing or derived:
        raise ValueError(f"{build.__module__}.{build.__name__}: each bound value must be a parameter of the query as "
                         f"given (missing: {sorted(missing)}; computed from one: {derived})")
    return queryset, compiler, sql, tuple(params), tuple(positions)


def _looks_derived(param) -> bool:
    """A parameter computed from a stand-in (a date reckoned from one): its year is the stand-ins'."""
    if isinstance(param, (datetime.date, datetime.datetime)):
        return param.year == STAND_IN_YEAR
    if isinstance(param, str):
        return param.startswith(str(STAND_IN_YEAR) + "-")
    return isinstance(param, int) and not isinstance(param, bool) and -1_918_273_700 < param <= -1_918_273_600
