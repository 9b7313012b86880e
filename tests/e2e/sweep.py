"""Module-scoped plumbing for the every-page sweep: committed data, a live server and one signed-in browser
context per persona, shared by every page of a module (signing in and building the data once per module
keeps ~150 pages within a few minutes).

pytest-django's `live_server` pulls in `transactional_db`, which flushes the database after every test; the
sweep instead commits its data once, serves it from its own `LiveServer`, and flushes when the module ends
(what `transactional_db` would have done), so later tests start from the same empty database.
"""
from contextlib import contextmanager

import pytest
from django.core.management import call_command
from django.test import override_settings

from .conftest import DESKTOP, _watch, sign_in
from .every_page import needs_listing, page_for


@contextmanager
def test_database(request, django_db_blocker):
    """The test database. pytest-django creates it only when a collected test asks for `db` (the sweep's tests
    do not: see the module docstring); run on their own, the sweep creates and destroys it itself."""
    from django.test.utils import setup_databases, teardown_databases
    from pytest_django.fixtures import _get_databases_for_setup

    request.getfixturevalue("django_db_setup")
    aliases, _ = _get_databases_for_setup(request.session.items)
    if aliases:
        yield
        return
    with django_db_blocker.unblock():
        config = setup_databases(verbosity=0, interactive=False, aliases={"default"})
    try:
        yield
    finally:
        with django_db_blocker.unblock():
            teardown_databases(config, verbosity=0)


@contextmanager
def committed_world(request, django_db_blocker, media_root):
    """Everything inside may use the database and commits; the database is flushed at the end."""
    from merton_qa.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    storages = {"default": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                            "OPTIONS": {"location": media_root, "base_url": None}}}
    from django.conf import settings

    with test_database(request, django_db_blocker), django_db_blocker.unblock(), \
            override_settings(STORAGES={**settings.STORAGES, **storages}):
        try:
            yield
        finally:
            call_command("flush", verbosity=0, interactive=False)
            app.conf.task_always_eager = previous


@contextmanager
def running_server():
    from pytest_django.live_server_helper import LiveServer

    server = LiveServer("localhost")
    server._live_server_modified_settings.enable()
    try:
        yield server
    finally:
        server._live_server_modified_settings.disable()
        server.stop()


class Browsers:
    """One browser context per persona (None: signed out), made on first use and reused by every page."""

    def __init__(self, browser, base_url: str, users: dict):
        self.browser, self.base_url, self.users = browser, base_url, users
        self.pages: dict = {}

    def page(self, persona: str | None, alone: str = ""):
        key = (persona, alone)
        if key not in self.pages:
            context = self.browser.new_context(base_url=self.base_url, viewport=DESKTOP)
            context.set_default_timeout(10_000)
            page = context.new_page()
            _watch(page)
            if persona is not None:
                sign_in(page, self.users[persona])
                assert "/sign-in/" not in page.url, f"signing in as {persona} failed: still on {page.url}"
            self.pages[key] = page
        page = self.pages[key]
        page.problems.csp.clear()  # what an earlier page complained of was reported there
        page.problems.errors.clear()
        return page

    def close(self):
        for page in self.pages.values():
            page.context.close()


@pytest.fixture(scope="module")
def sweep_media(tmp_path_factory):
    return tmp_path_factory.mktemp("sweep-media")


@pytest.fixture(autouse=True)
def private_media():
    """Overrides tests/conftest.py's (a media folder per test): the sweep's files live in its module's folder."""


@contextmanager
def serving(request, browser, django_db_blocker, media_root, names):
    """The sweep of one module: its world (the personas and the objects the URLs of `names` need),
    the live server, and a browser context per persona. Yields a namespace with world, urls and browsers."""
    from types import SimpleNamespace

    from .every_page import PERSONAS, World, url_of

    with committed_world(request, django_db_blocker, media_root):
        world = World()
        users = {persona: world(persona) for persona in PERSONAS}
        urls = {name: url_of(name, page_for(name), world) for name in names if not needs_listing(name)}
        with running_server() as server:
            browsers = Browsers(browser, server.url, users)
            try:
                yield SimpleNamespace(world=world, urls=urls, browsers=browsers)
            finally:
                browsers.close()


def open_page(sweep, name, *, known_page=False):
    """The page's browser tab, after a GET to its URL; None when the answer shows it is not a page (unless it is
    `known_page`: a form the full sweep has already opened)."""
    assert not needs_listing(name), (
        f"{name} takes an id: say which object fills it in tests/security/objects.py OBJECTS or in PAGES "
        "(tests/e2e/every_page.py)")
    entry, url = page_for(name), sweep.urls[name]
    page = sweep.browsers.page(entry.persona, alone=name if entry.alone else "")
    # Asked first without the page: Chromium starts a download for an attachment, and shows its own error page
    # for an empty 405 (which then interrupts the next navigation).
    if not known_page:
        answer = page.request.get(url)  # follows redirects, with the persona's cookies
        if answer.status == 405:
            return None  # POST-only: excluded by rule
        if answer.ok and not answer.headers.get("content-type", "").startswith("text/html"):
            return None  # a download (CSV, XLSX, PDF) or JSON: not a page
    response = page.goto(url)
    assert response.status == 200, f"{name}: {url} answered {response.status} to {entry.persona or 'signed out'}"
    return page


# --- Checks axe cannot make, run on every page the sweeps open (full, empty and error states) -----------------
NARROW = {"width": 320, "height": 640}  # 1280 px at 400% zoom (WCAG 1.4.10 Reflow)
SCROLL_WRAPPER = ".app-table-wrap"  # a wide table scrolls inside it (static/js/scroll-tables.js names it a region)

# Pages allowed not to reflow at 320 px, and why. Keep it short: each entry is a known gap with a reason.
REFLOW_EXCEPTIONS: dict[str, str] = {}

ERROR_LINKS = """() => {
    const focusable = el => el.matches(
        'input:not([type=hidden]):not([disabled]), select:not([disabled]), textarea:not([disabled]), '
        + 'button:not([disabled]), a[href], [tabindex]:not([tabindex="-1"])');
    return [...document.querySelectorAll('.govuk-error-summary a')].flatMap(a => {
        const href = a.getAttribute('href') || '';
        const text = a.textContent.trim().replace(/\\s+/g, ' ');
        if (!href.startsWith('#') || href.length < 2) return [`"${text}" links to ${href || 'nothing'}, not a field`];
        const target = document.getElementById(decodeURIComponent(href.slice(1)));
        if (!target) return [`"${text}" links to ${href}, which is not in the page`];
        if (!focusable(target)) {
            const inside = target.querySelector('input:not([type=hidden]), select, textarea');
            return [`"${text}" links to ${href}, a <${target.tagName.toLowerCase()}>`
                    + (inside ? `: link to its first control, #${inside.id || '(no id)'}` : ' with no control in it')];
        }
        return [];
    });
}"""

REFLOW = """wrapper => {
    const describe = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
        + [...el.classList].slice(0, 2).map(c => '.' + c).join('');
    // Visually hidden on purpose (a stacked table's header row, .govuk-visually-hidden): clipped to 1 px.
    const hidden = el => { for (; el && el !== document.body; el = el.parentElement) {
        const style = getComputedStyle(el);
        if (style.clip !== 'auto' || style.clipPath !== 'none') return true; } return false; };
    // A cell too narrow for its words (a fixed table layout): the text spills over its neighbours or is cut off.
    const spilt = [...document.querySelectorAll('main th, main td')]
        .filter(cell => cell.offsetParent && cell.scrollWidth > cell.clientWidth + 1 && !hidden(cell))
        .map(cell => `text overflows its cell: ${describe(cell.closest('table'))} "${cell.textContent.trim()
            .replace(/\\s+/g, ' ').slice(0, 40)}" (${cell.scrollWidth} px in ${cell.clientWidth} px)`);
    // A tag too narrow for its words (a status kept on one line in a squeezed column): the words run out of its
    // coloured box.
    spilt.push(...[...document.querySelectorAll('main .govuk-tag')]
        .filter(tag => tag.offsetParent && tag.scrollWidth > tag.clientWidth + 1 && !hidden(tag))
        .map(tag => `text overflows its tag: "${tag.textContent.trim().replace(/\\s+/g, ' ').slice(0, 40)}" `
            + `(${tag.scrollWidth} px in ${tag.clientWidth} px)`));
    const root = document.scrollingElement;
    if (root.scrollWidth <= root.clientWidth + 1) return spilt.slice(0, 6);
    const width = root.clientWidth;
    const over = [...document.body.querySelectorAll('*')].filter(el => {
        if (el.closest(wrapper)) return false;
        const box = el.getBoundingClientRect();
        return box.width > 0 && box.right + window.scrollX > width + 1;
    });
    // The innermost ones: what makes the page wider, not every ancestor it widens.
    const innermost = over.filter(el => !over.some(other => other !== el && el.contains(other)));
    return [...spilt.slice(0, 6), `the page is ${root.scrollWidth} px wide in a ${width} px window`,
            ...innermost.slice(0, 6).map(el => `${describe(el)} ends at ${Math.round(el.getBoundingClientRect().right
                + window.scrollX)} px (in ${describe(el.parentElement)})`)];
}"""


def check_error_links(page, name: str) -> None:
    """Every link of the error summary goes to an element of the page that a person can focus: the first
    control of its field (a group of radios or checkboxes, or a date, has no element with the field's id)."""
    broken = page.evaluate(ERROR_LINKS)
    assert not broken, f"{name}: error summary links that go nowhere:\n" + "\n".join(broken)


def check_error_links_focus(page, name: str) -> None:
    """Following each error summary link moves focus to its target (GOV.UK Frontend's error summary)."""
    links = page.locator(".govuk-error-summary a[href^='#']")
    for index in range(links.count()):
        link = links.nth(index)
        target = link.get_attribute("href")[1:]
        link.click()
        focused = page.evaluate("() => document.activeElement && document.activeElement.id")
        assert focused == target, f"{name}: following the error link to #{target} focused #{focused or 'nothing'}"


@contextmanager
def window(page, width: int):
    """The page laid out `width` px wide for the duration, then the viewport as it was."""
    size = page.viewport_size
    page.set_viewport_size({"width": width, "height": NARROW["height"]})
    try:
        yield page
    finally:
        page.set_viewport_size(size)


def reflow_problems(page, width: int, wrapper: str = SCROLL_WRAPPER) -> list[str]:
    """What does not reflow with the window `width` px wide: a page that scrolls sideways outside a table's
    wrapper, a table cell too narrow for its text. The viewport is restored afterwards."""
    with window(page, width):
        return page.evaluate(REFLOW, wrapper)


# 320 px: 1280 px at 400% zoom (WCAG 1.4.10); 640: 200%; 768, 900 and 1024: a tablet, and the widths between
# GOV.UK's breakpoints (641 and 961 px) where a table's columns are squeezed hardest (the scorecard lost its
# Comparators column between 641 and about 900 px). Each width costs one relayout of a page already open.
REFLOW_WIDTHS = (NARROW["width"], 640, 768, 900, 1024)


def check_reflow(page, name: str, widths: tuple[int, ...] = REFLOW_WIDTHS, wrapper: str = SCROLL_WRAPPER) -> None:
    """At each of `widths` (320 px, 400% zoom, to 1024) the page does not scroll sideways (only a wide table
    scrolls, inside its wrapper) and no table cell is too narrow for its text."""
    for width in widths:
        overflow = reflow_problems(page, width, wrapper)
        if name in REFLOW_EXCEPTIONS:
            assert overflow, f"{name} reflows at {width} px now: take it out of REFLOW_EXCEPTIONS"
            continue
        assert not overflow, f"{name} does not reflow at {width} px:\n" + "\n".join(overflow)


def layout_checks(page, name: str) -> None:
    check_error_links(page, name)
    check_reflow(page, name)


def screenshot_widths(page, name: str) -> None:
    """Full-page screenshots at 1280 px and at 320 px (400% zoom), to look at: sweep-<name>-1280/-320.png."""
    from .conftest import screenshot

    stem = f"sweep-{name.replace(':', '-')}"
    screenshot(page, f"{stem}-1280")
    with window(page, NARROW["width"]):
        screenshot(page, f"{stem}-320")
