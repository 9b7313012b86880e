"""Reporting periods for a financial year (April to March), and school terms."""
import datetime
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q, QuerySet

from partnership.dates import Quarter, add_months, financial_year_label, month_end

from ..models import DataReturn, Frequency, Period

# School terms (approximate; the business unit corrects dates in the admin where a year differs).
TERMS = [("Autumn term", (9, 1), (12, 31)), ("Spring term", (1, 1), (3, 31)), ("Summer term", (4, 1), (7, 31))]


def period_specs(financial_year: int, kind: str) -> list[tuple[str, datetime.date, datetime.date]]:
    """(label, start, end) for each period of a kind in the year starting 1 April `financial_year`.

    School terms follow the school year that starts in September of that year.
    """
    fy = financial_year_label(financial_year)
    if kind == Frequency.ANNUAL:
        return [(fy, datetime.date(financial_year, 4, 1), datetime.date(financial_year + 1, 3, 31))]
    if kind == Frequency.QUARTERLY:
        return [(f"{fy} Q{q.number}", q.start, q.end) for q in (Quarter(financial_year, n) for n in range(1, 5))]
    if kind == Frequency.MONTHLY:
        starts = [add_months(datetime.date(financial_year, 4, 1), offset) for offset in range(12)]
        return [(f"{start:%B %Y}", start, month_end(start)) for start in starts]
    if kind == Frequency.TERMLY:
        specs = []
        for name, (m1, d1), (m2, d2) in TERMS:
            year = financial_year if name.startswith("Autumn") else financial_year + 1
            specs.append((f"{name} {_school_year(financial_year)}", datetime.date(year, m1, d1),
                          datetime.date(year, m2, d2)))
        return specs
    raise ValueError(f"Unknown period kind {kind!r}")


def _school_year(financial_year: int) -> str:
    return financial_year_label(financial_year, "/")


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


def latest_quarters(count: int, *, financial_year: int, ending_before: datetime.date | None = None) -> list[Period]:
    """The newest `count` quarterly periods of the financial years up to `financial_year` (those ending before
    `ending_before`, if given), oldest first, the missing ones made: for invented data (the large partnership, the
    scorecard benchmark), which wants many quarters at once."""
    specs, year = [], financial_year
    while len(specs) < count:
        specs = [s for s in period_specs(year, Frequency.QUARTERLY) if ending_before is None or s[2] < ending_before
                 ] + specs
        year -= 1
    specs = specs[-count:]
    existing = set(Period.objects.filter(kind=Frequency.QUARTERLY).values_list("start", flat=True))
    Period.objects.bulk_create([
        Period(kind=Frequency.QUARTERLY, label=label, start=start, end=end,
               financial_year=start.year if start.month >= 4 else start.year - 1)
        for label, start, end in specs if start not in existing])
    return list(Period.objects.filter(kind=Frequency.QUARTERLY, start__in=[s for _, s, _ in specs]).order_by("start"))


def previous_period(period: Period) -> Period | None:
    return Period.objects.filter(kind=period.kind, start__lt=period.start).order_by("-start").first()


# --- Collecting a period's figures: the one status rule ----------------------------------------------------
@dataclass(frozen=True)
class CollectionStatus:
    code: str  # coming / under_way / to_open / open / late / to_validate / validated
    label: str  # always shown in words beside any colour
    colour: str  # a GOV.UK tag colour

    @property
    def needs_opening(self) -> bool:
        return self.code == "to_open"

    @property
    def is_under_way(self) -> bool:
        return self.code == "under_way"


def collection_status(period: Period, today: datetime.date, *, opened: int = 0, waiting: int = 0,
                      validated: int = 0, due: datetime.date | None = None) -> CollectionStatus:
    """Where a period's data returns stand on `today`: one rule for the data calendar, the period's page and the
    agency's list. A period is collected after it ends, so an ended period that no one has asked for yet is
    ready to open (not "not opened yet", as if it were still to come); one not ended yet is coming or under way.

    `opened`: returns opened for it; `waiting`: not yet submitted (or queried back); `validated`: validated;
    `due`: the earliest due date of its returns.
    """
    if opened:
        if waiting:
            if due is not None and due < today:
                return CollectionStatus("late", "Late", "red")
            return CollectionStatus("open", "Open", "light-blue")
        if validated >= opened:
            return CollectionStatus("validated", "All validated", "green")
        return CollectionStatus("to_validate", "To validate", "blue")
    if period.end < today:
        return CollectionStatus("to_open", "Ready to open", "yellow")
    if period.start <= today:
        return CollectionStatus("under_way", "Under way", "grey")
    return CollectionStatus("coming", "Not started", "grey")


def choosable_periods(periods: QuerySet[Period], today: datetime.date) -> QuerySet[Period]:
    """The periods a person can choose to look at or open: those that have started, and any that already has
    data returns. Periods still to come are left out (they have nothing to show or collect yet)."""
    return periods.filter(Q(start__lte=today) | Q(pk__in=DataReturn.objects.values("period_id")))
