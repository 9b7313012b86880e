"""Guards for the speed round's agenda exceptions (review rev5): `agenda.exception_rows`, which reads the indicators
with their figures in one query, lists what `scorecard.exceptions` lists from whole rows, in the same order, for
live figures and a past moment's (read from history)."""
import datetime
from decimal import Decimal

from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext

from partnership.models import Action
from performance import agenda, rules
from performance.models import DataReturn, Frequency, Period, Polarity, Value
from performance.scorecard import exceptions, trailing_periods, validated_values
from tests.factories import AgencyFactory
from tests.history import backdate_history, moment
from tests.performance.conftest import make_indicator
from tests.performance.test_scorecard import add_value

V = DataReturn.Status


def _listed(rows):
    return [(r.indicator.pk, r.rag.code, r.direction, r.value, r.previous_value) for r in rows]


def test_the_agendas_exceptions_are_the_exception_reports_for_every_kind_of_figure(police, quarters):
    q = list(Period.objects.filter(kind=Frequency.QUARTERLY).order_by("start"))
    other = AgencyFactory(name="Other agency", short_name="Other")
    made = {code: make_indicator(police, code=code, order=order, **extra) for code, order, extra in (
        ("b-red-worse", 1, {}), ("a-red-new", 1, {}), ("c-green-worse", 0, {}), ("d-none", 0, {}),
        ("e-previous-only", 2, {}), ("f-context", 2, {"polarity": Polarity.NONE}), ("g-null", 3, {}),
        ("h-lower", 3, {"polarity": Polarity.LOWER, "target": 10}), ("i-inactive", 0, {"active": False}),
        ("j-zero", 4, {}))}
    unvalidated = make_indicator(other, code="k-unvalidated", order=0)
    for code, (before, now) in {"b-red-worse": (80, 65), "a-red-new": (None, 50), "c-green-worse": (95, 85),
                                "e-previous-only": (50, None), "f-context": (90, 10), "g-null": (60, "null"),
                                "h-lower": (5, 30), "i-inactive": (90, 10), "j-zero": (0, 0)}.items():
        if before is not None:
            add_value(made[code], q[3], before)
        if now is not None:
            add_value(made[code], q[4], None if now == "null" else now)
    add_value(unvalidated, q[3], 90, status=V.SUBMITTED)
    add_value(unvalidated, q[4], 10, status=V.SUBMITTED)
    for values in (Value.objects.all(), validated_values(), None):  # None: the validated figures, compiled once
        for period in (q[4], q[3], q[0]):
            expected = exceptions(period, values=validated_values() if values is None else values,
                                  actions=Action.objects.none())["items"]
            for periods in (None, trailing_periods(period, 2)):
                listed = agenda.exception_rows(period, values=values, periods=periods)
                assert _listed(listed) == _listed(expected), (period, periods)
    assert [r.indicator.code for r in agenda.exception_rows(q[4], values=validated_values())] == [
        "b-red-worse", "h-lower", "a-red-new", "j-zero", "c-green-worse"]
    assert any(r.rag == rules.RED for r in agenda.exception_rows(q[4], values=Value.objects.all()))


def test_a_past_moments_exceptions_read_from_history_are_the_exception_reports(police, quarters):
    q = list(Period.objects.filter(kind=Frequency.QUARTERLY).order_by("start"))
    worse = make_indicator(police, code="worse")
    add_value(worse, q[3], 80)
    figure = add_value(worse, q[4], 65)
    then = moment(datetime.date.today() - datetime.timedelta(days=30))
    backdate_history(then - datetime.timedelta(hours=1))
    figure.value = 90  # better since: the past moment still sees 65
    figure.save()
    values = validated_values(then)
    expected = exceptions(q[4], values=values, actions=Action.objects.none())["items"]
    listed = agenda.exception_rows(q[4], values=values)
    assert _listed(listed) == _listed(expected) and [r.value for r in listed] == [65]
    assert agenda.exception_rows(q[4], values=validated_values()) == []


def test_the_agendas_exceptions_read_only_what_judges_a_figure(police, quarters):
    """The agenda (and the home page's count of what is due for the next meeting) reads each figure's value, the one
    thing RAG and direction read, not its commentary, flags or return's status; each listed row's value and the one
    before it are the figures'."""
    q = list(Period.objects.filter(kind=Frequency.QUARTERLY).order_by("start"))
    worse = make_indicator(police, code="worse")
    add_value(worse, q[3], 80)
    add_value(worse, q[4], 65, commentary="A long story the agenda does not show.", provisional=True)
    periods = trailing_periods(q[4], 2)
    with CaptureQueriesContext(connection) as queries:
        listed = agenda.exception_rows(q[4], values=validated_values(), periods=periods)
    assert [(r.indicator.pk, r.value, r.previous_value, r.rag.code) for r in listed] == [
        (worse.pk, Decimal("65"), Decimal("80"), "red")]
    assert len(queries.captured_queries) == 1
    read = queries.captured_queries[0]["sql"].split(" FROM ")[0]
    assert '"value"' in read and not any(name in read for name in ("commentary", "provisional", '"status"'))


def test_the_agendas_exceptions_are_for_whoever_reads_the_validated_figures_and_no_one_signed_out(
        police, quarters, reader):
    q = list(Period.objects.filter(kind=Frequency.QUARTERLY).order_by("start"))
    worse = make_indicator(police, code="worse")
    add_value(worse, q[3], 80)
    add_value(worse, q[4], 65)
    period, rows = agenda._exceptions(reader)
    assert period == q[4] and [r.indicator.pk for r in rows] == [worse.pk]
    assert agenda._exceptions(AnonymousUser()) == (None, [])
    assert not any(k.key.startswith("performance:exception") for k in agenda.keys(datetime.date.today(),
                                                                                   AnonymousUser()))
    assert any(k.key.startswith("performance:exception") for k in agenda.keys(datetime.date.today(), reader))
