"""A session's online link and joining instructions reach only its booked delegates (their booking page), the L&D
coordinator and business unit, and its trainers. Generated over every page without an object id and every
learning page that takes an id, for every other persona and an anonymous visitor."""
import pytest
from django.test import Client
from django.urls import reverse

from tests.learning.conftest import book, raw_token

from .urlconf import converter_types, url_for, walk

LINK = "https://meet.example.org/secret-room-4471"
INSTRUCTIONS = "Door code 4471, room 3"
PERSONAS = (None, "chair", "reader", "qa_member", "agency_lead", "contributor", "outsider", "reviews_member")
MANAGERS = ("business_unit", "ld_coordinator")


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


@pytest.mark.parametrize("persona", MANAGERS)
def test_the_coordinator_sees_them(request, online_session, persona, client_for):
    assert "learning:session-manage" in shown_to(client_for(request.getfixturevalue(persona)),
                                                 pages(online_session))


def test_a_confirmed_delegate_sees_them_on_their_booking_page(online_session, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        booking = book(online_session, "delegate@school.example.org")
    page = Client().get(reverse("learning:booking", args=[raw_token(booking)])).content.decode()
    assert LINK in page and INSTRUCTIONS in page
