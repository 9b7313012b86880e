"""Learning fixtures: a course with outcomes, sessions in the future and the past, and bookings."""
import datetime
import re

import pytest
from django.utils import timezone

from learning.models import Booking, BookingToken, Course, LearningOutcome, Level, Session
from learning.services import bookings as services

OUTCOMES = ["Recognise signs of neglect", "Make a good referral to the front door", "Escalate when worried"]


def at(day: datetime.date, hour: int = 9) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 30)))


def make_course(title="Neglect: recognising and responding", duration=Course.Duration.FULL_DAY, **extra) -> Course:
    level = Level.objects.get_or_create(number=2, defaults={"name": "Level 2: foundation"})[0]
    course = Course.objects.create(title=title, summary="Multi-agency neglect training.", level=level,
                                   audience="Front-line staff", duration=duration, **extra)
    for i, text in enumerate(OUTCOMES):
        LearningOutcome.objects.create(course=course, text=text, order=i)
    return course


def make_session(course, day: datetime.date, capacity=10, **extra) -> Session:
    return Session.objects.create(course=course, starts_at=at(day), ends_at=at(day, 16), capacity=capacity,
                                  venue="Civic Centre, London Road", online_link="https://meet.example.org/abc",
                                  joining_instructions="Room 3, bring ID", **extra)


def book(session, email, name="Alex Example", agency=None, **extra) -> Booking:
    return services.book(session_id=session.pk, name=name, email=email, agency=agency,
                         other_agency_name="" if agency else "Example Nursery", role="Key worker", **extra)


def raw_token(booking, purpose=BookingToken.Purpose.MANAGE) -> str:
    """The raw token from the latest email to the booker (only emails ever hold it)."""
    from partnership.models import EmailMessage

    name = {"manage": "my", "pre": "before", "post": "after", "follow_up": "follow-up", "approve": "approve"}[purpose]
    for email in EmailMessage.objects.order_by("-pk"):
        found = re.search(rf"/learning/{name}/([A-Za-z0-9_\-]+)/", email.body_text)
        if found and services.find_token(found.group(1), purpose) and \
                services.find_token(found.group(1), purpose).booking_id == booking.pk:
            return found.group(1)
    raise AssertionError(f"no {purpose} link emailed for booking {booking.pk}")


def started_value(client, session, seconds_ago: int = 60) -> str:
    """A form-time ticket for `client`'s browser session, as if the booking form was shown `seconds_ago`."""
    import time
    from types import SimpleNamespace

    from django.urls import reverse

    from learning.forms.public import form_purpose
    from partnership import form_time

    if client.session.session_key is None:
        client.get(reverse("learning:session", args=[session.pk]))
        client.get(reverse("learning:book", args=[session.pk]))
    store = client.session
    ticket = form_time.issue(SimpleNamespace(session=store), form_purpose(session.pk), at=time.time() - seconds_ago)
    store.save()
    return ticket


def confirm_link(email: str) -> str:
    """The confirmation link from the latest email to `email` (only emails ever hold it)."""
    from partnership.models import EmailMessage

    for message in EmailMessage.objects.filter(to=email).order_by("-pk"):
        found = re.search(r"/learning/confirm/[A-Za-z0-9_\-]+/", message.body_text)
        if found:
            return found.group(0)
    raise AssertionError(f"no confirmation link emailed to {email}")


@pytest.fixture
def course(db):
    return make_course()


@pytest.fixture
def future_day():
    return timezone.localdate() + datetime.timedelta(days=30)


@pytest.fixture
def session(course, future_day):
    return make_session(course, future_day)


@pytest.fixture
def past_session(course):
    return make_session(course, timezone.localdate() - datetime.timedelta(days=7))
