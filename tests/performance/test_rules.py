"""RAG, direction of travel, ratio values and formatting (performance/rules.py): every polarity and edge."""
from decimal import Decimal

import pytest

from performance.models import Polarity, Unit
from performance.rules import (
    AMBER,
    CONTEXT,
    FALLING,
    FALLING_BETTER,
    FALLING_WORSE,
    GREEN,
    NO_CURRENT,
    NO_PREVIOUS,
    NO_TARGET,
    NO_VALUE,
    RED,
    RISING,
    RISING_BETTER,
    RISING_WORSE,
    SAME,
    direction,
    format_value,
    rag,
    ratio_value,
    shortfall,
)

H, L, N = Polarity.HIGHER, Polarity.LOWER, Polarity.NONE


# --- RAG -----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("value, expected", [
    ("95", GREEN),  # better than target
    ("80", GREEN),  # exactly on target
    ("79.99", AMBER),  # just worse than target, no amber tolerance
    ("75", AMBER),
    ("70", AMBER),  # exactly on the red tolerance boundary: still amber
    ("69.99", RED),  # just beyond it
    ("0", RED),
])
def test_rag_higher_is_better(value, expected):
    assert rag(Decimal(value), target=Decimal("80"), polarity=H, amber_tolerance=0, red_tolerance=Decimal("10")) \
        == expected


@pytest.mark.parametrize("value, expected", [
    ("12", GREEN),
    ("20", GREEN),  # on target
    ("20.01", AMBER),
    ("23", AMBER),  # on the red boundary
    ("23.01", RED),
    ("100", RED),
])
def test_rag_lower_is_better(value, expected):
    assert rag(Decimal(value), target=Decimal("20"), polarity=L, amber_tolerance=0, red_tolerance=Decimal("3")) \
        == expected


@pytest.mark.parametrize("polarity, value, expected", [
    (H, "79", GREEN),  # within the amber tolerance (1) of target: still green
    (H, "78.99", AMBER),
    (H, "75", AMBER),  # on the red boundary
    (H, "74.99", RED),
    (L, "81", GREEN),
    (L, "81.01", AMBER),
    (L, "85", AMBER),
    (L, "85.01", RED),
])
def test_rag_within_the_amber_tolerance_is_green(polarity, value, expected):
    assert rag(Decimal(value), target=80, polarity=polarity, amber_tolerance=1, red_tolerance=5) == expected


@pytest.mark.parametrize("polarity, value, amber, expected", [
    (H, "80", 0, GREEN),
    (H, "79.99", 0, RED),  # with no red tolerance, anything worse than the amber tolerance is red
    (H, "78", 2, GREEN),
    (H, "77.99", 2, RED),
    (L, "80.01", 0, RED),
    (L, "82", 2, GREEN),
])
def test_rag_without_a_red_tolerance_has_no_amber(polarity, value, amber, expected):
    assert rag(Decimal(value), target=80, polarity=polarity, amber_tolerance=amber, red_tolerance=None) == expected


def test_rag_red_tolerance_zero_behaves_like_none():
    assert rag(79, target=80, polarity=H, amber_tolerance=0, red_tolerance=0) == RED
    assert rag(80, target=80, polarity=H, amber_tolerance=0, red_tolerance=0) == GREEN


def test_rag_amber_tolerance_none_counts_as_zero():
    assert rag(80, target=80, polarity=H, amber_tolerance=None, red_tolerance=5) == GREEN
    assert rag("79.99", target=80, polarity=H, amber_tolerance=None, red_tolerance=5) == AMBER


@pytest.mark.parametrize("polarity, value, expected", [(L, 0, GREEN), (L, "0.01", RED), (H, 0, GREEN), (H, 5, GREEN)])
def test_rag_a_target_of_zero_is_a_target(polarity, value, expected):
    assert rag(value, target=0, polarity=polarity) == expected


def test_rag_zero_is_a_value_not_missing():
    assert rag(0, target=80, polarity=H, red_tolerance=10) == RED
    assert rag(Decimal("0.00"), target=5, polarity=L) == GREEN


@pytest.mark.parametrize("polarity", [H, L])
def test_rag_no_target_and_no_value(polarity):
    assert rag(50, target=None, polarity=polarity, red_tolerance=5) == NO_TARGET
    assert rag(None, target=80, polarity=polarity, red_tolerance=5) == NO_VALUE
    assert rag(None, target=None, polarity=polarity) == NO_VALUE  # no data says more than no target


@pytest.mark.parametrize("value, target", [(50, 80), (None, 80), (90, None), (None, None)])
def test_rag_context_only_whatever_the_figures(value, target):
    assert rag(value, target=target, polarity=N, amber_tolerance=0, red_tolerance=5) == CONTEXT


@pytest.mark.parametrize("value", [79, 79.0, "79", Decimal("79")])
def test_rag_accepts_numbers_in_any_form(value):
    assert rag(value, target="80", polarity=H, amber_tolerance="0", red_tolerance=10.0) == AMBER


def test_rag_labels_carry_the_meaning_without_colour():
    for result in (GREEN, AMBER, RED, NO_TARGET, NO_VALUE, CONTEXT):
        assert result.label.strip()
    assert len({r.label for r in (GREEN, AMBER, RED, NO_TARGET, NO_VALUE, CONTEXT)}) == 6
    assert {NO_TARGET.code, NO_VALUE.code, CONTEXT.code} == {"grey"}


@pytest.mark.parametrize("value, target, polarity, expected", [
    (70, 80, H, Decimal("10")), (90, 80, H, Decimal("-10")), (90, 80, L, Decimal("10")), (70, 80, L, Decimal("-10")),
    (70, 80, N, None), (None, 80, H, None), (70, None, L, None),
])
def test_shortfall(value, target, polarity, expected):
    assert shortfall(value, target, polarity) == expected


# --- Direction of travel -----------------------------------------------------------------------------
@pytest.mark.parametrize("polarity, current, previous, expected", [
    (H, 82, 80, RISING_BETTER), (H, 78, 80, FALLING_WORSE),
    (L, 18, 20, FALLING_BETTER), (L, 22, 20, RISING_WORSE),
    (N, 310, 300, RISING), (N, 290, 300, FALLING),
])
def test_direction_by_polarity(polarity, current, previous, expected):
    assert direction(current, previous, polarity) == expected


@pytest.mark.parametrize("polarity, current, previous, movement, judgement, text", [
    (L, 22, 20, "rising", "worse", "Rising, worse"),  # was "▼ Worse" for a rising figure
    (L, 18, 20, "falling", "better", "Falling, better"),
    (H, 82, 80, "rising", "better", "Rising, better"),
    (H, 78, 80, "falling", "worse", "Falling, worse"),
    (N, 310, 300, "rising", "", "Rising"),
    (N, 290, 300, "falling", "", "Falling"),
])
def test_direction_keeps_movement_apart_from_judgement(polarity, current, previous, movement, judgement, text):
    result = direction(current, previous, polarity)
    assert (result.movement, result.judgement, result.text) == (movement, judgement, text)
    assert result.arrow == {"rising": "▲", "falling": "▼"}[movement]  # the arrow is the movement, never the verdict
    assert result.is_worse == (judgement == "worse") and result.is_better == (judgement == "better")


@pytest.mark.parametrize("polarity", [H, L, N])
@pytest.mark.parametrize("current, previous", [
    ("80", "80"), ("80.004", "80"), ("80", "80.004"), (Decimal("0"), Decimal("0.00")),
])
def test_direction_no_change_or_a_tiny_one_is_the_same(polarity, current, previous):
    assert direction(current, previous, polarity) == SAME


@pytest.mark.parametrize("polarity, expected", [(H, RISING_BETTER), (L, RISING_WORSE), (N, RISING)])
def test_direction_the_smallest_real_change_counts(polarity, expected):
    assert direction("80.01", "80", polarity) == expected  # values are stored to two decimal places


@pytest.mark.parametrize("polarity", [H, L, N])
def test_direction_without_a_previous_figure(polarity):
    assert direction(80, None, polarity) == NO_PREVIOUS
    assert direction(None, 80, polarity) == NO_CURRENT
    assert direction(None, None, polarity) == NO_CURRENT


def test_direction_arrows_come_with_words():
    for result in (RISING_BETTER, RISING_WORSE, FALLING_BETTER, FALLING_WORSE, SAME, RISING, FALLING):
        assert result.arrow and result.label.strip() and result.movement_label in result.text
    assert NO_PREVIOUS.arrow == "" and NO_PREVIOUS.label


# --- Ratio values ------------------------------------------------------------------------------------
@pytest.mark.parametrize("numerator, denominator, unit, expected", [
    (1, 3, Unit.PERCENTAGE, "33.33"),
    (2, 3, Unit.PERCENTAGE, "66.67"),
    (1, 8, Unit.PERCENTAGE, "12.50"),
    (1, 800, Unit.PERCENTAGE, "0.13"),  # 0.125: half rounds up
    (0, 5, Unit.PERCENTAGE, "0.00"),
    (5, 5, Unit.PERCENTAGE, "100.00"),
    ("341", "4000", Unit.PERCENTAGE, "8.53"),  # 8.525
    (12, 47600, Unit.RATE_PER_10K, "2.52"),
    (1800, 47600, Unit.RATE_PER_10K, "378.15"),
    (1, 80000, Unit.RATE_PER_10K, "0.13"),  # 0.125
    (12000, 47600, Unit.RATE_PER_10K, "2521.01"),
    (1, 4, Unit.COUNT, "0.25"),  # not a ratio unit: a plain quotient
])
def test_ratio_value(numerator, denominator, unit, expected):
    result = ratio_value(numerator, denominator, unit)
    assert result == Decimal(expected)
    assert result.as_tuple().exponent == -2


@pytest.mark.parametrize("numerator, denominator", [(5, 0), (0, 0), (5, Decimal("0.00")), (None, 5), (5, None)])
def test_ratio_value_none_without_a_usable_denominator_or_numerator(numerator, denominator):
    assert ratio_value(numerator, denominator, Unit.PERCENTAGE) is None
    assert ratio_value(numerator, denominator, Unit.RATE_PER_10K) is None


# --- Formatting ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("value, unit, expected", [
    (1250, Unit.COUNT, "1,250"),
    (Decimal("1250.00"), Unit.COUNT, "1,250"),
    (Decimal("1250.50"), Unit.COUNT, "1,250.5"),
    (0, Unit.COUNT, "0"),
    (Decimal("1234.96"), Unit.COUNT, "1,235"),  # rounds to a whole number: no ".0"
    (Decimal("85.2"), Unit.PERCENTAGE, "85.2%"),
    (Decimal("85.00"), Unit.PERCENTAGE, "85%"),
    (Decimal("85.24"), Unit.PERCENTAGE, "85.2%"),
    (Decimal("85.26"), Unit.PERCENTAGE, "85.3%"),
    (100, Unit.PERCENTAGE, "100%"),
    (Decimal("412.5"), Unit.RATE_PER_10K, "412.5 per 10,000"),
    (Decimal("2521.01"), Unit.RATE_PER_10K, "2,521 per 10,000"),
    (Decimal("37.82"), Unit.RATE_PER_10K, "37.8 per 10,000"),
    (12, Unit.DAYS, "12 days"),
    (Decimal("12.5"), Unit.DAYS, "12.5 days"),
    (1, Unit.YES_NO, "Yes"),
    (0, Unit.YES_NO, "No"),
    (Decimal("0.00"), Unit.YES_NO, "No"),
    (Decimal("1.00"), Unit.YES_NO, "Yes"),
    ("85.2", Unit.PERCENTAGE, "85.2%"),
    (85.2, Unit.PERCENTAGE, "85.2%"),
])
def test_format_value(value, unit, expected):
    assert format_value(value, unit) == expected


@pytest.mark.parametrize("unit", Unit.values)
def test_format_value_no_data(unit):
    assert format_value(None, unit) == "No data"


@pytest.mark.parametrize("value, expected", [("85.25", "85.3%"), ("19.05", "19.1%"), ("0.25", "0.3%")])
def test_format_value_rounds_half_up_like_ratio_value(value, expected):
    assert format_value(Decimal(value), Unit.PERCENTAGE) == expected


def test_format_value_one_day():
    assert format_value(1, Unit.DAYS) == "1 day"


def test_format_value_never_shows_minus_zero():
    assert format_value(Decimal("-0.04"), Unit.COUNT) == "0"
