"""Reporting periods for a financial year (April to March), and school terms."""
import datetime

from django.db import transaction

from ..models import Frequency, Period

QUARTER_STARTS = [(4, "Q1"), (7, "Q2"), (10, "Q3"), (1, "Q4")]
# School terms (approximate; the business unit corrects dates in the admin where a year differs).
TERMS = [("Autumn term", (9, 1), (12, 31)), ("Spring term", (1, 1), (3, 31)), ("Summer term", (4, 1), (7, 31))]


def _fy(year: int) -> str:
    return f"{year}-{str(year + 1)[-2:]}"


def _month_end(day: datetime.date) -> datetime.date:
    next_month = (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return next_month - datetime.timedelta(days=1)


def period_specs(financial_year: int, kind: str) -> list[tuple[str, datetime.date, datetime.date]]:
    """(label, start, end) for each period of a kind in the year starting 1 April `financial_year`.

    School terms follow the school year that starts in September of that year.
    """
    fy = _fy(financial_year)
    if kind == Frequency.ANNUAL:
        return [(fy, datetime.date(financial_year, 4, 1), datetime.date(financial_year + 1, 3, 31))]
    if kind == Frequency.QUARTERLY:
        specs = []
        for month, name in QUARTER_STARTS:
            year = financial_year + (1 if month < 4 else 0)
            start = datetime.date(year, month, 1)
            specs.append((f"{fy} {name}", start, _month_end(start.replace(month=month + 2))))
        return specs
    if kind == Frequency.MONTHLY:
        specs = []
        for offset in range(12):
            month = (3 + offset) % 12 + 1
            year = financial_year + (1 if month < 4 else 0)
            start = datetime.date(year, month, 1)
            specs.append((f"{start:%B %Y}", start, _month_end(start)))
        return specs
    if kind == Frequency.TERMLY:
        specs = []
        for name, (m1, d1), (m2, d2) in TERMS:
            year = financial_year if name.startswith("Autumn") else financial_year + 1
            specs.append((f"{name} {_school_year(financial_year)}", datetime.date(year, m1, d1),
                          datetime.date(year, m2, d2)))
        return specs
    raise ValueError(f"Unknown period kind {kind!r}")


def _school_year(financial_year: int) -> str:
    return f"{financial_year}/{str(financial_year + 1)[-2:]}"


@transaction.atomic
def periods_generate(*, financial_year: int, kinds=tuple(Frequency.values)) -> list[Period]:
    """Create (idempotently) every period of the given kinds for a financial year."""
    periods = []
    for kind in kinds:
        for label, start, end in period_specs(financial_year, kind):
            period, _ = Period.objects.get_or_create(kind=kind, start=start, defaults={
                "label": label, "end": end, "financial_year": start.year if start.month >= 4 else start.year - 1})
            periods.append(period)
    return periods


def previous_period(period: Period) -> Period | None:
    return Period.objects.filter(kind=period.kind, start__lt=period.start).order_by("-start").first()
