"""Booking rules: capacity, the waiting list and its order, cut-offs in working days, duplicates,
shared inboxes, manager approval, and the emails that go with each."""
import datetime

import pytest
from django.db import IntegrityError, transaction

from learning.models import Booking, BookingToken
from learning.services import bookings as services
from partnership.models import EmailMessage
from partnership.services.errors import ServiceError

from .conftest import book, make_course, make_session

pytestmark = pytest.mark.django_db


def test_books_until_full_then_waiting_list(course, future_day):
    session = make_session(course, future_day, capacity=2)
    a = book(session, "a@school.example.org")
    b = book(session, "b@school.example.org")
    c = book(session, "c@school.example.org")
    d = book(session, "d@school.example.org")
    assert [a.status, b.status] == [Booking.Status.CONFIRMED] * 2
    assert [c.status, d.status] == [Booking.Status.WAITING] * 2
    assert services.waiting_position(c) == 1 and services.waiting_position(d) == 2
    assert EmailMessage.objects.filter(to="c@school.example.org", subject__contains="waiting list").exists()


def test_cancellation_promotes_first_on_waiting_list_with_email(course, future_day):
    session = make_session(course, future_day, capacity=1)
    a = book(session, "a@school.example.org")
    c = book(session, "c@school.example.org")
    d = book(session, "d@school.example.org")
    services.cancel_by_booker(booking_id=a.pk)
    c.refresh_from_db()
    d.refresh_from_db()
    assert c.status == Booking.Status.CONFIRMED and c.promoted_at
    assert d.status == Booking.Status.WAITING
    assert services.waiting_position(d) == 1
    promoted = EmailMessage.objects.get(to="c@school.example.org", subject__contains="A place is free")
    assert "/learning/my/" in promoted.body_text and "/learning/before/" in promoted.body_text
    services.cancel_by_booker(booking_id=c.pk)
    d.refresh_from_db()
    assert d.status == Booking.Status.CONFIRMED


def test_email_normalised_and_duplicate_refused(session):
    book(session, "  Sam.Smith@Police.Example.org ")
    with pytest.raises(ServiceError) as error:
        book(session, "sam.smith@police.example.org")
    assert "already booked" in error.value.message
    assert Booking.objects.get().email == "sam.smith@police.example.org"


def test_database_refuses_two_active_bookings(session):
    b = book(session, "sam@police.example.org")
    with pytest.raises(IntegrityError), transaction.atomic():
        Booking.objects.create(session=session, name="x", email=b.email, role="x", status=Booking.Status.WAITING)


def test_can_book_again_after_cancelling(session):
    b = book(session, "sam@police.example.org")
    services.cancel_by_booker(booking_id=b.pk)
    assert book(session, "sam@police.example.org").status == Booking.Status.CONFIRMED


@pytest.mark.parametrize("email", ["info@school.example.org", "Admin@nhs.example.net", "mash@merton.example.gov.uk",
                                   "safeguarding@police.example.org"])
def test_shared_inboxes_refused(session, email):
    with pytest.raises(ServiceError) as error:
        book(session, email)
    assert error.value.field == "email" and "shared inbox" in error.value.message


def test_booking_cut_off_in_working_days_across_a_bank_holiday(course):
    # Tuesday 30 March 2027 follows Easter Monday (29 March) and Good Friday (26 March): two working days
    # before it is Wednesday 24 March, so booking closes then, not on Friday 26 March.
    session = make_session(course, datetime.date(2027, 3, 30))
    assert session.booking_closes_on == datetime.date(2027, 3, 24)
    book(session, "early@school.example.org", today=datetime.date(2027, 3, 24))
    with pytest.raises(ServiceError) as error:
        book(session, "late@school.example.org", today=datetime.date(2027, 3, 25))
    assert "closed on 24 March 2027" in error.value.message


def test_cancellation_after_cut_off_is_late(course, future_day):
    session = make_session(course, future_day)
    on_time = book(session, "a@school.example.org")
    late = book(session, "b@school.example.org")
    services.cancel_by_booker(booking_id=on_time.pk, today=session.cancellation_closes_on)
    services.cancel_by_booker(booking_id=late.pk, today=session.cancellation_closes_on + datetime.timedelta(days=1))
    on_time.refresh_from_db()
    late.refresh_from_db()
    assert on_time.attendance == Booking.Attendance.CANCELLED_IN_TIME
    assert late.attendance == Booking.Attendance.LATE_CANCELLATION


def test_manager_approval(future_day):
    course = make_course(title="Child protection conferences", requires_manager_approval=True)
    session = make_session(course, future_day, capacity=1)
    with pytest.raises(ServiceError) as error:
        book(session, "a@school.example.org")
    assert error.value.field == "manager_email"
    b = book(session, "a@school.example.org", manager_email="Boss@school.example.org")
    assert b.status == Booking.Status.REQUESTED
    mail = EmailMessage.objects.get(to="boss@school.example.org")
    raw = mail.body_text.split("/learning/approve/")[1].split("/")[0]
    token = services.find_token(raw, BookingToken.Purpose.APPROVE)
    services.manager_decide(token=token, approve=True)
    b.refresh_from_db()
    assert b.status == Booking.Status.CONFIRMED
    with pytest.raises(ServiceError):
        services.manager_decide(token=services.find_token(raw, BookingToken.Purpose.APPROVE), approve=False)


def test_cancelled_session_refuses_and_cancels_everyone(session, ld_coordinator):
    from learning.services.offer import session_cancel

    a = book(session, "a@school.example.org")
    session_cancel(session=session, by=ld_coordinator)
    a.refresh_from_db()
    assert a.status == Booking.Status.CANCELLED_BY_COORDINATOR
    with pytest.raises(ServiceError):
        book(session, "b@school.example.org")


def test_tokens_are_random_and_stored_hashed(session):
    b = book(session, "a@school.example.org")
    mail = EmailMessage.objects.get(to=b.email)
    raw = mail.body_text.split("/learning/my/")[1].split("/")[0]
    assert len(raw) >= 43
    assert not BookingToken.objects.filter(token_hash=raw).exists()
    assert services.find_token(raw, BookingToken.Purpose.MANAGE).booking == b
    assert services.find_token(raw, BookingToken.Purpose.POST) is None  # a link is for one purpose only
    assert services.find_token(raw[:-1] + ("A" if raw[-1] != "A" else "B"), BookingToken.Purpose.MANAGE) is None


def test_manager_declines_and_the_place_goes_to_the_waiting_list(future_day):
    course = make_course(title="Designated leads", requires_manager_approval=True)
    session = make_session(course, future_day, capacity=1)
    first = book(session, "a@school.example.org", manager_email="boss@school.example.org")
    second = book(session, "b@school.example.org", manager_email="boss2@school.example.org")
    assert second.status == Booking.Status.WAITING
    raw = EmailMessage.objects.get(to="boss@school.example.org").body_text.split("/learning/approve/")[1].split("/")[0]
    services.manager_decide(token=services.find_token(raw, BookingToken.Purpose.APPROVE), approve=False)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == Booking.Status.DECLINED
    assert second.status == Booking.Status.REQUESTED  # promoted, and now waits for their own manager
    assert EmailMessage.objects.filter(to="a@school.example.org", subject__startswith="Booking not approved").exists()
    assert EmailMessage.objects.filter(to="boss2@school.example.org").exists()
