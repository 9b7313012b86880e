"""Typed text kept when a session ends (partnership.kept_forms) is the typist's alone, and restricted areas keep
nothing. Generated from the URL conf: every page a signed-in person can POST to, whichever view keeps the text
(the middleware, or a view that keeps it itself like Section 11's answers)."""
import inspect
import logging

import pytest
from django import forms
from django.forms.formsets import BaseFormSet
from django.test import Client
from django.urls import reverse

from partnership import kept_forms, middleware

from .urlconf import url_for, walk

SECRET = "Typed about a child by the first person"
KEPT_PAGE = reverse("partnership:session-kept")


def keeps_what_is_typed(callback) -> bool:
    return kept_forms.needs_sign_in(callback) or getattr(callback, "keeps_typed_through_sign_in", False)


NEVER_KEPT = {"partnership:session-keep-alive"}  # "Stay signed in": nothing typed
POSTABLE = sorted((name, url_for(name, pattern)) for name, pattern in walk()
                  if keeps_what_is_typed(pattern.callback) and name not in NEVER_KEPT)
RESTRICTED = {name for name, _ in POSTABLE if name.split(":")[0] in kept_forms.RESTRICTED_NAMESPACES}


@pytest.fixture
def clock(monkeypatch):
    now = [1_900_000_000.0]
    monkeypatch.setattr(middleware, "clock", lambda: now[0])
    return now


def session_holds_typed_text(client) -> bool:
    session = client.session
    return bool(session.get(kept_forms.HELD_KEYS)) or SECRET in repr(dict(session.items()))


def post_as_the_session_ends(client, clock, user, url):
    client.force_login(user)
    client.get(reverse("partnership:accessibility"))  # the session's clocks start
    clock[0] += 31 * 60  # the idle limit passes while the person types
    return client.post(url, {"note": SECRET, "description": SECRET, "narrative": SECRET, "summary": SECRET})


def allowed_methods(view) -> set[str] | None:
    """The methods a view's decorators let through (require_http_methods and its kin, post_only); None when
    none restricts them."""
    while view is not None:
        code = getattr(view, "__code__", None)
        if code is not None:
            cells = dict(zip(code.co_freevars, view.__closure__ or (), strict=True))
            if "request_method_list" in cells:  # django.views.decorators.http.require_http_methods
                return set(cells["request_method_list"].cell_contents)
            if code.co_qualname.startswith("post_only."):
                return {"POST"}
        view = getattr(view, "__wrapped__", None)
    return None


def accepts_post(view) -> bool:
    methods = allowed_methods(view)
    if methods is not None:
        return "POST" in methods
    return "POST" in inspect.getsource(inspect.unwrap(view))  # no restriction: it reads a POST if it says so


# Every view behind sign-in that takes a POST, outside the restricted areas (which keep nothing).
TAKES_POSTS = sorted((name, pattern.callback) for name, pattern in walk()
                     if keeps_what_is_typed(pattern.callback) and accepts_post(pattern.callback)
                     and name.split(":")[0] not in kept_forms.RESTRICTED_NAMESPACES)


def test_the_walk_finds_views_that_take_a_post_of_every_kind():
    names = {name for name, _ in TAKES_POSTS}
    assert {"partnership:action-create", "partnership:action-add-update", "section11:answer-save",
            "performance:turn-the-curve-edit", "board-pack-step", "learning:course-edit"} <= names
    assert not names & {"partnership:action-list", "learning:courses", "home"}


@pytest.mark.parametrize("name,view", TAKES_POSTS, ids=[name for name, _ in TAKES_POSTS])
def test_every_view_that_takes_a_post_says_which_form_it_posts(name, view):
    """The kept page shows a kept POST with the labels of the form its view declares, so every view behind
    sign-in that takes a POST declares its form classes (`@posts`) or that nothing typed comes with it
    (`@posts_no_form(reason)`). Nothing is guessed from a view's module."""
    declared = getattr(view, "posted_forms", None)
    assert declared is not None, f"{name}: declare @posts(FormClass) or @posts_no_form(reason) (partnership.kept_forms)"
    if not declared:
        assert getattr(view, "posts_no_form", "").strip(), f"{name}: @posts_no_form needs its reason"
    for form_class in declared:
        assert issubclass(form_class, (forms.BaseForm, BaseFormSet)), f"{name}: {form_class!r} is not a form class"


def test_the_walk_finds_forms_of_every_kind():
    names = {name for name, _ in POSTABLE}
    assert {"partnership:action-add-update", "section11:answer-save", "reviews:notification-create"} <= names
    assert len(RESTRICTED) > 10


@pytest.mark.parametrize("name,url", POSTABLE, ids=[name for name, _ in POSTABLE])
def test_text_kept_as_a_session_ends_is_never_shown_to_anyone_else(clock, reviews_member, agency_lead, name, url):
    client = Client()
    post_as_the_session_ends(client, clock, reviews_member, url)
    if name in RESTRICTED:
        assert not session_holds_typed_text(client), f"{name}: text from a restricted area was kept"
        return
    assert session_holds_typed_text(client), f"{name}: nothing kept (the check below would prove nothing)"
    client.force_login(agency_lead)  # someone else signs in on the same browser
    assert not session_holds_typed_text(client), f"{name}: another person's typed text survived their sign-in"
    assert client.get(KEPT_PAGE).status_code == 302


@pytest.mark.parametrize("name,url", [p for p in POSTABLE if p[0] not in RESTRICTED][:3])
def test_the_typist_signing_in_again_finds_their_text(clock, agency_lead, name, url):
    client = Client()
    post_as_the_session_ends(client, clock, agency_lead, url)
    client.force_login(agency_lead)
    assert session_holds_typed_text(client), f"{name}: the typist's own text was lost"


def test_kept_text_is_shown_to_its_typist_only_even_if_the_session_is_handed_over(clock, agency_lead, reader):
    """Defence in depth: should someone else's kept form reach a session (the sign-in hook bypassed), the page
    refuses it and drops it."""
    client = Client()
    client.force_login(reader)
    session = client.session
    session[kept_forms.KEPT] = {"path": reverse("partnership:action-list"), "data": {"note": [SECRET]},
                                "had_files": False, "user": agency_lead.pk}
    session[kept_forms.HELD_KEYS] = [kept_forms.KEPT]
    session.save()
    response = client.get(KEPT_PAGE)
    assert response.status_code == 302 and SECRET not in response.content.decode()
    assert not session_holds_typed_text(client)


def test_showing_kept_text_is_logged_as_a_read(clock, agency_lead, caplog):
    client = Client()
    post_as_the_session_ends(client, clock, agency_lead, reverse("partnership:action-create"))
    client.force_login(agency_lead)
    with caplog.at_level(logging.INFO, logger="security"):
        page = client.get(KEPT_PAGE)
    assert page.status_code == 200 and SECRET in page.content.decode()
    reads = [r for r in caplog.records if getattr(r, "event", "") == "kept-form-read"]
    assert len(reads) == 1 and reads[0].actor == str(agency_lead.pk)
    assert reads[0].object == "partnership:action-create()"


def test_a_restricted_form_says_that_nothing_was_kept(clock, reviews_member):
    client = Client()
    response = post_as_the_session_ends(client, clock, reviews_member, reverse("reviews:notification-edit", args=[1]))
    assert response.status_code == 302 and "kept" not in response.url
    page = client.get(response.url).content.decode()
    assert "What you typed was not kept" in page
