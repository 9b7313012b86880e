"""Issue 16: a moved or cancelled session tells every booked and waiting person at once, after a page that says
how many; a date in the past is refused; attendance in bulk, and a cancelled booking is never 'attended'."""
import datetime

from django.urls import reverse
from django.utils import timezone

from learning.models import Booking, Session
from partnership import history
from partnership.models import EmailMessage

from .conftest import book, make_session


def _data(session, *, day=None, start="09:30", end="16:30", venue="Civic Centre, London Road", **extra):
    day = day or timezone.localtime(session.starts_at).date()
    return {"course": session.course_id, "day_0": day.day, "day_1": day.month, "day_2": day.year,
            "start_time": start, "end_time": end, "venue": venue, "online_link": "https://meet.example.org/abc",
            "joining_instructions": "Room 3, bring ID", "capacity": str(session.capacity),
            "booking_cutoff_days": "2", "cancellation_cutoff_days": "2", "version": session.version, **extra}


def _session_with_people(course):
    session = make_session(course, timezone.localdate() + datetime.timedelta(days=30), capacity=2)
    for n in range(3):  # two booked, one waiting
        book(session, f"person{n}@school.example.org", name=f"Person {n}")
    return session


def test_moving_a_session_asks_first_then_emails_every_booked_and_waiting_person(client_for, ld_coordinator, course):
    session = _session_with_people(course)
    client = client_for(ld_coordinator)
    url = reverse("learning:session-edit", args=[session.pk])
    new_day = timezone.localdate() + datetime.timedelta(days=40)
    before = EmailMessage.objects.count()
    page = client.post(url, _data(session, day=new_day, venue="Merton Civic Centre, Room 2"))
    body = page.content.decode()
    assert page.status_code == 200 and "Check the change before you save it" in body
    assert "3 people will be emailed at once that the session is changed: 2 booked and 1 on the waiting list" in body
    assert "the date or start time" in body and "the place" in body
    assert "the end time" not in body  # it moved with the date; its length is the same
    assert EmailMessage.objects.count() == before  # nothing saved or sent yet
    assert timezone.localtime(Session.objects.get(pk=session.pk).starts_at).date() != new_day

    done = client.post(url, _data(session, day=new_day, venue="Merton Civic Centre, Room 2", confirmed="1"))
    assert done.status_code == 302
    emails = EmailMessage.objects.filter(subject__startswith="Your training session has changed")
    assert sorted(e.to for e in emails) == [f"person{n}@school.example.org" for n in range(3)]
    for email in emails:
        assert "/learning/my/" in email.body_text  # a link to the booking
        assert "Merton Civic Centre" not in email.body_text and "Room 3" not in email.body_text  # never free text


def test_a_change_nobody_is_told_about_saves_at_once(client_for, ld_coordinator, course):
    session = _session_with_people(course)
    response = client_for(ld_coordinator).post(reverse("learning:session-edit", args=[session.pk]),
                                               _data(session, capacity="3"))
    assert response.status_code == 302
    assert not EmailMessage.objects.filter(subject__startswith="Your training session has changed").exists()


def test_a_date_in_the_past_is_refused(client_for, ld_coordinator, course):
    session = _session_with_people(course)
    response = client_for(ld_coordinator).post(
        reverse("learning:session-edit", args=[session.pk]),
        _data(session, day=timezone.localdate() - datetime.timedelta(days=3), confirmed="1"))
    assert response.status_code == 400 and "The session cannot start in the past" in response.content.decode()
    new = client_for(ld_coordinator).post(reverse("learning:session-create"), {
        **_data(session, day=timezone.localdate() - datetime.timedelta(days=1)), "version": ""})
    assert new.status_code == 400 and "The session cannot start in the past" in new.content.decode()


def test_cancelling_says_how_many_will_be_told_then_tells_them(client_for, ld_coordinator, course):
    session = _session_with_people(course)
    client = client_for(ld_coordinator)
    url = reverse("learning:session-cancel", args=[session.pk])
    page = client.get(url).content.decode()
    assert "3 people will be emailed at once that the session is cancelled: 2 booked and 1 on the waiting list" \
        in page
    assert Session.objects.get(pk=session.pk).status == Session.Status.SCHEDULED
    client.post(url)
    assert Session.objects.get(pk=session.pk).status == Session.Status.CANCELLED
    assert EmailMessage.objects.filter(subject__startswith="Booking cancelled").count() == 3


def test_mark_everyone_attended_then_the_exceptions_and_never_a_cancelled_booking(client_for, ld_coordinator,
                                                                                  course):
    session = make_session(course, timezone.localdate() + datetime.timedelta(days=30), capacity=5)
    came, absent, cancelled = (book(session, f"p{n}@school.example.org", name=f"Person {n}") for n in range(3))
    history.update(Booking.objects.filter(pk=cancelled.pk), status=Booking.Status.CANCELLED_BY_BOOKER)
    history.update(Session.objects.filter(pk=session.pk),
                   starts_at=timezone.now() - datetime.timedelta(hours=3),
                   ends_at=timezone.now() - datetime.timedelta(hours=1))
    client = client_for(ld_coordinator)
    url = reverse("learning:attendance", args=[session.pk])
    page = client.post(url, {"everyone_attended": "1"}).content.decode()
    assert "Everyone with a place is marked as attended below" in page
    assert page.count('value="attended" selected') == 2  # the cancelled booking is not offered "attended"
    assert Booking.objects.filter(attendance=Booking.Attendance.ATTENDED).count() == 0  # nothing saved yet

    client.post(url, {f"b{came.pk}": "attended", f"b{absent.pk}": "no_show", f"b{cancelled.pk}": ""})
    assert {b.pk: b.attendance for b in Booking.objects.all()} == {came.pk: "attended", absent.pk: "no_show",
                                                                   cancelled.pk: ""}
    refused = client.post(url, {f"b{cancelled.pk}": "attended"})
    assert refused.status_code in (200, 400)
    assert Booking.objects.get(pk=cancelled.pk).attendance == ""
    from learning.services.evaluation import mark_attendance
    from partnership.services.errors import ServiceError
    try:
        mark_attendance(session=session, marks={cancelled.pk: "attended"}, by=ld_coordinator)
    except ServiceError as error:
        assert "was cancelled" in error.message
    else:
        raise AssertionError("a cancelled booking was marked attended")
