"""A session's online link and joining instructions reach only its booked delegates (their booking page), the L&D
coordinator, and the session's own trainers (they deliver it). Generated over every page without an object id and
every learning page that takes an id, for every other persona (the business unit included) and an anonymous
visitor."""
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.learning.conftest import book, raw_token

from .urlconf import converter_types, url_for, walk

LINK = "https://meet.example.org/secret-room-4471"
INSTRUCTIONS = "Door code 4471, room 3"
PERSONAS = (None, "business_unit", "chair", "reader", "qa_member", "agency_lead", "contributor", "outsider",
            "reviews_member")


def pages(session) -> dict[str, str]:
    found = {}
    for name, pattern in walk():
        kinds = converter_types(pattern)
        if not kinds:
            found[name] = url_for(name, pattern)
        elif name.startswith("learning:") and set(kinds.values()) == {"int"}:
            found[name] = url_for(name, pattern, pk=session.pk)
    return found


@pytest.fixture
def online_session(session):
    session.online_link, session.joining_instructions = LINK, INSTRUCTIONS
    session.save()
    return session


def shown_to(client, urls) -> list[str]:
    leaks = []
    for name, url in urls.items():
        response = client.get(url)
        if response.status_code == 200 and not response.streaming and (
                LINK in response.content.decode() or INSTRUCTIONS in response.content.decode()):
            leaks.append(name)
    return leaks


@pytest.mark.parametrize("persona", PERSONAS)
def test_nobody_else_sees_the_joining_details(request, online_session, persona):
    client = Client(raise_request_exception=False)
    if persona:
        client.force_login(request.getfixturevalue(persona))
    assert not shown_to(client, pages(online_session)), f"{persona or 'anonymous'} sees the joining details"


def test_the_coordinator_sees_them(online_session, ld_coordinator, client_for):
    assert {"learning:session-manage", "learning:session-edit"} <= set(
        shown_to(client_for(ld_coordinator), pages(online_session)))


def test_a_trainer_of_the_session_sees_them_and_a_trainer_of_another_does_not(online_session, contributor,
                                                                             client_for, future_day):
    from learning.models import SessionTrainer as Trainer
    from tests.learning.conftest import make_course, make_session

    other = make_session(make_course(title="Another course"), future_day)
    Trainer.objects.create(session=other, name="Sam Trainer", user=contributor)
    assert not shown_to(client_for(contributor), pages(online_session))
    Trainer.objects.create(session=online_session, name="Sam Trainer", user=contributor)
    assert "learning:session-manage" in shown_to(client_for(contributor), pages(online_session))


def test_the_business_unit_edits_a_session_without_its_joining_details_and_keeps_them(online_session, business_unit,
                                                                                      client_for):
    client = client_for(business_unit)
    page = client.get(reverse("learning:session-edit", args=[online_session.pk])).content.decode()
    assert LINK not in page and 'name="online_link"' not in page and 'name="venue"' in page
    start = timezone.localtime(online_session.starts_at)
    data = {"course": online_session.course_id, "day_0": start.day, "day_1": start.month, "day_2": start.year,
            "start_time": f"{start:%H:%M}", "end_time": f"{timezone.localtime(online_session.ends_at):%H:%M}",
            "venue": online_session.venue, "online_link": "https://evil.example/", "joining_instructions": "",
            "capacity": "12", "booking_cutoff_days": "2", "cancellation_cutoff_days": "2",
            "version": online_session.version}
    assert client.post(reverse("learning:session-edit", args=[online_session.pk]), data).status_code == 302
    online_session.refresh_from_db()
    assert online_session.capacity == 12
    assert online_session.online_link == LINK and online_session.joining_instructions == INSTRUCTIONS


def test_a_confirmed_delegate_sees_them_on_their_booking_page(online_session, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        booking = book(online_session, "delegate@school.example.org")
    page = Client().get(reverse("learning:booking", args=[raw_token(booking)])).content.decode()
    assert LINK in page and INSTRUCTIONS in page
