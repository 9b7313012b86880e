"""The training offer and briefings: courses, sessions, trainers, briefings and their use."""
from django.db import transaction
from django.utils import timezone

from partnership.history import save_versioned
from partnership.services.errors import ServiceError

from ..models import Booking, BookingToken, Briefing, BriefingUse, Course, LearningOutcome, Session, SessionTrainer


def _save(form, by, *, extra: tuple[str, ...] = ()):
    """Save a model form: a new record as usual; an existing one only if nobody saved it meanwhile."""
    instance = form.save(commit=False)
    if instance.pk is None:
        instance._change_reason = f"created by {by}"
        instance.save()
    else:
        m2m = {f.name for f in instance._meta.many_to_many}
        fields = [name for name in form._meta.fields if name not in m2m and name in form.fields] + list(extra)
        expected = form.cleaned_data.get("version")
        save_versioned(instance, expected_version=expected if expected is not None else -1, fields=fields, by=by)
    form.save_m2m()
    return instance


@transaction.atomic
def course_save(*, form, by) -> Course:
    """Save a course form and replace its outcomes, keeping the rows (and their ratings) of unchanged lines."""
    lines = form.outcome_lines()
    if not lines:
        raise ServiceError("Enter at least one learning outcome", field="outcomes_text")
    course = _save(form, by)
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


def session_changes(form) -> list[str]:
    """What a valid session form changes that delegates must be told about (nothing for a new session)."""
    if not form.instance.pk:
        return []
    before = Session.objects.get(pk=form.instance.pk)
    data = {**form.cleaned_data}
    def same(a, b) -> bool:
        if isinstance(a, str) or isinstance(b, str):
            return (a or "").replace("\r\n", "\n").strip() == (b or "").replace("\r\n", "\n").strip()
        return a == b

    changed = [words for field, words in TOLD_CHANGES if field != "ends_at" and field in data  # a box not shown
               and not same(data.get(field), getattr(before, field))]
    if data["ends_at"] - data["starts_at"] != before.ends_at - before.starts_at:  # not merely moved with the date
        changed.insert(1 if changed and changed[0] == TOLD_CHANGES[0][1] else 0, TOLD_CHANGES[1][1])
    return changed


@transaction.atomic
def session_save(*, form, by) -> Session:
    """Save a session. A start in the past is refused (for a new session, or a moved one). When the date, time,
    place or joining link of a session with people booked changes, each of them is emailed at once, with a link
    to their booking (never the joining instructions' text)."""
    from .bookings import _lock_session, _promote

    changes = session_changes(form)
    starts_at = form.cleaned_data["starts_at"]
    moved = not form.instance.pk or "the date or start time" in changes
    if moved and starts_at < timezone.now():
        raise ServiceError("The session cannot start in the past: enter a date from today on", field="day")
    form.instance.starts_at = starts_at
    form.instance.ends_at = form.cleaned_data["ends_at"]
    if form.instance.pk:
        _lock_session(form.instance.pk)
        taken = form.instance.bookings.filter(status__in=("requested", "confirmed")).count()
        if form.instance.capacity < taken:
            raise ServiceError(f"{taken} places are already booked: the capacity cannot be lower",
                               field="capacity")
    session = _save(form, by, extra=("starts_at", "ends_at"))
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
    if session.status == Session.Status.CANCELLED:
        raise ServiceError("This session is already cancelled.")
    session.status = Session.Status.CANCELLED
    session._change_reason = f"cancelled by {by}"
    session.save(update_fields=["status", "updated_at"])
    for booking_id in session.bookings.filter(status__in=("requested", "confirmed", "waiting")).values_list(
            "pk", flat=True):
        cancel_by_coordinator(booking_id=booking_id, by=by)
    return session


@transaction.atomic
def trainer_add(*, session: Session, name: str, agency, days, user=None) -> SessionTrainer:
    return SessionTrainer.objects.create(session=session, name=name.strip(), agency=agency, days=days, user=user)


@transaction.atomic
def briefing_save(*, form, by) -> Briefing:
    return _save(form, by)


@transaction.atomic
def briefing_publish(*, briefing: Briefing, by) -> Briefing:
    briefing = Briefing.objects.select_for_update().get(pk=briefing.pk)
    if briefing.status == Briefing.Status.PUBLISHED:
        raise ServiceError("This briefing is already published.")
    briefing.status = Briefing.Status.PUBLISHED
    briefing.published_on = timezone.localdate()
    briefing._change_reason = f"published by {by}"
    briefing.save(update_fields=["status", "published_on", "updated_at"])
    return briefing


@transaction.atomic
def briefing_use_log(*, briefing: Briefing, form, by) -> BriefingUse:
    if briefing.status != Briefing.Status.PUBLISHED:
        raise ServiceError("Only a published briefing can be logged as used.")
    use = form.save(commit=False)
    use.briefing = briefing
    use.logged_by = by
    use.save()
    return use
