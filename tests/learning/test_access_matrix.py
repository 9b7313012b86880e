"""Who may reach every learning URL, generated from the URL conf so a new URL is covered at once.

Each `learning:` pattern is filled with ids from a small world (a police and an outsider booking on a past
session; a published and a draft briefing), then asked for by each persona with GET and an empty POST,
each request inside a transaction that is rolled back. The expected status comes from learning/access.py:
anonymous people reach only the public pages (302 to sign-in elsewhere); everyone signed in sees the offer,
briefings and coverage map; L&D coordinators and the business unit manage; agency leads see their agency's
bookings and charges; figures are for the partnership's oversight roles.
"""
import datetime

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from learning.models import Briefing, SessionTrainer
from tests.factories import UserFactory

from .conftest import book, make_session

pytestmark = pytest.mark.django_db

PERSONAS = ("anonymous", "reader", "qa_member", "chair", "business_unit", "ld_coordinator", "agency_lead",
            "contributor", "outsider", "reviews_member", "trainer")
SIGNED_IN = PERSONAS[1:]
MANAGERS = ("business_unit", "ld_coordinator")
LEADS = ("agency_lead", "outsider")
FIGURES = ("reader", "qa_member", "chair", *MANAGERS)
LOGGERS = (*MANAGERS, "agency_lead", "contributor", "outsider")
PUBLIC = {"sessions", "session", "book", "booked", "resend", "confirm",
          "booking", "booking-cancel", "certificate", "approve",
          "evaluate-pre", "evaluate-post", "evaluate-follow-up"}


def signed_in(default, **groups) -> dict:
    result = {"anonymous": 302, **dict.fromkeys(SIGNED_IN, default)}
    for status, names in groups.items():
        result.update(dict.fromkeys(names, int(status[1:])))
    return result


def only(names, ok=200, refused=403) -> dict:
    return {"anonymous": 302, **{p: ok if p in names else refused for p in SIGNED_IN}}


def everyone(status) -> dict:
    return dict.fromkeys(PERSONAS, status)


GET_405 = signed_in(405)
EXPECTED = {
    "courses": {"GET": signed_in(200), "POST": GET_405},
    "course": {"GET": signed_in(200), "POST": GET_405},
    "course-create": {"GET": only(MANAGERS), "POST": only(MANAGERS, ok=400)},
    "course-edit": {"GET": only(MANAGERS), "POST": only(MANAGERS, ok=400)},
    "course-impact": {"GET": only(FIGURES), "POST": GET_405},
    "session-create": {"GET": only(MANAGERS), "POST": only(MANAGERS, ok=400)},
    "session-manage": {"GET": signed_in(200), "POST": GET_405},
    "session-edit": {"GET": only(MANAGERS), "POST": only(MANAGERS, ok=400)},
    "trainer-add": {"GET": GET_405, "POST": only(MANAGERS, ok=400)},  # an empty form: the page with its errors
    "session-cancel": {"GET": only(MANAGERS), "POST": only(MANAGERS, ok=302)},  # GET: how many will be told
    "attendance": {"GET": only((*MANAGERS, "trainer")), "POST": only((*MANAGERS, "trainer"), ok=302)},
    "bookings": {"GET": only((*MANAGERS, *LEADS)), "POST": GET_405},
    "booking-cancel-staff": {"GET": GET_405, "POST": only(MANAGERS, ok=302)},
    "charges": {"GET": only((*MANAGERS, *LEADS)), "POST": GET_405},
    "figures": {"GET": only(FIGURES), "POST": GET_405},
    "briefings": {"GET": signed_in(200), "POST": GET_405},
    "briefing-create": {"GET": only(MANAGERS), "POST": only(MANAGERS, ok=400)},
    "briefing": {"GET": only(MANAGERS, refused=404), "POST": GET_405},  # the draft: unpublished is invisible
    "briefing-edit": {"GET": only(MANAGERS), "POST": only(MANAGERS, ok=400)},
    "briefing-pdf": {"GET": only(MANAGERS, ok=None, refused=404), "POST": GET_405},
    "briefing-publish": {"GET": GET_405, "POST": only(MANAGERS, ok=302)},
    "briefing-use": {"GET": only(LOGGERS), "POST": only(LOGGERS, ok=400)},
    "coverage": {"GET": signed_in(200), "POST": GET_405},
    # Public pages: no sign-in; a guessed token is simply not found.
    "sessions": {"GET": everyone(200), "POST": everyone(405)},
    "session": {"GET": everyone(200), "POST": everyone(405)},
    "book": {"GET": everyone(410), "POST": everyone(410)},  # the past session: booking closed
    "booked": {"GET": everyone(200), "POST": everyone(405)},  # "check your email": the same for everyone
    "confirm": {"GET": everyone(404), "POST": everyone(404)},
    "resend": {"GET": everyone(405), "POST": everyone(200)},  # always the same answer
    "booking": {"GET": everyone(404), "POST": everyone(405)},
    "booking-cancel": {"GET": everyone(404), "POST": everyone(404)},
    "certificate": {"GET": everyone(404), "POST": everyone(405)},
    "approve": {"GET": everyone(404), "POST": everyone(404)},
    "evaluate-pre": {"GET": everyone(404), "POST": everyone(404)},
    "evaluate-post": {"GET": everyone(404), "POST": everyone(404)},
    "evaluate-follow-up": {"GET": everyone(404), "POST": everyone(404)},
}


@pytest.fixture
def world(course, police, outsider_agency, request):
    people = {name: request.getfixturevalue(name) for name in PERSONAS[1:-1]}
    people["trainer"] = UserFactory(email="trainer@police.example.org", full_name="Terry Trainer", agency=police)
    session = make_session(course, timezone.localdate() + datetime.timedelta(days=20))
    police_booking = book(session, "pc@police.example.org", name="Pat Police", agency=police)
    book(session, "yw@club.example.org", name="Yan Youthworker", agency=outsider_agency)
    session.starts_at -= datetime.timedelta(days=30)
    session.ends_at -= datetime.timedelta(days=30)
    session.save()
    SessionTrainer.objects.create(session=session, name="Terry Trainer", user=people["trainer"], agency=police)
    draft = Briefing.objects.create(title="Draft briefing", background="b", why_it_matters="w", key_points="k",
                                    what_to_do="d", reflection_questions="q", source_kind="theme")
    published = Briefing.objects.create(title="Published briefing", background="b", why_it_matters="w",
                                        key_points="k", what_to_do="d", reflection_questions="q",
                                        source_kind="theme", status="published", published_on=timezone.localdate())
    return {"people": people, "session": session, "booking": police_booking, "draft": draft,
            "published": published}


def url_for(name, world):
    ids = {"course": world["session"].course_id, "course-edit": world["session"].course_id,
           "course-impact": world["session"].course_id, "booking-cancel-staff": world["booking"].pk,
           "briefing": world["draft"].pk, "briefing-edit": world["draft"].pk, "briefing-pdf": world["draft"].pk,
           "briefing-publish": world["draft"].pk, "briefing-use": world["published"].pk}
    token_names = {"confirm", "booking", "booking-cancel", "certificate", "approve", "evaluate-pre", "evaluate-post",
                   "evaluate-follow-up"}
    if name in token_names:
        return reverse(f"learning:{name}", args=["guessed-" + "x" * 36])
    for arg in (None, ids.get(name, world["session"].pk)):
        try:
            return reverse(f"learning:{name}", args=[] if arg is None else [arg])
        except Exception:  # noqa: BLE001,S112 - try the next shape
            continue
    raise AssertionError(name)


def learning_url_names():
    from learning import urls

    return {p.name for p in urls.urlpatterns}


def test_every_url_has_a_row():
    assert learning_url_names() == set(EXPECTED)


def test_matrix(world):
    failures = []
    for name, methods in EXPECTED.items():
        url = url_for(name, world)
        for method, statuses in methods.items():
            for persona in PERSONAS:
                client = Client()
                if persona != "anonymous":
                    client.force_login(world["people"][persona])
                with transaction.atomic():
                    response = client.get(url) if method == "GET" else client.post(url, {})
                    transaction.set_rollback(True)
                expected = statuses[persona]
                if expected is None:
                    continue
                if response.status_code != expected:
                    failures.append(f"{method} {name} as {persona}: {response.status_code}, expected {expected}")
    assert not failures, "\n".join(failures)


def test_agency_lead_sees_only_own_agency_bookings(world, client_for, agency_lead, outsider):
    page = client_for(agency_lead).get(reverse("learning:session-manage", args=[world["session"].pk])).content.decode()
    assert "Pat Police" in page and "Yan Youthworker" not in page
    listing = client_for(outsider).get(reverse("learning:bookings")).content.decode()
    assert "Yan Youthworker" in listing and "Pat Police" not in listing
    reader_page = client_for(world["people"]["reader"]).get(
        reverse("learning:session-manage", args=[world["session"].pk])).content.decode()
    assert "Pat Police" not in reader_page and "Yan Youthworker" not in reader_page


def test_public_pages_never_list_attendees(world):
    session = world["session"]
    for url in (reverse("learning:sessions"), reverse("learning:session", args=[session.pk])):
        body = Client().get(url).content.decode()
        assert "Pat Police" not in body and "pc@police" not in body


def test_attendance_page_query_count(world, client_for, ld_coordinator, police, django_assert_max_num_queries):
    from learning.models import Booking

    session = world["session"]
    for i in range(30):
        Booking.objects.create(session=session, name=f"Delegate {i}", email=f"d{i}@police.example.org",
                               agency=police, role="PC", status="confirmed")
    client = client_for(ld_coordinator)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("learning:attendance", args=[session.pk])).status_code == 200
    with django_assert_max_num_queries(16):
        assert client.get(reverse("learning:session-manage", args=[session.pk])).status_code == 200
    with django_assert_max_num_queries(16):
        assert client.get(reverse("learning:bookings")).status_code == 200
