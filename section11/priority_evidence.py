"""What this app holds, tagged to each partnership priority, for a period (partnership.contract.PriorityEvidence).

A Section 11 standard counts for a priority when any of its criteria is tagged with one of the priority's journey
stages (`Priority.journey_stages`; the tags as they stood at the period's moment). The evidence is the agencies'
and schools' ratings of those criteria in every cycle open in the period, as they stood then (the moderated
rating where there is one).
"""
from collections import defaultdict
from dataclasses import replace

from django.db.models import Count, Q
from django.db.models.functions import Coalesce

from partnership import contract, snapshots
from partnership.contract import EvidenceItem, Fact, PriorityEvidence, plural, share_status
from partnership.links import pk_url
from partnership.snapshots import INSTANT, compiled_rows, settled, state_at
from partnership.tags import tagged_for_priorities

from .analysis_reports import open_in
from .models import Answer, Criterion, RatingLevel

SOURCE = "Section 11 standards"


def for_priorities(priorities, period, *, detail: bool = True) -> dict:
    """{priority_id: PriorityEvidence} for every priority given, in a fixed number of queries (five: the tags' two,
    shared with the review learning, the cycles open in the period, the criteria and the ratings counted). Without
    `detail`, only its progress (the same rule, from the same tally): two, the cycles open in the period chosen in
    the ratings' query, which is compiled once per process (`snapshots.compiled_rows`: the period's moment, "now"
    for a period under way, bound at each call)."""
    criteria_of = tagged_for_priorities(Criterion, priorities, period.as_at)
    all_criteria = set().union(*criteria_of.values()) if criteria_of else set()
    criteria, cycles = {}, {}
    if all_criteria and detail:
        # The cycles' names and the criteria's standards, what the records say (not the cycles with their frameworks
        # for the analysis, nor each criterion's text and guidance).
        cycles = dict(open_in(period).values_list("pk", "name"))
        criteria = {c.pk: c for c in Criterion.objects.filter(pk__in=all_criteria).select_related("standard")
                    .only("standard_id", "standard__number", "standard__title")}
    # (criterion, cycle) -> [rated, green]
    tally = defaultdict(lambda: [0, 0])
    if all_criteria and (cycles or not detail):
        if detail:
            rows = _ratings(tuple(criteria), tuple(cycles), period, period.as_at)
        elif settled(period.start_moment):  # the cycles open in the period chosen in the query, compiled once
            rows = compiled_rows(_ratings, (tuple(sorted(all_criteria)), None, replace(period, as_at=INSTANT)),
                                 period.as_at, Answer, instant=period.as_at)
        else:  # a period begun in the last few minutes: which returns were outstanding then still depends on data
            rows = _ratings(tuple(sorted(all_criteria)), None, period, period.as_at)
        for criterion_id, cycle_id, rated, green_here in rows:
            tally[criterion_id, cycle_id][0] += rated
            tally[criterion_id, cycle_id][1] += green_here
    result = {}
    for priority in priorities:
        tagged = criteria_of.get(priority.pk, set())
        mine = [criteria[pk] for pk in sorted(tagged) if pk in criteria]
        if not (mine if detail else tagged):
            result[priority.pk] = PriorityEvidence(SOURCE)
            continue
        rated = sum(t[0] for (criterion_id, _), t in tally.items() if criterion_id in tagged)
        green = sum(t[1] for (criterion_id, _), t in tally.items() if criterion_id in tagged)
        progress = share_status(green, rated, assured_from=0.8, partly_from=0.5) if rated else contract.NO_EVIDENCE
        if not detail:
            result[priority.pk] = PriorityEvidence(SOURCE, progress=progress)
            continue
        standards = {c.standard_id: c.standard for c in mine}
        by_standard = defaultdict(lambda: [0, 0])  # (standard, cycle) -> [rated, green]
        for c in mine:
            for cycle_id in cycles:
                rated_here, green_here = tally.get((c.pk, cycle_id), (0, 0))
                by_standard[c.standard_id, cycle_id][0] += rated_here
                by_standard[c.standard_id, cycle_id][1] += green_here
        linked = f"{plural(len(standards), 'standard')} ({plural(len(mine), 'criterion', 'criteria')})"
        facts = [Fact(contract.HOW_MUCH,
                      f"Section 11: {linked} linked; {plural(rated, 'rating')} given in "
                      f"{plural(len(cycles), 'cycle')} open in the period.")]
        if rated:
            facts.append(Fact(contract.HOW_WELL,
                              f"Section 11: {green} of {plural(rated, 'rating')} of these criteria green "
                              f"(fully met)."))
        items = tuple(
            EvidenceItem(f"Standard {standards[sid].number}: {standards[sid].title} ({cycles[cid]}): {g} of "
                         f"{plural(r, 'rating')} green", pk_url("section11:cycle-analysis", cid),
                         share_status(g, r, assured_from=0.8, partly_from=0.5))
            for (sid, cid), (r, g) in sorted(by_standard.items(), key=lambda e: (standards[e[0][0]].number, e[0][1]))
            if r)
        result[priority.pk] = PriorityEvidence(SOURCE, tuple(facts), progress, items)
    return result


def _ratings(criteria: tuple, cycles: tuple | None, period, moment):
    """The ratings of `criteria` as they stood at `moment`, counted by the database, one row per criterion and
    cycle: the ratings given (the moderated rating where there is one) and of those the green ones, chosen among
    the green levels (no join to the scale's levels, no query for them). `cycles`: the cycles' keys, or None for
    the cycles open in `period`, chosen inside the query (then only the criteria that still exist count, as the
    detail reads them: a live answer's criterion exists, it is protected)."""
    answers = state_at(Answer, moment).filter(
        ret__cycle_id__in=cycles if cycles is not None else open_in(period).values("pk"),
        criterion_id__in=criteria, not_applicable=False)
    if cycles is None and snapshots.from_history(answers):
        answers = answers.filter(criterion__in=Criterion.objects.filter(pk__in=criteria).values("pk"))
    green = RatingLevel.objects.filter(colour=RatingLevel.Colour.GREEN).values("pk")
    return (answers.alias(level=Coalesce("moderated_rating_id", "rating_id"))
            .values_list("criterion_id", "ret__cycle_id")
            .annotate(rated=Count("level"), green=Count("level", filter=Q(level__in=green))).order_by())
