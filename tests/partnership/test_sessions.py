"""Session lifetime: a new key at sign-in, sign-out that kills the key, the 30-minute idle timeout with its
keep-alive, and the 12-hour absolute limit (partnership.middleware.SessionTimeoutMiddleware, clock moved)."""
import json

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from partnership import middleware
from partnership.services.accounts import user_deactivate
from tests.factories import UserFactory

PASSWORD = "correct-horse-battery-staple"
SIGN_IN = reverse("partnership:sign-in")
HOME = reverse("home")
KEEP_ALIVE = reverse("partnership:session-keep-alive")
MINUTE = 60
IDLE_MESSAGE = "You were signed out after 30 minutes without activity; nothing you saved is lost"


class MovableClock:
    def __init__(self):
        self.now = 1_900_000_000.0

    def move(self, *, hours=0, minutes=0, seconds=0):
        self.now += hours * 3600 + minutes * MINUTE + seconds


@pytest.fixture
def clock(monkeypatch):
    moved = MovableClock()
    monkeypatch.setattr(middleware, "clock", lambda: moved.now)
    return moved


def sign_in(client, user):
    response = client.post(SIGN_IN, {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302, "sign-in failed"
    return response


def session_key(client) -> str | None:
    cookie = client.cookies.get(settings.SESSION_COOKIE_NAME)
    return cookie.value if cookie and cookie.value else None


def replay(key: str) -> Client:
    """A new browser that presents someone's session cookie."""
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = key
    return client


def is_signed_out(response) -> bool:
    return response.status_code == 302 and response.url.startswith(SIGN_IN)


def keep_alive(client, method="post"):
    response = getattr(client, method)(KEEP_ALIVE, HTTP_ACCEPT="application/json")
    assert response["Content-Type"] == "application/json"
    return json.loads(response.content)


# --- The session key ----------------------------------------------------------------------------------------


def test_signing_in_issues_a_new_session_key_and_drops_the_old_one(agency_lead):
    client = Client()
    before = client.session  # an anonymous session, as a visitor (or an attacker fixing it) would hold
    before["probe"] = "anonymous"
    before.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = before.session_key
    sign_in(client, agency_lead)
    after = session_key(client)
    assert after and after != before.session_key
    assert not Session.objects.filter(session_key=before.session_key).exists()
    assert is_signed_out(replay(before.session_key).get(HOME))
    assert replay(after).get(HOME).status_code == 200


def test_sign_out_deletes_the_session_so_its_cookie_cannot_be_replayed(agency_lead):
    client = Client()
    sign_in(client, agency_lead)
    key = session_key(client)
    assert replay(key).get(HOME).status_code == 200
    client.post(reverse("partnership:sign-out"))
    assert not Session.objects.filter(session_key=key).exists()
    assert is_signed_out(replay(key).get(HOME))


def test_a_closed_accounts_old_cookie_stays_dead_when_the_account_is_reopened(business_unit, agency_lead):
    client = Client()
    sign_in(client, agency_lead)
    key = session_key(client)
    user_deactivate(by=business_unit, user=agency_lead)
    agency_lead.is_active = True
    agency_lead.save()
    assert is_signed_out(replay(key).get(HOME))


# --- Idle timeout -------------------------------------------------------------------------------------------


def test_activity_within_30_minutes_keeps_the_session_going(agency_lead, clock):
    client = Client()
    sign_in(client, agency_lead)
    for _ in range(4):  # two hours in all, never idle for 30 minutes
        clock.move(minutes=29, seconds=59)
        assert client.get(HOME).status_code == 200


def test_30_minutes_idle_signs_out_with_the_message_and_kills_the_key(agency_lead, clock):
    client = Client()
    sign_in(client, agency_lead)
    key = session_key(client)
    clock.move(minutes=30)
    response = client.get(reverse("partnership:action-list") + "?status=agreed")
    assert is_signed_out(response)
    assert response.url == SIGN_IN + "?next=/actions/%3Fstatus%3Dagreed"
    page = client.get(response.url)
    assert IDLE_MESSAGE in page.content.decode()
    assert not Session.objects.filter(session_key=key).exists()
    assert is_signed_out(replay(key).get(HOME))


def test_an_idle_post_is_not_carried_out(agency_lead, clock, police):
    from tests.factories import ActionFactory

    action = ActionFactory(owner_agency=police)
    client = Client()
    sign_in(client, agency_lead)
    clock.move(minutes=31)
    response = client.post(reverse("partnership:action-add-update", args=[action.pk]), {"note": "Too late"})
    assert is_signed_out(response)
    assert action.updates.count() == 0


def test_asking_how_long_is_left_does_not_count_as_activity(agency_lead, clock):
    client = Client()
    sign_in(client, agency_lead)
    clock.move(minutes=20)
    assert keep_alive(client, "get") == {"seconds_left": 10 * MINUTE, "can_extend": True, "signed_in": True}
    clock.move(minutes=10)
    assert keep_alive(client, "get") == {"seconds_left": 0, "can_extend": False, "signed_in": False}
    response = client.get(HOME)
    assert is_signed_out(response)
    assert IDLE_MESSAGE in client.get(response.url).content.decode()


def test_stay_signed_in_restarts_the_idle_clock(agency_lead, clock):
    client = Client()
    sign_in(client, agency_lead)
    clock.move(minutes=28)
    assert keep_alive(client) == {"seconds_left": 30 * MINUTE, "can_extend": True, "signed_in": True}
    clock.move(minutes=29)
    assert client.get(HOME).status_code == 200


def test_stay_signed_in_without_javascript_goes_back_to_the_page(agency_lead, clock):
    client = Client()
    sign_in(client, agency_lead)
    clock.move(minutes=28)
    response = client.post(KEEP_ALIVE, {"next": "/actions/mine/"})
    assert response.status_code == 302
    assert response.url == "/actions/mine/"
    clock.move(minutes=29)
    assert client.get(HOME).status_code == 200


def test_stay_signed_in_needs_the_csrf_token(agency_lead):
    client = Client(enforce_csrf_checks=True)
    sign_in_page = client.get(SIGN_IN)
    token = sign_in_page.context["csrf_token"]
    client.post(SIGN_IN, {"username": agency_lead.email, "password": PASSWORD, "csrfmiddlewaretoken": token})
    assert client.post(KEEP_ALIVE, HTTP_ACCEPT="application/json").status_code == 403


def test_keep_alive_is_for_signed_in_people_only(client, db):
    assert is_signed_out(client.get(KEEP_ALIVE))
    assert is_signed_out(client.post(KEEP_ALIVE))


# --- Absolute limit -----------------------------------------------------------------------------------------


def stay_active_until(client, clock, moment: float) -> None:
    """A request and a "stay signed in" every 29 minutes, then one request at `moment`."""
    while clock.now + 29 * MINUTE < moment:
        clock.move(minutes=29)
        assert client.get(HOME).status_code == 200
        keep_alive(client)
    clock.now = moment


def test_12_hours_after_sign_in_the_session_ends_however_active(agency_lead, clock):
    client = Client()
    sign_in(client, agency_lead)
    end = clock.now + 12 * 3600
    stay_active_until(client, clock, end - 1)
    assert client.get(HOME).status_code == 200  # one second before the 12 hours
    clock.move(seconds=1)
    response = client.get(HOME)
    assert is_signed_out(response)
    assert "signed in for 12 hours" in client.get(response.url).content.decode()


def test_near_the_12_hours_stay_signed_in_cannot_extend_past_them(agency_lead, clock):
    client = Client()
    sign_in(client, agency_lead)
    end = clock.now + 12 * 3600
    stay_active_until(client, clock, end - 10 * MINUTE)
    assert keep_alive(client) == {"seconds_left": 10 * MINUTE, "can_extend": True, "signed_in": True}
    clock.now = end - settings.SESSION_TIMEOUT_WARNING  # the warning opens: staying cannot help any more
    assert keep_alive(client) == {"seconds_left": settings.SESSION_TIMEOUT_WARNING, "can_extend": False,
                                  "signed_in": True}


def test_a_session_from_before_the_rule_starts_its_clocks_at_its_next_request(agency_lead, clock):
    client = Client()
    client.force_login(agency_lead)
    session = client.session
    session.pop(middleware.SIGNED_IN_AT, None)
    session.pop(middleware.LAST_ACTIVE_AT, None)
    session.save()
    assert client.get(HOME).status_code == 200
    assert keep_alive(client, "get")["seconds_left"] == 30 * MINUTE


# --- The warning dialog in the page ---------------------------------------------------------------------------


def test_signed_in_pages_carry_the_timeout_warning_with_the_time_left(agency_lead, clock):
    client = Client()
    sign_in(client, agency_lead)
    html = client.get(HOME).content.decode()
    assert '<dialog class="app-timeout-dialog"' in html
    assert f'data-seconds-left="{30 * MINUTE}"' in html
    assert f'data-warning-seconds="{settings.SESSION_TIMEOUT_WARNING}"' in html
    assert settings.SESSION_TIMEOUT_WARNING >= 2 * MINUTE
    assert 'src="/static/js/timeout-warning.js"' in html


def test_public_pages_for_anonymous_visitors_have_no_timeout_warning(client, db):
    for url in (SIGN_IN, reverse("partnership:accessibility")):
        assert "app-timeout-dialog" not in client.get(url).content.decode()


def test_every_persona_can_use_keep_alive(db):
    user = UserFactory()
    client = Client()
    sign_in(client, user)
    assert keep_alive(client)["signed_in"] is True


def test_requests_within_a_minute_do_not_rewrite_the_session_but_the_session_still_ends_on_time(agency_lead,
                                                                                               clock):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = Client()
    sign_in(client, agency_lead)
    clock.move(seconds=59)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(HOME).status_code == 200
    assert not [q for q in queries.captured_queries if "django_session" in q["sql"] and "UPDATE" in q["sql"]]
    # That request was not recorded: 30 minutes from the last recorded activity (the sign-in) end it.
    clock.move(minutes=29, seconds=1)
    assert is_signed_out(client.get(HOME))


def test_a_request_a_minute_or_more_after_the_last_recorded_one_is_recorded(agency_lead, clock):
    client = Client()
    sign_in(client, agency_lead)
    clock.move(minutes=1)
    client.get(HOME)
    clock.move(minutes=29, seconds=59)
    assert client.get(HOME).status_code == 200
