"""RAG, direction of travel and ratio values: the one place these rules live. Pure functions."""
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from .models import Polarity, Unit

SAME_WITHIN = Decimal("0.005")  # changes smaller than this are "no change"


@dataclass(frozen=True)
class Rag:
    code: str  # red / amber / green / grey: for the colour
    label: str  # always shown: colour never carries meaning alone


GREEN = Rag("green", "Green")
AMBER = Rag("amber", "Amber")
RED = Rag("red", "Red")
NO_TARGET = Rag("grey", "No target")
NO_VALUE = Rag("grey", "No data")
CONTEXT = Rag("grey", "Context only")


@dataclass(frozen=True)
class Direction:
    """How a figure moved since the period before, and, apart from it, whether that is better or worse.

    Movement is what the figure did (rising, falling, no change); judgement comes from the indicator's
    polarity (higher or lower is better). A falling figure can be better (fewer children waiting) and a rising
    one worse, so the arrow always shows the movement and the words say both.
    """

    movement: str  # rising / falling / same / none
    judgement: str  # better / worse, or "" (no change, a context-only measure, or nothing to compare)
    label: str  # the judgement in words, else the movement: "Better", "Worse", "No change", "Rising", ...
    arrow: str  # the movement as a text arrow; never alone: `text` says it in words

    @property
    def code(self) -> str:
        """For the colour and weight: the judgement where there is one, else the movement."""
        return self.judgement or self.movement

    @property
    def movement_label(self) -> str:
        return MOVEMENT_LABELS.get(self.movement, "")

    @property
    def is_better(self) -> bool:
        return self.judgement == "better"

    @property
    def is_worse(self) -> bool:
        return self.judgement == "worse"

    @property
    def text(self) -> str:
        """Movement and judgement in words: "Rising, worse", "Falling, better", "No change", "Rising"."""
        if self.judgement:
            return f"{self.movement_label}, {self.judgement}"
        return self.label


MOVEMENT_LABELS = {"rising": "Rising", "falling": "Falling", "same": "No change"}
RISING_BETTER = Direction("rising", "better", "Better", "▲")
RISING_WORSE = Direction("rising", "worse", "Worse", "▲")
FALLING_BETTER = Direction("falling", "better", "Better", "▼")
FALLING_WORSE = Direction("falling", "worse", "Worse", "▼")
SAME = Direction("same", "", "No change", "▶")
RISING = Direction("rising", "", "Rising", "▲")  # a context-only measure: neither is better
FALLING = Direction("falling", "", "Falling", "▼")
NO_PREVIOUS = Direction("none", "", "No previous figure", "")
NO_CURRENT = Direction("none", "", "No figure this period", "")


def _d(value) -> Decimal | None:
    """`value` as a Decimal (through its text, so a float is read as written); a Decimal as it is, the same number
    with the same digits (a scorecard judges hundreds of figures read as Decimals)."""
    if value is None or type(value) is Decimal:
        return value
    return Decimal(str(value))


def shortfall(value, target, polarity: str) -> Decimal | None:
    """How far the value is worse than the target (negative when better); None without a direction."""
    value, target = _d(value), _d(target)
    if value is None or target is None or polarity == Polarity.NONE:
        return None
    return target - value if polarity == Polarity.HIGHER else value - target


def rag(value, *, target, polarity: str, amber_tolerance=0, red_tolerance=None) -> Rag:
    """Green on or better than target (or within the amber tolerance of it); amber up to the red
    tolerance worse; red beyond. With no red tolerance, anything worse than the amber tolerance is red."""
    if polarity == Polarity.NONE:
        return CONTEXT
    if value is None:
        return NO_VALUE
    if target is None:
        return NO_TARGET
    gap = shortfall(value, target, polarity)
    if gap <= (_d(amber_tolerance) or 0):
        return GREEN
    if red_tolerance is not None and gap <= _d(red_tolerance):
        return AMBER
    return RED


def direction(current, previous, polarity: str) -> Direction:
    """The movement since the previous period, and whether it is better or worse by the polarity (a
    context-only measure is not judged)."""
    current, previous = _d(current), _d(previous)
    if current is None:
        return NO_CURRENT
    if previous is None:
        return NO_PREVIOUS
    change = current - previous
    if abs(change) < SAME_WITHIN:
        return SAME
    rising = change > 0
    if polarity == Polarity.NONE:
        return RISING if rising else FALLING
    improved = rising if polarity == Polarity.HIGHER else not rising
    if rising:
        return RISING_BETTER if improved else RISING_WORSE
    return FALLING_BETTER if improved else FALLING_WORSE


def ratio_value(numerator, denominator, unit: str) -> Decimal | None:
    """A percentage or rate per 10,000 from its parts, to two decimal places. None for a zero denominator."""
    numerator, denominator = _d(numerator), _d(denominator)
    if numerator is None or denominator is None or denominator == 0:
        return None
    scale = {Unit.PERCENTAGE: Decimal(100), Unit.RATE_PER_10K: Decimal(10000)}.get(unit, Decimal(1))
    return (numerator / denominator * scale).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def format_value(value, unit: str) -> str:
    """'85.2%', '412.5 per 10,000', '12 days', '1,250', 'Yes', or 'No data'."""
    value = _d(value)
    if value is None:
        return "No data"
    if unit == Unit.YES_NO:
        return "Yes" if value else "No"
    rounded = value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    if rounded == 0:
        rounded = abs(rounded)  # never "-0"
    text = f"{rounded:,.0f}" if rounded == rounded.to_integral() else f"{rounded:,.1f}"
    if unit == Unit.DAYS:
        return f"{text} day" if rounded == 1 else f"{text} days"
    return {Unit.PERCENTAGE: f"{text}%", Unit.RATE_PER_10K: f"{text} per 10,000"}.get(unit, text)
