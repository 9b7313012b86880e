"""The indicators' evidence for a priority (performance.priority_evidence): each frequency's indicators are read for
the latest period with a validated figure by the period's moment (a newer period with figures not yet validated,
or none, does not count), against the period before it."""
import datetime
from decimal import Decimal

from django.utils import timezone

from partnership import history
from partnership.contract import ASSURED, NOT_ASSURED
from partnership.dates import Quarter, ReportPeriod
from partnership.snapshots import compiled_rows, read_by
from performance import priority_evidence
from performance.models import DataReturn, Value
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


def test_the_lists_queries_read_what_the_querysets_read(police):
    """Without detail, the indicators, periods and figures come from `snapshots.compiled_rows` (each query compiled
    once per process for the live figures or a settled moment): the rows its querysets give, now, for a settled
    moment, and after a figure is validated (the SQL is kept, never the rows)."""
    priority, periods, last, old, sent = _figures(police)
    year = Quarter.containing(timezone.localdate()).financial_year
    ids, kinds = (priority.pk,), ("quarterly",)

    def same(period):
        at = period.as_at
        for build, args in ((priority_evidence._judged_rows, (ids,)),
                            (priority_evidence._period_rows, (kinds, period.end)),
                            (priority_evidence._figure_rows, (ids, tuple(p.pk for p in periods.values())))):
            rows = compiled_rows(build, args, at, *priority_evidence.FIGURES)
            assert sorted(rows) == sorted(build(*args, at)), build
        return _evidence(priority, period, False).progress

    live, settled = ReportPeriod.for_financial_year(year), ReportPeriod.for_quarter(last)
    assert read_by(live.as_at, *priority_evidence.FIGURES) is None
    assert read_by(settled.as_at, *priority_evidence.FIGURES) == settled.as_at
    assert same(live) == ASSURED
    assert same(settled) == _evidence(priority, settled, True).progress
    sent.status = DataReturn.Status.VALIDATED
    sent.save()
    assert same(ReportPeriod.for_financial_year(year, now=timezone.now() + datetime.timedelta(seconds=1))) == (
        NOT_ASSURED)  # the newly validated 50 is read
