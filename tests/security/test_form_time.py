"""Generated: every form a signed-out visitor is shown that POSTs carries the signed form-time ticket
(`partnership/form_time.py`), or is listed in NO_TICKET with the reason it needs none.

The URL conf is walked signed out (ids filled with an open training session's, as the public pages need); every page
whose HTML holds a `<form method="post">` is found. For every page that carries a ticket, a ticket replayed, or taken
from another browser session, is refused and does nothing. A new public form is covered without being listed.
Pages behind a one-time link (evaluation, approval, a booking's own page) answer only its holder
(test_one_time_links), so a dummy link shows no form here.
"""
import re
import time
from types import SimpleNamespace

import pytest
from django.core import signing
from django.test import Client

from learning.models import BookingRequest
from partnership import form_time
from partnership.models import EmailMessage

from .urlconf import converter_types, url_for, walk

pytestmark = pytest.mark.django_db

POST_FORM = re.compile(r"<form\b[^>]*\bmethod=\"post\"", re.I)
TICKET = re.compile(r"<input\b[^>]*\bname=\"started\"[^>]*\bvalue=\"([^\"]+)\"", re.I)
NO_TICKET = {
    "partnership:sign-in": "its own lockout per account and address (partnership/lockout.py, test_sign_in_lockout)",
    "partnership:password-reset": "same answer and work for any address, queued; at most one email per account per "
                                  "15 minutes and PASSWORD_RESET_ADDRESS_LIMIT per address (test_links_and_resets)",
}
# What a person would type into each ticketed form (fixtures by name), so that only the ticket decides.
TYPED = {
    "learning:book": lambda fx: {"name": "Sam Person", "email": "sam@police.example.org",
                                 "agency": str(fx("police").pk), "other_agency_name": "", "role": "Officer",
                                 "website": ""},
}


def public_post_forms(session) -> dict[str, tuple[str, str]]:
    """name -> (url, page HTML) for every page that shows a signed-out visitor a form that POSTs."""
    client = Client(raise_request_exception=False)
    found = {}
    for name, pattern in walk():
        values = {key: session.pk for key, kind in converter_types(pattern).items() if kind == "int"}
        url = url_for(name, pattern, **values)
        response = client.get(url)
        if response.status_code == 200 and not response.streaming and POST_FORM.search(response.content.decode()):
            found[name] = (url, response.content.decode())
    return found


def ticket_in(html: str) -> str | None:
    match = TICKET.search(html)
    if not match:
        return None
    try:
        signing.loads(match.group(1).replace("&#x27;", "'"), salt=form_time.SALT)
    except signing.BadSignature:
        return None
    return match.group(1)


@pytest.fixture
def pages(session):
    return public_post_forms(session)


def test_every_public_form_carries_the_ticket_or_says_why_not(pages):
    assert "learning:book" in pages  # the walk reaches the public booking form
    unticketed = {name for name, (_, html) in pages.items() if ticket_in(html) is None}
    missing = unticketed - set(NO_TICKET)
    assert not missing, f"public forms without a form-time ticket: {missing}"
    ticketed = set(pages) - unticketed
    assert not ticketed & set(NO_TICKET), f"listed as needing no ticket, but carry one: {ticketed & set(NO_TICKET)}"
    assert ticketed <= set(TYPED), f"say what a person types into: {ticketed - set(TYPED)}"


@pytest.fixture
def later(monkeypatch):
    """The form is sent two minutes after it was shown (a person's pace)."""
    def wait():
        real = time.time()
        monkeypatch.setattr(form_time, "time", SimpleNamespace(time=lambda: real + 120))
    return wait


def nothing_made() -> bool:
    return not BookingRequest.objects.exists() and not EmailMessage.objects.exists()


def ticketed_pages(session):
    return sorted(name for name, (_, html) in public_post_forms(session).items() if ticket_in(html))


@pytest.mark.parametrize("name", sorted(TYPED))
def test_a_ticket_from_another_browser_session_is_refused(request, session, later, name):
    url, _ = public_post_forms(session)[name]
    victim, bot = Client(), Client()
    ticket = ticket_in(victim.get(url).content.decode())  # shown to someone else
    later()
    response = bot.post(url, {**TYPED[name](request.getfixturevalue), "started": ticket})
    assert response.status_code == 400 and nothing_made()


@pytest.mark.parametrize("name", sorted(TYPED))
def test_a_replayed_ticket_is_refused_and_does_nothing_more(request, session, later, name):
    url, _ = public_post_forms(session)[name]
    client = Client()
    ticket = ticket_in(client.get(url).content.decode())
    later()
    data = {**TYPED[name](request.getfixturevalue), "started": ticket}
    assert client.post(url, data).status_code == 302  # the first time: accepted
    made = (BookingRequest.objects.count(), EmailMessage.objects.count())
    again = client.post(url, data)
    assert again.status_code == 400 and "This form was sent already" in again.content.decode()
    assert (BookingRequest.objects.count(), EmailMessage.objects.count()) == made


def test_every_ticketed_page_is_tried(session):
    assert ticketed_pages(session) == sorted(TYPED)
