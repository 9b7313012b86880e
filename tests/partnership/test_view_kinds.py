"""The four kinds of view (partnership.views.mixins): each one line carries the sign-in, the methods and what the POST
is (for the kept forms), as the decorators it stands for did."""
import pytest
from django import forms as django_forms
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.test import RequestFactory

from partnership.forms import GDSForm
from partnership.views.conflicts import edits_versioned
from partnership.views.mixins import button_view, confirm_view, form_view, inline_form_view


class NoteForm(GDSForm, django_forms.Form):
    pass


def _view():
    """A new view each time: a kind marks the function it is given."""
    def view(request):
        return HttpResponse("taken")

    return view


KINDS = {  # kind: (the view, the methods it answers, the forms its POST reads, its reason for posting none)
    "form": (form_view(NoteForm)(_view()), {"GET", "POST"}, (NoteForm,), None),
    "confirm": (confirm_view("a confirmation button")(_view()), {"GET", "POST"}, (), "a confirmation button"),
    "button": (button_view("a button")(_view()), {"POST"}, (), "a button"),
    "inline form": (inline_form_view(NoteForm)(_view()), {"POST"}, (NoteForm,), None),
}


def _request(method, user):
    request = getattr(RequestFactory(), method.lower())("/somewhere/")
    request.user = user
    return request


@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_signs_in_first_then_answers_only_its_methods(kind, business_unit):
    view, methods, _, _ = KINDS[kind]
    for method in ("GET", "POST", "PUT"):
        signed_out = view(_request(method, AnonymousUser()))
        assert signed_out.status_code == 302 and "/somewhere/" in signed_out["Location"], (kind, method)
        answer = view(_request(method, business_unit))
        assert answer.status_code == (200 if method in methods else 405), (kind, method)


@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_declares_what_its_post_is(kind):
    view, _, forms, reason = KINDS[kind]
    assert view.posted_forms == forms
    assert getattr(view, "posts_no_form", None) == reason
    assert view.__name__ == "view"


def test_a_mark_under_a_kind_goes_with_the_view():
    view = form_view(NoteForm)(edits_versioned(HttpResponse)(_view()))
    assert view.edits_versioned == (HttpResponse,) and view.posted_forms == (NoteForm,)


@pytest.mark.parametrize("kind", [form_view, inline_form_view])
def test_a_form_kind_wants_form_classes(kind):
    with pytest.raises(TypeError):
        kind("not a form")


@pytest.mark.parametrize("kind", [confirm_view, button_view])
def test_a_kind_that_posts_nothing_typed_wants_its_reason(kind):
    with pytest.raises(TypeError):
        kind(" ")
