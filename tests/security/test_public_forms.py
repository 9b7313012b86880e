"""Generated: what people without an account type (issue 17, findings 4 and 5, and the form-time ticket).

- Every one-line box of every form of the project is one line (a line break typed into a name would open a new
  paragraph in each email and page quoting it).
- Every form an anonymous visitor is shown (found by walking the URL conf signed out, with real ids for the public
  pages) refuses a web or an email address in its one-line boxes (names, roles), passwords and addresses apart.
- A public booking holds nothing and quotes nothing typed until its address confirms it, and every accepted
  form gets the same answer, booked before or not.
A new form or public page is covered without being listed here.
"""
import re

import pytest
from django import forms
from django.test import Client
from django.urls import reverse

from learning.models import Booking, BookingRequest
from partnership.forms import GDSForm
from partnership.input_rules import NoLinks, harden_fields, is_one_line
from partnership.models import EmailMessage
from tests.learning.conftest import book, confirm_link, started_value
from tests.partnership.test_personal_data_forms import FORMS

from .test_bad_input import build
from .urlconf import converter_types, url_for, walk

pytestmark = pytest.mark.django_db

ONE_LINE = sorted((name, field) for name, cls in FORMS.items() for field, f in cls.base_fields.items()
                  if is_one_line(f) and not isinstance(f.widget, forms.PasswordInput))
LINKS = ["see http://evil.test/x", "HTTPS://evil.test", "www.evil.test", "jo@evil.test", "evil.com/pay",
         "javascript:alert(1)"]
NOT_LINKS = ["Jo O'Brien-Smith", "Dr. A. N. Other", "Designated safeguarding lead (St. Mark's)", "J.Smith"]


def test_the_walk_finds_one_line_boxes_in_every_area():
    assert {name.split(".")[0] for name, _ in ONE_LINE} >= {"learning", "partnership", "section11", "audits"}
    assert ("learning.forms.public.BookingForm", "name") in ONE_LINE


@pytest.mark.parametrize("form_name,field_name", ONE_LINE)
def test_every_one_line_box_refuses_a_line_break(form_name, field_name):
    form, _ = build(FORMS[form_name], {})
    form, _ = build(FORMS[form_name], {form.add_prefix(field_name): "First line\nSecond line"})
    if field_name not in form.fields:  # taken out by the form for this case (e.g. no manager approval needed)
        return
    form.is_valid()
    assert field_name in form.errors, f"{form_name}.{field_name} took a line break"


def anonymous_forms(world_session):
    """(page name, form) for every page of the URL conf that shows an anonymous visitor a form."""
    client = Client()
    found = []
    for name, pattern in walk():
        values = {key: world_session.pk for key, kind in converter_types(pattern).items() if kind == "int"}
        response = client.get(url_for(name, pattern, **values))
        contexts = response.context or []
        for form in {id(f): f for c in ([contexts] if hasattr(contexts, "get") else contexts)
                     for f in [c.get("form")] if isinstance(f, forms.BaseForm)}.values():
            found.append((name, form))
    return found


def test_every_form_shown_to_an_anonymous_visitor_refuses_links_in_its_one_line_boxes(session):
    shown = anonymous_forms(session)
    assert "learning:book" in {name for name, _ in shown}  # the walk reaches the public booking form
    for name, form in shown:
        if not isinstance(form, GDSForm):
            continue
        harden_fields(form.fields, public=form.public)  # what the form base does when the form is sent
        for field_name, field in form.fields.items():
            if is_one_line(field) and not isinstance(field, forms.EmailField) \
                    and not isinstance(field.widget, forms.PasswordInput):
                assert NoLinks() in field.validators, f"{name}: {field_name} takes links from anyone"


@pytest.mark.parametrize("value", LINKS)
def test_public_names_and_roles_refuse_links(value):
    form, _ = build(FORMS["learning.forms.public.BookingForm"], {"name": value, "role": value})
    form.is_valid()
    assert "name" in form.errors and "role" in form.errors


@pytest.mark.parametrize("value", NOT_LINKS)
def test_ordinary_names_and_roles_pass(value):
    form, _ = build(FORMS["learning.forms.public.BookingForm"], {"name": value, "role": value})
    form.is_valid()
    assert "name" not in form.errors and "role" not in form.errors


def post_booking(session, police, email, client=None, **extra):
    client = client or Client()
    data = {"name": "Mallory", "email": email, "agency": str(police.pk), "other_agency_name": "", "role": "Officer",
            "website": "", "started": started_value(client, session), **extra}
    return client.post(reverse("learning:book", args=[session.pk]), data)


def test_nothing_is_held_or_listed_until_the_address_confirms(session, police):
    response = post_booking(session, police, "victim@police.example.org")
    assert response.status_code == 302
    assert not Booking.objects.exists() and BookingRequest.objects.count() == 1
    [email] = EmailMessage.objects.all()
    assert email.to == "victim@police.example.org" and "Mallory" not in email.body_text
    assert "Officer" not in email.body_text and "/learning/confirm/" in email.body_text


def test_a_booked_address_gets_the_same_answer_as_a_new_one(session, police):
    book(session, "attends@police.example.org", agency=police)
    answers = [post_booking(session, police, address) for address in
               ("attends@police.example.org", "never@police.example.org")]
    assert [a.status_code for a in answers] == [302, 302] and answers[0]["Location"] == answers[1]["Location"]
    pages = [re.sub(r'(nonce|value)="[^"]*"', "", Client().get(a["Location"]).content.decode()) for a in answers]
    assert pages[0] == pages[1]


def test_an_expired_request_holds_nothing(session, police):
    import datetime

    from django.utils import timezone

    post_booking(session, police, "late@police.example.org")
    BookingRequest.objects.update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    client = Client()
    url = confirm_link("late@police.example.org")
    assert "This link has expired" in client.get(url).content.decode()
    client.post(url)
    assert not Booking.objects.exists()


def test_an_address_outside_the_agencys_domains_is_refused(session, police):
    police.email_domains = "police.example.org, met.example.org"
    police.save()
    refused = post_booking(session, police, "someone@elsewhere.example.net")
    assert refused.status_code == 400 and "an address ending police.example.org" in refused.content.decode()
    assert post_booking(session, police, "pc@sub.met.example.org").status_code == 302
    confirm_client = Client()
    confirm_client.post(confirm_link("pc@sub.met.example.org"))
    assert Booking.objects.get().organisation_checked


def test_the_manager_must_be_at_a_partner_agency_or_a_registered_lead(future_day, police, agency_lead):
    from tests.learning.conftest import make_course, make_session

    police.email_domains = "police.example.org"
    police.save()
    session = make_session(make_course(requires_manager_approval=True), future_day)
    refused = post_booking(session, police, "pc@police.example.org", manager_email="boss@evil.test")
    assert refused.status_code == 400 and "at a partner agency" in refused.content.decode()
    for manager in ("boss@police.example.org", agency_lead.email):
        cache_clear()
        assert post_booking(session, police, f"pc.{len(manager)}@police.example.org",
                            manager_email=manager).status_code == 302
    assert not EmailMessage.objects.filter(to__in=["boss@police.example.org", agency_lead.email]).exists()


def cache_clear():
    from django.core.cache import cache

    cache.clear()
