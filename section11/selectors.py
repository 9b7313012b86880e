"""Section 11's reads: what its return, moderation and cycle pages, its dashboard panel and the digest show, each
named once with the select_related/prefetch its readers need (docs/architecture.md, "Where reads live")."""
from django.db.models import Count, Prefetch, Q

from partnership.compiled import compiled_list
from partnership.models import Action
from partnership.request_memo import once_per_request

from . import access
from .models import (
    Answer,
    ChallengeSession,
    Cycle,
    Evidence,
    RatingLevel,
    Return,
    Standard,
    StandardProgress,
    answered_q,
    to_check_q,
)


def rating_levels(framework) -> list[RatingLevel]:
    """The levels of `framework`'s rating scale, lowest first."""
    return list(RatingLevel.objects.filter(scale_id=framework.scale_id).order_by("order"))


def standards_progress(ret: Return) -> list[StandardProgress]:
    """Each standard with its answered, to-check and total counts, for the task list. Two queries."""
    counts = {
        row.pop("criterion__standard_id"): row
        for row in ret.answers.values("criterion__standard_id").annotate(
            total=Count("pk"),
            answered=Count("pk", filter=answered_q()),
            to_check=Count("pk", filter=to_check_q()),
            started=Count("pk", filter=~Q(status=Answer.Status.TO_DO)),
        )
    }
    return [StandardProgress(standard, **counts.get(standard.pk, {}))
            for standard in ret.cycle.framework.standards.order_by("number")]


def return_with_framework(pk) -> Return:
    return Return.objects.select_related("cycle__framework").get(pk=pk)


def framework_standards(framework_id):
    return Standard.objects.filter(framework_id=framework_id)


def evidence_in_order():
    """Evidence files as an answer lists them: in the order they were uploaded."""
    return Evidence.objects.order_by("uploaded_at", "pk")


def standard_answers(ret: Return, standard: Standard):
    """`ret`'s answers on `standard`, in criterion order, with their rating, evidence and improvement actions."""
    return (
        ret.answers.filter(criterion__standard=standard)
        .select_related("criterion", "rating", "moderated_rating", "updated_by")
        .prefetch_related(
            Prefetch("evidence", queryset=evidence_in_order()),
            Prefetch("actions", queryset=Action.objects.select_related("owner").order_by("due_date")),
        )
        .order_by("criterion__order")
    )


def evidence_among(pk: int, answers):
    """The evidence file `pk` if it is on one of `answers`, else None."""
    return Evidence.objects.filter(pk=pk, answer__in=[a.pk for a in answers]).first()


def last_challenge_session(cycle_id):
    """The challenge session recorded last in the cycle (its panel is usually the next one's)."""
    return ChallengeSession.objects.filter(ret__cycle_id=cycle_id).order_by("-held_on", "-pk").first()


def challenge_sessions_visible(user):
    """The challenge sessions on returns `user` may see, with the return's agency."""
    return (ChallengeSession.objects.filter(ret__in=access.visible_returns(user).values("pk"))
            .select_related("ret__agency"))


def cycles_listed():
    return Cycle.objects.select_related("framework").order_by("-opens_on", "-pk")


def cycle_for_page():
    return Cycle.objects.select_related("framework", "previous", "launched_by")


def cycles_open_with_counts() -> list[Cycle]:
    """The open cycles, soonest deadline first, each with its returns in all (`total`), finished (`done`), awaiting
    moderation and not in (`late` once the deadline has passed: `Return.NOT_IN`). One query, read once per page: the
    business unit's home page shows the cycles and counts the late ones for the next meeting's agenda
    (`section11.agenda`)."""
    return once_per_request("section11.cycles_open_with_counts", lambda: compiled_list(_cycles_open_with_counts))


def _cycles_open_with_counts():
    return Cycle.objects.filter(status=Cycle.Status.OPEN).annotate(
        total=Count("returns"),
        done=Count("returns", filter=Q(returns__status__in=Return.FINISHED)),
        awaiting_moderation=Count("returns", filter=Q(returns__status=Return.Status.SUBMITTED)),
        not_in=Count("returns", filter=Q(returns__status__in=Return.NOT_IN)),
    ).order_by("deadline")


def returns_to_sign_off(person):
    """The returns submitted and waiting for `person`'s sign-off as their senior officer, with their cycle and
    agency (the dashboard panel and the digest)."""
    return (Return.objects.filter(senior_officer=person, status=Return.Status.SUBMITTED)
            .select_related("cycle", "agency"))


def returns_to_finish(agency_id):
    """An agency's returns still being written in open cycles, soonest deadline first (the digest)."""
    return (Return.objects.filter(agency_id=agency_id, cycle__status=Cycle.Status.OPEN, status__in=Return.EDITABLE)
            .select_related("cycle").order_by("cycle__deadline"))


def cycle_completion(cycle_ids) -> dict[int, dict]:
    """Per cycle: returns, submitted (or signed off) returns, and answered/total criteria. Two queries."""
    ids = list(cycle_ids)
    result = {pk: {"returns": 0, "submitted": 0, "answered": 0, "criteria": 0} for pk in ids}
    done = Return.FINISHED
    for row in (Return.objects.filter(cycle_id__in=ids).values("cycle_id")
                .annotate(n=Count("pk"), submitted=Count("pk", filter=Q(status__in=done))).order_by()):
        result[row["cycle_id"]].update(returns=row["n"], submitted=row["submitted"])
    answered = answered_q()
    for row in (Answer.objects.filter(ret__cycle_id__in=ids).values("ret__cycle_id")
                .annotate(n=Count("pk"), answered=Count("pk", filter=answered)).order_by()):
        result[row["ret__cycle_id"]].update(criteria=row["n"], answered=row["answered"])
    return result
