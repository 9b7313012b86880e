"""The scorecard and the exception report: context builders for pages, CSV and PDFs (the indicator page builds on
them in `indicator_page`).

RAG and direction of travel come from `rules` (the one place they live). Which figures count is the
caller's choice of Value queryset: `access.visible_values(user)` on a page, `validated_values()` in a
board pack. Every builder runs a fixed number of queries, whatever the number of indicators or periods:
the indicators, the trailing periods, the values, the comparators, the turn-the-curve records and the
two kinds of linked actions, each read once and joined up in Python.
"""
from collections import defaultdict, namedtuple
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property, lru_cache

from django.db import connection
from django.db.models import Exists, F, OuterRef, QuerySet
from django.urls import get_script_prefix, reverse
from django.utils.safestring import SafeString

from partnership import charts, contract
from partnership.models import Action, Agency, User
from partnership.snapshots import attach, compiled_rows, from_history, state_at

from . import rules
from .marks import direction_tag, flags_tag, legend, print_direction_tag, rag_tag
from .models import Comparator, DataReturn, Frequency, Indicator, Period, Quadrant, TurnTheCurve, Value

SPARK_PERIODS = 8  # the sparkline's reach: the chosen period and the seven before it
CHART_PERIODS = 24  # the most periods drawn on an indicator's trend chart
COMMENTARY_CHARS = 160  # the scorecard shows this much of the commentary; the indicator page all of it
URL_CODE = "__code__"  # stands for an indicator's code in its page's URL
SPARK_UNITS = {"monthly": "months", "quarterly": "quarters", "termly": "terms", "annual": "years"}
WHAT_WILL_WE_DO = "what_will_we_do", contract.OBA_QUESTIONS[3][1]  # the fourth question, in the partnership's words
QUADRANTS = [*Quadrant.choices, WHAT_WILL_WE_DO]
CHART_UNITS = {"percentage": "%", "rate_per_10k": "per 10,000", "days": "days"}
COMPARATOR_ORDER = [Comparator.Kind.ENGLAND, Comparator.Kind.LONDON, Comparator.Kind.NEIGHBOURS]
COMPARATOR_LABELS = {"england": "England", "london": "London", "neighbours": "Neighbours"}
RAG_FILTERS = [("red", "Red"), ("amber", "Amber"), ("green", "Green"),
               ("grey", "No rating (no target, no data or context only)")]

def chart_unit(unit: str) -> str:
    return CHART_UNITS.get(unit, "")


def as_float(value) -> float | None:
    return None if value is None else float(value)


def validated_values(at=None) -> QuerySet[Value]:
    """The figures a board pack uses: validated by the business unit (by the moment `at`, as they stood then)."""
    returns, values = (None, None) if at is None else (state_at(DataReturn, at), state_at(Value, at))
    if at is None or not (from_history(returns) or from_history(values)):  # live rows (`state_at`): a join, no subquery
        return Value.objects.filter(data_return__status=DataReturn.Status.VALIDATED)
    return values.filter(data_return_id__in=returns.filter(status=DataReturn.Status.VALIDATED).values("id"))


# --- Periods -------------------------------------------------------------------------------------
def periods_judged(kind: str, values: QuerySet[Value], *, values_are_validated: bool = False) -> list[Period]:
    """Every period of a kind, newest first, annotated `has_values` (a figure in `values`) and `has_validated`
    (when the caller says `values` are the validated figures now, `validated_values()`, one question asked once, in
    a query compiled once per process). One query: `period_choices` keeps those with figures,
    `trailing_periods(..., among=)` takes periods before one."""
    if values_are_validated:
        return _validated_periods(kind)
    in_values = values.filter(period=OuterRef("pk"))
    asked = {"has_values": Exists(in_values), "has_validated": _has_validated()}
    # Kept in Python, not by `.filter(has_values=True)`: PostgreSQL plans that filter as a semi-join over every figure
    # of every period (then works out the EXISTS per period anyway); a kind has a few dozen periods.
    return list(Period.objects.filter(kind=kind).annotate(**asked).order_by("-start"))


PERIOD_COLUMNS = tuple(f.attname for f in Period._meta.concrete_fields)


def _validated_periods(kind: str) -> list[Period]:
    """`periods_judged` of the validated figures now: its query compiled once per process (it depends on the kind
    alone: `snapshots.compiled_rows`), each row made a whole period."""
    periods = []
    for *columns, has_validated in compiled_rows(_periods_with_validated, (kind,), None):
        period = Period.from_db(connection.alias, PERIOD_COLUMNS, columns)
        period.has_values = period.has_validated = has_validated
        periods.append(period)
    return periods


def _periods_with_validated(kind: str, moment) -> QuerySet:
    """The periods of a kind, newest first, each with `has_validated` now (`compiled_rows` reads the live rows
    here: `moment` is None)."""
    return (Period.objects.filter(kind=kind).annotate(has_validated=_has_validated()).order_by("-start")
            .values_list(*PERIOD_COLUMNS, "has_validated"))


def _has_validated() -> Exists:
    """Whether a period has validated figures now: one of its validated returns holds a figure for it (every figure
    is of its return's period: `services.returns`). Asked through the period's returns, which PostgreSQL finds by
    their period's index, each figure's period compared with the period itself (not the return's, which it would
    hash over every figure): asked of the figures first, it scanned every period's figures for each period, 13 ms
    at ten times the large partnership against 1 ms."""
    figures = Value.objects.filter(data_return=OuterRef("pk"), period=OuterRef(OuterRef("pk")))
    return Exists(DataReturn.objects.filter(period=OuterRef("pk"), status=DataReturn.Status.VALIDATED)
                  .filter(Exists(figures)))


def period_choices(kind: str, values: QuerySet[Value], *, values_are_validated: bool = False) -> list[Period]:
    """The periods of a kind with a figure in `values`, newest first, each knowing `has_validated`. One query."""
    return [p for p in periods_judged(kind, values, values_are_validated=values_are_validated) if p.has_values]


def default_period(periods: list[Period]) -> Period | None:
    """The latest period that has validated figures; failing that the latest with any the person sees."""
    return next((p for p in periods if p.has_validated), periods[0] if periods else None)


def latest_validated_period(kind: str = Frequency.QUARTERLY) -> Period | None:
    """For a board pack asked for without a period."""
    return default_period(period_choices(kind, validated_values(), values_are_validated=True))


def trailing_periods(period: Period, count: int = SPARK_PERIODS, *, among: list[Period] | None = None) -> list[Period]:
    """`period` and up to `count - 1` periods of the same kind before it, oldest first. One query; none when `among`
    is every period of the kind, newest first, read already (`periods_judged`)."""
    if among is None:
        newest_first = Period.objects.filter(kind=period.kind, start__lte=period.start).order_by("-start")[:count]
    else:
        newest_first = [p for p in among if p.kind == period.kind and p.start <= period.start][:count]
    return list(newest_first)[::-1]


# --- Rows ----------------------------------------------------------------------------------------
@dataclass
class ComparatorFigure:
    label: str
    text: str
    is_demo: bool


@dataclass(frozen=True, slots=True)
class Figure:
    """What the scorecard, its CSV, the exception report and the board pack show of a `Value`, read as a
    tuple: a scorecard reads 200 indicators × 8 periods, and as model instances (with their timestamps and
    who entered them) those cost more than the rest of the page. The indicator page reads whole Values."""

    value: Decimal | None
    provisional: bool
    commentary: str
    return_status: str

    FIELDS = ("indicator_id", "period_id", "value", "provisional", "commentary", "data_return__status")


# What RAG and direction read of a figure (`Row.value`, `Row.previous_value`): its value. Its commentary, provisional
# flag and return's status (`Figure`) are shown on the scorecard, not on an agenda or the priorities list, so they are
# not read for them.
JudgedFigure = namedtuple("JudgedFigure", ["value"])


@dataclass
class Row:
    """One indicator in one period, with everything the scorecard, CSV and exception report show."""

    indicator: Indicator
    periods: list[Period]  # trailing periods, oldest first; the last is the chosen one
    history: list[Value | Figure | None]  # the figure for each of `periods` (None: none the reader may see)
    comparators: list[Comparator] = field(default_factory=list)  # every year's, any order
    curves: list[TurnTheCurve] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)  # linked to the indicator or one of its records

    @property
    def period(self) -> Period | None:
        return self.periods[-1] if self.periods else None

    @property
    def current(self) -> Value | Figure | None:
        return self.history[-1] if self.history else None

    @property
    def previous(self) -> Value | Figure | None:
        return self.history[-2] if len(self.history) > 1 else None

    @property
    def value(self) -> Decimal | None:
        return self.current.value if self.current else None

    @property
    def previous_value(self) -> Decimal | None:
        return self.previous.value if self.previous else None

    @cached_property
    def rag(self) -> rules.Rag:
        ind = self.indicator
        return rules.rag(self.value, target=ind.target, polarity=ind.polarity,
                         amber_tolerance=ind.amber_tolerance, red_tolerance=ind.red_tolerance)

    @cached_property
    def direction(self) -> rules.Direction:
        return rules.direction(self.value, self.previous_value, self.indicator.polarity)

    @property
    def rag_tag(self) -> SafeString:
        return rag_tag(self.rag)

    @property
    def direction_tag(self) -> SafeString:
        return direction_tag(self.direction)

    @property
    def print_direction_tag(self) -> SafeString:
        return print_direction_tag(self.direction)

    @property
    def flags(self) -> SafeString:
        """Marks beside a figure: not yet validated (seen only by the business unit and its own agency),
        provisional, and invented demo figures."""
        demo = self.current is not None and self.indicator.values_are_demo
        return flags_tag(self.unvalidated, self.provisional, bool(demo))

    @cached_property
    def url(self) -> str:
        return indicator_url(self.indicator.code)

    @cached_property
    def cells(self) -> dict:
        """What the scorecard table's row shows (templates/performance/scorecard_table.html), each value read once
        into a dict: the template engine finds a dict's key at once, where each attribute lookup costs it a failed
        subscription first (200 rows of about 25 values each)."""
        ind, commentary = self.indicator, self.commentary
        short, comparators = self.commentary_short, self.latest_comparators
        all_demo = bool(comparators) and self.comparators_all_demo
        meta = ind.owner_agency.display_name + (f" · {ind.priority.title}" if ind.priority else "")
        return {"url": self.url, "title": ind.title, "meta": meta,
                "commentary": commentary, "commentary_short": short, "cut": short != commentary,
                "value": self.value_text, "flags": self.flags, "target": self.target_text, "rag": self.rag_tag,
                "direction": self.direction_tag,
                "previous": self.previous_text if self.current and self.previous else "",
                "sparkline": self.sparkline, "all_demo": all_demo,
                # each comparator's words, and whether it is marked "(demo)" on its own (not all of them are)
                "comparators": [(f"{c.label} {c.text}", c.is_demo and not all_demo) for c in comparators],
                "year": str(self.comparator_year) if comparators else ""}

    @property
    def value_text(self) -> str:
        return rules.format_value(self.value, self.indicator.unit)

    @property
    def previous_text(self) -> str:
        return rules.format_value(self.previous_value, self.indicator.unit)

    @property
    def target_text(self) -> str:
        return "No target" if self.indicator.target is None else rules.format_value(self.indicator.target,
                                                                                     self.indicator.unit)

    @property
    def unvalidated(self) -> bool:
        """Shown to the business unit and the owning agency before validation: marked "not yet validated"."""
        return self.current is not None and self.current.return_status != DataReturn.Status.VALIDATED

    @property
    def provisional(self) -> bool:
        return bool(self.current and self.current.provisional)

    @property
    def commentary(self) -> str:
        return self.current.commentary.strip() if self.current else ""

    @property
    def commentary_short(self) -> str:
        text = " ".join(self.commentary.split())
        if len(text) <= COMMENTARY_CHARS:
            return text
        return text[:COMMENTARY_CHARS].rsplit(" ", 1)[0].rstrip(",.;:") + "…"

    @property
    def is_exception(self) -> bool:
        return self.rag == rules.RED or self.direction.is_worse

    @cached_property
    def comparator_year(self) -> int | None:
        return max((c.year for c in self.comparators), default=None)

    @cached_property
    def latest_comparators(self) -> list[ComparatorFigure]:
        """England, London and statistical neighbours for the latest year that has any."""
        year = self.comparator_year
        by_kind = {c.kind: c for c in self.comparators if c.year == year}
        return [ComparatorFigure(label=COMPARATOR_LABELS[kind],
                                 text=rules.format_value(by_kind[kind].value, self.indicator.unit),
                                 is_demo=by_kind[kind].is_demo)
                for kind in COMPARATOR_ORDER if kind in by_kind]

    @property
    def comparators_all_demo(self) -> bool:
        """Every latest comparator is invented: one "(demo)" for the lot."""
        return bool(self.latest_comparators) and all(c.is_demo for c in self.latest_comparators)

    def comparator(self, kind: str) -> Comparator | None:
        return next((c for c in self.comparators if c.year == self.comparator_year and c.kind == kind), None)

    @property
    def open_actions(self) -> list[Action]:
        return [a for a in self.actions if a.is_open]

    @cached_property
    def _trend(self) -> tuple[tuple[float | None, ...], str, str]:
        """The sparkline's figures, title and unit."""
        ind = self.indicator
        first, last = self.periods[0].label, self.periods[-1].label
        span = last if first == last else f"{first} to {last}"
        return (tuple(as_float(v.value) if v else None for v in self.history), f"Trend for {ind.title}, {span}",
                chart_unit(ind.unit))

    @cached_property
    def sparkline(self) -> SafeString:
        return cached_sparkline(*self._trend)

    @property
    def print_sparkline(self) -> SafeString:
        """The same trend for the PDFs: one small image (`charts.print_sparkline`)."""
        return cached_print_sparkline(*self._trend)


@lru_cache(maxsize=4096)
def cached_print_sparkline(values: tuple[float | None, ...], title: str, unit: str) -> SafeString:
    return charts.print_sparkline(list(values), title=title, unit=unit)


@lru_cache(maxsize=4096)
def cached_sparkline(values: tuple[float | None, ...], title: str, unit: str) -> SafeString:
    """Drawing 200 sparklines took a fifth of the scorecard's time; the same figures and title give the same
    SVG, so each process keeps the last 4,096 (about 1 KiB each). Its ids stay unique on a page: a page shows
    an indicator's trend once, and its title names the indicator and periods."""
    return charts.sparkline(list(values), title=title, unit=unit)


@lru_cache(maxsize=8)
def _indicator_url_pattern(script_prefix: str) -> str:
    return reverse("performance:indicator-detail", args=[URL_CODE])


def indicator_url(code: str) -> str:
    """`Indicator.get_absolute_url` without a `reverse` per row (codes are slugs: nothing to quote)."""
    return _indicator_url_pattern(get_script_prefix()).replace(URL_CODE, code)


def _link_actions(model, key: str, ids: list[int], actions: QuerySet[Action]) -> dict[int, list[Action]]:
    """{source id: [actions]} through a source model's many-to-many to Action. One query (three when `actions`
    are as they stood at a past moment, read from their history: the links, the actions then, their owners)."""
    found: dict[int, list[Action]] = defaultdict(list)
    if hasattr(actions.model, "instance_type"):  # historical: link to the actions as they stood then
        links = list(model.actions.through.objects.filter(**{f"{key}_id__in": ids}, action_id__in=actions.values("id"))
                     .values_list(f"{key}_id", "action_id"))
        then = {a.pk: a for a in attach(actions.filter(id__in={a for _, a in links}), "owner_agency", Agency)}
        for source_id, action_id in sorted(links, key=lambda link: (then[link[1]].due_date, link[1])):
            found[source_id].append(then[action_id])
        return found
    through = model.actions.through.objects.filter(**{f"{key}_id__in": ids})
    if actions.query.has_filters():  # someone who reads only some actions; every action needs no subquery
        through = through.filter(action__in=actions)
    for link in through.select_related("action__owner_agency", "action__owner").order_by("action__due_date",
                                                                                           "action_id"):
        found[getattr(link, f"{key}_id")].append(link.action)
    return found


def build_rows(indicators: list[Indicator] | QuerySet[Indicator], periods: list[Period] | dict[str, list[Period]],
               *, values: QuerySet[Value], actions: QuerySet[Action], whole_values: bool = False,
               comparators: bool = True, plans: bool = True, read_by: QuerySet[Indicator] | None = None) -> list[Row]:
    """A row per indicator over `periods` (oldest first, the last is the one reported; or {frequency: periods},
    each indicator over its own frequency's): five queries, whatever the number of indicators, periods and
    frequencies (six when `indicators` is a queryset: the others then choose by it as a subquery, not by a list
    of 200 ids that the database driver reads one by one). Its history holds `Figure`s, or with `whole_values`
    the `Value`s themselves (with who entered them). Without `comparators`, the rows have none (one query less,
    for a reader that shows no comparison); without `plans`, no turn-the-curve plans or linked actions (three
    queries less, for a reader that judges only the figures). `read_by`, the queryset a list of `indicators` was
    read by (they may be some of its rows), chooses the others' rows by it as a subquery too, as for a queryset."""
    periods_of = periods if isinstance(periods, dict) else None
    if periods_of is not None:
        periods = [p for group in periods_of.values() for p in group]
    if isinstance(indicators, QuerySet):
        ids = indicators.values("pk")
        indicators = list(indicators)
    else:
        ids = [ind.pk for ind in indicators] if read_by is None else read_by.values("pk")
    if not indicators:
        return []
    figures = {}
    period_ids = [p.pk for p in periods]  # each period's key read once, not once an indicator
    if periods:
        found = values.filter(indicator_id__in=ids, period_id__in=period_ids).order_by()
        if whole_values:
            for value in found.annotate(return_status=F("data_return__status")).select_related("entered_by"):
                figures[value.indicator_id, value.period_id] = value
        else:
            for indicator_id, period_id, *figure in found.values_list(*Figure.FIELDS):
                figures[indicator_id, period_id] = Figure(*figure)
    compared = defaultdict(list)
    for comparator in Comparator.objects.filter(indicator_id__in=ids) if comparators else ():
        compared[comparator.indicator_id].append(comparator)
    curves = defaultdict(list)
    at = getattr(values, "_as_of", None)  # figures as they stood at a past moment: so are the plans
    if not plans:
        curve_list = []
    elif at is None:
        curve_list = list(TurnTheCurve.objects.filter(indicator_id__in=ids).select_related("updated_by")
                          .order_by("-updated_at", "-pk"))
    else:
        curve_list = attach(state_at(TurnTheCurve, at).filter(indicator_id__in=ids).order_by("-updated_at", "-id"),
                            "updated_by", User)
    for curve in curve_list:
        curves[curve.indicator_id].append(curve)
    indicator_actions = _link_actions(Indicator, "indicator", ids, actions) if plans else {}
    curve_actions = _link_actions(TurnTheCurve, "turnthecurve", [c.pk for c in curve_list], actions) if plans else {}
    for curve in curve_list:
        curve.linked_actions = curve_actions.get(curve.pk, [])
    rows = []
    period_ids_of = {kind: [p.pk for p in group] for kind, group in (periods_of or {}).items()}
    for ind in indicators:
        pk = ind.pk
        linked = {}  # without plans, none (no actions read)
        if plans:
            linked = {a.pk: a for a in indicator_actions.get(pk, [])}
            for curve in curves[pk]:
                linked.update({a.pk: a for a in curve.linked_actions})
        own, own_ids = (periods, period_ids) if periods_of is None else (periods_of[ind.frequency],
                                                                          period_ids_of[ind.frequency])
        rows.append(Row(indicator=ind, periods=own, history=[figures.get((pk, p)) for p in own_ids],
                        comparators=compared[pk], curves=curves[pk],
                        actions=sorted(linked.values(), key=lambda a: (a.due_date, a.pk)) if linked else []))
    return rows


def scorecard_indicators(kind: str, *, priority=None, journey_stage=None, agency=None) -> QuerySet[Indicator]:
    """The active indicators reported at a frequency, in the order the business unit set."""
    qs = Indicator.objects.filter(active=True, frequency=kind).select_related("owner_agency", "priority")
    if priority:
        qs = qs.filter(priority_id=priority)
    if journey_stage:
        qs = qs.filter(journey_stages__id=journey_stage)
    if agency:
        qs = qs.filter(owner_agency_id=agency)
    return qs.order_by("order", "code")


def spark_label(period: Period, count: int) -> str:
    return f"last {count} {SPARK_UNITS[period.kind]}" if count > 1 else "this period only"


def group_rows(rows: list[Row]) -> list[dict]:
    """The three OBA questions with their rows (empty ones kept, so the page says so)."""
    return [{"key": key, "title": title, "rows": [r for r in rows if r.indicator.quadrant == key]}
            for key, title in Quadrant.choices]


def rag_counts(rows: list[Row]) -> list[dict]:
    counts = defaultdict(int)
    for row in rows:
        counts[row.rag.code] += 1
    return [{"code": code, "label": label, "count": counts[code]}
            for code, label in [("red", "Red"), ("amber", "Amber"), ("green", "Green"), ("grey", "No rating")]]


def scorecard(period: Period, *, values: QuerySet[Value], actions: QuerySet[Action], priority=None,
              journey_stage=None, agency=None, rag: str = "") -> dict:
    """The scorecard for a period: rows grouped by OBA question, then what we will do. Seven queries."""
    indicators = scorecard_indicators(period.kind, priority=priority, journey_stage=journey_stage, agency=agency)
    rows = build_rows(indicators, trailing_periods(period), values=values, actions=actions)
    if rag:
        rows = [r for r in rows if r.rag.code == rag]
    return {**_summary(period, rows, rows), "groups": group_rows(rows),
            "plans": [r for r in rows if r.curves or r.open_actions]}


def _summary(period: Period, rows: list[Row], shown: list[Row]) -> dict:
    """What the scorecard says of all its `rows`, and its sparklines' span (from the rows `shown` whole)."""
    return {
        "period": period,
        "rows": rows,
        "what_will_we_do_title": WHAT_WILL_WE_DO[1],
        "counts": rag_counts(rows),
        "worse_count": sum(1 for r in rows if r.direction.is_worse),
        "exception_count": sum(1 for r in rows if r.is_exception),
        **legend(),
        "spark_span": f"{shown[0].periods[0].label} to {period.label}" if shown else period.label,
        "spark_label": spark_label(period, len(shown[0].periods) if shown else 0),
    }


def paged_scorecard(period: Period, paginate, *, values: QuerySet[Value], actions: QuerySet[Action], priority=None,
                    journey_stage=None, agency=None, rag: str = "") -> dict:
    """The scorecard a page at a time (`paginate`: the rows in the order shown -> a Paginator page): every row is
    read light (`light_rows`) for the summary, the RAG filter and the groups' sizes, and the page's rows whole, as
    `scorecard` reads them. Each group says how many rows it has in all (`total`) and the page it starts on
    (`first_page`). At most nine queries (the periods, the light rows' two, `build_rows`' six), whatever the number
    of indicators."""
    indicators = scorecard_indicators(period.kind, priority=priority, journey_stage=journey_stage, agency=agency)
    judged = indicators.select_related(None).values_list(*JUDGED, "quadrant", named=True)  # and the groups
    periods = trailing_periods(period)
    rows = light_rows(judged, period, values, periods=periods[-2:])
    if rag:
        rows = [r for r in rows if r.rag.code == rag]
    every = group_rows(rows)
    page = paginate([row for group in every for row in group["rows"]])
    whole = {row.indicator.pk: row for row in build_rows(
        indicators.filter(pk__in=[r.indicator.pk for r in page.object_list]), periods, values=values, actions=actions)}
    page.object_list = shown = [whole[r.indicator.pk] for r in page.object_list]
    groups, start = [], 0
    for group in every:
        groups.append({**group, "rows": [whole[r.indicator.pk] for r in group["rows"] if r.indicator.pk in whole],
                       "total": len(group["rows"]), "first_page": start // page.paginator.per_page + 1})
        start += len(group["rows"])
    return {**_summary(period, rows, shown), "page": page, "groups": groups,
            "plans": [r for r in shown if r.curves or r.open_actions]}


# What an indicator's RAG and direction read: `light_rows` may take named rows of these, not models.
JUDGED = ("pk", "polarity", "target", "amber_tolerance", "red_tolerance")


def light_rows(indicators: QuerySet[Indicator], period: Period, values: QuerySet[Value], *,
               periods: list[Period] | None = None) -> list[Row]:
    """Rows with only the figure and the one before it (what RAG, direction and exceptions need; no comparators,
    stories or actions); `indicators` may be named rows of those fields. Two queries (one given the `periods`:
    `trailing_periods(period, 2)`)."""
    if periods is None:
        periods = trailing_periods(period, 2)
    figures = {}
    for indicator_id, period_id, *figure in (values.filter(indicator_id__in=indicators.values("pk"), period__in=periods)
                                             .order_by().values_list(*Figure.FIELDS)):
        figures[indicator_id, period_id] = Figure(*figure)
    period_ids = [p.pk for p in periods]
    return [Row(indicator=ind, periods=periods, history=[figures.get((ind.pk, p)) for p in period_ids])
            for ind in indicators]


def exceptions(period: Period, *, values: QuerySet[Value], actions: QuerySet[Action],
               rows: list[Row] | None = None) -> dict:
    """Red or worsening indicators for a period, red-and-worsening first, with their story and actions.

    `rows`: the unfiltered scorecard's rows for the same period, figures and actions, when the caller has
    them already (the board report shows both), so they are not read twice."""
    if rows is None:
        rows = build_rows(scorecard_indicators(period.kind), trailing_periods(period), values=values,
                          actions=actions)
    rows = [r for r in rows if r.is_exception]
    rows.sort(key=lambda r: (not (r.rag == rules.RED and r.direction.is_worse), r.rag != rules.RED))
    return {"period": period, "items": rows, **legend()}


def exception_reasons(row: Row) -> str:
    reasons = []
    if row.rag == rules.RED:
        reasons.append("red")
    if row.direction.is_worse:
        reasons.append("worse than the period before")
    return " and ".join(reasons).capitalize()

