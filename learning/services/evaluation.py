"""Attendance, evaluations (before, after, follow-up) and the daily messages to delegates."""
import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from partnership.dates import add_working_days
from partnership.services.errors import ServiceError
from partnership.services.outbox import enqueue_email

from ..models import Booking, BookingToken, ConfidenceRating, FollowUp, PostCourseEvaluation, Session
from .bookings import issue_token, link, record_reminder

ATTENDANCE_CHOICES = [c for c in Booking.Attendance.values if c]


@transaction.atomic
def mark_attendance(*, session: Session, marks: dict[int, str], by) -> int:
    """Record attendance for many bookings at once; attended delegates are invited to evaluate.

    `marks` maps booking ids to an Attendance value ("" leaves a row unmarked). Returns the number changed.
    """
    session = Session.objects.select_for_update().get(pk=session.pk)
    if not session.has_started:
        raise ServiceError("Attendance can be marked once the session has started.")
    bookings = {b.pk: b for b in session.bookings.filter(pk__in=list(marks))
                .exclude(status=Booking.Status.WAITING).select_related("session__course")}
    changed = 0
    for pk, value in marks.items():
        booking = bookings.get(pk)
        if booking is None or value not in ("", *ATTENDANCE_CHOICES) or booking.attendance == value:
            continue
        if booking.status not in Booking.HOLDS_PLACE and value in (Booking.Attendance.ATTENDED,
                                                                    Booking.Attendance.NO_SHOW):
            raise ServiceError(f"{booking.name}'s booking was cancelled: it can be marked as a cancellation, not "
                               f"as {Booking.Attendance(value).label.lower()}.")
        booking.attendance = value
        booking._change_reason = f"attendance marked by {by}"
        booking.save(update_fields=["attendance", "updated_at"])
        changed += 1
        if value == Booking.Attendance.ATTENDED:
            invite_post(booking, today=timezone.localdate())
    return changed


def invite_post(booking: Booking, *, today: datetime.date) -> bool:
    """Invite an attended delegate to the post-course evaluation (once)."""
    if hasattr(booking, "evaluation") and PostCourseEvaluation.objects.filter(booking=booking).exists():
        return False
    if not record_reminder(booking, "post-invite", today):
        return False
    enqueue_email(to=booking.email, subject=f"How was it? Evaluate {booking.session.course.title}",
                  template="learning_evaluate", key=f"learning:post-invite:{booking.pk}",
                  context={"booking": booking, "course": booking.session.course, "session": booking.session,
                           "post_url": link("evaluate-post", issue_token(booking, BookingToken.Purpose.POST))})
    return True


def _use(token: BookingToken, purpose: str) -> Booking:
    token = BookingToken.objects.select_for_update().get(pk=token.pk)
    if token.purpose != purpose:
        raise ServiceError("This link is not for this form.")
    if token.used_at:
        raise ServiceError("You have already answered this form. Thank you.")
    token.used_at = timezone.now()
    token.save(update_fields=["used_at"])
    return token.booking


def can_answer_pre(booking: Booking) -> bool:
    return (booking.is_confirmed and not booking.session.has_started
            and not booking.ratings.filter(stage=ConfidenceRating.Stage.PRE).exists())


def can_answer_post(booking: Booking) -> bool:
    return booking.attendance == Booking.Attendance.ATTENDED and not PostCourseEvaluation.objects.filter(
        booking=booking).exists()


def follow_up_due_on(booking: Booking) -> datetime.date:
    return booking.session.date + datetime.timedelta(weeks=settings.LEARNING_FOLLOW_UP_WEEKS)


def can_answer_follow_up(booking: Booking, today: datetime.date | None = None) -> bool:
    today = today or timezone.localdate()
    return (PostCourseEvaluation.objects.filter(booking=booking).exists()
            and not FollowUp.objects.filter(booking=booking).exists() and today >= follow_up_due_on(booking))


def _check_scores(outcome_scores: dict[int, int], booking: Booking) -> None:
    expected = set(booking.session.course.outcomes.values_list("pk", flat=True))
    if set(outcome_scores) != expected:
        raise ServiceError("Rate your confidence against every learning outcome")
    if any(not 1 <= int(v) <= 10 for v in outcome_scores.values()):
        raise ServiceError("Each confidence rating is a number from 1 to 10")


@transaction.atomic
def submit_pre(*, token: BookingToken, outcome_scores: dict[int, int]) -> Booking:
    booking = token.booking
    if not can_answer_pre(booking):
        raise ServiceError("This form is closed: the session has started, or you have already answered.")
    _check_scores(outcome_scores, booking)
    _use(token, BookingToken.Purpose.PRE)
    ConfidenceRating.objects.bulk_create([
        ConfidenceRating(booking=booking, outcome_id=pk, stage=ConfidenceRating.Stage.PRE, score=int(score))
        for pk, score in outcome_scores.items()])
    return booking


@transaction.atomic
def submit_post(*, token: BookingToken, quality: int, relevance: int, comments: str,
                outcome_scores: dict[int, int]) -> Booking:
    booking = token.booking
    if not can_answer_post(booking):
        raise ServiceError("This form is closed: you have already answered, or your attendance is not recorded.")
    _check_scores(outcome_scores, booking)
    if not (1 <= quality <= 5 and 1 <= relevance <= 5):
        raise ServiceError("Rate the quality and relevance from 1 to 5")
    _use(token, BookingToken.Purpose.POST)
    PostCourseEvaluation.objects.create(booking=booking, quality=quality, relevance=relevance,
                                        comments=comments.strip())
    ConfidenceRating.objects.bulk_create([
        ConfidenceRating(booking=booking, outcome_id=pk, stage=ConfidenceRating.Stage.POST, score=int(score))
        for pk, score in outcome_scores.items()])
    return booking


@transaction.atomic
def submit_follow_up(*, token: BookingToken, practice_changed: bool, practice_change: str, examples: str,
                     impact_on_children: str, manager_involved: bool) -> Booking:
    booking = token.booking
    if not can_answer_follow_up(booking):
        raise ServiceError("This form is closed: you have already answered.")
    if practice_changed and not practice_change.strip():
        raise ServiceError("Describe what changed in your practice", field="practice_change")
    _use(token, BookingToken.Purpose.FOLLOW_UP)
    FollowUp.objects.create(booking=booking, practice_changed=practice_changed,
                            practice_change=practice_change.strip(), examples=examples.strip(),
                            impact_on_children=impact_on_children.strip(), manager_involved=manager_involved)
    return booking


def certificate_released(booking: Booking) -> bool:
    return booking.attendance == Booking.Attendance.ATTENDED and PostCourseEvaluation.objects.filter(
        booking=booking).exists()


def _joining(booking: Booking) -> dict:
    return {"booking": booking, "session": booking.session, "course": booking.session.course,
            "manage_url": link("booking", issue_token(booking, BookingToken.Purpose.MANAGE))}


@transaction.atomic
def send_due_messages(*, today: datetime.date | None = None) -> dict[str, int]:
    """Reminders two weeks and two working days before, and follow-up invitations. Computed from the
    database, so a missed day is caught up; each (booking, stage) is sent once (BookingReminder)."""
    today = today or timezone.localdate()
    sent = {"two-weeks": 0, "two-days": 0, "follow-up": 0, "post-invite": 0}
    horizon = timezone.make_aware(datetime.datetime.combine(today + datetime.timedelta(days=15), datetime.time()))
    upcoming = (Booking.objects.filter(status=Booking.Status.CONFIRMED, session__status=Session.Status.SCHEDULED,
                                       session__starts_at__gte=timezone.now(), session__starts_at__lt=horizon)
                .select_related("session__course").prefetch_related("reminders"))
    for booking in upcoming:
        stages = {r.stage for r in booking.reminders.all()}
        day = booking.session.date
        two_days = add_working_days(day, -2)
        for stage, due in (("two-days", two_days), ("two-weeks", day - datetime.timedelta(days=14))):
            if today >= due and stage not in stages:
                if stage == "two-weeks" and ("two-days" in stages or today >= two_days):
                    continue  # booked late: the nearer reminder covers it
                if record_reminder(booking, stage, today):
                    enqueue_email(to=booking.email, subject=f"Reminder: {booking.session.course.title}",
                                  template="learning_reminder", key=f"learning:{stage}:{booking.pk}",
                                  context={**_joining(booking), "stage": stage})
                    sent[stage] += 1
                break
    weeks = datetime.timedelta(weeks=settings.LEARNING_FOLLOW_UP_WEEKS)
    latest = timezone.make_aware(datetime.datetime.combine(today - weeks + datetime.timedelta(days=1), datetime.time()))
    follow = (Booking.objects.filter(attendance=Booking.Attendance.ATTENDED, evaluation__isnull=False,
                                     follow_up__isnull=True, session__starts_at__lt=latest)
              .exclude(reminders__stage="follow-up").select_related("session__course"))
    for booking in follow:
        if record_reminder(booking, "follow-up", today):
            enqueue_email(to=booking.email, subject=f"Three months on: {booking.session.course.title}",
                          template="learning_follow_up", key=f"learning:follow-up:{booking.pk}",
                          context={"booking": booking, "course": booking.session.course, "session": booking.session,
                                   "manager_email": booking.manager_email,
                                   "follow_up_url": link("evaluate-follow-up",
                                                         issue_token(booking, BookingToken.Purpose.FOLLOW_UP))})
            sent["follow-up"] += 1
    return sent
