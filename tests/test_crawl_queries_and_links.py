"""Every page, found by following links as each persona would: no page's number of database queries grows with
the partnership's rows, and no link a page shows leads its reader to a refusal or an error.

Issue 9 ("Queries per page must not grow with rows on any page"), and the same for templates rendered (an
`{% include %}` inside a loop costs a template render a row: hundreds on a long list; so does a select's option in
Django's own widget template). The pages are not listed by hand: a crawl from each persona's home page, over the
demo data, finds them (every HTML page type a person can reach by links). Each page is counted once on the demo and
again after `seed_large` (scaled down) has added agencies, indicators, returns, audits, cases, bookings and actions;
the counts must be equal. Per-app query tests (tests/*/test_*queries*) hold the same rule for pages at sizes made to
measure.
"""
import io
import re
from collections import defaultdict

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import Resolver404, resolve, reverse

from merton_qa.management.commands import seed_large
from partnership.models import User
from tests.page_words import raw_text_problems

PERSONAS = ("manager@example.org", "qa@example.org", "chair@example.org", "reader@example.org",
            "lead@police.example.org", "contributor@police.example.org", "dsl@wandlevalley.example.org",
            "reviews@example.org", "training@example.org")
HREF = re.compile(r'href="(/[^"#]*)"')
NOT_PAGES = re.compile(r"^/(static|admin)/|/sign-out/")
PER_PATTERN = 2  # URLs of one pattern visited per persona: enough to meet objects of more than one kind
MORE_ROWS = {"AGENCIES": 24, "CONTRIBUTORS": 6, "INDICATORS": 12, "QUARTERS": 6, "AUDITS": 4, "REVIEWS": 6,
             "BOOKINGS": 120, "ACTIONS": 30}


def pattern_of(url: str) -> str | None:
    try:
        match = resolve(url.split("?")[0])
    except Resolver404:
        return None
    return f"{match.view_name}{'?' if '?' in url else ''}"


def counted_get(client, url):
    """The response and its cost in what grows with rows: database queries, and templates rendered (an
    `{% include %}` in a loop renders a template per row; the test client records each one rendered)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return response, (len(queries.captured_queries), len(response.templates or []))


def crawl(client, *, start: str = "/", words: list | None = None) -> tuple[dict[str, tuple[str, int]], list[str]]:
    """{pattern: (first URL, queries)} of the HTML pages reachable by links, and the links that failed. With
    `words`, what each page shows its reader is checked too (tests/page_words.py) and the problems added to it."""
    pages, broken, seen = {}, [], set()
    visits = defaultdict(int)
    queue = [(start, "(start)")]
    while queue:
        url, linked_from = queue.pop(0)
        pattern = pattern_of(url)
        if url in seen or NOT_PAGES.search(url) or pattern is None or visits[pattern] >= PER_PATTERN:
            continue
        seen.add(url)
        visits[pattern] += 1
        response, queries = counted_get(client, url)
        if response.status_code not in (200, 302):
            broken.append(f"{url} ({response.status_code}), linked from {linked_from}")
            continue
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue  # redirects and downloads: followed no further
        pages.setdefault(pattern, (url, queries))
        if words is not None:
            words.extend(f"{url}: {problem}" for problem in raw_text_problems(response.content.decode()))
        queue.extend((href.replace("&amp;", "&"), url) for href in HREF.findall(response.content.decode()))
    return pages, broken


@pytest.mark.django_db
@pytest.mark.timeout(1500)  # every page of the demo twice: ~5 minutes on a busy machine, over the usual 300 s
def test_no_page_queries_grow_with_rows_and_no_link_is_broken(settings, monkeypatch):
    settings.DEBUG = True  # the demo commands refuse to run otherwise
    settings.DEMO_PASSWORD = "demo-password-for-tests"
    call_command("seed_demo", stdout=io.StringIO())
    clients, found, broken, words = {}, {}, [], []
    for email in PERSONAS:
        clients[email] = Client()
        clients[email].force_login(User.objects.get(email=email))
        pages, failed = crawl(clients[email], words=words)
        broken += [f"{email}: {line}" for line in failed]
        for pattern, (url, queries) in pages.items():
            found.setdefault(pattern, (email, url, queries))
    public, failed = crawl(Client(), start=reverse("learning:sessions"), words=words)  # what anyone may read
    broken += [f"(not signed in): {line}" for line in failed]
    assert not broken, "Links that answer with a refusal or an error:\n" + "\n".join(broken)
    assert len(public) >= 3, f"the public crawl found only {sorted(public)}"
    # Every page the crawl found shows words, not codes (tests/page_words.py says what is refused and why).
    assert not words, "Raw codes or slips in what pages show:\n" + "\n".join(sorted(set(words)))
    assert len(found) >= 90, f"the crawl found only {len(found)} page types: {sorted(found)}"

    for name, value in MORE_ROWS.items():
        monkeypatch.setattr(seed_large, name, value)
    call_command("seed_large", stdout=io.StringIO())  # seed_demo again (idempotent), then the extra rows
    grew = []
    for pattern, (email, url, before) in sorted(found.items()):
        response, after = counted_get(clients[email], url)
        assert response.status_code == 200, f"{url} as {email}: {response.status_code} after more rows"
        for (was, now), what in zip(zip(before, after, strict=True), ("queries", "templates rendered"), strict=True):
            if now > was:
                grew.append(f"{pattern} ({url} as {email}): {was} -> {now} {what}")
    assert not grew, "Pages whose queries or template renders grow with the rows:\n" + "\n".join(grew)
