"""Attendance, the three evaluation stages, the certificate, uplift arithmetic, charges, daily messages."""
import datetime
import shutil
import subprocess

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from learning import figures
from learning.models import Booking, BookingReminder, BookingToken, ConfidenceRating, FollowUp
from learning.services import evaluation
from learning.services.bookings import find_token
from partnership.models import EmailMessage
from partnership.services.errors import ServiceError

from .conftest import book, make_course, make_session, raw_token

pytestmark = pytest.mark.django_db


def confirmed_then_past(session, email, **kwargs):
    """A booking made while the session was in the future, then the session moved to last week."""
    b = book(session, email, **kwargs)
    return b


def attend(session, booking, by):
    evaluation.mark_attendance(session=session, marks={booking.pk: Booking.Attendance.ATTENDED}, by=by)


@pytest.fixture
def held(course, future_day):
    """A session booked in the future, then moved into the past (as if time passed)."""
    session = make_session(course, future_day)
    return session


def move_to_past(session, days=7):
    day = timezone.localdate() - datetime.timedelta(days=days)
    session.starts_at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, 30)))
    session.ends_at = session.starts_at + datetime.timedelta(hours=6)
    session.save()


def scores(course, value):
    return {o.pk: value for o in course.outcomes.all()}


def test_full_journey_and_certificate_release(held, ld_coordinator):
    b = book(held, "ann@school.example.org", name="Ann Able")
    pre = find_token(raw_token(b, BookingToken.Purpose.PRE), BookingToken.Purpose.PRE)
    evaluation.submit_pre(token=pre, outcome_scores=scores(held.course, 4))
    with pytest.raises(ServiceError):  # single use
        evaluation.submit_pre(token=find_token(raw_token(b, BookingToken.Purpose.PRE), "pre"),
                              outcome_scores=scores(held.course, 5))
    move_to_past(held)
    manage = raw_token(b)
    assert not evaluation.certificate_released(b)
    assert Client().get(reverse("learning:certificate", args=[manage])).status_code == 404
    attend(held, b, ld_coordinator)
    invite = EmailMessage.objects.get(to=b.email, subject__startswith="How was it")
    post_raw = invite.body_text.split("/learning/after/")[1].split("/")[0]
    client = Client()
    data = {"quality": "5", "relevance": "4", "comments": "Very useful",
            **{f"outcome_{o.pk}": "8" for o in held.course.outcomes.all()}}
    response = client.post(reverse("learning:evaluate-post", args=[post_raw]), data)
    assert response.status_code == 302
    again = client.get(reverse("learning:evaluate-post", args=[post_raw])).content.decode()
    assert "Thank you for your evaluation" in again and "certificate" in again
    pdf = client.get(reverse("learning:certificate", args=[post_raw]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-", "-"], input=pdf.content, capture_output=True, check=True).stdout
        text = " ".join(text.decode().split())
        assert "Ann Able" in text and "Neglect: recognising and responding" in text
        assert "Recognise signs of neglect" in text and "Full day" in text
        # Issue 16: a certificate, not a report: its own number, the CPD hours, the outcomes; no report footer.
        number = Booking.objects.select_related("session").get(pk=b.pk).certificate_number  # the session moved
        assert f"Certificate number {number}" in text and number.startswith("LD-")
        assert "CPD hours 6 hours of continuing professional development" in text
        assert "Learning outcomes" in text
        assert "Generated" not in text and "Page 1 of" not in text
    assert client.get(reverse("learning:certificate", args=[manage])).status_code == 200
    result = figures.uplift(Booking.objects.filter(pk=b.pk))
    assert result["overall"] == 4 and result["pairs"] == 3


def test_post_evaluation_refused_without_attendance(held, ld_coordinator):
    b = book(held, "ann@school.example.org")
    move_to_past(held)
    evaluation.mark_attendance(session=held, marks={b.pk: Booking.Attendance.NO_SHOW}, by=ld_coordinator)
    assert not EmailMessage.objects.filter(subject__startswith="How was it").exists()
    assert not evaluation.can_answer_post(b)


def test_attendance_cannot_be_marked_before_the_session(held, ld_coordinator):
    b = book(held, "ann@school.example.org")
    with pytest.raises(ServiceError):
        attend(held, b, ld_coordinator)


def test_uplift_arithmetic_only_counts_pairs():
    course = make_course()
    session = make_session(course, timezone.localdate() + datetime.timedelta(days=20), capacity=5)
    o1, o2, _ = list(course.outcomes.all())
    b1 = book(session, "a@x.example.org")
    b2 = book(session, "b@x.example.org")
    b3 = book(session, "c@x.example.org")
    rows = [(b1, o1, "pre", 2), (b1, o1, "post", 8), (b2, o1, "pre", 4), (b2, o1, "post", 7),
            (b1, o2, "pre", 5), (b1, o2, "post", 6),
            (b3, o1, "pre", 1)]  # b3 never answered after: left out
    for b, o, stage, score in rows:
        ConfidenceRating.objects.create(booking=b, outcome=o, stage=stage, score=score)
    result = figures.uplift(Booking.objects.filter(session=session))
    by = {r["outcome"].pk: r for r in result["outcomes"]}
    assert by[o1.pk]["n"] == 2 and str(by[o1.pk]["pre"]) == "3.0" and str(by[o1.pk]["post"]) == "7.5"
    assert str(by[o1.pk]["uplift"]) == "4.5"
    assert str(by[o2.pk]["uplift"]) == "1.0"
    assert str(result["overall"]) == "3.3"  # (8+7+6)/3 - (2+4+5)/3 = 21/3 - 11/3 = 3.33
    assert result["pairs"] == 3


def test_no_show_charges_by_agency_and_csv(ld_coordinator, police, outsider_agency, client_for, agency_lead):
    full = make_course()
    half = make_course(title="Half-day briefing", duration="half_day")
    day = timezone.localdate() + datetime.timedelta(days=10)
    s1, s2 = make_session(full, day), make_session(half, day)
    bookings = [book(s1, "p1@police.example.org", agency=police), book(s2, "p2@police.example.org", agency=police),
                book(s1, "o1@club.example.org", agency=outsider_agency),
                book(s1, "a@police.example.org", agency=police)]
    move_to_past(s1)
    move_to_past(s2)
    for s, b, mark in [(s1, bookings[0], "no_show"), (s2, bookings[1], "no_show"), (s1, bookings[2], "no_show"),
                       (s1, bookings[3], "attended")]:
        evaluation.mark_attendance(session=s, marks={b.pk: mark}, by=ld_coordinator)
    today = timezone.localdate()
    rows = figures.no_show_charges(start=today - datetime.timedelta(days=30), end=today)
    by = {r["agency"]: r for r in rows}
    assert by[police.name]["total"] == 140 and by[outsider_agency.name]["total"] == 90
    start = today - datetime.timedelta(days=30)
    query = {"start_0": start.day, "start_1": start.month, "start_2": start.year,
             "end_0": today.day, "end_1": today.month, "end_2": today.year}
    csv = client_for(ld_coordinator).get(reverse("learning:charges"), {**query, "format": "csv"})
    body = b"".join(csv.streaming_content).decode()
    assert "140" in body and outsider_agency.name in body
    lead_page = client_for(agency_lead).get(reverse("learning:charges"), query).content.decode()
    assert police.name in lead_page and outsider_agency.name not in lead_page


def test_daily_messages_reminders_and_follow_up(course, ld_coordinator, settings):
    today = timezone.localdate()
    soon = make_session(course, today + datetime.timedelta(days=13))
    b = book(soon, "a@school.example.org")
    sent = evaluation.send_due_messages(today=today)
    assert sent["two-weeks"] == 1
    assert evaluation.send_due_messages(today=today)["two-weeks"] == 0  # once only
    reminder = EmailMessage.objects.get(subject__startswith="Reminder")
    assert "https://meet.example.org/abc" in reminder.body_text
    sent = evaluation.send_due_messages(today=soon.booking_closes_on)
    assert sent["two-days"] == 1
    assert set(BookingReminder.objects.filter(booking=b).values_list("stage", flat=True)) == {"two-weeks", "two-days"}

    settings.LEARNING_FOLLOW_UP_WEEKS = 12
    old = make_session(course, today + datetime.timedelta(days=40))
    c = book(old, "c@school.example.org")
    move_to_past(old, days=12 * 7 + 1)
    evaluation.mark_attendance(session=old, marks={c.pk: "attended"}, by=ld_coordinator)
    post = find_token(raw_token(c, "post"), "post")
    evaluation.submit_post(token=post, quality=4, relevance=5, comments="", outcome_scores=scores(course, 7))
    assert evaluation.send_due_messages(today=today)["follow-up"] == 1
    assert evaluation.send_due_messages(today=today)["follow-up"] == 0
    token = find_token(raw_token(c, "follow_up"), "follow_up")
    evaluation.submit_follow_up(token=token, practice_changed=True, practice_change="I now use the neglect toolkit",
                                examples="", impact_on_children="Earlier help", manager_involved=True)
    assert FollowUp.objects.get(booking=c).manager_involved
    summary = figures.practice_change(Booking.objects.all())
    assert summary["changed"] == 1 and summary["examples"][0].practice_change.startswith("I now use")
