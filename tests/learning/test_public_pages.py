"""The public pages: booking through the form (honeypot, timing, rate limits, shared inboxes, duplicates),
the personal booking page and its links, and what they never show."""
import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from learning.models import Booking, BookingToken
from partnership.models import EmailMessage

from .conftest import book, confirm_link, raw_token, started_value

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clear_cache():
    cache.clear()
    yield
    cache.clear()


def form_data(client, session, police, **extra):
    return {"name": "Jo Bloggs", "email": "jo.bloggs@police.example.org", "agency": str(police.pk),
            "other_agency_name": "", "role": "Detective constable", "website": "",
            "started": started_value(client, session), **extra}


def post_form(session, police, client=None, **extra):
    client = client or Client()
    return client.post(reverse("learning:book", args=[session.pk]), form_data(client, session, police, **extra))


def confirm(email="jo.bloggs@police.example.org", client=None):
    client = client or Client()
    url = confirm_link(email)
    assert client.get(url).status_code == 200
    return client.post(url)


def test_public_list_and_session_need_no_sign_in(session):
    client = Client()
    listing = client.get(reverse("learning:sessions"))
    assert listing.status_code == 200 and session.course.title in listing.content.decode()
    page = client.get(reverse("learning:session", args=[session.pk]))
    assert page.status_code == 200 and "Recognise signs of neglect" in page.content.decode()


def test_book_through_the_form_then_confirm_from_the_email(session, police):
    response = post_form(session, police)
    assert response.status_code == 302
    assert not Booking.objects.exists()  # nothing held, nothing listed, until the address confirms
    answer = Client().get(response["Location"]).content.decode()
    assert "Check your email" in answer and "jo.bloggs" not in answer
    email = EmailMessage.objects.get(to="jo.bloggs@police.example.org")
    assert "Jo Bloggs" not in email.body_text and "Detective" not in email.body_text  # nothing typed is quoted
    confirmed = confirm()
    assert confirmed.status_code == 302
    booking = Booking.objects.get()
    assert booking.agency == police and booking.status == Booking.Status.CONFIRMED
    assert "Your place is booked" in Client().get(confirmed["Location"]).content.decode()
    again = Client().post(confirmed["Location"])  # the link is spent: a second press changes nothing
    assert again.status_code == 200 and Booking.objects.count() == 1


def test_other_agency_needs_a_name(session, police):
    response = post_form(session, police, agency="other")
    assert response.status_code == 400
    assert "Enter the name of your organisation" in response.content.decode()
    ok = post_form(session, police, agency="other", other_agency_name="Little Acorns Nursery")
    assert ok.status_code == 302
    confirm()
    booking = Booking.objects.get()
    assert booking.other_agency_name == "Little Acorns Nursery" and not booking.organisation_checked


def test_shared_inbox_refused_with_explanation_and_input_kept(session, police):
    response = post_form(session, police, email="info@police.example.org")
    body = response.content.decode()
    assert response.status_code == 400 and "not a shared inbox such as info@" in body
    assert 'value="Jo Bloggs"' in body and not Booking.objects.exists()


def test_duplicate_answered_as_a_new_booking_and_link_resent(session, police):
    client = Client()
    first = post_form(session, police, client)
    confirm()
    before = EmailMessage.objects.count()
    again = post_form(session, police, client)
    assert again.status_code == first.status_code == 302 and again["Location"] == first["Location"]
    assert EmailMessage.objects.count() == before + 1
    assert "/learning/my/" in EmailMessage.objects.order_by("-pk").first().body_text
    assert Booking.objects.count() == 1
    resent = client.post(reverse("learning:resend", args=[session.pk]), {"email": "jo.bloggs@police.example.org"})
    assert resent.status_code == 200
    # The same answer for an address that never booked: nobody learns who booked.
    other = client.post(reverse("learning:resend", args=[session.pk]), {"email": "nobody@police.example.org"})
    assert other.content.decode().count("If that address has a booking") == 1


def test_honeypot_too_fast_forged_replayed_and_other_session_tickets_are_refused(session, police):
    url = reverse("learning:book", args=[session.pk])
    client = Client()
    assert client.post(url, form_data(client, session, police, website="http://spam.example")).status_code == 400
    client = Client()
    assert client.post(url, {**form_data(client, session, police),
                             "started": started_value(client, session, 0)}).status_code == 400
    client = Client()
    assert client.post(url, form_data(client, session, police, started="forged")).status_code == 400
    assert not EmailMessage.objects.exists()
    # A ticket works once, in the browser session it was given to.
    client = Client()
    data = form_data(client, session, police)
    assert client.post(url, data).status_code == 302
    replay = client.post(url, data)
    assert replay.status_code == 400 and "This form was sent already" in replay.content.decode()
    elsewhere = Client()
    elsewhere.get(url)
    assert elsewhere.post(url, {**data, "email": "other@police.example.org"}).status_code == 400
    assert EmailMessage.objects.count() == 1


def test_rate_limit_per_ip_and_per_email(session, police, settings):
    settings.LEARNING_BOOKING_RATE_LIMIT = 3
    settings.LEARNING_BOOKING_EMAIL_RATE_LIMIT = 100
    client = Client()
    statuses = [post_form(session, police, client, email=f"p{i}@police.example.org").status_code for i in range(4)]
    assert statuses == [302, 302, 302, 429]
    cache.clear()
    settings.LEARNING_BOOKING_RATE_LIMIT = 100
    settings.LEARNING_BOOKING_EMAIL_RATE_LIMIT = 1
    post_form(session, police, client, email="same@police.example.org")
    assert post_form(session, police, client, email="same@police.example.org").status_code == 429


def test_behind_a_proxy_the_limit_counts_each_client_not_the_proxy(session, police, settings):
    settings.PROXY_COUNT = 1
    settings.LEARNING_BOOKING_RATE_LIMIT = 1
    settings.LEARNING_BOOKING_EMAIL_RATE_LIMIT = 100

    def post(client_address, n):
        client = Client(REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR=client_address)
        return post_form(session, police, client, email=f"p{n}@police.example.org").status_code

    assert [post("203.0.113.1", 1), post("203.0.113.2", 2), post("203.0.113.1", 3)] == [302, 302, 429]


def test_with_the_cache_down_the_form_still_books(session, police, monkeypatch):
    client = Client()
    data = form_data(client, session, police)

    def broken(*args, **kwargs):
        raise ConnectionError("Redis is down")

    monkeypatch.setattr(cache, "add", broken)
    response = client.post(reverse("learning:book", args=[session.pk]), data)
    assert response.status_code == 302 and EmailMessage.objects.count() == 1


def test_booking_closed_page(course, police):
    import datetime

    from django.utils import timezone

    from .conftest import make_session

    session = make_session(course, timezone.localdate() + datetime.timedelta(days=1), booking_cutoff_days=3)
    response = Client().get(reverse("learning:book", args=[session.pk]))
    assert "Booking for this session has closed" in response.content.decode()


def test_personal_page_shows_joining_details_only_when_confirmed(course, future_day):
    from .conftest import make_session

    session = make_session(course, future_day, capacity=1)
    confirmed = book(session, "a@school.example.org", name="Ann Able")
    waiting = book(session, "b@school.example.org", name="Ben Baker")
    page = Client().get(reverse("learning:booking", args=[raw_token(confirmed)])).content.decode()
    assert "https://meet.example.org/abc" in page and "Ann Able" in page and "Ben Baker" not in page
    page = Client().get(reverse("learning:booking", args=[raw_token(waiting)])).content.decode()
    assert "https://meet.example.org/abc" not in page and "number 1 on the waiting list" in page
    assert "Ann Able" not in page


def test_unknown_or_wrong_purpose_tokens_are_404(session):
    b = book(session, "a@school.example.org")
    raw = raw_token(b)
    client = Client()
    assert client.get(reverse("learning:booking", args=["x" * 43])).status_code == 404
    assert client.get(reverse("learning:evaluate-post", args=[raw])).status_code == 404
    assert client.get(reverse("learning:certificate", args=[raw])).status_code == 404  # not attended yet
    pre = raw_token(b, BookingToken.Purpose.PRE)
    assert client.get(reverse("learning:booking", args=[pre])).status_code == 404


def test_cancel_through_personal_page(session):
    b = book(session, "a@school.example.org")
    raw = raw_token(b)
    client = Client()
    assert client.get(reverse("learning:booking-cancel", args=[raw])).status_code == 200
    response = client.post(reverse("learning:booking-cancel", args=[raw]))
    assert response.status_code == 302
    b.refresh_from_db()
    assert b.status == Booking.Status.CANCELLED_BY_BOOKER


def test_public_list_query_count(course, future_day, django_assert_max_num_queries):
    import datetime

    from .conftest import make_session

    for i in range(15):
        s = make_session(course, future_day + datetime.timedelta(days=i))
        book(s, f"p{i}@school.example.org")
    with django_assert_max_num_queries(6):
        assert Client().get(reverse("learning:sessions")).status_code == 200
