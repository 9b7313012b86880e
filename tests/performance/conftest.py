"""Performance fixtures: a quarterly percentage indicator owned by the police, periods, a data return."""
import datetime
from decimal import Decimal

import pytest

from performance.models import DataReturn, Frequency, Indicator, Polarity, Quadrant, Unit
from performance.services.periods import periods_generate


@pytest.fixture
def quarters(db):
    periods_generate(financial_year=2025, kinds=[Frequency.QUARTERLY])
    return periods_generate(financial_year=2026, kinds=[Frequency.QUARTERLY])


def make_indicator(agency, *, code="rhi-72h", unit=Unit.PERCENTAGE, polarity=Polarity.HIGHER,
                   quadrant=Quadrant.HOW_WELL, target=Decimal("80"), amber=Decimal("0"), red=Decimal("10"),
                   frequency=Frequency.QUARTERLY, **extra):
    return Indicator.objects.create(
        code=code, title=f"Indicator {code}", definition="Return home interviews offered within 72 hours.",
        unit=unit, polarity=polarity, quadrant=quadrant, owner_agency=agency, frequency=frequency, target=target,
        amber_tolerance=amber, red_tolerance=red, **extra)


@pytest.fixture
def indicator(police):
    return make_indicator(police)


@pytest.fixture
def police_data_return(police, quarters, indicator):
    return DataReturn.objects.create(agency=police, period=quarters[1], due_date=quarters[1].end
                                     + datetime.timedelta(days=20))
