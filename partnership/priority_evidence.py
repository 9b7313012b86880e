"""What the action tracker holds for each partnership priority, for a period (partnership.contract.PriorityEvidence).

An action counts for a priority when it contributes to it (its `priority`) or the priority itself raised it (the
priority as its source), as the tracker stood at the period's moment: how many, how many done, overdue, and with
their impact assured.
"""
from collections import defaultdict, namedtuple

from django.db import models
from django.db.models import Q

from . import contract, snapshots
from .contract import EvidenceItem, Fact, PriorityEvidence, day_words, plural, share_status
from .models import Action, Priority
from .snapshots import compiled_rows, state_at

SOURCE = "Actions"
DONE = Action.WORK_DONE
STATUS_WORDS = dict(Action.Status.choices)
# The columns the evidence reads (its facts, progress and items): not the descriptions and the rest.
FIELDS = ("id", "priority_id", "status", "due_date", "completed_at", "title")
# Without detail, the columns its progress reads, as plain rows (no model instance, title or address per action).
Light = namedtuple("Light", "pk priority_id status due_date completed_at")


def for_priorities(priorities, period, *, detail: bool = True) -> dict:
    """{priority_id: PriorityEvidence} for every priority given, in a fixed number of queries (two). Without
    `detail`, only its progress (the same rule, from the same counts)."""
    ids = tuple(p.pk for p in priorities)
    today = period.as_at_date
    raised = compiled_rows(_raised, (ids,), None)  # the links as they are now
    of_priority = defaultdict(set)
    for priority_id, action_id in raised:
        of_priority[priority_id].add(action_id)
    raised_ids = tuple(sorted({a for _, a in raised}))
    rows = (list(snapshots.only(_chosen(ids, raised_ids, period.as_at), *FIELDS)) if detail
            else [Light(*row) for row in compiled_rows(_light, (ids, raised_ids), period.as_at, Action)])
    for action in rows:
        if action.priority_id:
            of_priority[action.priority_id].add(action.pk)
    by_id = {a.pk: a for a in rows}
    result = {}
    for priority in priorities:
        mine = sorted((by_id[pk] for pk in of_priority.get(priority.pk, ()) if pk in by_id),
                      key=lambda a: (a.due_date, a.pk))
        mine = [a for a in mine if a.status != Action.Status.NOT_ACCEPTED]
        if not mine:
            result[priority.pk] = PriorityEvidence(SOURCE)
            continue
        open_ = [a for a in mine if a.status in Action.OPEN_STATUSES]
        overdue = [a for a in open_ if a.due_date < today]
        late = {a.pk for a in overdue}
        done = [a for a in mine if a.status in DONE]
        assured = [a for a in mine if a.status == Action.Status.IMPACT_ASSURED]
        # Progress: the actions done or open and on time (90% assures, 60% partly: the tracker's one rule); with
        # none done yet, at most partly.
        progress = share_status(len(mine) - len(overdue), len(mine))
        if not done and progress not in (contract.NOT_ASSURED, contract.NO_EVIDENCE):
            progress = contract.PARTLY
        if not detail:
            result[priority.pk] = PriorityEvidence(SOURCE, progress=progress)
            continue
        done_in_period = [a for a in done if a.completed_at and a.completed_at >= period.start_moment]
        facts = [Fact(contract.HOW_MUCH, f"Actions: {plural(len(mine), 'action')}, {len(done)} done "
                                         f"({len(done_in_period)} in the period)."),
                 Fact(contract.HOW_WELL, f"Actions: {len(overdue)} of {plural(len(open_), 'open action')} overdue."),
                 Fact(contract.BETTER_OFF, f"Actions: {plural(len(assured), 'action')} with impact assured.")]
        if open_:
            facts.append(Fact(contract.WHAT_NEXT, f"Actions: {plural(len(open_), 'action')} open, the next due on "
                                                  f"{day_words(min(a.due_date for a in open_))}."))
        items = tuple(EvidenceItem(f"{a.reference} {a.title}: {STATUS_WORDS.get(a.status, a.status)}"
                                   f"{', overdue' if a.pk in late else ''}", a.get_absolute_url(),
                                   contract.NOT_ASSURED if a.pk in late else "") for a in mine)
        result[priority.pk] = PriorityEvidence(SOURCE, tuple(facts), progress, items)
    return result


# Each a pure function of its arguments and the moment the actions are read at (`snapshots.compiled_rows`).
def _raised(priority_ids: tuple[int, ...], moment) -> models.QuerySet:
    """(priority, action) for each action a priority raised (as its source)."""
    return Priority.actions.through.objects.filter(priority_id__in=priority_ids).values_list("priority_id", "action_id")


def _chosen(priority_ids: tuple[int, ...], raised_ids: tuple[int, ...], moment) -> models.QuerySet:
    """The actions contributing to the priorities or raised by them, as they stood at the moment."""
    return state_at(Action, moment).filter(Q(priority_id__in=priority_ids) | Q(id__in=raised_ids))


def _light(priority_ids: tuple[int, ...], raised_ids: tuple[int, ...], moment) -> models.QuerySet:
    return _chosen(priority_ids, raised_ids, moment).order_by().values_list("id", *Light._fields[1:])
