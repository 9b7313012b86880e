"""Browser tests: headless Debian Chromium (Playwright, sync API) against pytest-django's live server.

- Every test here is marked `e2e` (`pytest -m "not e2e"` leaves them out).
- Without /usr/bin/chromium the folder is skipped, unless CI=true: then each test fails, so CI can
  never pass by skipping them.
- One browser for the session; a fresh browser context (cookies, storage) for every page helper.
- axe-core is injected from the vendored file without weakening the Content Security Policy:
  `page.add_script_tag(path=...)` inserts an inline <script>, which the service's
  `script-src 'self' 'nonce-…'` blocks (checked: Chromium refuses it and logs a CSP violation).
  Code evaluated through the DevTools protocol (`page.evaluate`) is not subject to the page's CSP
  (that applies to scripts the *document* loads or inserts), so the axe source goes in that way and
  the policy stays exactly as served: any violation a real page causes is still reported and fails
  the test.
"""
import os
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

# Playwright's sync API runs an event loop in this thread; the Django ORM (fixtures, live server in
# the same process) must be allowed to run there. Set before any test touches either.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import pytest  # noqa: E402

try:
    from playwright.sync_api import Error as PlaywrightError  # noqa: E402
    from playwright.sync_api import expect  # noqa: E402, F401  (re-exported for the test modules)
except ImportError:  # the tests are then skipped, or fail under CI=true: see pytest_collection_modifyitems
    expect = None
    PlaywrightError = Exception

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
AXE_JS = Path(__file__).parent / "vendor" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# axe's best-practice rules run on every page too. These are held (a violation fails the page); the others are
# written to test-artifacts/axe-best-practice.txt to read, not failed on.
# Not held: "region" (all content in a landmark): the phase banner is now inside the header, but GOV.UK's page
# template puts back links and breadcrumbs before <main>, outside any landmark, and we follow it.
AXE_BEST_PRACTICE_HELD = frozenset({
    "landmark-one-main", "landmark-no-duplicate-main", "landmark-no-duplicate-banner",
    "landmark-no-duplicate-contentinfo", "landmark-unique",
    "page-has-heading-one", "empty-heading", "empty-table-header",
})
BEST_PRACTICE_REPORT = Path(__file__).resolve().parents[2] / "test-artifacts" / "axe-best-practice.txt"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
PASSWORD = "correct-horse-battery-staple"  # tests/factories.py UserFactory
DESKTOP = {"width": 1280, "height": 800}
MOBILE = {"width": 375, "height": 812}
IN_CI = os.environ.get("CI", "").lower() == "true"
HERE = Path(__file__).parent


def _unavailable_reason() -> str | None:
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is missing (apt-get install -y chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright Python package is not installed (pip install -e '.[test]')"
    return None


# The generated sweeps: every page (as each persona who sees it differently, empty, with errors) and every admin
# page, checked for markup (axe, reflow, error links, looks). They read the same templates whatever the database,
# so CI runs them once, in the README's run on SQLite; its PostgreSQL run leaves them out (`-m "not sweep"`) and
# keeps the journeys, while tests/test_crawl_queries_and_links.py still opens every page as every persona there.
SWEEPS = {"test_every_page.py", "test_every_page_personas.py", "test_every_page_empty.py", "test_admin_sweep.py",
          "test_looks.py"}


def pytest_collection_modifyitems(config, items):
    reason = _unavailable_reason()
    for item in items:
        if HERE not in Path(item.path).parents:
            continue
        item.add_marker(pytest.mark.e2e)
        if Path(item.path).name in SWEEPS:
            item.add_marker(pytest.mark.sweep)
        # whitenoise looks for STATIC_ROOT when the live server loads the middleware; tests use the finders.
        item.add_marker(pytest.mark.filterwarnings("ignore:No directory at:UserWarning"))
        if reason and not IN_CI:
            item.add_marker(pytest.mark.skip(reason=f"browser tests skipped: {reason}. In CI (CI=true) they fail."))


@pytest.fixture(scope="session")
def browser():
    reason = _unavailable_reason()
    if reason:
        pytest.fail(f"CI=true and the browser tests cannot run: {reason}", pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@dataclass
class PageProblems:
    """What the browser complained about while a page was open."""

    csp: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def assert_none(self) -> None:
        assert not self.csp, "Content Security Policy violations:\n" + "\n".join(self.csp)
        assert not self.errors, "JavaScript or console errors:\n" + "\n".join(self.errors)


def _watch(page) -> PageProblems:
    problems = PageProblems()

    def on_console(message):
        if message.type != "error":
            return
        text = message.text
        if "Content Security Policy" in text:
            problems.csp.append(f"{page.url}: {text}")
        elif text.startswith("Failed to load resource") and message.location.get("url") == page.url:
            pass  # the document's own status (404, 400 for an invalid form): asserted by the tests
        else:
            problems.errors.append(f"{page.url}: {text} ({message.location.get('url')})")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.errors.append(f"{page.url}: uncaught {error}"))
    page.problems = problems
    return problems


@pytest.fixture
def new_page(browser, live_server):
    """`new_page(**context_options)`: a page in a fresh browser context, watched for CSP and JS errors."""
    contexts, watched = [], []

    def make(**options):
        options.setdefault("viewport", DESKTOP)
        context = browser.new_context(base_url=live_server.url, **options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        watched.append(_watch(page))
        return page

    yield make
    for context in contexts:
        context.close()
    for problems in watched:
        problems.assert_none()


def sign_in(page, user, password: str = PASSWORD) -> None:
    """Sign in through the real form (so django-axes and the session middleware take part)."""
    page.goto("/sign-in/")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


@pytest.fixture
def signed_in_page(new_page):
    """`signed_in_page(user, **context_options)`: a page signed in as `user`, on the page sign-in lands on."""

    def make(user, **options):
        page = new_page(**options)
        sign_in(page, user)
        assert "/sign-in/" not in page.url, f"signing in as {user.email} failed: still on {page.url}"
        return page

    return make


_AXE_SOURCE: str | None = None


def _axe_source() -> str:
    global _AXE_SOURCE
    if _AXE_SOURCE is None:
        _AXE_SOURCE = AXE_JS.read_text(encoding="utf-8")
    return _AXE_SOURCE


def format_violations(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']} <{v['helpUrl']}>")
        for node in v["nodes"]:
            lines.append(f"    at {' '.join(map(str, node['target']))}: {node['html'][:200]}")
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            if summary:
                lines.append(f"       {summary[:300]}")
    return "\n".join(lines)


def accepted_finding(violation: dict, node: dict) -> bool:
    """The findings the accessibility statement accepts (partnership.accessibility.ACCEPTED_AXE_FINDINGS), each
    exactly as it is described there and nothing else on the same element.

    aria-allowed-attr on a radio that reveals a question: GOV.UK Frontend sets aria-expanded on it, invalid in ARIA
    1.2, kept on purpose after research with screen reader users (alphagov/govuk-frontend#979, #1972;
    w3c/aria#1404). (crispy-forms-gds also pointed aria-controls at reveals that did not exist;
    templates/gds/layout/conditional_question.html fixes that, and
    test_rating_radios_point_aria_controls_only_at_what_they_reveal keeps it fixed.)
    """
    from partnership.accessibility import ACCEPTED_AXE_FINDINGS

    if violation["id"] not in {finding.rule for finding in ACCEPTED_AXE_FINDINGS}:
        return False
    summary = node.get("failureSummary") or ""
    return ("govuk-radios__input" in node["html"] and summary.count("ARIA attribute is not allowed") == 1
            and 'aria-expanded="' in summary)


# What Playwright raises when the document axe runs in is replaced under it: a click that navigates returns before
# the next page has loaded, so a check straight after it can start on the old document and finish on none.
NAVIGATED_AWAY = ("reading 'documentElement'", "Execution context was destroyed", "axe is not defined",
                  "Cannot find context with specified id")


def axe_violations(page, *, exclude: tuple[str, ...] = ()) -> list[dict]:
    """axe's held violations on the page once it has loaded; run again (at most twice) when a navigation replaced
    the document while axe read it, so the page checked is the one the browser ended on."""
    for attempt in range(3):
        page.wait_for_load_state("load")
        try:
            return _axe_violations(page, exclude)
        except PlaywrightError as error:
            if attempt == 2 or not any(words in str(error) for words in NAVIGATED_AWAY):
                raise
    raise AssertionError("unreachable")


def _axe_violations(page, exclude: tuple[str, ...]) -> list[dict]:
    if not page.evaluate("() => typeof window.axe === 'object'"):
        # Through the DevTools protocol, not a <script> in the document: see the module docstring.
        page.evaluate(_axe_source() + "\n;void 0;")
    violations = page.evaluate(
        """async ([tags, exclude]) => {
            const context = exclude.length ? {include: [document], exclude: exclude.map(s => [s])} : document;
            const results = await axe.run(context, {runOnly: {type: 'tag', values: [...tags, 'best-practice']},
                                                    resultTypes: ['violations']});
            return results.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
                tags: v.tags,
                nodes: v.nodes.map(n => ({target: n.target, html: n.html, failureSummary: n.failureSummary}))}));
        }""",
        [AXE_TAGS, list(exclude)],
    )
    held = []
    for violation in violations:
        violation["nodes"] = [node for node in violation["nodes"] if not accepted_finding(violation, node)]
        if not violation["nodes"]:
            continue
        wcag = any(tag in AXE_TAGS for tag in violation.pop("tags"))
        if wcag or violation["id"] in AXE_BEST_PRACTICE_HELD:
            held.append(violation)
        else:
            BEST_PRACTICE_REPORT.parent.mkdir(parents=True, exist_ok=True)
            with BEST_PRACTICE_REPORT.open("a", encoding="utf-8") as report:
                report.write(f"{page.url}\t{violation['id']}\t{len(violation['nodes'])}\t{violation['help']}\n")
    return held


def axe_check(page, *, exclude: tuple[str, ...] = ()) -> None:
    """Assert the page as it is now has no WCAG 2.2 AA violation axe can find, and no CSP violation so far.

    `exclude` (CSS selectors) leaves out a part with a known, reported violation that a strict xfail test
    checks on its own, so the rest of the page is still checked.
    """
    violations = axe_violations(page, exclude=exclude)
    assert not violations, f"axe found {len(violations)} violation(s) on {page.url}:\n{format_violations(violations)}"
    page.problems.assert_none()


@contextmanager
def phone_width(page):
    """Lay the page out 375 px wide for the duration (a phone), then restore the viewport."""
    size = page.viewport_size
    page.set_viewport_size(MOBILE)
    try:
        yield page
    finally:
        page.set_viewport_size(size)


def screenshot(page, name: str, *, mobile: bool = False) -> Path:
    """Full-page screenshot at 1280 wide into test-artifacts/screenshots; with mobile=True, also at 375 wide."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=path, full_page=True, caret="initial")  # "hide" leaves style="" on inputs (CSP)
    if mobile:
        with phone_width(page):
            page.screenshot(path=SCREENSHOTS / f"{name}-mobile.png", full_page=True, caret="initial")
    return path
