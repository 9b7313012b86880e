"""Every page as every other persona who may open it, where that person is shown a different page.

The full sweep (test_every_page.py) opens each page as one persona, often the business unit, who may see a page
read-only that an agency edits: the Section 11 standard page's rating radios, for example, are only there for the
agency's own people. Here, for each page of the URL conf walk, every persona is asked for it with Django's test
client; each answer that is a page (200, HTML) is described by its templates and the names of the controls in its
forms, and each description not already swept is opened in the browser as that persona: axe, reflow from 320 to
1024 px, and error links. A page that looks the same to everyone is opened once (by the full sweep), so this adds a
browser page only where a persona really sees something else.
"""
import re

import pytest
from django.test import Client

from tests.security.urlconf import walk

from .conftest import axe_check
from .every_page import FLOW_ONLY, PERSONAS, needs_listing, page_for
from .sweep import layout_checks, private_media, serving, sweep_media  # noqa: F401 (fixtures)

NAMES = sorted(name for name, _ in walk() if name not in FLOW_ONLY and not needs_listing(name))
# Signed in through the form in the browser: the two-factor persona stops at its code page (swept as its own page).
BROWSER_PERSONAS = tuple(p for p in PERSONAS if p != "two_factor_user")
CONTROL = re.compile(r'<(?:input|select|textarea|button)\b[^>]*?\sname="([^"]+)"', re.I)


def describe(response) -> tuple:
    """What a persona is shown: the templates rendered and the names of the controls in the page's <main>."""
    html = response.content.decode(errors="replace")
    main = html[html.find("<main"):html.find("</main>")] if "<main" in html else html
    return (tuple(sorted({t.name for t in response.templates if t.name})), tuple(sorted(set(CONTROL.findall(main)))))


@pytest.fixture(scope="module")
def personas(request, browser, django_db_blocker, sweep_media):  # noqa: F811
    with serving(request, browser, django_db_blocker, sweep_media, NAMES) as sweep:
        sweep.clients = {}
        for persona in BROWSER_PERSONAS:
            client = Client()
            client.force_login(sweep.world(persona))
            sweep.clients[persona] = client
        yield sweep


def views_of(sweep, name: str) -> dict[tuple, str]:
    """{description: the first persona shown it}, for every persona to whom the page is a page."""
    url, seen = sweep.urls[name], {}
    for persona in BROWSER_PERSONAS:
        response = sweep.clients[persona].get(url)
        if response.status_code != 200 or not response.get("Content-Type", "").startswith("text/html"):
            continue
        seen.setdefault(describe(response), persona)
    return seen


@pytest.mark.parametrize("name", NAMES)
def test_every_page_passes_as_every_persona_who_sees_it_differently(personas, name):
    entry = page_for(name)
    if entry.persona is None or entry.alone:
        return  # public and token pages look the same to everyone: the full sweep opened them signed out
    views = views_of(personas, name)
    swept = next((view for view, persona in views.items() if persona == entry.persona), None)
    for view, persona in views.items():
        if view == swept or persona == entry.persona:
            continue
        page = personas.browsers.page(persona)
        response = page.goto(personas.urls[name])
        assert response.status == 200, f"{name} answered {response.status} to {persona} in the browser"
        axe_check(page)
        layout_checks(page, f"{name} as {persona}")
