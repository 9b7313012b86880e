"""What this app holds, tagged to each partnership priority, for a period (partnership.contract.PriorityEvidence).

A Section 11 standard counts for a priority when any of its criteria is tagged with one of the priority's journey
stages (`Priority.journey_stages`; the tags as they stood at the period's moment). The evidence is the agencies'
and schools' ratings of those criteria in every cycle open in the period, as they stood then (the moderated
rating where there is one).
"""
from collections import defaultdict

from django.db.models import Count
from django.urls import reverse

from partnership import contract
from partnership.contract import EvidenceItem, Fact, PriorityEvidence, plural, share_status
from partnership.snapshots import state_at
from partnership.tags import tagged_for_priorities

from .analysis_reports import cycles_in
from .models import Answer, Criterion, RatingLevel

SOURCE = "Section 11 standards"


def for_priorities(priorities, period, *, detail: bool = True) -> dict:
    """{priority_id: PriorityEvidence} for every priority given, in a fixed number of queries (seven). Without
    `detail`, only its progress (the same rule, from the same tally)."""
    criteria_of = tagged_for_priorities(Criterion, priorities, period.as_at)
    all_criteria = set().union(*criteria_of.values()) if criteria_of else set()
    cycles = {c.pk: c for c in cycles_in(period)} if all_criteria else {}
    criteria = {c.pk: c for c in Criterion.objects.filter(pk__in=all_criteria).select_related("standard")}
    colours = dict(RatingLevel.objects.values_list("pk", "colour")) if cycles else {}
    # (criterion, cycle) -> [rated, green]
    tally = defaultdict(lambda: [0, 0])
    if cycles:
        answers = (state_at(Answer, period.as_at).filter(ret__cycle_id__in=list(cycles), criterion_id__in=all_criteria,
                                                         not_applicable=False)
                   .values_list("criterion_id", "ret__cycle_id", "rating_id", "moderated_rating_id")
                   .annotate(n=Count("pk")).order_by())  # counted by the database, not one row per answer
        for criterion_id, cycle_id, rating_id, moderated_id, n in answers:
            level = moderated_id or rating_id
            if level:
                tally[criterion_id, cycle_id][0] += n
                tally[criterion_id, cycle_id][1] += n * (colours.get(level) == RatingLevel.Colour.GREEN)
    result = {}
    for priority in priorities:
        mine = [criteria[pk] for pk in sorted(criteria_of.get(priority.pk, ())) if pk in criteria]
        if not mine:
            result[priority.pk] = PriorityEvidence(SOURCE)
            continue
        standards = {c.standard_id: c.standard for c in mine}
        by_standard = defaultdict(lambda: [0, 0])  # (standard, cycle) -> [rated, green]
        for c in mine:
            for cycle_id in cycles:
                rated, green = tally.get((c.pk, cycle_id), (0, 0))
                by_standard[c.standard_id, cycle_id][0] += rated
                by_standard[c.standard_id, cycle_id][1] += green
        rated = sum(v[0] for v in by_standard.values())
        green = sum(v[1] for v in by_standard.values())
        progress = share_status(green, rated, assured_from=0.8, partly_from=0.5) if rated else contract.NO_EVIDENCE
        if not detail:
            result[priority.pk] = PriorityEvidence(SOURCE, progress=progress)
            continue
        linked = f"{plural(len(standards), 'standard')} ({plural(len(mine), 'criterion', 'criteria')})"
        facts = [Fact(contract.HOW_MUCH, f"Section 11: {linked} linked; {plural(rated, 'rating')} given in "
                                         f"{plural(len(cycles), 'cycle')} open in the period.")]
        if rated:
            facts.append(Fact(contract.HOW_WELL,
                              f"Section 11: {green} of {plural(rated, 'rating')} of these criteria green "
                              f"(fully met)."))
        items = tuple(
            EvidenceItem(f"Standard {standards[sid].number}: {standards[sid].title} ({cycles[cid].name}): {g} of "
                         f"{plural(r, 'rating')} green", reverse("section11:cycle-analysis", args=[cid]),
                         share_status(g, r, assured_from=0.8, partly_from=0.5))
            for (sid, cid), (r, g) in sorted(by_standard.items(), key=lambda e: (standards[e[0][0]].number, e[0][1]))
            if r)
        result[priority.pk] = PriorityEvidence(SOURCE, tuple(facts), progress, items)
    return result
