"""Quarters of the financial year (April to March): parsing, the quarter a day falls in, and neighbours."""
import datetime

import pytest

from partnership.dates import Quarter, QuarterError, recent_quarters

D = datetime.date


@pytest.mark.parametrize("text", ["2026-Q2", "2026 Q2", "2026-27 Q2", "2026-q2", " 2026-27 q2 ", "2026-27-Q2"])
def test_parse_accepts_the_code_and_the_label(text):
    assert Quarter.parse(text) == Quarter(2026, 2)


def test_parse_reads_the_year_the_financial_year_starts_in():
    assert Quarter.parse("2025-26 Q4") == Quarter(2025, 4)
    assert Quarter.parse("1999-00 Q1") == Quarter(1999, 1)


@pytest.mark.parametrize("text", ["", None, "2026", "Q2", "2026-Q5", "2026-Q0", "26-Q2", "2026/27 Q2", "2026-Q2x",
                                  "twenty-Q1", "2026-2027 Q1"])
def test_parse_refuses_what_is_not_a_quarter(text):
    with pytest.raises(QuarterError, match="is not a quarter"):
        Quarter.parse(text)


@pytest.mark.parametrize("text", ["2026-28 Q1", "2026-26 Q1", "2026-25 Q3"])
def test_parse_refuses_a_financial_year_that_does_not_follow_on(text):
    with pytest.raises(QuarterError, match="is not a financial year"):
        Quarter.parse(text)


def test_quarter_error_is_a_value_error():
    assert issubclass(QuarterError, ValueError)


@pytest.mark.parametrize("day, expected", [
    (D(2026, 3, 31), Quarter(2025, 4)),
    (D(2026, 4, 1), Quarter(2026, 1)),
    (D(2026, 6, 30), Quarter(2026, 1)),
    (D(2026, 7, 1), Quarter(2026, 2)),
    (D(2026, 9, 30), Quarter(2026, 2)),
    (D(2026, 10, 1), Quarter(2026, 3)),
    (D(2026, 12, 31), Quarter(2026, 3)),
    (D(2027, 1, 1), Quarter(2026, 4)),
    (D(2027, 3, 31), Quarter(2026, 4)),
])
def test_containing_puts_boundary_days_in_the_right_quarter(day, expected):
    assert Quarter.containing(day) == expected


@pytest.mark.parametrize("quarter, start, end", [
    (Quarter(2026, 1), D(2026, 4, 1), D(2026, 6, 30)),
    (Quarter(2026, 2), D(2026, 7, 1), D(2026, 9, 30)),
    (Quarter(2026, 3), D(2026, 10, 1), D(2026, 12, 31)),
    (Quarter(2026, 4), D(2027, 1, 1), D(2027, 3, 31)),
    (Quarter(2027, 4), D(2028, 1, 1), D(2028, 3, 31)),
])
def test_start_and_end_are_the_first_and_last_days(quarter, start, end):
    assert (quarter.start, quarter.end) == (start, end)
    assert Quarter.containing(quarter.start) == Quarter.containing(quarter.end) == quarter


def test_code_label_months_and_str():
    q2, q4 = Quarter(2026, 2), Quarter(2026, 4)
    assert (q2.code, q2.label, q2.months) == ("2026-Q2", "2026-27 Q2", "July to September 2026")
    assert (q4.code, q4.label, q4.months) == ("2026-Q4", "2026-27 Q4", "January to March 2027")
    assert str(q2) == "2026-27 Q2 (July to September 2026)"
    assert Quarter(1999, 1).label == "1999-00 Q1"


def test_code_and_label_parse_back_to_the_same_quarter():
    for quarter in (Quarter(2025, 4), Quarter(2026, 1), Quarter(1999, 3)):
        assert Quarter.parse(quarter.code) == quarter
        assert Quarter.parse(quarter.label) == quarter


def test_next_and_previous_cross_the_financial_year():
    assert Quarter(2026, 4).next() == Quarter(2027, 1)
    assert Quarter(2027, 1).previous() == Quarter(2026, 4)
    assert Quarter(2026, 2).next() == Quarter(2026, 3)
    assert Quarter(2026, 2).previous() == Quarter(2026, 1)
    assert Quarter(2026, 3).next().next().previous().previous() == Quarter(2026, 3)


def test_next_starts_the_day_after_the_end():
    quarter = Quarter(2025, 1)
    for _ in range(8):
        assert quarter.next().start == quarter.end + datetime.timedelta(days=1)
        quarter = quarter.next()


def test_quarters_order_by_time():
    assert Quarter(2025, 4) < Quarter(2026, 1) < Quarter(2026, 2)
    assert max([Quarter(2026, 1), Quarter(2025, 4)]) == Quarter(2026, 1)


def test_recent_quarters_are_the_current_one_and_those_before_newest_first():
    assert recent_quarters(D(2026, 8, 15), 5) == [
        Quarter(2026, 2), Quarter(2026, 1), Quarter(2025, 4), Quarter(2025, 3), Quarter(2025, 2)]


def test_recent_quarters_default_to_eight_across_two_years():
    quarters = recent_quarters(D(2027, 1, 1))
    assert len(quarters) == 8
    assert (quarters[0], quarters[-1]) == (Quarter(2026, 4), Quarter(2025, 1))
    assert len(set(quarters)) == 8


def test_a_period_is_in_progress_until_the_last_moment_of_its_last_day():
    import datetime

    from django.utils import timezone

    from partnership.dates import ReportPeriod, end_of_day

    quarter = Quarter(2026, 2)
    last_morning = timezone.make_aware(datetime.datetime(2026, 9, 30, 9, 0))
    assert ReportPeriod.for_quarter(quarter, now=last_morning).in_progress is True
    assert ReportPeriod.for_quarter(quarter, now=last_morning).as_at == last_morning
    after = timezone.make_aware(datetime.datetime(2026, 10, 1, 0, 5))
    period = ReportPeriod.for_quarter(quarter, now=after)
    assert (period.in_progress, period.as_at) == (False, end_of_day(quarter.end))
