"""The indicators' evidence for a priority (performance.priority_evidence): each frequency's indicators are read for
the latest period with a validated figure by the period's moment (a newer period with figures not yet validated,
or none, does not count), against the period before it."""
import datetime
from decimal import Decimal

from django.utils import timezone

from partnership import history
from partnership.contract import ASSURED, NOT_ASSURED
from partnership.dates import Quarter, ReportPeriod
from performance import priority_evidence, scorecard
from performance.models import DataReturn, Period, Value
from tests.factories import PriorityFactory
from tests.reports.conftest import add_validated, make_indicator, quarter_periods


def _figures(police):
    """An indicator of a priority (target 80, higher is better): 70 (red) three quarters ago, 90 (green) two
    quarters ago, 50 (red) last quarter, sent but not validated; nothing this quarter."""
    periods = quarter_periods()
    last = Quarter.containing(timezone.localdate()).previous()
    older, old = last.previous().previous(), last.previous()
    priority = PriorityFactory(code="p-ind", title="Early help")
    indicator = make_indicator(police, code="ind-p", title="Seen within 10 days")
    indicator.priority = priority
    indicator.save()
    add_validated(indicator, periods[older], 70)
    add_validated(indicator, periods[old], 90)
    sent = DataReturn.objects.create(agency=police, period=periods[last], status=DataReturn.Status.SUBMITTED,
                                     due_date=periods[last].end + datetime.timedelta(days=20))
    Value.objects.create(indicator=indicator, period=periods[last], data_return=sent, value=Decimal("50"))
    return priority, periods, last, old, sent


def _evidence(priority, period, detail):
    return priority_evidence.for_priorities([priority], period, detail=detail)[priority.pk]


def test_the_latest_period_with_a_validated_figure_is_read_not_a_newer_one(police):
    priority, periods, _, old, _ = _figures(police)
    period = ReportPeriod.for_financial_year(Quarter.containing(timezone.localdate()).financial_year)
    full, listed = _evidence(priority, period, True), _evidence(priority, period, False)

    assert full.progress == listed.progress == ASSURED  # 90 against 80: green, and better than 70
    assert full.facts[0].text == f"Indicators: 1 indicator, 1 with a validated figure for {periods[old].label}."
    assert [i.label for i in full.items] == [f"Seen within 10 days: Green, rising, better ({periods[old].label})"]


def test_a_figure_validated_after_the_moment_is_not_read_for_it(police):
    priority, periods, last, old, sent = _figures(police)
    year = Quarter.containing(timezone.localdate()).financial_year
    moment = timezone.now()
    with history.dated(moment + datetime.timedelta(seconds=2)):
        sent.status = DataReturn.Status.VALIDATED
        sent.save()
    then = ReportPeriod.for_financial_year(year, now=moment)
    now = ReportPeriod.for_financial_year(year, now=timezone.now() + datetime.timedelta(seconds=3))

    assert _evidence(priority, then, False).progress == ASSURED
    assert f"for {periods[old].label}." in _evidence(priority, then, True).facts[0].text
    assert _evidence(priority, now, False).progress == NOT_ASSURED  # 50: red, and worse than 90
    assert f"for {periods[last].label}." in _evidence(priority, now, True).facts[0].text


def test_a_frequency_with_no_validated_period_by_the_moment_counts_its_indicators_without_a_figure(police):
    """A past period before any figure of a frequency was validated (the board pack for an old quarter, the yearly
    report for an old year): the indicator has no period to be read for. Its evidence says so, where the facts and
    items named each row's period and failed on none (`'NoneType' object has no attribute 'label'`)."""
    priority, periods, _, old, _ = _figures(police)
    before = Quarter.containing(timezone.localdate()).previous().previous().previous().previous()
    period = ReportPeriod.for_quarter(before)  # over, before the first validated figure's period
    full, listed = _evidence(priority, period, True), _evidence(priority, period, False)

    assert full.progress == listed.progress  # the same judgement with and without the detail
    assert full.facts[0].text == "Indicators: 1 indicator, none with a validated figure yet."
    assert len(full.items) == 1 and full.items[0].label.endswith("(none with a validated figure yet)")


def _as_rows(periods):
    return [(p.kind, p.pk, p.latest_validated_id) for p in periods]


def test_the_periods_compiled_once_read_the_rows_the_query_does_and_new_figures(police, django_assert_num_queries):
    """`_periods` runs the SQL of the live figures' (or a settled moment's) query compiled once per process: its rows
    are those of the query built at the request, with and without detail, and a figure validated since is read (the
    SQL is kept, never the rows). The three compiled queries run none to be built."""
    priority, periods, last, old, sent = _figures(police)
    year = Quarter.containing(timezone.localdate()).financial_year
    kinds = ("quarterly",)

    def both(period):
        validated = scorecard.validated_values(period.as_at)
        built = _as_rows(priority_evidence._latest_validated(kinds, period.end, validated))
        at = priority_evidence._moment(period.as_at)
        assert at is not priority_evidence.RECENT_CHANGE
        assert _as_rows(priority_evidence._periods(kinds, period, validated, at, detail=True)) == built
        assert _as_rows(priority_evidence._periods(kinds, period, validated, at, detail=False)) == built
        return built

    live = ReportPeriod.for_financial_year(year)
    before = both(live)
    assert {row[2] for row in before} == {periods[old].pk}
    assert all(isinstance(p, Period) for p in priority_evidence._periods(
        kinds, live, scorecard.validated_values(live.as_at), None, detail=True))
    settled = ReportPeriod.for_quarter(last)  # over, and its moment long past
    settled_rows = both(settled)
    sent.status = DataReturn.Status.VALIDATED
    sent.save()
    live = ReportPeriod.for_financial_year(year, now=timezone.now() + datetime.timedelta(seconds=1))
    assert {row[2] for row in both(live)} == {periods[last].pk}  # the new figure is read: the SQL, not the rows
    assert both(settled) == settled_rows  # a settled moment's state does not move
    for compiled in (priority_evidence._compiled_periods, priority_evidence._compiled_figures,
                     priority_evidence._compiled_indicators):
        compiled.cache_clear()
    with django_assert_num_queries(0):  # built from the keys alone
        priority_evidence._compiled_periods(kinds, settled.end, settled.as_at, False, "postgresql")
        priority_evidence._compiled_periods(kinds, live.end, None, True, "postgresql")
        priority_evidence._compiled_figures((priority.pk,), (periods[old].pk,), settled.as_at, "postgresql")
        priority_evidence._compiled_indicators((priority.pk,), "postgresql")
