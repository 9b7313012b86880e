"""Quarters of the financial year (April to March), the period a board report covers.

"2026-Q2" is the second quarter of the financial year 2026-27: 1 July to 30 September 2026, the same
quarters the performance framework labels "2026-27 Q2".
"""
import datetime
import re
from dataclasses import dataclass

_CODE = re.compile(r"^\s*(\d{4})(?:-(\d{2}))?\s*[- ]\s*Q([1-4])\s*$", re.IGNORECASE)


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
