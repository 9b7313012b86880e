"""Working-day arithmetic (partnership.dates).

Every date literal is written as "Ddd YYYY-MM-DD" and `d()` checks the day name against the calendar
module, so a wrongly hand-computed weekday fails loudly instead of silently testing the wrong thing.
Bank holidays were checked against gov.uk/bank-holidays (England and Wales).

Nearly every call reads the ClosureDay table (once), so the whole module uses the database.
"""
import calendar
from datetime import date, datetime, timedelta

import pytest

from partnership.dates import (
    MAX_WORKING_DAYS,
    add_working_days,
    bank_holidays,
    closure_days,
    is_working_day,
    working_days_between,
    working_days_left,
)
from partnership.models import ClosureDay

pytestmark = pytest.mark.django_db


def d(text: str) -> date:
    """'Mon 2026-06-01' -> date(2026, 6, 1), asserting the day name is right."""
    day_name, iso = text.split()
    value = date.fromisoformat(iso)
    assert calendar.day_abbr[calendar.weekday(value.year, value.month, value.day)] == day_name, text
    return value


def close(text: str, reason: str = "Partnership closure") -> date:
    return ClosureDay.objects.create(date=d(text), reason=reason).date


# --- Bank holiday source -------------------------------------------------------------------------------

# Weekday bank holidays in England and Wales (gov.uk). Weekend "holidays" (e.g. Sat 26 Dec 2026) are
# irrelevant because the weekend is already non-working.
ENGLAND_AND_WALES = {
    2025: ["Wed 2025-01-01", "Fri 2025-04-18", "Mon 2025-04-21", "Mon 2025-05-05", "Mon 2025-05-26",
           "Mon 2025-08-25", "Thu 2025-12-25", "Fri 2025-12-26"],
    2026: ["Thu 2026-01-01", "Fri 2026-04-03", "Mon 2026-04-06", "Mon 2026-05-04", "Mon 2026-05-25",
           "Mon 2026-08-31", "Fri 2026-12-25", "Mon 2026-12-28"],
    2027: ["Fri 2027-01-01", "Fri 2027-03-26", "Mon 2027-03-29", "Mon 2027-05-03", "Mon 2027-05-31",
           "Mon 2027-08-30", "Mon 2027-12-27", "Tue 2027-12-28"],
}


@pytest.mark.parametrize("year", sorted(ENGLAND_AND_WALES))
def test_weekday_bank_holidays_match_gov_uk(year):
    weekday_holidays = {day for day in bank_holidays(year) if day.weekday() < 5}
    assert weekday_holidays == {d(text) for text in ENGLAND_AND_WALES[year]}


@pytest.mark.parametrize("text", [
    "Fri 2026-01-02",  # 2 January (Scotland)
    "Mon 2026-08-03",  # Summer bank holiday, first Monday in August (Scotland)
    "Mon 2026-11-30",  # St Andrew's Day (Scotland)
    "Tue 2026-03-17",  # St Patrick's Day (Northern Ireland)
    "Mon 2026-07-13",  # Battle of the Boyne, observed (Northern Ireland)
])
def test_other_nations_holidays_are_working_days(text):
    assert d(text) not in bank_holidays(d(text).year)
    assert is_working_day(d(text), closures=set())


def test_bank_holidays_are_cached_per_year():
    assert bank_holidays(2026) is bank_holidays(2026)
    assert isinstance(bank_holidays(2026), frozenset)


# --- is_working_day ------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("Mon 2026-06-01", True),
    ("Sat 2026-05-30", False),
    ("Sun 2026-05-31", False),
    ("Fri 2026-04-03", False),  # Good Friday
    ("Mon 2026-04-06", False),  # Easter Monday
    ("Fri 2026-12-25", False),  # Christmas Day
    ("Mon 2026-12-28", False),  # substitute day for Boxing Day (Sat 26 Dec 2026)
    ("Tue 2026-12-29", True),
    ("Thu 2026-12-24", True),   # Christmas Eve is not a bank holiday
])
def test_is_working_day(text, expected):
    assert is_working_day(d(text), closures=set()) is expected
    assert is_working_day(d(text)) is expected


def test_is_working_day_uses_closures():
    day = close("Wed 2026-06-10")
    assert is_working_day(day) is False
    assert is_working_day(day, closures=set()) is True  # an explicit set replaces the database lookup
    assert is_working_day(d("Thu 2026-06-11"), closures={day}) is True


def test_closure_days_reads_only_the_requested_range():
    close("Mon 2026-06-01")
    inside = close("Wed 2026-06-10")
    close("Mon 2026-06-22")
    assert closure_days(d("Tue 2026-06-02"), d("Fri 2026-06-19")) == {inside}
    assert closure_days(d("Fri 2026-06-19"), d("Tue 2026-06-02")) == frozenset()


@pytest.mark.parametrize("call", [
    lambda: is_working_day(datetime(2026, 6, 1, 9, 0), closures=set()),
    lambda: add_working_days(datetime(2026, 6, 1, 9, 0), 5),
    lambda: working_days_between(date(2026, 6, 1), "2026-06-08"),
])
def test_rejects_non_dates(call):
    # A datetime never compares equal to a date, so it would silently miss every holiday.
    with pytest.raises(TypeError):
        call()


# --- add_working_days: statutory examples --------------------------------------------------------------

def test_notification_within_5_working_days():
    # Aware on Monday 1 June 2026: Tue 2 (1), Wed 3 (2), Thu 4 (3), Fri 5 (4), Mon 8 (5).
    assert add_working_days(d("Mon 2026-06-01"), 5) == d("Mon 2026-06-08")


def test_rapid_review_within_15_working_days():
    # Tue 2 .. Fri 5 (4), Mon 8 .. Fri 12 (9), Mon 15 .. Fri 19 (14), Mon 22 (15).
    assert add_working_days(d("Mon 2026-06-01"), 15) == d("Mon 2026-06-22")


def test_rapid_review_over_christmas_2026():
    # Tue 15 .. Fri 18 (4), Mon 21 .. Thu 24 (8), Fri 25 and Mon 28 bank holidays, Tue 29 .. Thu 31 (11),
    # Fri 1 Jan bank holiday, Mon 4 .. Thu 7 Jan 2027 (15).
    assert add_working_days(d("Mon 2026-12-14"), 15) == d("Thu 2027-01-07")


# --- add_working_days: holidays and year ends ----------------------------------------------------------

@pytest.mark.parametrize("start, n, expected", [
    # Christmas and New Year 2025/26: Thu 25 and Fri 26 Dec, Thu 1 Jan.
    ("Wed 2025-12-24", 1, "Mon 2025-12-29"),
    ("Wed 2025-12-24", 5, "Mon 2026-01-05"),   # Mon 29, Tue 30, Wed 31, Fri 2 Jan, Mon 5 Jan
    ("Tue 2025-12-30", 2, "Fri 2026-01-02"),   # year end: Wed 31, (Thu 1 Jan), Fri 2 Jan
    ("Wed 2025-12-31", 1, "Fri 2026-01-02"),
    # Christmas and New Year 2026/27: Fri 25 Dec, substitute Mon 28 Dec, Fri 1 Jan.
    ("Thu 2026-12-24", 1, "Tue 2026-12-29"),
    ("Wed 2026-12-23", 2, "Tue 2026-12-29"),   # Thu 24, Tue 29
    ("Thu 2026-12-24", 5, "Tue 2027-01-05"),   # Tue 29, Wed 30, Thu 31, Mon 4 Jan, Tue 5 Jan
    ("Thu 2026-12-31", 1, "Mon 2027-01-04"),
    # Easter 2026: Good Friday 3 April, Easter Monday 6 April.
    ("Thu 2026-04-02", 1, "Tue 2026-04-07"),
    ("Wed 2026-04-01", 5, "Fri 2026-04-10"),   # Thu 2, Tue 7, Wed 8, Thu 9, Fri 10
    # Early May (Mon 4 May 2026), spring (Mon 25 May 2026) and late summer (Mon 31 Aug 2026).
    ("Fri 2026-05-01", 1, "Tue 2026-05-05"),
    ("Thu 2026-04-30", 3, "Wed 2026-05-06"),   # Fri 1, Tue 5, Wed 6
    ("Fri 2026-05-22", 1, "Tue 2026-05-26"),
    ("Mon 2026-05-18", 10, "Tue 2026-06-02"),  # Tue 19 .. Fri 22 (4), Tue 26 .. Fri 29 (8), Mon 1, Tue 2
    ("Fri 2026-08-28", 1, "Tue 2026-09-01"),
])
def test_add_working_days_across_bank_holidays(start, n, expected):
    assert add_working_days(d(start), n) == d(expected)


def test_easter_2026_from_the_friday_before():
    # Mon 30 (1), Tue 31 (2), Wed 1 (3), Thu 2 (4), Good Friday and Easter Monday, Tue 7 April (5).
    assert add_working_days(d("Fri 2026-03-27"), 4) == d("Thu 2026-04-02")
    assert add_working_days(d("Fri 2026-03-27"), 5) == d("Tue 2026-04-07")


@pytest.mark.parametrize("start, n, expected", [
    # Day 1 is the first working day after a weekend or bank-holiday start.
    ("Sat 2026-05-30", 1, "Mon 2026-06-01"),
    ("Sat 2026-05-30", 5, "Fri 2026-06-05"),
    ("Sun 2026-05-31", 5, "Fri 2026-06-05"),
    ("Sat 2026-05-23", 1, "Tue 2026-05-26"),   # long weekend: Mon 25 May is a bank holiday
    ("Mon 2026-05-25", 1, "Tue 2026-05-26"),   # start on the bank holiday itself
    ("Fri 2026-12-25", 1, "Tue 2026-12-29"),
    ("Sat 2026-12-26", 5, "Tue 2027-01-05"),   # Tue 29, Wed 30, Thu 31, Mon 4, Tue 5
])
def test_add_working_days_from_a_non_working_start(start, n, expected):
    assert add_working_days(d(start), n) == d(expected)


@pytest.mark.parametrize("start, expected", [
    ("Mon 2026-06-01", "Mon 2026-06-01"),   # a working day is returned unchanged
    ("Sat 2026-05-30", "Mon 2026-06-01"),
    ("Sat 2026-05-23", "Tue 2026-05-26"),
    ("Fri 2026-04-03", "Tue 2026-04-07"),   # Good Friday -> Tuesday after Easter Monday
    ("Fri 2026-12-25", "Tue 2026-12-29"),
    ("Thu 2026-01-01", "Fri 2026-01-02"),
])
def test_add_zero_rolls_forward_to_a_working_day(start, expected):
    assert add_working_days(d(start), 0) == d(expected)


@pytest.mark.parametrize("start, n, expected", [
    ("Mon 2026-06-08", -5, "Mon 2026-06-01"),
    ("Mon 2026-06-08", -7, "Thu 2026-05-28"),   # Fri 5, Thu 4, Wed 3, Tue 2, Mon 1, Fri 29, Thu 28
    ("Tue 2026-06-02", -7, "Thu 2026-05-21"),   # Mon 1, Fri 29 .. Tue 26 (5), skip Mon 25, Fri 22, Thu 21
    ("Tue 2026-04-07", -1, "Thu 2026-04-02"),   # over Easter Monday and Good Friday
    ("Sat 2026-06-06", -1, "Fri 2026-06-05"),   # weekend start: the working day strictly before
    ("Mon 2027-01-04", -3, "Tue 2026-12-29"),   # year end backwards: Thu 31, Wed 30, Tue 29
    ("Tue 2026-12-29", -1, "Thu 2026-12-24"),   # over the substitute day and Christmas Day
    ("Fri 2026-01-02", -5, "Tue 2025-12-23"),   # Wed 31, Tue 30, Mon 29, Wed 24, Tue 23
])
def test_add_negative_counts_backwards(start, n, expected):
    assert add_working_days(d(start), n) == d(expected)


def test_add_rejects_absurd_n():
    with pytest.raises(ValueError):
        add_working_days(d("Mon 2026-06-01"), MAX_WORKING_DAYS + 1)
    with pytest.raises(ValueError):
        add_working_days(d("Mon 2026-06-01"), -(MAX_WORKING_DAYS + 1))
    with pytest.raises(TypeError):
        add_working_days(d("Mon 2026-06-01"), 1.5)


def test_add_stops_rather_than_looping_when_closures_fill_the_window():
    start = d("Mon 2026-06-01")
    ClosureDay.objects.bulk_create(
        ClosureDay(date=start + timedelta(days=i), reason="Data error") for i in range(1, 500)
    )
    with pytest.raises(ValueError, match="closure days"):
        add_working_days(start, 1)


# --- Closure days ---------------------------------------------------------------------------------------

def test_closure_day_shifts_a_deadline():
    start = d("Mon 2026-06-01")
    assert add_working_days(start, 5) == d("Mon 2026-06-08")
    close("Fri 2026-06-05", "Partnership away day")
    # Tue 2, Wed 3, Thu 4, (Fri 5 closed), Mon 8, Tue 9.
    assert add_working_days(start, 5) == d("Tue 2026-06-09")
    assert working_days_between(start, d("Tue 2026-06-09")) == 5
    assert add_working_days(d("Tue 2026-06-09"), -5) == start
    assert add_working_days(d("Fri 2026-06-05"), 0) == d("Mon 2026-06-08")


def test_closure_outside_the_range_or_on_a_day_off_changes_nothing():
    close("Mon 2026-06-15")   # after the deadline
    close("Sat 2026-06-06")   # already a weekend
    close("Mon 2026-05-25")   # already a bank holiday
    assert add_working_days(d("Mon 2026-06-01"), 5) == d("Mon 2026-06-08")
    # Tue 26 .. Fri 29 (4), Mon 1 .. Fri 5 (9), Mon 8 (10).
    assert working_days_between(d("Fri 2026-05-22"), d("Mon 2026-06-08")) == 10
    assert add_working_days(d("Fri 2026-05-22"), 10) == d("Mon 2026-06-08")


def test_closure_over_christmas_2026():
    close("Tue 2026-12-29", "Office closed between Christmas and New Year")
    close("Wed 2026-12-30", "Office closed between Christmas and New Year")
    close("Thu 2026-12-31", "Office closed between Christmas and New Year")
    assert add_working_days(d("Thu 2026-12-24"), 1) == d("Mon 2027-01-04")
    assert working_days_between(d("Thu 2026-12-24"), d("Mon 2027-01-04")) == 1


# --- working_days_between / working_days_left ------------------------------------------------------------

@pytest.mark.parametrize("a, b, expected", [
    ("Mon 2026-06-01", "Mon 2026-06-08", 5),
    ("Mon 2026-06-08", "Mon 2026-06-01", -5),
    ("Mon 2026-06-01", "Mon 2026-06-01", 0),
    ("Sat 2026-06-06", "Sun 2026-06-07", 0),
    ("Fri 2026-06-05", "Sun 2026-06-07", 0),
    ("Sat 2026-05-30", "Mon 2026-06-01", 1),
    ("Mon 2026-06-01", "Sat 2026-05-30", -1),
    ("Thu 2026-12-24", "Mon 2027-01-04", 4),    # Tue 29, Wed 30, Thu 31, Mon 4
    ("Wed 2025-12-24", "Mon 2026-01-05", 5),
    ("Thu 2026-04-02", "Tue 2026-04-07", 1),
])
def test_working_days_between(a, b, expected):
    assert working_days_between(d(a), d(b)) == expected


def test_working_days_in_2026():
    # 261 weekdays in 2026 less 8 weekday bank holidays.
    weekdays = sum(1 for i in range(365) if (date(2026, 1, 1) + timedelta(days=i)).weekday() < 5)
    assert weekdays == 261
    assert working_days_between(d("Wed 2025-12-31"), d("Thu 2026-12-31")) == 253


@pytest.mark.parametrize("today, expected", [
    ("Mon 2026-06-01", 5),
    ("Fri 2026-06-05", 1),
    ("Sat 2026-06-06", 1),
    ("Mon 2026-06-08", 0),   # due today
    ("Tue 2026-06-09", -1),  # one working day late
    ("Fri 2026-06-12", -4),
    ("Sat 2026-06-13", -4),  # no working day has passed since Friday
    ("Mon 2026-06-15", -5),
])
def test_working_days_left(today, expected):
    assert working_days_left(d("Mon 2026-06-08"), d(today)) == expected


def test_working_days_left_defaults_to_today(monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda: d("Mon 2026-06-01"))
    assert working_days_left(d("Mon 2026-06-08")) == 5


# --- Properties over a whole year ------------------------------------------------------------------------

def _naive_working(day, closures):
    return day.weekday() < 5 and day not in bank_holidays(day.year) and day not in closures


def test_between_is_the_inverse_of_add_for_every_start_in_2026():
    closures = {close("Fri 2026-06-05"), close("Tue 2026-12-29"), close("Mon 2026-03-02")}
    starts = [date(2026, 1, 1) + timedelta(days=i) for i in range(365)]
    for start in starts:
        for n in (1, 2, 5, 7, 15, 20, 60):
            forward = add_working_days(start, n)
            assert _naive_working(forward, closures), (start, n)
            assert working_days_between(start, forward) == n, (start, n)
            # No working day is skipped: exactly n working days in (start, forward].
            span = (forward - start).days
            assert sum(_naive_working(start + timedelta(days=i), closures) for i in range(1, span + 1)) == n
        if _naive_working(start, closures):
            for n in (0, -1, -5, -7, -15):
                back = add_working_days(start, n)
                assert _naive_working(back, closures), (start, n)
                assert working_days_between(start, back) == n, (start, n)
        else:
            # From a non-working day, n = 0 rolls forward and -1 is the working day strictly before.
            rolled = add_working_days(start, 0)
            assert rolled > start and working_days_between(start, rolled) == 1
            assert add_working_days(start, 1) == rolled
            assert add_working_days(start, -1) < start
            assert working_days_between(start, add_working_days(start, -1)) == 0


def test_between_is_antisymmetric_and_additive():
    close("Wed 2026-06-10")
    days = [date(2025, 12, 1) + timedelta(days=i) for i in range(0, 420, 11)]
    for a in days:
        for b in days:
            assert working_days_between(a, b) == -working_days_between(b, a)
    for a, b, c in zip(days, days[3:], days[7:], strict=False):
        assert working_days_between(a, b) + working_days_between(b, c) == working_days_between(a, c)


# --- Database use -----------------------------------------------------------------------------------------

def test_one_query_for_a_15_day_add(django_assert_num_queries):
    close("Fri 2026-06-05")
    with django_assert_num_queries(1):
        assert add_working_days(d("Mon 2026-06-01"), 15) == d("Tue 2026-06-23")


@pytest.mark.parametrize("call", [
    lambda: add_working_days(date(2026, 12, 14), 15),
    lambda: add_working_days(date(2026, 6, 8), -7),
    lambda: add_working_days(date(2026, 5, 30), 0),
    lambda: working_days_between(date(2025, 1, 1), date(2027, 12, 31)),
    lambda: working_days_left(date(2026, 6, 8), date(2026, 6, 1)),
    lambda: is_working_day(date(2026, 6, 1)),
])
def test_one_query_per_call(call, django_assert_num_queries):
    with django_assert_num_queries(1):
        call()


def test_no_query_when_the_answer_is_already_known(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert is_working_day(d("Sat 2026-06-06")) is False
        assert is_working_day(d("Mon 2026-12-28")) is False
        assert is_working_day(d("Mon 2026-06-01"), closures=set()) is True


@pytest.mark.django_db
def test_counting_with_closures_read_once_matches_counting_day_by_day():
    """reviews.clocks counts many clocks with the closure days read once; it must agree with the day-by-day
    definition across weekends, Christmas, Easter and closure days, in both directions."""
    import random

    from partnership.dates import closure_days, count_working_days_between, is_working_day

    ClosureDay.objects.create(date=date(2026, 12, 29), reason="Office closed")
    ClosureDay.objects.create(date=date(2027, 4, 1), reason="Training day")
    first, last = date(2026, 11, 1), date(2027, 12, 31)
    closures = closure_days(first, last)
    rng = random.Random(9)
    for _ in range(300):
        a = first + timedelta(days=rng.randrange(400))
        b = a + timedelta(days=rng.randrange(-30, 90))
        lo, hi = min(a, b), max(a, b)
        by_day = sum(is_working_day(lo + timedelta(days=n), closures=closures)
                     for n in range(1, (hi - lo).days + 1))
        expected = by_day if a <= b else -by_day
        assert count_working_days_between(a, b, closures=closures) == expected, (a, b)
