"""The performance demo data: idempotent, two years of figures, the latest quarter in every state, no names."""
import re
import time
from io import StringIO

import pytest
from django.utils import timezone

from partnership import demo as kernel_demo
from partnership.models import Action, User
from performance import demo
from performance.models import Comparator, DataReturn, Indicator, Period, Polarity, TurnTheCurve, Value
from performance.rules import rag, ratio_value

TITLES = {"Dr", "Detective", "Inspector", "Sergeant"}


@pytest.fixture
def cast(db):
    """The demo's agencies and people, made as `seed_demo` makes them."""
    agencies = kernel_demo.seed_agencies()
    people = kernel_demo.seed_people(agencies, "demo-password-for-tests")
    return people, agencies


def seed(cast) -> str:
    people, agencies = cast
    out = StringIO()
    demo.seed(stdout=out, people=people, agencies=agencies)
    return out.getvalue()


def counts():
    return [m.objects.count() for m in (Indicator, Comparator, Period, DataReturn, Value, TurnTheCurve, Action,
                                        DataReturn.history.model, Value.history.model)]


def test_seed_twice_adds_nothing_and_stays_fast(cast):
    started = time.perf_counter()
    seed(cast)
    assert time.perf_counter() - started < 10
    first = counts()
    assert first[4] >= 200 and first[5] == 2
    out = seed(cast)
    assert "0 new data returns, 0 new values, 0 new turn-the-curve records" in out
    assert counts() == first


def test_every_indicator_has_two_years_of_figures_except_the_deliberate_gaps(cast):
    seed(cast)
    window = demo.reporting_window(timezone.localdate())
    latest_quarter = window["quarterly"][-1]
    late_agencies = set(DataReturn.objects.filter(period=latest_quarter, status=DataReturn.Status.REQUESTED)
                        .values_list("agency_id", flat=True))
    expected_gaps = set(demo.DELIBERATE_GAPS)
    missing = set()
    for indicator in Indicator.objects.all():
        periods = window[indicator.frequency]
        assert len(periods) == demo.PERIODS_PER_WINDOW[indicator.frequency], indicator.code
        have = dict(indicator.values.values_list("period_id", "value"))
        for index, period in enumerate(periods):
            if have.get(period.pk) is None:
                missing.add((indicator.code, index))
        if indicator.owner_agency_id in late_agencies and indicator.code not in demo.LATE_RETURN_DRAFTED:
            expected_gaps.add((indicator.code, len(periods) - 1))  # the late return is not in yet
    assert missing == expected_gaps
    assert 2 <= len(missing) <= 5  # a few gaps, not many
    for code, _ in demo.DELIBERATE_GAPS:  # a gap says why
        assert Value.objects.filter(indicator__code=code, value__isnull=True).exclude(commentary="").exists()


def test_the_latest_quarter_has_returns_in_every_state(cast):
    seed(cast)
    latest_quarter = demo.reporting_window(timezone.localdate())["quarterly"][-1]
    returns = {r.status: r for r in DataReturn.objects.filter(period=latest_quarter)}
    assert set(returns) == set(DataReturn.Status.values)
    assert returns["requested"].is_late
    assert returns["queried"].query_message.strip()
    assert returns["submitted"].submitted_at and returns["submitted"].submitted_by
    assert returns["validated"].validated_at and returns["validated"].validated_by
    earlier = DataReturn.objects.exclude(period=latest_quarter)
    assert earlier.count() > 40
    assert not earlier.exclude(status=DataReturn.Status.VALIDATED).exists()  # mostly validated
    for data_return in DataReturn.objects.select_related("period"):
        assert data_return.due_date > data_return.period.end


def test_figures_are_consistent_and_show_red_amber_and_green(cast):
    seed(cast)
    for value in Value.objects.filter(numerator__isnull=False).select_related("indicator"):
        assert value.value == ratio_value(value.numerator, value.denominator, value.indicator.unit)
        assert value.data_return.agency_id == value.indicator.owner_agency_id
        assert value.data_return.period_id == value.period_id
    latest = {}
    for indicator in Indicator.objects.exclude(polarity=Polarity.NONE):
        value = indicator.values.filter(value__isnull=False).order_by("-period__start").first()
        latest[indicator.code] = rag(value.value, target=indicator.target, polarity=indicator.polarity,
                                     amber_tolerance=indicator.amber_tolerance,
                                     red_tolerance=indicator.red_tolerance).code
    assert {"red", "amber", "green"} <= set(latest.values())
    assert latest["re-referrals"] == "red" and latest["rhi-72-hours"] == "red"


def test_commentary_on_most_figures_and_never_a_name(cast):
    seed(cast)
    values = list(Value.objects.all())
    assert sum(bool(v.commentary) for v in values) >= 0.75 * len(values)
    texts = [v.commentary for v in values] + list(DataReturn.objects.values_list("query_message", flat=True))
    for record in TurnTheCurve.objects.all():
        texts += [record.baseline, record.forecast, record.story, record.partners, record.what_works]
    text = "\n".join(texts)
    for name in User.objects.values_list("full_name", flat=True):
        assert name not in text, name
        for part in name.replace("-", " ").split():
            if part not in TITLES and len(part) > 2:
                assert not re.search(rf"\b{re.escape(part)}\b", text), part


def test_turn_the_curve_records_have_actions_in_the_tracker(cast):
    seed(cast)
    records = TurnTheCurve.objects.select_related("indicator")
    assert {r.indicator.code for r in records} == {"re-referrals", "rhi-72-hours"}
    for record in records:
        assert all([record.baseline, record.forecast, record.story, record.partners, record.what_works])
        actions = list(record.actions.all())
        assert len(actions) == 1
        assert actions[0].source_kind == "performance"
        assert actions[0].status == Action.Status.AGREED
        assert actions[0].owner is None or actions[0].owner.agency_id == actions[0].owner_agency_id
