"""The training offer and briefings: courses, sessions, trainers, briefings and their use."""
from django.db import transaction
from django.utils import timezone

from partnership.services.errors import ServiceError

from ..models import Briefing, BriefingUse, Course, LearningOutcome, Session, SessionTrainer


@transaction.atomic
def course_save(*, form, by) -> Course:
    """Save a course form and replace its outcomes, keeping the rows (and their ratings) of unchanged lines."""
    lines = form.outcome_lines()
    if not lines:
        raise ServiceError("Enter at least one learning outcome", field="outcomes_text")
    course = form.save(commit=False)
    course._change_reason = f"saved by {by}"
    course.save()
    form.save_m2m()
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


@transaction.atomic
def session_save(*, form, by) -> Session:
    session = form.save(commit=False)
    session.starts_at = form.cleaned_data["starts_at"]
    session.ends_at = form.cleaned_data["ends_at"]
    if session.pk:
        taken = session.bookings.filter(status__in=("requested", "confirmed")).count()
        if session.capacity < taken:
            raise ServiceError(f"{taken} places are already booked: the capacity cannot be lower",
                               field="capacity")
    session._change_reason = f"saved by {by}"
    session.save()
    return session


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
    briefing = form.save(commit=False)
    briefing._change_reason = f"saved by {by}"
    briefing.save()
    form.save_m2m()
    return briefing


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
