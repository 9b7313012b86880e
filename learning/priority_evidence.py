"""What this app holds, tagged to each partnership priority, for a period (partnership.contract.PriorityEvidence).

A course belongs to a priority through its `priorities`. The evidence: sessions of those courses held in the
period and the delegates who attended (as the bookings stood at the period's moment), their confidence before and
after (uplift, as the L&D figures count it), and the follow-ups made in the period that say whether practice
changed.
"""
from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, OuterRef, Q, Subquery, Sum

from partnership import contract
from partnership.contract import EvidenceItem, Fact, PriorityEvidence, plural, share_status
from partnership.snapshots import INSTANT, compiled_rows, state_at, unchanged_since

from .figures import _bounds, bookings_at
from .models import Booking, ConfidenceRating, Course, FollowUp, Session

SOURCE = "Training"


def _uplift(pairs: int, before: int, after: int) -> Decimal | None:
    """The mean rise in confidence over `pairs` answers given before and after (their scores' sums)."""
    if not pairs:
        return None
    return (Decimal(after) - Decimal(before)) / Decimal(pairs)


def for_priorities(priorities, period, *, detail: bool = True) -> dict:
    """{priority_id: PriorityEvidence} for every priority given, in a fixed number of queries (four: the courses, the
    follow-ups, the period's sessions with their attended delegates counted, and the answers before and after; the
    last two choose the sessions and courses inside their own query). Without `detail`, only its progress (the same
    rule, from the same figures): two queries when every priority with a course has follow-ups, which judge it."""
    courses_of, courses = defaultdict(list), {}
    links = Course.priorities.through.objects.filter(priority_id__in=[p.pk for p in priorities])
    # Without detail, the courses' ids only (their titles and addresses are for the records); with it, what the
    # records say of each course (not its description and the rest).
    for link in (links.select_related("course").only("priority_id", "course__title", "course__active") if detail
                 else links.only("priority_id", "course_id")):
        courses_of[link.priority_id].append(link.course_id)
        courses[link.course_id] = link.course if detail else link.course_id
    follow = _follow_ups(list(courses), period)
    # Without detail, a priority whose courses were followed up is judged by the follow-ups alone (the rule below):
    # the sessions and the answers before and after are read only for the courses of the others.
    delivered = courses if detail else {c for ids in courses_of.values() if not sum(follow[c][0] for c in ids)
                                        for c in ids}
    held, attended, pairs = _delivery(list(delivered), period)
    result = {}
    for priority in priorities:
        ids = [c for c in sorted(courses_of.get(priority.pk, ())) if c in courses]
        if not ids:
            result[priority.pk] = PriorityEvidence(SOURCE)
            continue
        n_sessions = sum(len(held[c]) for c in ids)
        n_attended = sum(attended[c] for c in ids)
        all_pairs = [sum(pairs[c][i] for c in ids) for i in range(3)]
        uplift = _uplift(*all_pairs)
        followed, changed = sum(follow[c][0] for c in ids), sum(follow[c][1] for c in ids)
        # Progress: practice changed (the L&D rule: 70% assures, 40% partly); before any follow-up, a rise in
        # confidence shows some progress, and delegates trained without either show only that training happened.
        if followed:
            progress = share_status(changed, followed, assured_from=0.7, partly_from=0.4)
        elif uplift is not None:
            progress = contract.PARTLY if uplift > 0 else contract.NOT_ASSURED
        else:
            progress = contract.PARTLY if n_attended else contract.NO_EVIDENCE
        if not detail:
            result[priority.pk] = PriorityEvidence(SOURCE, progress=progress)
            continue
        mine = [courses[c] for c in ids]
        facts = [Fact(contract.HOW_MUCH,
                      f"Training: {plural(len(mine), 'course')} for this priority; "
                      f"{plural(n_sessions, 'session')} delivered in the period to "
                      f"{plural(n_attended, 'delegate')}.")]
        if uplift is not None:
            facts.append(Fact(contract.HOW_WELL,
                              f"Training: confidence rose by {uplift:.1f} out of 10 "
                              f"({plural(all_pairs[0], 'answer')} before and after)."))
        if followed:
            facts.append(Fact(contract.BETTER_OFF,
                              f"Training: {changed} of {plural(followed, 'delegate')} followed up had "
                              f"changed their practice."))
        items = []
        for c in mine:
            bits = [plural(len(held[c.pk]), "session"), f"{attended[c.pk]} attended"]
            course_uplift = _uplift(*pairs[c.pk])
            if course_uplift is not None:
                bits.append(f"confidence {'+' if course_uplift >= 0 else ''}{course_uplift:.1f}")
            if follow[c.pk][0]:
                bits.append(f"{follow[c.pk][1]} of {follow[c.pk][0]} changed practice")
            status = (share_status(follow[c.pk][1], follow[c.pk][0], assured_from=0.7, partly_from=0.4)
                      if follow[c.pk][0] else contract.ASSURED if course_uplift and course_uplift > 0 else "")
            url = c.get_absolute_url() if c.active else ""  # a withdrawn course's page is for managers only
            items.append(EvidenceItem(f"{c.title}: {', '.join(bits)}", url, status))
        result[priority.pk] = PriorityEvidence(SOURCE, tuple(facts), progress, tuple(items))
    return result


def _follow_ups(course_ids, period) -> dict:
    """course -> [delegates followed up in the period, those who had changed their practice]: one query, compiled
    once per process for the courses and the period's first moment (its last, "now" for a period under way, bound
    at each call: `snapshots.compiled_rows`)."""
    follow = defaultdict(lambda: [0, 0])
    if not course_ids:
        return follow
    for course_id, total, changed in compiled_rows(_followed_up, (tuple(sorted(course_ids)), period.start_moment,
                                                                  INSTANT), None, instant=period.as_at):
        follow[course_id] = [total, changed]
    return follow


def _followed_up(course_ids: tuple, start, end, moment):
    """The follow-ups of the courses' delegates submitted from `start` to `end`, counted by course: the follow-ups as
    they are (a follow-up is dated when it is submitted, never edited after), so `moment` does not change them."""
    return (FollowUp.objects.filter(booking__session__course_id__in=course_ids, submitted_at__gte=start,
                                    submitted_at__lte=end)
            .values_list("booking__session__course_id")
            .annotate(total=Count("pk"), changed=Count("pk", filter=Q(practice_changed=True))).order_by())


def _delivery(course_ids, period) -> tuple[dict, dict, dict]:
    """The courses' sessions held in the period: ({course: {session ids}}, {course: delegates who attended},
    {course: [answers before and after, their sums before, after]}), as they stood at the period's moment. Two
    queries (none without courses): the sessions with their attended delegates counted, and the answers before and
    after (the sessions chosen inside their query)."""
    at = period.as_at
    held, attended = defaultdict(set), defaultdict(int)
    pairs = defaultdict(lambda: [0, 0, 0])
    if not course_ids:
        return held, attended, pairs
    lo, hi = _bounds(period.start, period.end)
    sessions = state_at(Session, at).filter(course_id__in=course_ids, starts_at__gte=lo, starts_at__lt=hi,
                                            status=Session.Status.SCHEDULED)
    # With no booking changed since the moment (a period still under way), the live rows are its state: the
    # same rows without a history subquery per booking (the rule of `state_at`).
    booked = bookings_at(Booking.objects.filter(session_id=OuterRef("id")),
                         None if unchanged_since(Booking, at) else at)
    came = (booked.filter(attendance_at=Booking.Attendance.ATTENDED).values("session_id").order_by()
            .annotate(n=Count("pk")).values("n"))
    # Each session's course as it stood, with its delegates who attended counted in the same query.
    course_of = {}
    for session_id, course_id, n in sessions.annotate(n=Subquery(came)).order_by().values_list(
            "id", "course_id", "n"):
        course_of[session_id] = course_id
        if n:
            held[course_id].add(session_id)
            attended[course_id] += n
    # Each answer after the course (its evaluation submitted by the moment) with the same delegate's answer
    # before it for the same outcome: counted and summed by the database, a row per session (the sessions
    # chosen in the query).
    ratings, stage = ConfidenceRating.objects, ConfidenceRating.Stage
    before = ratings.filter(booking_id=OuterRef("booking_id"), outcome_id=OuterRef("outcome_id"),
                            stage=stage.PRE).values("score")[:1]
    after = ratings.filter(booking__session_id__in=sessions.values("id"), stage=stage.POST,
                           booking__evaluation__submitted_at__lte=at)
    for session_id, n, before_sum, after_sum in (
            after.annotate(before=Subquery(before)).filter(before__isnull=False).values_list("booking__session_id")
            .annotate(n=Count("pk"), before_sum=Sum("before"), after_sum=Sum("score")).order_by()):
        totals = pairs[course_of[session_id]]
        totals[0] += n
        totals[1] += before_sum
        totals[2] += after_sum
    return held, attended, pairs
