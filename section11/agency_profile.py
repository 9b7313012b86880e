"""This app's lines of each agency's accountability profile (partnership.contract.AgencyFact): its Section 11
(or schools' s175/s157) return in each of its last three cycles, as the return stood at the period's moment, with
how a return made was rated (the moderated rating where there is one, else the agency's own). Three queries."""
from django.db.models import Count
from django.utils import timezone

from partnership.contract import ASSURED, NO_EVIDENCE, NOT_ASSURED, PARTLY, AgencyFact, day_words
from partnership.profile_facts import by_agency
from partnership.snapshots import state_at

from . import access
from .models import Answer, Cycle, RatingLevel, Return

HEADING = "Section 11"
DONE = Return.FINISHED  # ratings are quoted once the agency has made its return
CYCLES_SHOWN = 3


def facts(agencies, period, user) -> dict:
    """{agency_id: [AgencyFact, ...]} for every agency given, in a fixed number of queries."""
    ids, found = by_agency(agencies)
    day = period.as_at_date
    returns = sorted(state_at(Return, period.as_at).filter(agency_id__in=ids, cycle__opens_on__lte=day)
                     .exclude(cycle__status=Cycle.Status.DRAFT).select_related("cycle"),
                     key=lambda r: r.cycle.opens_on, reverse=True)
    shown = {}
    for ret in returns:
        theirs = shown.setdefault(ret.agency_id, [])
        if len(theirs) < CYCLES_SHOWN:
            theirs.append(ret)
    kept = [r for rows in shown.values() for r in rows]
    ratings = _ratings([r.pk for r in kept if r.status in DONE], period.as_at)
    for ret in kept:
        url = ret.get_absolute_url() if access.is_oversight(user) or access.is_agency_editor(user, ret) else ""
        found[ret.agency_id].append(_fact(ret, ret.cycle, day, ratings.get(ret.pk, ""), url))
    for pk in ids:
        if not found[pk]:
            found[pk].append(AgencyFact(HEADING, "Self-assessment", "Not asked for a return in any cycle yet",
                                        NO_EVIDENCE))
    return found


def _ratings(return_ids: list[int], at) -> dict[int, str]:
    """ "12 Fully met, 3 Partly met" per return: the moderated rating where there is one. Two queries."""
    if not return_ids:
        return {}
    rows = (state_at(Answer, at).filter(ret_id__in=return_ids, not_applicable=False).order_by()
            .values("ret_id", "rating_id", "moderated_rating_id").annotate(n=Count("pk")))
    counts: dict[int, dict[int, int]] = {}
    for row in rows:
        level = row["moderated_rating_id"] or row["rating_id"]
        if level:
            per = counts.setdefault(row["ret_id"], {})
            per[level] = per.get(level, 0) + row["n"]
    levels = RatingLevel.objects.in_bulk({level for per in counts.values() for level in per})
    return {ret_id: ", ".join(f"{n} {levels[level].label}" for level, n in
                              sorted(per.items(), key=lambda item: (-levels[item[0]].score, levels[item[0]].order)))
            for ret_id, per in counts.items()}


def _fact(ret: Return, cycle: Cycle, day, ratings: str, url: str) -> AgencyFact:
    deadline = cycle.deadline
    if ret.status in DONE:
        submitted = timezone.localtime(ret.submitted_at).date() if ret.submitted_at else None
        late = submitted is not None and submitted > deadline
        value = f"{Return.Status(ret.status).label} ({'late' if late else 'on time'}, due {day_words(deadline)})"
        status = PARTLY if late else ASSURED
    elif day > deadline:
        value = f"{Return.Status(ret.status).label}: overdue since {day_words(deadline)}"
        status = NOT_ASSURED
    else:
        value = f"{Return.Status(ret.status).label}, due {day_words(deadline)}"
        status = NO_EVIDENCE
    if ratings:
        value += f". Ratings: {ratings}"
    return AgencyFact(HEADING, cycle.name, value, status, url)
