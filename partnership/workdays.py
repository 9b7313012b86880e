"""Working-day arithmetic for statutory safeguarding clocks.

A *working day* is any day that is not:

* a Saturday or Sunday;
* an England and Wales bank holiday, as published by the `holidays` package for ``GB``/``ENG``. That
  includes Christmas Day, Good Friday, substitute days (Boxing Day 2026 falls on a Saturday, so
  Monday 28 December 2026 is a bank holiday) and one-off days such as a coronation. It does not
  include days that are only holidays in Scotland or Northern Ireland (2 January, St Andrew's Day, the
  first Monday in August, St Patrick's Day, ...);
* a one-off closure day that the business unit has entered in the admin (`ClosureDay`).

Counting rules (the same in both directions):

* The start date never counts. Day 1 is the first working day after `start`; so awareness on
  Monday 1 June 2026 with a 5-working-day clock gives Monday 8 June 2026. If `start` is a weekend,
  bank holiday or closure day, day 1 is still simply the first working day after it (awareness on
  Saturday 30 May 2026 + 1 working day = Monday 1 June 2026).
* Counting backwards mirrors that: ``add_working_days(start, -n)`` is the n-th working day strictly
  before `start` ("7 working days before publication on Tuesday 2 June 2026" = Thursday 21 May 2026).
* ``add_working_days(start, 0)`` rolls `start` forward onto a working day: `start` itself if it is a
  working day, otherwise the next working day.

Think of a clock that advances by one on each working day (and stands still on non-working days);
``working_days_between(a, b)`` is the clock at `b` minus the clock at `a`. So it counts the working
days after `a` up to and including `b`, is negative when `b` is before `a`, and is antisymmetric
(``between(a, b) == -between(b, a)``) and additive (``between(a, b) + between(b, c) == between(a, c)``).
It is the inverse of `add_working_days`: ``working_days_between(s, add_working_days(s, n)) == n`` for
every n >= 1 whatever `s` is, and for every n when `s` is a working day. (When `s` is not a working day
the clock already shows the previous working day's value, so going backwards or rolling forward with
n = 0 is one off that identity; see the tests.)

Database use: each public call reads `ClosureDay` at most once, with one query restricted to the date
range it can touch. Bank holidays are computed once per year and cached for the life of the process.
"""
from __future__ import annotations

import operator
from datetime import date, datetime, timedelta
from functools import lru_cache

import holidays

from partnership.request_memo import in_request, once_per_request

__all__ = [
    "MAX_WORKING_DAYS",
    "add_working_days",
    "bank_holidays",
    "closure_days",
    "is_working_day",
    "count_working_days_left",
    "working_days_between",
    "working_days_late",
    "working_days_left",
    "working_days_words",
]

#: Largest |n| accepted by `add_working_days` (about 20 years); anything bigger is a bug upstream.
MAX_WORKING_DAYS = 5_000
#: Calendar days allowed for closure days and holidays on top of ``2 * |n|`` when walking; if a walk
#: needs more than that, `add_working_days` raises instead of looping (a year of closures is a data error).
_SLACK_DAYS = 366
_ONE_DAY = timedelta(days=1)


@lru_cache(maxsize=64)  # a year → frozenset; bounded so odd inputs cannot grow it forever
def bank_holidays(year: int) -> frozenset[date]:
    """England and Wales bank holidays (substitute days included) in `year`."""
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year))


def closure_days(first: date, last: date) -> frozenset[date]:
    """`ClosureDay` dates from `first` to `last` inclusive, in one query (in a page's request, every closure day
    once for the page: the business unit adds a few a year)."""
    from partnership.models import ClosureDay  # workdays is importable before the app registry is ready

    _check_date(first)
    _check_date(last)
    if last < first:
        return frozenset()
    if in_request():  # a page reading several clocks (the duties register) reads the few closure days once
        every = once_per_request("workdays.closure_days", lambda: frozenset(
            ClosureDay.objects.values_list("date", flat=True)))
        return frozenset(day for day in every if first <= day <= last)
    return frozenset(ClosureDay.objects.filter(date__range=(first, last)).values_list("date", flat=True))


def is_working_day(day: date, *, closures: set[date] | frozenset[date] | None = None) -> bool:
    """Whether `day` is a working day.

    With ``closures=None`` the `ClosureDay` table is consulted (one query, and only when `day` is not
    already a weekend or bank holiday). Pass a set, e.g. from `closure_days`, to check many days without
    querying each time; an empty set means "ignore closure days".
    """
    _check_date(day)
    if not _is_weekday_not_bank_holiday(day):
        return False
    if closures is None:
        closures = closure_days(day, day)
    return day not in closures


def add_working_days(start: date, n: int) -> date:
    """The date `n` working days after `start` (before it when `n` is negative).

    `start` itself never counts: day 1 is the first working day after `start`, also when `start` is a
    weekend, bank holiday or closure day. With a negative `n`, the |n|-th working day strictly before
    `start`. With ``n == 0``, `start` if it is a working day, otherwise the next working day. The result
    is always a working day.
    """
    _check_date(start)
    n = operator.index(n)
    if abs(n) > MAX_WORKING_DAYS:
        raise ValueError(f"n={n} working days is beyond the supported ±{MAX_WORKING_DAYS}.")

    span = 2 * abs(n) + _SLACK_DAYS  # calendar days the walk may take; also bounds the query
    if n >= 0:
        first, last = (start if n == 0 else start + _ONE_DAY), start + timedelta(days=span)
    else:
        first, last = start - timedelta(days=span), start - _ONE_DAY
    closures = closure_days(first, last)

    def working(day: date) -> bool:
        return _is_weekday_not_bank_holiday(day) and day not in closures

    if n == 0 and working(start):
        return start
    step = _ONE_DAY if n >= 0 else -_ONE_DAY
    remaining = max(abs(n), 1)
    day = start
    for _ in range(span):
        day += step
        if working(day):
            remaining -= 1
            if remaining == 0:
                return day
    raise ValueError(
        f"No result within {span} calendar days of {start:%d %B %Y} for n={n}; check the closure days."
    )


def working_days_between(a: date, b: date) -> int:
    """Working days after `a` up to and including `b`; negative (mirrored) when `b` is before `a`.

    ``working_days_between(a, b) == -working_days_between(b, a)``; 0 when ``a == b``. Examples: Monday
    1 June 2026 to Monday 8 June 2026 is 5; the reverse is -5; Saturday 30 May to Monday 1 June is 1.
    """
    _check_date(a)
    _check_date(b)
    if a == b:
        return 0
    lo, hi = min(a, b), max(a, b)
    return count_working_days_between(a, b, closures=closure_days(lo + _ONE_DAY, hi))


def count_working_days_between(a: date, b: date, *, closures: set[date] | frozenset[date]) -> int:
    """`working_days_between` with the closure days given (read once by a caller that counts many clocks)."""
    if a == b:
        return 0
    sign, lo, hi = (1, a, b) if a < b else (-1, b, a)
    # Count working days in the half-open range (lo, hi]: weekdays, less bank holidays and closure days
    # that fall on weekdays (each day removed once even if it is both a bank holiday and a closure day).
    days_off = {
        day
        for year in range(lo.year, hi.year + 1)
        for day in bank_holidays(year)
        if lo < day <= hi and day.weekday() < 5
    }
    days_off.update(day for day in closures if lo < day <= hi and day.weekday() < 5)
    return sign * (_weekdays_after_up_to(lo, hi) - len(days_off))


def working_days_left(deadline: date, today: date | None = None) -> int:
    """Working days from `today` to `deadline` (`count_working_days_left`); `today` defaults to the local date."""
    if today is None:
        from django.utils import timezone

        today = timezone.localdate()
    _check_date(deadline)
    _check_date(today)
    lo, hi = min(today, deadline), max(today, deadline)
    return count_working_days_left(deadline, today, closures=closure_days(lo + _ONE_DAY, hi))


def count_working_days_left(deadline: date, today: date, *, closures: set[date] | frozenset[date]) -> int:
    """Working days left before `deadline`, judged from `today`'s date whatever the weekday.

    0 means due today; a positive number, working days left. Once the date is past the deadline the answer is
    negative, -1 at least, even on the weekend straight after a Friday deadline (the working-day clock has not
    moved, but the deadline has been missed): -n means n working days late.
    """
    if today > deadline:
        return -max(1, count_working_days_between(deadline, today, closures=closures))
    return count_working_days_between(today, deadline, closures=closures)


def working_days_late(deadline: date, day: date) -> int:
    """Working days `day` is after `deadline`: 0 on or before it, 1 at least after it (see
    `count_working_days_left`), so "explain why it is late" never says "0 working days after the deadline"."""
    return max(0, -working_days_left(deadline, day))


def working_days_words(n: int) -> str:
    """ "1 working day", "3 working days" (the sign dropped: the caller says "left" or "late")."""
    n = abs(n)
    return f"{n} working day{'' if n == 1 else 's'}"


def _is_weekday_not_bank_holiday(day: date) -> bool:
    return day.weekday() < 5 and day not in bank_holidays(day.year)


def _weekdays_after_up_to(lo: date, hi: date) -> int:
    """Number of Monday-to-Friday dates in (lo, hi], for lo <= hi."""
    full_weeks, extra = divmod((hi - lo).days, 7)
    count = 5 * full_weeks
    weekday = lo.weekday()
    for offset in range(1, extra + 1):
        if (weekday + offset) % 7 < 5:
            count += 1
    return count


def _check_date(value: object) -> None:
    # A datetime is a date subclass but never equals a date, so it would silently miss every holiday.
    if isinstance(value, datetime) or not isinstance(value, date):
        raise TypeError(f"Expected a datetime.date, got {type(value).__name__}.")


def working_day_ends(day: date) -> datetime:
    """The end of `day`'s working hours, in local time (settings.WORKING_DAY_ENDS, "17:00" unless set): the
    moment "by the end of the next working day" means."""
    from django.conf import settings
    from django.utils import timezone

    hours, minutes = (int(part) for part in getattr(settings, "WORKING_DAY_ENDS", "17:00").split(":"))
    return timezone.make_aware(datetime.combine(day, datetime.min.time().replace(hour=hours, minute=minutes)))
