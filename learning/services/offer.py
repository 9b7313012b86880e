"""The training offer and briefings: courses, sessions, trainers, briefings and their use."""
from django.db import transaction
from django.utils import timezone

from partnership.history import save_versioned
from partnership.services.errors import ServiceError

from ..models import Booking, BookingToken, Briefing, BriefingUse, Course, LearningOutcome, Session, SessionTrainer


def _save(model, instance, *, by, expected_version: int | None, values: dict):
    """Save a record from its fields' values (its many-to-many choices set after): a new one (`instance` None) as
    usual; an existing one only if nobody saved it meanwhile (`expected_version`; none counts as stale)."""
    editable = {f.name for f in model._meta.get_fields() if getattr(f, "editable", False) and not f.auto_created}
    unknown = (set(values) - editable) | (set(values) & {"version", model._meta.pk.name})
    if unknown:
        raise ValueError(f"not {model.__name__} fields a person may set: {sorted(unknown)}")
    many = {f.name for f in model._meta.many_to_many}
    chosen = {name: values[name] for name in values if name in many}
    fields = {name: value for name, value in values.items() if name not in many}
    if instance is None:
        instance = model(**fields)
        instance._change_reason = f"created by {by}"
        instance.save()
    else:
        for name, value in fields.items():
            setattr(instance, name, value)
        save_versioned(instance, expected_version=-1 if expected_version is None else expected_version,
                       fields=list(fields), by=by)
    for name, value in chosen.items():
        getattr(instance, name).set(value)
    return instance


@transaction.atomic
def course_save(*, course: Course | None, by, expected_version: int | None = None, outcomes: list[str],
                **values) -> Course:
    """Save a course (a new one when `course` is None) and replace its outcomes, keeping the rows (and their
    ratings) of unchanged lines."""
    lines = [line.strip() for line in outcomes if line.strip()]
    if not lines:
        raise ServiceError("Enter at least one learning outcome", field="outcomes_text")
    course = _save(Course, course, by=by, expected_version=expected_version, values=values)
    existing = {o.text: o for o in course.outcomes.all()}
    keep = []
    for order, text in enumerate(lines):
        outcome = existing.get(text) or LearningOutcome(course=course, text=text)
        outcome.order = order
        outcome.save()
        keep.append(outcome.pk)
    course.outcomes.exclude(pk__in=keep).filter(ratings__isnull=True).delete()
    if course.outcomes.exclude(pk__in=keep).exists():
        raise ServiceError("An outcome delegates have already rated cannot be removed: reword it instead",
                           field="outcomes_text")
    return course


# What delegates are told about when it changes (the Session field, and its words in the email).
TOLD_CHANGES = (("starts_at", "the date or start time"), ("ends_at", "the end time"), ("venue", "the place"),
                ("online_link", "the joining link"))


def session_people(session: Session):
    """Everyone a change of the session is told to: booked (or awaiting approval) and on the waiting list."""
    return session.bookings.filter(status__in=Booking.ACTIVE).order_by("pk")


def session_told_counts(session: Session) -> dict[str, int]:
    people = list(session_people(session).values_list("status", flat=True))
    waiting = sum(1 for status in people if status == Booking.Status.WAITING)
    return {"total": len(people), "booked": len(people) - waiting, "waiting": waiting}


def session_changes(*, session: Session | None, **values) -> list[str]:
    """What saving `values` (the session's fields, `starts_at` and `ends_at` among them) would change that
    delegates must be told about (nothing for a new session)."""
    if session is None or not session.pk:
        return []
    before = Session.objects.get(pk=session.pk)

    def same(a, b) -> bool:
        if isinstance(a, str) or isinstance(b, str):
            return (a or "").replace("\r\n", "\n").strip() == (b or "").replace("\r\n", "\n").strip()
        return a == b

    changed = [words for field, words in TOLD_CHANGES if field != "ends_at" and field in values  # a box not shown
               and not same(values.get(field), getattr(before, field))]
    if values["ends_at"] - values["starts_at"] != before.ends_at - before.starts_at:  # not merely moved with the date
        changed.insert(1 if changed and changed[0] == TOLD_CHANGES[0][1] else 0, TOLD_CHANGES[1][1])
    return changed


@transaction.atomic
def session_save(*, session: Session | None, by, expected_version: int | None = None, starts_at, ends_at,
                 **values) -> Session:
    """Save a session (a new one when `session` is None). A start in the past is refused (for a new session, or
    a moved one). When the date, time, place or joining link of a session with people booked changes, each of
    them is emailed at once, with a link to their booking (never the joining instructions' text)."""
    from .bookings import _lock_session, _promote

    values = {**values, "starts_at": starts_at, "ends_at": ends_at}
    changes = session_changes(session=session, **values)
    moved = session is None or "the date or start time" in changes
    if moved and starts_at < timezone.now():
        raise ServiceError("The session cannot start in the past: enter a date from today on", field="day")
    if session is not None:
        _lock_session(session.pk)
        taken = session.bookings.filter(status__in=Booking.HOLDS_PLACE).count()
        if values.get("capacity", session.capacity) < taken:
            raise ServiceError(f"{taken} places are already booked: the capacity cannot be lower",
                               field="capacity")
    session = _save(Session, session, by=by, expected_version=expected_version, values=values)
    session = Session.objects.select_related("course").get(pk=session.pk)
    if changes:
        _tell_of_change(session, changes)
    _promote(session)  # more places: the waiting list moves up
    return session


def _tell_of_change(session: Session, changes: list[str]) -> int:
    from .bookings import _send, issue_token, link

    told = 0
    for booking in session_people(session).select_related("session__course"):
        _send(booking, "session_changed", f"Your training session has changed: {session.course.title}",
              {"changes": changes, "manage_url": link("booking", issue_token(booking, BookingToken.Purpose.MANAGE))},
              key=f"learning:session-changed:{booking.pk}:{session.version}")
        told += 1
    return told


@transaction.atomic
def session_cancel(*, session: Session, by) -> Session:
    from .bookings import cancel_by_coordinator

    session = Session.objects.select_for_update().get(pk=session.pk)
    if session.is_cancelled:
        raise ServiceError("This session is already cancelled.")
    session.status = Session.Status.CANCELLED
    session._change_reason = f"cancelled by {by}"
    session.save(update_fields=["status", "updated_at"])
    for booking_id in session.bookings.filter(status__in=Booking.ACTIVE).values_list(
            "pk", flat=True):
        cancel_by_coordinator(booking_id=booking_id, by=by)
    return session


@transaction.atomic
def trainer_add(*, session: Session, name: str, agency, days, user=None) -> SessionTrainer:
    return SessionTrainer.objects.create(session=session, name=name.strip(), agency=agency, days=days, user=user)


@transaction.atomic
def briefing_save(*, briefing: Briefing | None, by, expected_version: int | None = None, **values) -> Briefing:
    """Save a briefing (a new one when `briefing` is None)."""
    return _save(Briefing, briefing, by=by, expected_version=expected_version, values=values)


@transaction.atomic
def briefing_publish(*, briefing: Briefing, by) -> Briefing:
    briefing = Briefing.objects.select_for_update().get(pk=briefing.pk)
    if briefing.is_published:
        raise ServiceError("This briefing is already published.")
    briefing.status = Briefing.Status.PUBLISHED
    briefing.published_on = timezone.localdate()
    briefing._change_reason = f"published by {by}"
    briefing.save(update_fields=["status", "published_on", "updated_at"])
    return briefing


@transaction.atomic
def briefing_use_log(*, briefing: Briefing, by, agency, team: str, used_on, attendees: int, reflections: str = "",
                     actions: str = "") -> BriefingUse:
    if not briefing.is_published:
        raise ServiceError("Only a published briefing can be logged as used.")
    return BriefingUse.objects.create(briefing=briefing, logged_by=by, agency=agency, team=team, used_on=used_on,
                                      attendees=attendees, reflections=reflections, actions=actions)
