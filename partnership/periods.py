"""Report periods: quarters of the financial year (April to March) and the `ReportPeriod` every report reads.

"2026-Q2" is the second quarter of the financial year 2026-27: 1 July to 30 September 2026, the same
quarters the performance framework labels "2026-27 Q2".
"""
import calendar
import datetime
import re
from dataclasses import dataclass

from django.utils import timezone

_CODE = re.compile(r"^\s*(\d{4})(?:-(\d{2}))?\s*[- ]\s*Q([1-4])\s*$", re.IGNORECASE)


FIRST_YEAR, LAST_YEAR = 1900, 2100  # a quarter outside these years is a typing error, not a report


class QuarterError(ValueError):
    pass


@dataclass(frozen=True, order=True)
class Quarter:
    financial_year: int  # the year it starts in: 2026 for 2026-27
    number: int          # 1 (April to June) to 4 (January to March)

    @classmethod
    def parse(cls, text: str) -> "Quarter":
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
    def containing(cls, day: datetime.date) -> "Quarter":
        year = day.year if day.month >= 4 else day.year - 1
        return cls(year, (day.month - 4) % 12 // 3 + 1)

    @property
    def start(self) -> datetime.date:
        month = 4 + 3 * (self.number - 1)
        return datetime.date(self.financial_year + (month > 12), (month - 1) % 12 + 1, 1)

    @property
    def end(self) -> datetime.date:
        return self.next().start - datetime.timedelta(days=1)

    @property
    def code(self) -> str:
        return f"{self.financial_year}-Q{self.number}"

    @property
    def label(self) -> str:
        return f"{self.financial_year}-{(self.financial_year + 1) % 100:02d} Q{self.number}"

    @property
    def months(self) -> str:
        """ "July to September 2026"."""
        return f"{self.start:%B} to {self.end:%B %Y}"

    def next(self) -> "Quarter":
        return Quarter(self.financial_year + (self.number == 4), self.number % 4 + 1)

    def previous(self) -> "Quarter":
        return Quarter(self.financial_year - (self.number == 1), (self.number - 2) % 4 + 1)

    def __str__(self):
        return f"{self.label} ({self.months})"


def recent_quarters(today: datetime.date, count: int = 8) -> list[Quarter]:
    """The current quarter and the ones before it, newest first."""
    quarters = [Quarter.containing(today)]
    while len(quarters) < count:
        quarters.append(quarters[-1].previous())
    return quarters


# --- The period a report reads, and the one moment it reads it at ---------------------------------------------
@dataclass(frozen=True)
class ReportPeriod:
    """What a report covers (from `start` to `end`, both days included) and the moment its figures are read at.

    Every section of a report reads state as it stood at `as_at`: the last moment of `end` (local time) for a
    period that is over, the moment the report is made for one still under way. A report made again for a
    period that is over reads the same moment, so it shows the same figures.
    """

    start: datetime.date
    end: datetime.date
    as_at: datetime.datetime
    kind: str  # QUARTER or YEAR
    label: str  # "2026-27 Q2", "2026-27"

    QUARTER, YEAR = "quarter", "year"

    @classmethod
    def for_quarter(cls, quarter: Quarter, *, now: datetime.datetime | None = None) -> "ReportPeriod":
        return cls(quarter.start, quarter.end, _as_at(quarter.end, now), cls.QUARTER, quarter.label)

    @classmethod
    def for_financial_year(cls, year: int, *, now: datetime.datetime | None = None) -> "ReportPeriod":
        start, end = Quarter(year, 1).start, Quarter(year, 4).end
        return cls(start, end, _as_at(end, now), cls.YEAR, f"{year}-{(year + 1) % 100:02d}")

    @classmethod
    def between(cls, start: datetime.date, end: datetime.date, *, now: datetime.datetime | None = None,
                label: str = "") -> "ReportPeriod":
        """Any run of days (the yearly report may cover 12 months that are not a financial year)."""
        if end < start:
            raise ValueError("A period ends on or after the day it starts.")
        return cls(start, end, _as_at(end, now), cls.YEAR, label or f"{start:%-d %B %Y} to {end:%-d %B %Y}")

    @property
    def as_at_date(self) -> datetime.date:
        return timezone.localtime(self.as_at).date()

    @property
    def in_progress(self) -> bool:
        """True while the period is not over (its last day included): its figures are to date, and will change."""
        return self.as_at < end_of_day(self.end)

    @property
    def start_moment(self) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(self.start, datetime.time.min))

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


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later (the month's last day when it is shorter)."""
    year, month0 = divmod(day.month - 1 + months, 12)
    year += day.year
    return day.replace(year=year, month=month0 + 1, day=min(day.day, calendar.monthrange(year, month0 + 1)[1]))


def end_of_day(day: datetime.date) -> datetime.datetime:
    """The last moment of a local day."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.max))


def _as_at(end: datetime.date, now: datetime.datetime | None) -> datetime.datetime:
    now = now or timezone.now()
    return min(end_of_day(end), now)
