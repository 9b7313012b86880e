"""L&D figures: how much (sessions, places, attendance), how well (reaction, confidence uplift) and is
anyone better off (practice change at follow-up). Each function costs a fixed number of queries.

Confidence uplift = mean post-course rating minus mean pre-course rating, over the delegates who
answered both for that outcome (a delegate who answered only one side is left out of that outcome).
"""
import datetime
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import Count, Exists, F, OuterRef, Q, Subquery, Sum
from django.utils import timezone

from partnership.models import Agency, Sector
from partnership.snapshots import state_at

from .models import Booking, BriefingUse, ConfidenceRating, FollowUp, LearningOutcome, Session, SessionTrainer


def _bounds(start: datetime.date, end: datetime.date):
    tz = timezone.get_current_timezone()
    lo = datetime.datetime.combine(start, datetime.time(), tzinfo=tz)
    hi = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time(), tzinfo=tz)
    return lo, hi


def _pct(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


def uplift(bookings, *, at: datetime.datetime | None = None) -> dict:
    """Uplift per outcome and overall for these bookings (a queryset). Two queries.

    At a moment: the ratings given by then (after the course, with the evaluation submitted by then)."""
    ratings = ConfidenceRating.objects.filter(booking__in=bookings)
    if at is not None:
        ratings = ratings.filter(Q(stage=ConfidenceRating.Stage.PRE) | Q(booking__evaluation__submitted_at__lte=at),
                                 booking__session__starts_at__lte=at)
    rows = ratings.values_list("booking_id", "outcome_id", "stage",
                                                                           "score")
    pairs: dict[tuple[int, int], dict[str, int]] = defaultdict(dict)
    for booking_id, outcome_id, stage, score in rows:
        pairs[(booking_id, outcome_id)][stage] = score
    per_outcome: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for (_, outcome_id), scores in pairs.items():
        if "pre" in scores and "post" in scores:
            per_outcome[outcome_id].append((scores["pre"], scores["post"]))
    outcomes = {o.pk: o for o in LearningOutcome.objects.filter(pk__in=list(per_outcome)).select_related("course")}
    result = []
    all_pre, all_post = [], []
    for outcome_id, values in per_outcome.items():
        pre = [v[0] for v in values]
        post = [v[1] for v in values]
        all_pre += pre
        all_post += post
        result.append({"outcome": outcomes[outcome_id], "n": len(values), "pre": _round(_mean(pre)),
                       "post": _round(_mean(post)), "uplift": _round(_mean(post) - _mean(pre))})
    result.sort(key=lambda r: (r["outcome"].course.title, r["outcome"].order, r["outcome"].pk))
    overall = _round(_mean(all_post) - _mean(all_pre)) if all_pre else None
    return {"outcomes": result, "overall": overall, "pairs": len(all_pre),
            "pre": _round(_mean(all_pre)) if all_pre else None, "post": _round(_mean(all_post)) if all_post else None}


def _mean(values) -> Decimal:
    return Decimal(sum(values)) / Decimal(len(values))


def _round(value: Decimal) -> Decimal:
    """One decimal place, from the exact difference of the exact means (never from rounded means)."""
    return value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def response_rates(bookings, *, at: datetime.datetime | None = None) -> dict:
    """Of confirmed delegates: answered before; of attended: answered after; of those due: followed up.

    `bookings` come from `bookings_at` (their status and attendance as they stood at `at`)."""
    bookings = bookings_at(bookings, at)
    evaluated = Q(evaluation__isnull=False) if at is None else Q(evaluation__submitted_at__lte=at)
    followed = Q(follow_up__isnull=False) if at is None else Q(follow_up__submitted_at__lte=at)
    confirmed, attended = Q(status_at=Booking.Status.CONFIRMED), Q(attendance_at=Booking.Attendance.ATTENDED)
    agg = bookings.aggregate(
        confirmed=Count("pk", filter=confirmed, distinct=True),
        pre=Count("pk", filter=confirmed & Q(ratings__stage="pre"), distinct=True),
        attended=Count("pk", filter=attended, distinct=True),
        post=Count("pk", filter=attended & evaluated, distinct=True),
        invited=Count("pk", filter=Q(reminders__stage="follow-up"), distinct=True),
        followed=Count("pk", filter=followed, distinct=True),
    )
    return {**agg, "pre_pct": _pct(agg["pre"], agg["confirmed"]), "post_pct": _pct(agg["post"], agg["attended"]),
            "follow_pct": _pct(agg["followed"], max(agg["invited"], agg["followed"]))}


def bookings_at(bookings, at: datetime.datetime | None):
    """The bookings that existed at `at`, each annotated with `status_at` and `attendance_at` as they stood then
    (from the booking's history; now when `at` is None). One subquery, so every figure stays one query."""
    if getattr(bookings, "_bookings_at", False):
        return bookings
    if at is None:
        result = bookings.annotate(status_at=F("status"), attendance_at=F("attendance"))
    else:
        then = Booking.history.filter(id=OuterRef("pk"), history_date__lte=at).order_by("-history_date",
                                                                                           "-history_id")
        result = bookings.filter(Exists(then)).annotate(status_at=Subquery(then.values("status")[:1]),
                                                         attendance_at=Subquery(then.values("attendance")[:1]))
    result._bookings_at = True
    return result


def practice_change(bookings, recent: int = 5, *, at: datetime.datetime | None = None) -> dict:
    qs = FollowUp.objects.filter(booking__in=bookings)
    if at is not None:
        qs = qs.filter(submitted_at__lte=at)
    agg = qs.aggregate(total=Count("pk"), changed=Count("pk", filter=Q(practice_changed=True)),
                       with_manager=Count("pk", filter=Q(manager_involved=True)))
    examples = list(qs.filter(practice_changed=True).select_related("booking__session__course", "booking__agency")
                    .order_by("-submitted_at")[:recent])
    return {**agg, "changed_pct": _pct(agg["changed"], agg["total"]), "examples": examples}


def no_show_charges(*, start: datetime.date, end: datetime.date, agency_id: int | None = None) -> list[dict]:
    """No-shows per agency and course duration, and what they cost (settings.LEARNING_NO_SHOW_CHARGES)."""
    lo, hi = _bounds(start, end)
    qs = Booking.objects.filter(attendance=Booking.Attendance.NO_SHOW, session__starts_at__gte=lo,
                                session__starts_at__lt=hi)
    if agency_id is not None:
        qs = qs.filter(agency_id=agency_id)
    rows = (qs.values("agency_id", "agency__name", "other_agency_name", "session__course__duration")
            .annotate(n=Count("pk")).order_by("agency__name", "other_agency_name"))
    prices = settings.LEARNING_NO_SHOW_CHARGES
    by_agency: dict[str, dict] = {}
    for row in rows:
        name = row["agency__name"] or row["other_agency_name"] or "Unknown"
        entry = by_agency.setdefault(name, {"agency": name, "half_day": 0, "full_day": 0, "other": 0, "total": 0})
        duration = row["session__course__duration"]
        entry[duration] += row["n"]
        entry["total"] += row["n"] * prices.get(duration, 0)
    return sorted(by_agency.values(), key=lambda e: e["agency"])


def by_agency_and_sector(bookings, *, at: datetime.datetime | None = None) -> tuple[list[dict], list[dict]]:
    bookings = bookings_at(bookings, at)
    rows = (bookings.exclude(status_at=Booking.Status.WAITING).values("agency_id", "agency__name", "agency__sector")
            .annotate(booked=Count("pk", filter=Q(status_at=Booking.Status.CONFIRMED) | ~Q(attendance_at="")),
                      attended=Count("pk", filter=Q(attendance_at=Booking.Attendance.ATTENDED)),
                      no_show=Count("pk", filter=Q(attendance_at=Booking.Attendance.NO_SHOW)),
                      late=Count("pk", filter=Q(attendance_at=Booking.Attendance.LATE_CANCELLATION))))
    agencies, sectors = [], {}
    labels = dict(Sector.choices)
    for row in rows:
        name = row["agency__name"] or "Other organisations"
        marked = row["attended"] + row["no_show"] + row["late"]
        agencies.append({"agency": name, **{k: row[k] for k in ("booked", "attended", "no_show", "late")},
                         "attendance_pct": _pct(row["attended"], marked), "no_show_pct": _pct(row["no_show"], marked)})
        sector = labels.get(row["agency__sector"], "Other")
        s = sectors.setdefault(sector, {"sector": sector, "booked": 0, "attended": 0, "no_show": 0, "late": 0})
        for k in ("booked", "attended", "no_show", "late"):
            s[k] += row[k]
    for s in sectors.values():
        marked = s["attended"] + s["no_show"] + s["late"]
        s["attendance_pct"], s["no_show_pct"] = _pct(s["attended"], marked), _pct(s["no_show"], marked)
    agencies.sort(key=lambda r: r["agency"])
    return agencies, sorted(sectors.values(), key=lambda r: r["sector"])


def period_figures(*, start: datetime.date, end: datetime.date, at: datetime.datetime | None = None) -> dict:
    """Every L&D figure for sessions that started in [start, end]: now, or as the records stood at `at`."""
    lo, hi = _bounds(start, end)
    scheduled = state_at(Session, at).filter(starts_at__gte=lo, starts_at__lt=hi, status=Session.Status.SCHEDULED)
    places = scheduled.aggregate(n=Count("id"), offered=Sum("capacity"))
    sessions = Session.objects.filter(pk__in=scheduled.values("id"))
    bookings = bookings_at(Booking.objects.filter(session__in=sessions), at)
    # Delivered: someone was marked as attending (read from the records, not from today's date).
    delivered = bookings.filter(attendance_at=Booking.Attendance.ATTENDED).values("session_id").distinct().count()
    filled = bookings.filter(Q(status_at=Booking.Status.CONFIRMED)
                             | Q(attendance_at__in=["attended", "no_show"])).count()
    waiting = bookings.filter(status_at=Booking.Status.WAITING).count()
    agencies, sectors = by_agency_and_sector(bookings, at=at)
    trainers = (SessionTrainer.objects.filter(session__in=sessions, agency__isnull=False)
                .values("agency__name").annotate(days=Sum("days")).order_by("-days", "agency__name"))
    uses = state_at(BriefingUse, at).filter(used_on__gte=start, used_on__lte=end).aggregate(
        uses=Count("id"), attendees=Sum("attendees"), agencies=Count("agency", distinct=True))
    return {
        "start": start, "end": end,
        "sessions": places["n"], "delivered": delivered, "places_offered": places["offered"] or 0,
        "places_filled": filled, "fill_pct": _pct(filled, places["offered"] or 0), "waiting": waiting,
        "agencies": agencies, "sectors": sectors, "rates": response_rates(bookings, at=at),
        "uplift": uplift(bookings, at=at), "practice": practice_change(bookings, at=at),
        "trainer_days": list(trainers),
        "briefing_uses": uses["uses"], "briefing_attendees": uses["attendees"] or 0,
        "briefing_agencies": uses["agencies"],
        "has_data": bool(places["n"] or uses["uses"]),
    }


def agency_choices():
    return Agency.objects.active().order_by("name")
