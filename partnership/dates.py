"""Dates in one place: working days for the statutory clocks, and the quarters, months and report periods every
report reads.

## Working days
Working-day arithmetic for statutory safeguarding clocks.

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

## Report periods
Report periods: quarters of the financial year (April to March) and the `ReportPeriod` every report reads.

"2026-Q2" is the second quarter of the financial year 2026-27: 1 July to 30 September 2026, the same
quarters the performance framework labels "2026-27 Q2".
"""
from __future__ import annotations

import calendar
import operator
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache

import holidays
from django.utils import timezone

from partnership.request_memo import in_request, once_per_request

__all__ = [
    "Quarter",
    "QuarterError",
    "ReportPeriod",
    "add_months",
    "end_of_day",
    "financial_year_label",
    "month_end",
    "recent_quarters",
    "working_day_ends",
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
        f"No result within {span} calendar days of {day_words(start)} for n={n}; check the closure days."
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

    hours, minutes = (int(part) for part in getattr(settings, "WORKING_DAY_ENDS", "17:00").split(":"))
    return timezone.make_aware(datetime.combine(day, datetime.min.time().replace(hour=hours, minute=minutes)))


# --- Report periods ------------------------------------------------------------------------------------------

_CODE = re.compile(r"^\s*(\d{4})(?:-(\d{2}))?\s*[- ]\s*Q([1-4])\s*$", re.IGNORECASE)


FIRST_YEAR, LAST_YEAR = 1900, 2100  # a quarter outside these years is a typing error, not a report


class QuarterError(ValueError):
    pass


@dataclass(frozen=True, order=True)
class Quarter:
    financial_year: int  # the year it starts in: 2026 for 2026-27
    number: int          # 1 (April to June) to 4 (January to March)

    @classmethod
    def parse(cls, text: str) -> Quarter:
        """ "2026-Q2", "2026 Q2" or "2026-27 Q2"."""
        match = _CODE.match(text or "")
        if not match:
            raise QuarterError(f'"{text}" is not a quarter. Write it as 2026-Q2 (July to September 2026).')
        year, second, number = int(match[1]), match[2], int(match[3])
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise QuarterError(f'"{text}" is not a quarter the partnership reports on: give a year from {FIRST_YEAR} '
                               f"to {LAST_YEAR}.")
        if second is not None and int(second) != (year + 1) % 100:
            raise QuarterError(f'"{text}" is not a financial year: 2026-27 follows 2026.')
        return cls(year, number)

    @classmethod
    def containing(cls, day: date) -> Quarter:
        year = day.year if day.month >= 4 else day.year - 1
        return cls(year, (day.month - 4) % 12 // 3 + 1)

    @property
    def start(self) -> date:
        month = 4 + 3 * (self.number - 1)
        return date(self.financial_year + (month > 12), (month - 1) % 12 + 1, 1)

    @property
    def end(self) -> date:
        return self.next().start - timedelta(days=1)

    @property
    def code(self) -> str:
        return f"{self.financial_year}-Q{self.number}"

    @property
    def label(self) -> str:
        return f"{financial_year_label(self.financial_year)} Q{self.number}"

    @property
    def months(self) -> str:
        """ "July to September 2026"."""
        return f"{self.start:%B} to {self.end:%B %Y}"

    def next(self) -> Quarter:
        return Quarter(self.financial_year + (self.number == 4), self.number % 4 + 1)

    def previous(self) -> Quarter:
        return Quarter(self.financial_year - (self.number == 1), (self.number - 2) % 4 + 1)

    def __str__(self):
        return f"{self.label} ({self.months})"


def recent_quarters(today: date, count: int = 8) -> list[Quarter]:
    """The current quarter and the ones before it, newest first."""
    quarters = [Quarter.containing(today)]
    while len(quarters) < count:
        quarters.append(quarters[-1].previous())
    return quarters


# --- Days and moments in words: the one rule for every message, email, record name and report ----------------
MONTHS = ("", "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")
SHORT_MONTHS = ("", *(month[:3] for month in MONTHS[1:]))  # "Jan" to "Dec", as strftime's %b writes them in English


def day_words(day: date) -> str:
    """ "4 May 2026": a day in words, as every page's date filter writes it ("j F Y"): no leading zero, the month
    in English whatever the machine's locale (`strftime`'s %B is the locale's), and about 3 microseconds a call
    (the duties register writes about 200). A datetime gives its own day: pass it through `timezone.localtime`."""
    return f"{day.day} {MONTHS[day.month]} {day.year}"


def short_day_words(day: date) -> str:
    """ "4 Jun": a day and its month's short name, no year (a part of a quarter, named beside its months)."""
    return f"{day.day} {SHORT_MONTHS[day.month]}"


def moment_words(moment: datetime, joiner: str = " ") -> str:
    """ "4 May 2026 14:05" (or with `joiner` " at " or ", "): a local moment in words, the day as `day_words`."""
    return f"{day_words(moment)}{joiner}{moment:%H:%M}"


# --- The period a report reads, and the one moment it reads it at ---------------------------------------------
@dataclass(frozen=True)
class ReportPeriod:
    """What a report covers (from `start` to `end`, both days included) and the moment its figures are read at.

    Every section of a report reads state as it stood at `as_at`: the last moment of `end` (local time) for a
    period that is over, the moment the report is made for one still under way. A report made again for a
    period that is over reads the same moment, so it shows the same figures.
    """

    start: date
    end: date
    as_at: datetime
    kind: str  # QUARTER or YEAR
    label: str  # "2026-27 Q2", "2026-27"

    QUARTER, YEAR = "quarter", "year"

    @classmethod
    def for_quarter(cls, quarter: Quarter, *, now: datetime | None = None) -> ReportPeriod:
        return cls(quarter.start, quarter.end, _as_at(quarter.end, now), cls.QUARTER, quarter.label)

    @classmethod
    def for_financial_year(cls, year: int, *, now: datetime | None = None) -> ReportPeriod:
        start, end = Quarter(year, 1).start, Quarter(year, 4).end
        return cls(start, end, _as_at(end, now), cls.YEAR, financial_year_label(year))

    @classmethod
    def between(cls, start: date, end: date, *, now: datetime | None = None,
                label: str = "") -> ReportPeriod:
        """Any run of days (the yearly report may cover 12 months that are not a financial year)."""
        if end < start:
            raise ValueError("A period ends on or after the day it starts.")
        return cls(start, end, _as_at(end, now), cls.YEAR, label or f"{day_words(start)} to {day_words(end)}")

    @property
    def as_at_date(self) -> date:
        return timezone.localtime(self.as_at).date()

    @property
    def in_progress(self) -> bool:
        """True while the period is not over (its last day included): its figures are to date, and will change."""
        return self.as_at < end_of_day(self.end)

    @property
    def start_moment(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.start, time.min))

    @property
    def months(self) -> str:
        """ "July to September 2026"."""
        if self.start.year == self.end.year:
            return f"{self.start:%B} to {self.end:%B %Y}"
        return f"{self.start:%B %Y} to {self.end:%B %Y}"

    def quarter(self) -> Quarter | None:
        """The quarter this period is, if it is one."""
        quarter = Quarter.containing(self.start)
        return quarter if self.kind == self.QUARTER and (quarter.start, quarter.end) == (self.start, self.end) else None


def add_months(day: date, months: int) -> date:
    """The same day `months` later (the month's last day when it is shorter)."""
    year, month0 = divmod(day.month - 1 + months, 12)
    year += day.year
    return day.replace(year=year, month=month0 + 1, day=min(day.day, calendar.monthrange(year, month0 + 1)[1]))


def financial_year_label(year: int, separator: str = "-") -> str:
    """"2026-27" for the financial year from 1 April 2026 (with "/", the school year "2026/27")."""
    return f"{year}{separator}{(year + 1) % 100:02d}"


def month_end(day: date) -> date:
    """The last day of `day`'s month."""
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def end_of_day(day: date) -> datetime:
    """The last moment of a local day."""
    return timezone.make_aware(datetime.combine(day, time.max))


def _as_at(end: date, now: datetime | None) -> datetime:
    now = now or timezone.now()
    return min(end_of_day(end), now)
