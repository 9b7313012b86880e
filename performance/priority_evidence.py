"""What this app holds, tagged to each partnership priority, for a period (partnership.contract.PriorityEvidence).

An indicator belongs to a priority through its `priority`. Each frequency's indicators are read for the latest
period of that frequency with figures validated by the period's moment (as the board pack reads the scorecard),
as they stood then: RAG against target, direction against the period before, and the plans for exceptions.
"""
from collections import defaultdict, namedtuple

from django.db.models import Exists, OuterRef, QuerySet, Subquery

from partnership import contract
from partnership.contract import EvidenceItem, Fact, PriorityEvidence, plural, share_status
from partnership.models import Action
from partnership.snapshots import compiled_rows, state_at

from . import rules
from .models import DataReturn, Indicator, Period, Value
from .scorecard import JUDGED, JudgedFigure, Row, build_rows, indicator_url, validated_values

SOURCE = "Indicators"
NO_FIGURE = "none with a validated figure yet"
RAG_STATUS = {"green": contract.ASSURED, "amber": contract.PARTLY, "red": contract.NOT_ASSURED}
# An indicator is a named row of what judges it (its RAG and direction) and where it belongs; with detail, also what
# its record says (its title and address), not a model with its definitions and the rest.
JUDGED_BY = (*JUDGED, "frequency", "priority_id")
SHOWN_BY = (*JUDGED_BY, "title", "code")


def _rows(priorities, period, *, detail: bool = True):
    """The priorities' indicators as rows of the latest validated period of each frequency. Constant queries
    (six: the indicators, every frequency's periods in one, and the rows of every frequency at once; three without
    `detail`, each figure's value only, each query compiled once per process where the moment allows,
    `snapshots.compiled_rows`: the actions linked to the indicators and their plans only count towards the
    facts)."""
    ids, at = tuple(p.pk for p in priorities), period.as_at
    if detail:
        # Named rows of what the evidence reads, not models with their definitions and the rest (building 200 model
        # instances cost more than reading them).
        indicators = list(_indicators(ids).values_list(*SHOWN_BY, named=True))
    else:
        indicators = [Judged(*row) for row in compiled_rows(_judged_rows, (ids,), None)]
    if not indicators:
        return []
    validated = validated_values(at)
    kinds = tuple(sorted({ind.frequency for ind in indicators}))  # at most the four frequencies
    candidates = (_latest_validated(kinds, period.end, validated) if detail
                  else [PeriodRow(*row) for row in compiled_rows(_period_rows, (kinds, period.end), at, *FIGURES)])
    # Each frequency's latest validated period and the one before it (the direction compares the two; no trend
    # or comparator is shown), newest first.
    trailing = defaultdict(list)
    for candidate in candidates:
        mine = trailing[candidate.kind]
        if mine or candidate.pk == candidate.latest_validated_id:
            if len(mine) < 2:
                mine.append(candidate)
    periods_of = {kind: mine[::-1] for kind, mine in trailing.items()}
    shown = sorted((i for i in indicators if i.frequency in periods_of), key=lambda i: kinds.index(i.frequency))
    if detail:
        return build_rows(shown, periods_of, values=validated, actions=state_at(Action, at), comparators=False)
    # Without detail: each figure's value, the one thing its RAG and direction read.
    period_ids = tuple(sorted(p.pk for group in periods_of.values() for p in group))
    value_of = {(indicator_id, period_id): JudgedFigure(value) for indicator_id, period_id, value in
                compiled_rows(_figure_rows, (ids, period_ids), at, *FIGURES)}
    return [Row(indicator=ind, periods=periods_of[ind.frequency],
                history=[value_of.get((ind.pk, p.pk)) for p in periods_of[ind.frequency]]) for ind in shown]


FIGURES = (Value, DataReturn)  # what `validated_values` reads at a moment
Judged = namedtuple("Judged", JUDGED_BY)  # what an indicator's RAG and direction read, and where it belongs
PeriodRow = namedtuple("PeriodRow", "kind pk latest_validated_id")


FIGURE_VALUE = ("indicator_id", "period_id", "value")  # each figure's value alone (`JudgedFigure`)


def _indicators(priority_ids: tuple[int, ...]) -> QuerySet[Indicator]:
    return Indicator.objects.filter(active=True, priority_id__in=priority_ids).order_by("order", "code")


def _latest_validated(kinds: tuple[str, ...], end, validated) -> QuerySet[Period]:
    """Every period of these frequencies ending by `end`, newest first, each with its frequency's latest period
    with a figure in `validated` ending by then (`latest_validated_id`): found by the database newest first (a few
    probes of a period's figures, where hashing every validated figure to tell each period apart cost 2 ms on the
    large partnership and 18 to 50 on ten times it), beside every period (one query)."""
    candidates = Period.objects.filter(kind__in=kinds, end__lte=end)
    latest = (candidates.filter(kind=OuterRef("kind")).filter(Exists(validated.filter(period_id=OuterRef("pk"))))
              .order_by("-start").values("pk")[:1])
    return candidates.annotate(latest_validated_id=Subquery(latest)).order_by("kind", "-start")


# The priorities list's three queries (`snapshots.compiled_rows`: each a pure function of its arguments and the
# moment the figures are read at, None for the live ones).
def _judged_rows(priority_ids: tuple[int, ...], moment) -> QuerySet:
    return _indicators(priority_ids).values_list(*JUDGED_BY)  # indicators are read as they are now


def _period_rows(kinds: tuple[str, ...], end, moment) -> QuerySet:
    return _latest_validated(kinds, end, validated_values(moment)).values_list(*PeriodRow._fields)


def _figure_rows(priority_ids: tuple[int, ...], period_ids: tuple[int, ...], moment) -> QuerySet:
    return (validated_values(moment).filter(indicator_id__in=_indicators(priority_ids).values("pk"),
                                            period_id__in=period_ids).order_by().values_list(*FIGURE_VALUE))


def for_priorities(priorities, period, *, detail: bool = True) -> dict:
    """{priority_id: PriorityEvidence} for every priority given, in a fixed number of queries. Without `detail`,
    only its progress (the same rule, from the same rows)."""
    by_priority = defaultdict(list)
    for row in _rows(priorities, period, detail=detail):
        by_priority[row.indicator.priority_id].append(row)
    result = {}
    for priority in priorities:
        rows = by_priority.get(priority.pk, [])
        if not rows:
            result[priority.pk] = PriorityEvidence(SOURCE)
            continue
        with_figure = sum(1 for r in rows if r.value is not None)
        # Progress: on target or getting better, of the indicators with a figure (the board pack's 80% and 50%).
        moving = sum(1 for r in rows if r.value is not None and (r.rag == rules.GREEN or r.direction.is_better))
        progress = share_status(moving, with_figure, assured_from=0.8, partly_from=0.5)
        if not detail:
            result[priority.pk] = PriorityEvidence(SOURCE, progress=progress)
            continue
        rated = [r for r in rows if r.rag.code in RAG_STATUS]
        colours = defaultdict(int)
        for r in rated:
            colours[r.rag.code] += 1
        better = sum(1 for r in rows if r.direction.is_better)
        worse = sum(1 for r in rows if r.direction.is_worse)
        exceptions = [r for r in rows if r.is_exception]
        planned = sum(1 for r in exceptions if r.curves or r.open_actions)
        # An indicator of a frequency with no validated period by the moment (an older period, a new frequency) has
        # no figure and no period: counted as an indicator without a figure, as its progress counts it.
        labels = ", ".join(sorted({r.period.label for r in rows if r.period}))
        figured = f"{with_figure} with a validated figure for {labels}" if labels else NO_FIGURE
        facts = [Fact(contract.HOW_MUCH, f"Indicators: {plural(len(rows), 'indicator')}, {figured}."),
                 Fact(contract.HOW_WELL,
                      f"Indicators: {colours['green']} green, {colours['amber']} amber and "
                      f"{colours['red']} red against target."),
                 Fact(contract.BETTER_OFF, f"Indicators: {better} better than the period before, {worse} worse.")]
        if exceptions:
            facts.append(Fact(contract.WHAT_NEXT,
                              f"Indicators: {plural(len(exceptions), 'exception')} (red or worsening), "
                              f"{planned} with a turn-the-curve plan or open action."))
        items = tuple(EvidenceItem(f"{r.indicator.title}: {r.rag.label}, {r.direction.text.lower()} "
                                   f"({r.period.label if r.period else NO_FIGURE})", indicator_url(r.indicator.code),
                                   RAG_STATUS.get(r.rag.code, "")) for r in rows)
        result[priority.pk] = PriorityEvidence(SOURCE, tuple(facts), progress, items)
    return result
