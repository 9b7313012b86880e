"""What this app holds, tagged to each partnership priority, for a period (partnership.contract.PriorityEvidence).

An indicator belongs to a priority through its `priority`. Each frequency's indicators are read for the latest
period of that frequency with figures validated by the period's moment (as the board pack reads the scorecard),
as they stood then: RAG against target, direction against the period before, and the plans for exceptions.
"""
from collections import defaultdict

from django.db.models import Exists, OuterRef, Subquery

from partnership import contract
from partnership.contract import EvidenceItem, Fact, PriorityEvidence, plural, share_status
from partnership.models import Action
from partnership.snapshots import state_at

from . import rules
from .models import Indicator, Period
from .scorecard import JUDGED, build_rows, indicator_url, validated_values

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
    `detail`: the actions linked to the indicators and their plans only count towards the facts)."""
    chosen = Indicator.objects.filter(active=True, priority_id__in=[p.pk for p in priorities]).order_by("order", "code")
    # Named rows of what the evidence reads, not models with their definitions and the rest (building 200 model
    # instances cost more than reading them).
    indicators = list(chosen.values_list(*(SHOWN_BY if detail else JUDGED_BY), named=True))
    if not indicators:
        return []
    validated = validated_values(period.as_at)
    kinds = sorted({ind.frequency for ind in indicators})  # at most the four frequencies
    # Each frequency's latest period with a validated figure, found by the database newest first (a few probes of a
    # period's figures, where hashing every validated figure to tell each period apart cost 2 ms on the large
    # partnership and 18 to 50 on ten times it), beside every period (one query).
    candidates = Period.objects.filter(kind__in=kinds, end__lte=period.end)
    latest = (candidates.filter(kind=OuterRef("kind")).filter(Exists(validated.filter(period_id=OuterRef("pk"))))
              .order_by("-start").values("start")[:1])
    periods = candidates.annotate(latest_validated=Subquery(latest)).order_by("kind", "-start")
    if not detail:  # only which periods: named rows, not models with their labels and dates
        periods = periods.values_list("kind", "pk", "start", "latest_validated", named=True)
    # Each frequency's latest validated period and the one before it (the direction compares the two; no trend
    # or comparator is shown), newest first.
    trailing = defaultdict(list)
    for candidate in periods:
        mine = trailing[candidate.kind]
        if mine or candidate.start == candidate.latest_validated:
            if len(mine) < 2:
                mine.append(candidate)
    periods_of = {kind: mine[::-1] for kind, mine in trailing.items()}
    shown = sorted((i for i in indicators if i.frequency in periods_of), key=lambda i: kinds.index(i.frequency))
    return build_rows(shown, periods_of, values=validated, actions=state_at(Action, period.as_at), comparators=False,
                      plans=detail, read_by=None if detail else chosen)


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
