"""Every page of the every-page sweep, read as HTML with Django's test client (no browser): its <title> is its own
and says what the page is (WCAG 2.4.2), and no two links in its <main> say the same words but go to different
places (WCAG 2.4.4, link purpose in context: what a screen reader's list of links shows).

The pages are the sweep's (tests/e2e/every_page.py: every named URL of the URL conf, each opened by its persona
with one of each object), so a new page is checked without being listed here.

- A title is "<what the page is> – <service>" (templates/base.html), and what the page is names its object when
  the page is about one ("Audit 3: neglect – …"), so two pages of one kind about different things differ, and two
  kinds of page never share a title. Its first part carries a word of the page's <h1> (the title and the heading
  say the same thing) unless it is the heading's object.
- A link's words are its accessible name: its text, visually hidden text included (`govuk-visually-hidden`), or
  its aria-label. "View" twice for two records fails; "View<span class=govuk-visually-hidden> audit 3</span>"
  does not.
"""
import re
from collections import defaultdict

import lxml.html
import pytest
from django.conf import settings
from django.test import Client

from tests.e2e.every_page import FLOW_ONLY, PERSONAS, World, needs_listing, page_for, url_of
from tests.security.urlconf import walk

NAMES = sorted(name for name, _ in walk() if name not in FLOW_ONLY and not needs_listing(name))
WORDS = re.compile(r"[a-z0-9]+")


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text or "").strip()


def link_name(link) -> str:
    label = link.get("aria-label")
    if label:
        return squash(label)
    return squash(link.text_content())


def same_words_other_places(document) -> list[str]:
    """Links in <main> with the same accessible name and different targets."""
    targets = defaultdict(set)
    for link in document.xpath("//main//a[@href]"):
        name = link_name(link)
        href = link.get("href").split("#")[0] or "#" + link.get("href").split("#")[-1]
        if name and not href.startswith("mailto:"):
            targets[name.lower()].add(href)
    return sorted(f'"{name}" goes to {len(hrefs)} places: {", ".join(sorted(hrefs)[:4])}'
                  for name, hrefs in targets.items() if len(hrefs) > 1)


@pytest.fixture
def pages(db, settings_media):
    """{name: (persona, url, parsed document)} for every page of the sweep that answers with HTML."""
    world = World()
    clients = {}
    for persona in PERSONAS:
        if persona == "two_factor_user":
            continue
        clients[persona] = Client()
        clients[persona].force_login(world(persona))
    urls = {name: url_of(name, page_for(name), world) for name in NAMES}
    found = {}
    for name in NAMES:
        entry = page_for(name)
        if entry.persona == "two_factor_user":
            continue
        client = clients[entry.persona] if entry.persona else Client()
        response = client.get(urls[name], secure=True)
        if response.status_code != 200 or not response.get("Content-Type", "").startswith("text/html"):
            continue
        found[name] = (entry.persona, urls[name], lxml.html.fromstring(response.content))
    return found


@pytest.fixture
def settings_media(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}}}


def title_of(document) -> str:
    return squash(document.findtext(".//title"))


def title_problems(pages) -> list[str]:
    suffix = f" – {settings.SERVICE_NAME}"
    by_title, problems = defaultdict(list), []
    for name, (_persona, url, document) in sorted(pages.items()):
        title = title_of(document)
        if not title.endswith(suffix) or not title[: -len(suffix)].strip():
            problems.append(f"{name} ({url}): {title!r} is not '<what the page is>{suffix}'")
            continue
        by_title[title].append(f"{name} ({url})")
        heading = squash(" ".join(h.text_content() for h in document.xpath(
            "//main//h1 | //main//*[contains(@class, 'govuk-caption-')]")))
        own = set(WORDS.findall(title[: -len(suffix)].lower()))
        if heading and not own & set(WORDS.findall(heading.lower())):
            problems.append(f"{name} ({url}): the title {title!r} shares no word with its heading {heading!r}")
    shared = [f"{title!r} is the title of {len(names)} pages: {', '.join(names)}"
              for title, names in sorted(by_title.items()) if len(names) > 1]
    return shared + problems


def link_problems(pages) -> list[str]:
    problems = []
    for name, (persona, url, document) in sorted(pages.items()):
        problems += [f"{name} ({url} as {persona or 'signed out'}): {line}"
                     for line in same_words_other_places(document)]
    return problems


@pytest.mark.timeout(900)  # ~150 pages, one object of each kind: a few minutes on a busy machine
def test_every_page_has_its_own_title_and_links_that_say_where_they_go(pages):
    """One test for both (the pages take minutes to build and read): titles distinct and descriptive (2.4.2),
    no two links in a page's <main> with the same words and different targets (2.4.4)."""
    assert len(pages) > 100, f"only {len(pages)} pages answered: the sweep's registry is not being followed"
    titles, links = title_problems(pages), link_problems(pages)
    assert not titles + links, (
        "Page titles that are not distinct or do not say what the page is (WCAG 2.4.2):\n" + "\n".join(titles)
        + "\n\nLinks whose words do not say where they go (WCAG 2.4.4):\n" + "\n".join(links))


def test_the_action_tracker_says_where_each_link_goes_when_actions_share_a_title(client_for, business_unit, police):
    """/actions/ with several pages of actions that share a title (the same recommendation made to many agencies):
    each title link names its action, and the page links say which page (the audit found identical link texts
    here; the sweep's world has too few actions to show it)."""
    from tests.factories import ActionFactory

    for _ in range(30):
        ActionFactory(title="Audit the use of chronologies", owner_agency=police)
    response = client_for(business_unit).get("/actions/?page=2", secure=True)
    assert response.status_code == 200
    document = lxml.html.fromstring(response.content)
    assert len(document.xpath("//main//a[contains(@href, '/actions/')]")) > 5
    assert not same_words_other_places(document)
