"""Booking rules: one place per rule.

The public form only asks (`request_booking`): nothing is held, listed or emailed to anyone else until the
address's owner follows the emailed link (`confirm_request`), which books (`book`). The form's answer is the same
whatever happened (a new request, an address that already booked, one that asked before), so it tells nobody
who attends what. The confirmation email quotes nothing typed on the form.

Capacity and the waiting list are decided under a row lock on the session (`select_for_update`), so two
bookings or cancellations at once never exceed the capacity and the waiting list is promoted in order.
Delegates are not users: each email goes through the outbox, keyed so it is sent once.
"""
import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from partnership.dates import day_words
from partnership.models import Agency, Role, User
from partnership.services.errors import ServiceError
from partnership.services.outbox import enqueue_email
from partnership.tokens import hash_token, new_token, plausible

from ..models import Booking, BookingReminder, BookingRequest, BookingToken, Session

SHARED_INBOX_MESSAGE = (
    "Enter your own work email address, not a shared inbox such as {local}@. Your booking, joining details "
    "and certificate are personal, and we send them only to you."
)


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


# Providers that deliver "j.smith", "jsmith" and "j.s.mith" to one inbox.
DOTS_IGNORED = frozenset({"gmail.com", "googlemail.com"})


def mailbox(email: str) -> str:
    """The inbox an address reaches, for the shared-inbox, duplicate and per-address checks (the booking keeps the
    address as typed): lower case, without a "+tag", and without dots where the provider ignores them."""
    local, _, domain = normalise_email(email).partition("@")
    local = local.split("+", 1)[0]
    if domain in DOTS_IGNORED:
        local = local.replace(".", "")
    return f"{local}@{domain}" if domain else local


def is_shared_inbox(email: str) -> bool:
    local = mailbox(email).split("@", 1)[0]
    return local in {name.lower() for name in settings.LEARNING_SHARED_INBOXES}


def organisation_problem(email: str, agency) -> str | None:
    """An address that is not at the chosen agency's domains (when the agency has any recorded)."""
    if agency is None or not agency.domains or agency.has_address(email):
        return None
    listed = ", ".join(agency.domains)
    return (f"Enter your work email address at {agency.display_name} (an address ending {listed}), or choose "
            "'Other' and enter the name of your organisation")


def manager_problem(manager_email: str, email: str) -> str | None:
    """The manager's address: not the booker's own, and at a partner agency's domain or a registered agency lead."""
    if mailbox(manager_email) == mailbox(email):
        return "Enter your manager's email, not your own"
    from partnership.models.agencies import domain_matches

    if domain_matches(manager_email, Agency.objects.partner_domains()):
        return None
    if User.objects.filter(email__iexact=manager_email, is_active=True, roles__role=Role.AGENCY_LEAD).exists():
        return None
    return ("Enter your manager's work email address at a partner agency. If they work elsewhere, ask the "
            "training team to book your place")


def _active_booking_for(bookings, email: str) -> Booking | None:
    """The active booking among `bookings` whose address reaches the same inbox as `email`."""
    wanted = mailbox(email)
    return next((b for b in bookings.filter(status__in=Booking.ACTIVE) if mailbox(b.email) == wanted), None)


def issue_token(booking: Booking, purpose: str) -> str:
    """A new random link for this booking and purpose. Only its hash is stored: return the raw token."""
    raw, token_hash = new_token()
    BookingToken.objects.create(booking=booking, purpose=purpose, token_hash=token_hash)
    return raw


def find_token(raw: str, purpose: str) -> BookingToken | None:
    if not plausible(raw):
        return None
    return (BookingToken.objects.select_related("booking__session__course__level", "booking__agency")
            .filter(token_hash=hash_token(raw), purpose=purpose).first())


def link(name: str, raw: str) -> str:
    return settings.SITE_URL + reverse(f"learning:{name}", args=[raw])


def places_taken(session: Session) -> int:
    return session.bookings.filter(status__in=Booking.HOLDS_PLACE).count()


def session_counts(session_ids) -> dict[int, dict]:
    """Places taken and waiting, per session, in one query."""
    rows = (Booking.objects.filter(session_id__in=list(session_ids)).values("session_id")
            .annotate(taken=Count("pk", filter=Q(status__in=Booking.HOLDS_PLACE)),
                      waiting=Count("pk", filter=Q(status=Booking.Status.WAITING))))
    counts = {row["session_id"]: row for row in rows}
    return {pk: counts.get(pk, {"taken": 0, "waiting": 0}) for pk in session_ids}


def waiting_position(booking: Booking) -> int | None:
    if not booking.is_waiting:
        return None
    return Booking.objects.filter(
        session_id=booking.session_id, status=Booking.Status.WAITING,
    ).filter(Q(created_at__lt=booking.created_at) | Q(created_at=booking.created_at, pk__lt=booking.pk)).count() + 1


def _lock_session(session_id: int) -> Session:
    return Session.objects.select_for_update().select_related("course").get(pk=session_id)


def _session_problem(session: Session, today: datetime.date) -> str | None:
    if not session.is_scheduled:
        return "This session has been cancelled: choose another date."
    if not session.is_open_for_booking(today):
        return (f"Booking for this session closed on {day_words(session.booking_closes_on)}. "
                "Choose another date, or contact the training team.")
    return None


@transaction.atomic
def request_booking(*, session_id: int, name: str, email: str, agency=None, other_agency_name: str = "", role: str,
                    manager_email: str = "", today: datetime.date | None = None) -> None:
    """The public form: email the address a link that confirms the booking. Returns nothing on purpose: the
    answer must not say whether the address had booked already (then its booking link is sent again)."""
    today = today or timezone.localdate()
    email = normalise_email(email)
    manager_email = normalise_email(manager_email)
    if is_shared_inbox(email):
        raise ServiceError(SHARED_INBOX_MESSAGE.format(local=email.split("@", 1)[0]), field="email")
    if agency is None and not other_agency_name.strip():
        raise ServiceError("Choose your agency, or choose 'Other' and enter its name", field="agency")
    if (problem := organisation_problem(email, agency)) is not None:
        raise ServiceError(problem, field="email")
    session = Session.objects.select_related("course").get(pk=session_id)
    if (problem := _session_problem(session, today)) is not None:
        raise ServiceError(problem)
    if session.course.requires_manager_approval:
        if not manager_email:
            raise ServiceError("Enter your manager's work email: this course needs their approval",
                               field="manager_email")
        if (problem := manager_problem(manager_email, email)) is not None:
            raise ServiceError(problem, field="manager_email")
    existing = _active_booking_for(Booking.objects.filter(session=session), email)
    if existing is not None:
        # The same answer as a new request; the address gets its own booking link again (at most once an hour).
        _send(existing, "resend", f"Your booking link: {session.course.title}",
              {"manage_url": link("booking", issue_token(existing, BookingToken.Purpose.MANAGE))},
              key=f"learning:resend:{existing.pk}:{timezone.now():%Y%m%d%H}")
        return
    raw, token_hash = new_token()
    hours = settings.LEARNING_BOOKING_CONFIRM_HOURS
    request = BookingRequest.objects.create(
        session=session, name=name.strip(), email=email, agency=agency,
        other_agency_name="" if agency else other_agency_name.strip(),
        organisation_checked=agency is not None and bool(agency.domains), role=role.strip(),
        manager_email=manager_email, token_hash=token_hash,
        expires_at=timezone.now() + datetime.timedelta(hours=hours))
    enqueue_email(to=email, subject=f"Confirm your booking: {session.course.title}",
                  template="learning_confirm_request", key=f"learning:confirm-request:{request.pk}",
                  context={"session": session, "course": session.course, "hours": hours,
                           "confirm_url": link("confirm", raw)})


def find_request(raw: str) -> BookingRequest | None:
    if not plausible(raw):
        return None
    return (BookingRequest.objects.select_related("session__course", "booking", "agency")
            .filter(token_hash=hash_token(raw)).first())


@transaction.atomic
def confirm_request(*, request_id: int, today: datetime.date | None = None) -> Booking:
    """The address's owner followed the link: book (or find their booking). Once only; never after it expires."""
    _lock_session(BookingRequest.objects.values_list("session_id", flat=True).get(pk=request_id))
    request = BookingRequest.objects.select_related("booking").get(pk=request_id)
    if request.confirmed_at is not None and request.booking is not None:
        return request.booking
    if request.expires_at <= timezone.now():
        raise ServiceError("This link has expired and no place was held. Book again from the session's page.")
    existing = _active_booking_for(Booking.objects.filter(session_id=request.session_id), request.email)
    booking = existing or book(
        session_id=request.session_id, name=request.name, email=request.email, agency=request.agency,
        other_agency_name=request.other_agency_name, role=request.role, manager_email=request.manager_email,
        organisation_checked=request.organisation_checked, today=today)
    request.confirmed_at = timezone.now()
    request.booking = booking
    request.save(update_fields=["confirmed_at", "booking"])
    return booking


def delete_stale_requests(now=None) -> int:
    """Unconfirmed requests a week past their expiry, and confirmed ones a week after confirmation (the booking
    holds what it needs): nobody's typed details are kept for nothing."""
    cut = (now or timezone.now()) - datetime.timedelta(days=7)
    deleted, _ = BookingRequest.objects.filter(Q(expires_at__lt=cut) | Q(confirmed_at__lt=cut)).delete()
    return deleted


@transaction.atomic
def book(*, session_id: int, name: str, email: str, agency=None, other_agency_name: str = "", role: str,
         manager_email: str = "", today: datetime.date | None = None, organisation_checked: bool = True) -> Booking:
    """Book a place, or a place on the waiting list when the session is full. Refuse what the rules forbid.
    Public bookings come here only through `confirm_request`; the address is the booker's own."""
    today = today or timezone.localdate()
    email = normalise_email(email)
    manager_email = normalise_email(manager_email)
    if is_shared_inbox(email):
        raise ServiceError(SHARED_INBOX_MESSAGE.format(local=email.split("@", 1)[0]), field="email")
    if agency is None and not other_agency_name.strip():
        raise ServiceError("Choose your agency, or choose 'Other' and enter its name", field="agency")
    session = _lock_session(session_id)
    course = session.course
    if (problem := _session_problem(session, today)) is not None:
        raise ServiceError(problem)
    if course.requires_manager_approval:
        if not manager_email:
            raise ServiceError("Enter your manager's work email: this course needs their approval",
                               field="manager_email")
        if manager_email == email:
            raise ServiceError("Enter your manager's email, not your own", field="manager_email")
    if _active_booking_for(session.bookings.all(), email) is not None:
        raise ServiceError("You have already booked this session with this email address. We can send you the "
                           "link to your booking again.", field="email")
    full = places_taken(session) >= session.capacity
    if full:
        status = Booking.Status.WAITING
    elif course.requires_manager_approval:
        status = Booking.Status.REQUESTED
    else:
        status = Booking.Status.CONFIRMED
    booking = Booking.objects.create(
        session=session, name=name.strip(), email=email, agency=agency,
        other_agency_name="" if agency else other_agency_name.strip(), role=role.strip(),
        manager_email=manager_email, status=status, organisation_checked=organisation_checked and agency is not None)
    manage = issue_token(booking, BookingToken.Purpose.MANAGE)
    context = {"manage_url": link("booking", manage)}
    if status == Booking.Status.CONFIRMED:
        context["pre_url"] = link("evaluate-pre", issue_token(booking, BookingToken.Purpose.PRE))
        _send(booking, "confirmed", f"Your place is booked: {course.title}", context)
    elif status == Booking.Status.WAITING:
        context["position"] = waiting_position(booking)
        _send(booking, "waiting", f"You are on the waiting list: {course.title}", context)
    else:
        _send(booking, "requested", f"Waiting for your manager's approval: {course.title}", context)
        approve = issue_token(booking, BookingToken.Purpose.APPROVE)
        enqueue_email(to=manager_email, subject=f"Please approve a training booking: {course.title}",
                      template="learning_approve", key=f"learning:approve:{booking.pk}",
                      context={"booking": booking, "session": session, "course": course,
                               "approve_url": link("approve", approve)})
    return booking


def _send(booking: Booking, kind: str, subject: str, context: dict, key: str | None = None) -> None:
    enqueue_email(to=booking.email, subject=subject, template=f"learning_{kind}",
                  context={"booking": booking, "session": booking.session, "course": booking.session.course,
                           **context},
                  key=key or f"learning:{kind}:{booking.pk}:{timezone.now():%Y%m%d%H%M%S%f}")


def _promote(session: Session) -> list[Booking]:
    """Fill free places from the waiting list, first come first served. The session row is locked."""
    free = session.capacity - places_taken(session)
    promoted = []
    if free <= 0 or not session.is_scheduled or session.has_started:
        return promoted
    waiting = list(session.bookings.filter(status=Booking.Status.WAITING).order_by("created_at", "pk")[:free])
    now = timezone.now()
    for booking in waiting:
        booking.session = session
        needs_approval = session.course.requires_manager_approval
        booking.status = Booking.Status.REQUESTED if needs_approval else Booking.Status.CONFIRMED
        booking.promoted_at = now
        booking.save(update_fields=["status", "promoted_at", "updated_at"])
        context = {"manage_url": link("booking", issue_token(booking, BookingToken.Purpose.MANAGE))}
        if not needs_approval:
            context["pre_url"] = link("evaluate-pre", issue_token(booking, BookingToken.Purpose.PRE))
        else:
            enqueue_email(to=booking.manager_email, subject=f"Please approve a training booking: {session.course}",
                          template="learning_approve", key=f"learning:approve:{booking.pk}",
                          context={"booking": booking, "session": session, "course": session.course,
                                   "approve_url": link("approve", issue_token(booking, BookingToken.Purpose.APPROVE))})
        _send(booking, "promoted", f"A place is free for you: {session.course.title}", context,
              key=f"learning:promoted:{booking.pk}")
        promoted.append(booking)
    return promoted


@transaction.atomic
def cancel_by_booker(*, booking_id: int, today: datetime.date | None = None) -> Booking:
    """The delegate cancels. After the cancellation cut-off it counts as a late cancellation."""
    today = today or timezone.localdate()
    booking = Booking.objects.get(pk=booking_id)
    session = _lock_session(booking.session_id)
    booking.refresh_from_db()
    if not booking.is_active:
        raise ServiceError("This booking is already cancelled.")
    if session.has_started:
        raise ServiceError("The session has started: it is too late to cancel. Contact the training team.")
    held_place = booking.status in Booking.HOLDS_PLACE
    booking.status = Booking.Status.CANCELLED_BY_BOOKER
    booking.cancelled_at = timezone.now()
    if held_place:
        late = today > session.cancellation_closes_on
        booking.attendance = Booking.Attendance.LATE_CANCELLATION if late else Booking.Attendance.CANCELLED_IN_TIME
    booking.save(update_fields=["status", "cancelled_at", "attendance", "updated_at"])
    _send(booking, "cancelled", f"Booking cancelled: {session.course.title}", {},
          key=f"learning:cancelled:{booking.pk}")
    _promote(session)
    return booking


@transaction.atomic
def cancel_by_coordinator(*, booking_id: int, by) -> Booking:
    booking = Booking.objects.get(pk=booking_id)
    session = _lock_session(booking.session_id)
    booking.refresh_from_db()
    if not booking.is_active:
        raise ServiceError("This booking is already cancelled.")
    booking.status = Booking.Status.CANCELLED_BY_COORDINATOR
    booking.cancelled_at = timezone.now()
    booking._change_reason = f"cancelled by {by}"
    booking.save(update_fields=["status", "cancelled_at", "updated_at"])
    _send(booking, "cancelled", f"Booking cancelled: {session.course.title}", {},
          key=f"learning:cancelled:{booking.pk}")
    _promote(session)
    return booking


@transaction.atomic
def manager_decide(*, token: BookingToken, approve: bool) -> Booking:
    booking = token.booking
    session = _lock_session(booking.session_id)
    booking.refresh_from_db()
    if token.used_at or not booking.is_requested:
        raise ServiceError("This request has already been answered.")
    token.used_at = timezone.now()
    token.save(update_fields=["used_at"])
    if approve:
        booking.status = Booking.Status.CONFIRMED
        booking.save(update_fields=["status", "updated_at"])
        _send(booking, "confirmed", f"Your place is booked: {session.course.title}", {
            "manage_url": link("booking", issue_token(booking, BookingToken.Purpose.MANAGE)),
            "pre_url": link("evaluate-pre", issue_token(booking, BookingToken.Purpose.PRE)),
        }, key=f"learning:approved:{booking.pk}")
    else:
        booking.status = Booking.Status.DECLINED
        booking.cancelled_at = timezone.now()
        booking.save(update_fields=["status", "cancelled_at", "updated_at"])
        _send(booking, "declined", f"Booking not approved: {session.course.title}", {},
              key=f"learning:declined:{booking.pk}")
        _promote(session)
    return booking


@transaction.atomic
def resend_link(*, session_id: int, email: str) -> bool:
    """Send the booking link again to the address that booked (never shown on screen)."""
    booking = _active_booking_for(Booking.objects.filter(session_id=session_id).select_related("session__course"),
                                  email)
    if booking is None:
        return False
    _send(booking, "resend", f"Your booking link: {booking.session.course.title}",
          {"manage_url": link("booking", issue_token(booking, BookingToken.Purpose.MANAGE))})
    return True


def record_reminder(booking: Booking, stage: str, on: datetime.date) -> bool:
    """Record a delegate reminder; False if it was already sent (once per booking and stage, ever)."""
    from django.db import IntegrityError

    try:
        with transaction.atomic():
            BookingReminder.objects.create(booking=booking, stage=stage, sent_on=on)
    except IntegrityError:
        return False
    return True
