"""Every URL with an object id × GET and POST × a persona who must not reach the object: 404 (or 403 where
they may read but not change), and the object and its app's tables are unchanged afterwards.

The cross-app safety net; each app's access matrix checks the exact status for every persona.
"""
import importlib

import pytest
from django.apps import apps
from django.forms.models import model_to_dict
from django.test import Client
from django.urls import reverse

from .objects import BUILDERS, DELEGATED, OBJECTS, OPEN_TO_SIGNED_IN
from .urlconf import object_patterns

# What a forbidden person might try to write, posted to every URL.
PAYLOAD = {"title": "Changed by someone else", "status": "closed", "description": "x", "narrative": "x",
           "agency": "1", "owner_agency": "1", "version": "1", "is_staff": "on", "text": "x"}


def test_every_object_url_is_in_the_registry():
    covered = set(OBJECTS) | set(OPEN_TO_SIGNED_IN) | set(DELEGATED)
    missing = sorted(set(object_patterns()) - covered)
    stale = sorted(covered - set(object_patterns()))
    assert not missing, f"add these URLs with an object id to tests/security/objects.py: {missing}"
    assert not stale, f"these registry entries name no URL any more: {stale}"


def test_delegated_urls_really_are_in_their_apps_access_matrix():
    for name, module_name in DELEGATED.items():
        module = importlib.import_module(module_name)
        table = getattr(module, "EXPECTED", None) or importlib.import_module(
            module_name.replace("test_access_matrix", "access_expectations")).EXPECTED
        assert name.split(":", 1)[1] in table, f"{name} is not in {module_name}"


def _snapshot(obj) -> tuple:
    obj = type(obj)._default_manager.get(pk=obj.pk)
    data = model_to_dict(obj)
    counts = {m._meta.label: m._default_manager.count() for m in apps.get_app_config(obj._meta.app_label).get_models()}
    return data, counts


@pytest.mark.parametrize("name", sorted(OBJECTS))
def test_a_person_who_must_not_reach_an_object_is_refused_and_nothing_changes(request, db, name):
    entry = OBJECTS[name]
    obj = BUILDERS[entry.object](request.getfixturevalue)
    url = reverse(name, kwargs=entry.kwargs(obj))
    personas = {persona: request.getfixturevalue(persona) for persona in entry.denied}
    before = _snapshot(obj)
    for persona, user in personas.items():
        client = Client(raise_request_exception=False)
        client.force_login(user)
        # 405 is the method refused before anything is looked up (a GET to a POST-only view, or the reverse).
        get = client.get(url)
        assert get.status_code in (403, 404, 405), f"{persona} GET {url}: {get.status_code}"
        post = client.post(url, PAYLOAD)
        assert post.status_code in (403, 404, 405), f"{persona} POST {url}: {post.status_code}"
        assert _snapshot(obj) == before, f"{persona} changed {obj!r} through {name}"
