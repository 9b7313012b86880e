"""Board report and digest fixtures: real data in every app that has a board section.

Everything is placed relative to today: PAST is the last complete quarter (the board report the tests
make), CURRENT the quarter under way. Actions are given history rows dated inside PAST, so that changes
made by a test (today, after PAST ended) are later than the period's end.
"""
import datetime
import subprocess
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.utils import timezone

from partnership.dates import Quarter
from partnership.models import Action, Agency, Role, Sector
from performance.models import DataReturn, Frequency, Indicator, Period, Polarity, Quadrant, Unit, Value
from performance.services.periods import periods_generate
from section11.models import Return
from tests.factories import AgencyFactory, UserFactory
from tests.history import backdate_history
from tests.section11.conftest import answer_all, make_cycle, make_framework

RED_INDICATOR = "Return home interviews offered within 72 hours"
GREEN_INDICATOR = "Strategy discussions held within one working day"


def today() -> datetime.date:
    return timezone.localdate()


def current_quarter() -> Quarter:
    return Quarter.containing(today())


def past_quarter() -> Quarter:
    return current_quarter().previous()


def moment(day: datetime.date, hour: int = 12) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def poppler(*args) -> str:
    return subprocess.run(args, check=True, capture_output=True, text=True, timeout=60).stdout


def dated_history(obj, when: datetime.datetime) -> None:
    """Move every history row of `obj` so far to `when` (as if it had been made then)."""
    type(obj).history.filter(id=obj.pk).update(history_date=when)


def make_action(agency, *, title, due, status=Action.Status.AGREED, created=None, **extra) -> Action:
    """An action whose history starts at `created` (a datetime)."""
    if status in (Action.Status.COMPLETED, Action.Status.IMPACT_ASSURED, Action.Status.CLOSED):
        extra.setdefault("completion_evidence", "Training delivered to every team.")
    if status in (Action.Status.IMPACT_ASSURED, Action.Status.CLOSED):
        extra.setdefault("impact_evidence", "Re-audit shows the child's voice recorded in 9 of 10 cases.")
    action = Action.objects.create(title=title, description="Make it better.", owner_agency=agency, due_date=due,
                                   status=status, **extra)
    if created is not None:
        dated_history(action, created)
    return action


def make_indicator(agency, *, code, title, target=Decimal("80")) -> Indicator:
    return Indicator.objects.create(
        code=code, title=title, definition="Share of children, by the quarter's end.", unit=Unit.PERCENTAGE,
        polarity=Polarity.HIGHER, quadrant=Quadrant.HOW_WELL, owner_agency=agency, frequency=Frequency.QUARTERLY,
        target=target, amber_tolerance=Decimal("0"), red_tolerance=Decimal("10"))


def add_validated(indicator, period, value, commentary=""):
    data_return, _ = DataReturn.objects.get_or_create(
        agency=indicator.owner_agency, period=period,
        defaults={"due_date": period.end + datetime.timedelta(days=20), "status": DataReturn.Status.VALIDATED})
    return Value.objects.create(indicator=indicator, period=period, data_return=data_return,
                                value=Decimal(str(value)), commentary=commentary)


def quarter_periods() -> dict[Quarter, Period]:
    """Quarterly performance periods for this financial year and the two before, by Quarter."""
    year = current_quarter().financial_year
    for fy in (year - 2, year - 1, year):
        periods_generate(financial_year=fy, kinds=[Frequency.QUARTERLY])
    return {Quarter.containing(p.start): p for p in Period.objects.filter(kind=Frequency.QUARTERLY)}


@dataclass
class BoardData:
    quarter: Quarter
    agencies: list[Agency]
    actions: dict[str, Action] = field(default_factory=dict)


def make_board_data(*, extra_agencies: int = 0, extra_actions: int = 0) -> BoardData:
    """Data for the PAST quarter's board report in performance, Section 11 and the action tracker."""
    past = past_quarter()
    police = AgencyFactory(name="Metropolitan Police (South West BCU)", sector=Sector.POLICE, statutory_partner=True)
    council = AgencyFactory(name="Merton Children's Social Care", sector=Sector.LA_CHILDRENS)
    agencies = [police, council] + [AgencyFactory(name=f"Board Test Agency {n:02d}") for n in range(extra_agencies)]

    periods = quarter_periods()
    red = make_indicator(police, code="rhi-72h", title=RED_INDICATOR)
    green = make_indicator(council, code="strategy-1wd", title=GREEN_INDICATOR)
    add_validated(red, periods[past.previous()], 78)
    add_validated(red, periods[past], 55, commentary="Vacancies in the missing children team.")
    add_validated(green, periods[past.previous()], 88)
    add_validated(green, periods[past], 92)

    framework = make_framework(_scale())
    cycle = make_cycle(framework, agencies, name="Section 11 board test cycle",
                       opens_on=past.start + datetime.timedelta(days=7),
                       deadline=past.start + datetime.timedelta(days=45))
    police_return = Return.objects.get(cycle=cycle, agency=police)
    answer_all(police_return, "green")
    police_return.status = Return.Status.SUBMITTED
    police_return.submitted_at = moment(past.start + datetime.timedelta(days=30))
    police_return.save()
    backdate_history(police_return.submitted_at)  # the figures and returns above were made in the quarter

    created = moment(past.start + datetime.timedelta(days=3))
    data = BoardData(quarter=past, agencies=agencies)
    data.actions["overdue"] = make_action(police, title="Refresh the missing-from-home protocol",
                                          due=past.start + datetime.timedelta(days=20), created=created)
    data.actions["overdue_too"] = make_action(council, title="Audit strategy discussion minutes",
                                              due=past.start + datetime.timedelta(days=35),
                                              status=Action.Status.IN_PROGRESS, created=created)
    data.actions["on_track"] = make_action(police, title="Train front desk staff on contextual safeguarding",
                                           due=past.end + datetime.timedelta(days=200), created=created)
    data.actions["signed_off"] = make_action(
        council, title="Record the child's voice in every assessment", due=past.start + datetime.timedelta(days=40),
        status=Action.Status.CLOSED, signed_off_at=moment(past.start + datetime.timedelta(days=50)), created=created)
    for n in range(extra_actions):
        make_action(agencies[n % len(agencies)], title=f"Extra action {n}",
                    due=past.start + datetime.timedelta(days=n % 60), created=created)
    return data


def _scale():
    from section11.models import RatingLevel, RatingScale

    scale, made = RatingScale.objects.get_or_create(code="board-rag", defaults={"name": "Red, amber, green"})
    if made:
        for order, (code, label, score) in enumerate(
                [("green", "Green: fully met", 3), ("amber", "Amber: partly met", 2), ("red", "Red: not met", 1)]):
            RatingLevel.objects.create(scale=scale, code=code, label=label, score=score, colour=code, order=order)
    return scale


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def board_data(db) -> BoardData:
    return make_board_data()


__all__ = ["Role", "UserFactory"]
