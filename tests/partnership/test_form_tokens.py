"""A form sent twice does its work once (partnership.form_tokens): every POST form of every page carries a
single-use token; the second send goes where the first led, with a message, and never runs the view."""
import datetime
import re

import pytest
from django.apps import apps
from django.core import signing
from django.db import connection
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from partnership import form_tokens
from partnership.models import Action, ActionUpdate, FormToken
from tests.concurrency import needs_postgresql, run_together
from tests.form_tokens import post_twice, tokens_on

from .test_views_actions import due_fields

TODAY = timezone.localdate()


def _action_data(police, agency_lead, title="Audit strategy discussions"):
    return {"title": title, "description": "Check every strategy discussion has police.", "owner_agency": police.pk,
            "owner": agency_lead.pk, **due_fields(TODAY + datetime.timedelta(days=30))}


def test_a_token_carries_when_it_was_issued_and_a_forged_or_old_one_is_refused(settings):
    token = form_tokens.issue()
    assert abs(form_tokens.issued_at(token) - timezone.now()) < datetime.timedelta(seconds=5)
    assert form_tokens.issued_at(token[:-2] + "xx") is None and form_tokens.issued_at("nonsense") is None
    old = signing.TimestampSigner(salt=form_tokens.SALT)
    old.timestamp = lambda: signing.b62_encode(int((timezone.now() - datetime.timedelta(days=3)).timestamp()))
    assert form_tokens.issued_at(old.sign("abc")) is None


@pytest.mark.django_db
def test_every_form_on_a_page_gets_its_own_token(business_unit, police, client_for):
    page = client_for(business_unit).get(reverse("partnership:action-create"))
    forms = page.content.decode().count('name="csrfmiddlewaretoken"')
    tokens = tokens_on(page)
    assert forms >= 1 and len(tokens) == forms == len(set(tokens))


@pytest.mark.django_db
def test_an_action_sent_twice_is_created_once_and_the_second_send_goes_to_it(business_unit, police, agency_lead,
                                                                              client_for, mailoutbox):
    client = client_for(business_unit)
    token = tokens_on(client.get(reverse("partnership:action-create")))[0]
    first, second = post_twice(client, reverse("partnership:action-create"), _action_data(police, agency_lead),
                               token=token)
    action = Action.objects.get()
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == action.get_absolute_url()
    assert form_tokens.ALREADY_SENT in client.get(second["Location"]).content.decode()


@pytest.mark.django_db
def test_a_progress_note_sent_twice_is_added_once(business_unit, police, agency_lead, client_for):
    action = Action.objects.create(title="Audit", description="x", owner_agency=police, due_date=TODAY,
                                   created_by=business_unit)
    client = client_for(business_unit)
    token = tokens_on(client.get(action.get_absolute_url()))[0]
    url = reverse("partnership:action-add-update", args=[action.pk])
    first, second = post_twice(client, url, {"note": "Strategy discussions audited."}, token=token)
    assert first.status_code == second.status_code == 302
    assert ActionUpdate.objects.filter(action=action).count() == 1


@pytest.mark.django_db
def test_a_form_refused_for_its_errors_can_be_corrected_and_sent_with_the_same_token(business_unit, police,
                                                                                    agency_lead, client_for):
    client = client_for(business_unit)
    token = form_tokens.issue()
    refused = client.post(reverse("partnership:action-create"),
                          {**_action_data(police, agency_lead), "title": "", form_tokens.FIELD: token})
    assert refused.status_code in (200, 400) and not Action.objects.exists()
    assert not FormToken.objects.exists()  # given back
    sent = client.post(reverse("partnership:action-create"), {**_action_data(police, agency_lead),
                                                              form_tokens.FIELD: token})
    assert sent.status_code == 302 and Action.objects.count() == 1


@pytest.mark.django_db
def test_a_forged_token_is_refused_in_words_and_nothing_is_made(business_unit, police, agency_lead, client_for):
    response = client_for(business_unit).post(reverse("partnership:action-create"), {
        **_action_data(police, agency_lead), form_tokens.FIELD: "forged:token:x"})
    assert response.status_code == 400 and "This form has expired" in response.content.decode()
    assert not Action.objects.exists()


@pytest.mark.django_db
def test_old_used_tokens_are_forgotten():
    form_tokens.claim(form_tokens.issue())
    assert form_tokens.forget_old(now=timezone.now()) == 0
    assert form_tokens.forget_old(now=timezone.now() + form_tokens.MAX_AGE + datetime.timedelta(hours=2)) == 1


def _post_urls():
    """Every view of the URL conf that takes a POST (not the admin), with its path arguments filled in."""
    found = []

    def walk(patterns, prefix):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                if entry.namespace != "admin":
                    walk(entry.url_patterns, prefix + str(entry.pattern))
            elif isinstance(entry, URLPattern):
                path = re.sub(r"<(?:(\w+):)?\w+>", lambda m: {"slug": "x", "str": "x", "path": "x"}.get(
                    m.group(1) or "", "1"), prefix + str(entry.pattern))
                if "^" not in path and "(" not in path:
                    found.append(("/" + path, entry.name))

    walk(get_resolver().url_patterns, "")
    return found


def _row_counts():
    return {m._meta.label: m._default_manager.count() for m in apps.get_models()
            if m._meta.managed and m is not FormToken}


@pytest.mark.django_db
def test_every_view_refuses_to_do_a_sent_form_twice(business_unit):
    """Generated from the URL conf: whatever the view (a create form added tomorrow too), a token already used
    takes the person where the first send led, and nothing in the database changes."""
    client = Client()
    client.force_login(business_unit)
    urls = _post_urls()
    assert len(urls) > 100
    for path, name in urls:
        token = form_tokens.issue()
        assert form_tokens.claim(token).first
        form_tokens.record(token, "/where-the-first-send-led/")
        before = _row_counts()
        response = client.post(path, {form_tokens.FIELD: token, "title": "Twice"})
        assert response.status_code == 302, (name, path, response.status_code)
        assert response["Location"] == "/where-the-first-send-led/", name
        assert _row_counts() == before, name


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_double_click_sent_at_the_same_moment_creates_one_action(business_unit, police, agency_lead):
    clients = []
    for _ in range(2):
        client = Client()
        client.force_login(business_unit)
        clients.append(client)
    data = {**_action_data(police, agency_lead), form_tokens.FIELD: form_tokens.issue()}
    responses = run_together([lambda c=c: c.post(reverse("partnership:action-create"), data) for c in clients])
    assert [r.status_code for r in responses] == [302, 302]
    assert Action.objects.count() == 1
    assert responses[0]["Location"] == responses[1]["Location"]
    assert connection.vendor == "postgresql"
