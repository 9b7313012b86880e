"""Public booking's abuse checks count an inbox, not a spelling of it (learning.services.bookings.mailbox): letter
case, a "+tag" and, where the provider ignores them, dots reach one inbox, so none of them gets round the
shared-inbox refusal, the duplicate check or the per-address limit."""
import pytest
from django.test import Client
from django.urls import reverse

from learning.models import Booking
from learning.services import bookings as services
from partnership.services.errors import ServiceError
from tests.learning.conftest import book
from tests.learning.test_public_pages import form_data


@pytest.mark.parametrize("spelling,inbox", [
    ("J.Smith+training@Gmail.com", "jsmith@gmail.com"), ("j.s.mith@googlemail.com", "jsmith@googlemail.com"),
    ("Jo.Smith+x@school.example.org", "jo.smith@school.example.org"), (" office@nursery.example.org ",
                                                                         "office@nursery.example.org"),
])
def test_spellings_of_one_inbox_are_one(spelling, inbox):
    assert services.mailbox(spelling) == inbox


def test_a_tag_does_not_get_round_the_shared_inbox_refusal(session, settings):
    settings.LEARNING_SHARED_INBOXES = ["office"]
    with pytest.raises(ServiceError, match="shared inbox"):
        book(session, "Office+training@nursery.example.org")


@pytest.mark.parametrize("second", ["J.Smith@gmail.com", "jsmith+2@gmail.com", "JSMITH@GMAIL.COM"])
def test_another_spelling_of_a_booked_inbox_is_a_duplicate(session, second):
    book(session, "jsmith@gmail.com")
    with pytest.raises(ServiceError, match="already booked"):
        book(session, second)
    assert Booking.objects.count() == 1


def test_the_per_address_limit_counts_an_inbox_whatever_its_spelling(session, settings, police):
    settings.LEARNING_BOOKING_EMAIL_RATE_LIMIT = 2
    url = reverse("learning:book", args=[session.pk])
    clients = [Client(REMOTE_ADDR=f"192.0.2.{n + 1}") for n in range(3)]
    answers = [client.post(url, form_data(client, session, police, email=f"j.smith+{n}@school.example.org")).status_code
               for n, client in enumerate(clients)]
    assert answers[-1] == 429, answers
