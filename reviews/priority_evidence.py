"""What this app holds, tagged to each partnership priority, for a period (partnership.contract.PriorityEvidence).

A review recommendation counts for a priority when it is tagged with one of the priority's journey stages
(`Priority.journey_stages`, the tags as they stood at the period's moment). Review learning leaves the reviews
group as counts and status words only: each line names the recommendation by its number ("R-12"), never the
case, and links to the review's page, which lets in only the reviews group.
"""
from collections import defaultdict, namedtuple

from django.urls import reverse

from partnership import contract, snapshots
from partnership.contract import EvidenceItem, Fact, PriorityEvidence, day_words, plural, share_status
from partnership.models import Action
from partnership.snapshots import compiled_rows, state_at
from partnership.tags import tagged_for_priorities

from .models import Recommendation

SOURCE = "Review learning"
DONE = Action.WORK_DONE
REC_FIELDS = ("id", "made_on", "lcspr_id", "rapid_review_id")
ACTION_FIELDS = ("id", "status", "due_date")
# Live rows of those columns, read as plain rows (the names the evidence reads of a model).
Rec = namedtuple("Rec", "pk made_on lcspr_id rapid_review_id")
Act = namedtuple("Act", "pk status due_date")


def _moving(acts, today) -> tuple[int, int, int]:
    """A recommendation's actions: (overdue, done, whether the recommendation is progressing: an action done, or
    every open one on time). A recommendation counts once however many of its actions are done, so the share of
    recommendations progressing never passes 100%."""
    late = sum(1 for a in acts if a.status in Action.OPEN_STATUSES and a.due_date < today)
    finished = sum(1 for a in acts if a.status in DONE)
    return late, finished, bool(acts) and bool(finished or not late)


def _recommendations(wanted, period) -> tuple[dict, dict]:
    """The recommendations of `wanted` made by the period's end as they stood at its moment, {pk: recommendation},
    and {pk: [its actions as they stood then]}, with the columns the evidence reads. Live rows (nothing changed since
    the moment) in one query, each recommendation joined to its actions; a past state in three (its rows read whole:
    `snapshots.only`), the links between them chosen in between."""
    at = period.as_at
    actions_of = defaultdict(list)
    if snapshots.read_by(at, Recommendation, Action) is None:  # the live rows, compiled once per process
        recs = {}
        for *fields, action_id, status, due_date in compiled_rows(_joined, (tuple(sorted(wanted)), period.end), None):
            recs[fields[0]] = recs.get(fields[0]) or Rec(*fields)
            if action_id is not None:
                actions_of[fields[0]].append(Act(action_id, status, due_date))
        return recs, actions_of
    chosen = state_at(Recommendation, at).filter(id__in=wanted, made_on__lte=period.end)
    actions_then = state_at(Action, at)
    recs = {r.pk: r for r in snapshots.only(chosen, *REC_FIELDS)}
    links = list(Recommendation.actions.through.objects.filter(recommendation_id__in=list(recs))
                 .values_list("recommendation_id", "action_id")) if recs else []
    actions = {a.pk: a for a in snapshots.only(actions_then.filter(id__in=[a for _, a in links]),
                                               *ACTION_FIELDS)} if links else {}
    for rec_id, action_id in links:
        if action_id in actions:
            actions_of[rec_id].append(actions[action_id])
    return recs, actions_of


def _joined(wanted: tuple, end, moment):
    """The live recommendations of `wanted` made by `end`, a row for each of their actions (or one without)."""
    return (Recommendation.objects.filter(id__in=wanted, made_on__lte=end).order_by()
            .values_list(*REC_FIELDS, *(f"actions__{name}" for name in ACTION_FIELDS)))


def for_priorities(priorities, period, *, detail: bool = True) -> dict:
    """{priority_id: PriorityEvidence} for every priority given, in a fixed number of queries (two: the tags', shared
    with Section 11, and the recommendations with their actions; four for a past state). Without `detail`, only its
    progress (the same rule)."""
    at, today = period.as_at, period.as_at_date
    tagged = tagged_for_priorities(Recommendation, priorities, at)
    wanted = set().union(*tagged.values()) if tagged else set()
    recs, actions_of = _recommendations(wanted, period) if wanted else ({}, {})
    result = {}
    for priority in priorities:
        mine = [recs[pk] for pk in sorted(tagged.get(priority.pk, ())) if pk in recs]
        if not mine:
            result[priority.pk] = PriorityEvidence(SOURCE)
            continue
        # Progress: the recommendations with an action done, or open and on time (80% assures, 50% partly).
        progressing = sum(_moving(actions_of[r.pk], today)[2] for r in mine)
        progress = share_status(progressing, len(mine), assured_from=0.8, partly_from=0.5)
        if not detail:
            result[priority.pk] = PriorityEvidence(SOURCE, progress=progress)
            continue
        theirs = [a for r in mine for a in actions_of[r.pk]]
        open_ = [a for a in theirs if a.status in Action.OPEN_STATUSES]
        overdue = [a for a in open_ if a.due_date < today]
        done = [a for a in theirs if a.status in DONE]
        assured = [a for a in theirs if a.status == Action.Status.IMPACT_ASSURED]
        with_action = sum(1 for r in mine if actions_of[r.pk])
        new = sum(1 for r in mine if r.made_on >= period.start)
        facts = [Fact(contract.HOW_MUCH,
                      f"Review learning: {plural(len(mine), 'recommendation')} ({new} made in the period), "
                      f"{plural(len(theirs), 'action')} from them."),
                 Fact(contract.HOW_WELL,
                      f"Review learning: {with_action} of {plural(len(mine), 'recommendation')} with an "
                      f"action; {len(overdue)} of {plural(len(open_), 'open action')} overdue."),
                 Fact(contract.BETTER_OFF,
                      f"Review learning: {len(done)} of {plural(len(theirs), 'action')} done, "
                      f"{len(assured)} with impact assured.")]
        if open_:
            facts.append(Fact(contract.WHAT_NEXT, f"Review learning: {plural(len(open_), 'action')} still open."))
        items = []
        for r in mine:
            acts = actions_of[r.pk]
            late, finished, _ = _moving(acts, today)
            url = (reverse("reviews:lcspr-detail", args=[r.lcspr_id]) if r.lcspr_id
                   else reverse("reviews:rapid-review-detail", args=[r.rapid_review_id]))
            items.append(EvidenceItem(
                f"Recommendation R-{r.pk} (made {day_words(r.made_on)}): {plural(len(acts), 'action')}, "
                f"{finished} done, {late} overdue", url,
                contract.NOT_ASSURED if not acts or (late and not finished)
                else contract.PARTLY if late or not finished else contract.ASSURED))
        result[priority.pk] = PriorityEvidence(SOURCE, tuple(facts), progress, tuple(items))
    return result
