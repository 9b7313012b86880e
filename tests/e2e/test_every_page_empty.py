"""axe-core (WCAG 2.2 AA) on every page without an id, on an empty partnership: the personas and their agencies,
and no actions, returns, audits, reviews, courses or anything else.

Every list, dashboard and report must then say there is nothing yet, in words: a table with no rows (or whose
one row is a cell across the columns saying so), an empty list or an empty summary list fails. Pages come from
the URL conf walk like the full sweep (test_every_page.py), opened by the same persona; downloads and
POST-only URLs are left out by the same rule.
"""
import pytest

from tests.security.urlconf import converter_types, walk

from .conftest import axe_check, screenshot
from .every_page import FLOW_ONLY
from .sweep import layout_checks, open_page, private_media, serving, sweep_media  # noqa: F401 (fixtures)

# Pages that rightly answer 404 on an empty partnership, and why.
NOT_FOUND_WHEN_EMPTY = {
    "reviews:my-summaries": "reviews are need-to-know: the page exists for an agency lead only once a summary has "
                            "been asked of their agency (the menu links to it then)",
}
NAMES = sorted(name for name, pattern in walk()
               if not converter_types(pattern) and name not in FLOW_ONLY and name not in NOT_FOUND_WHEN_EMPTY)
SCREENSHOTS = {"home", "partnership:action-list", "section11:cycle-list", "performance:scorecard",
               "audits:programme-list", "reviews:home", "learning:courses", "learning:sessions",
               "partnership:export-list", "learning:figures"}

# Parts of <main> that hold nothing: each is described by the text a person would look for.
NOTHING_SHOWN = """() => {
    const where = el => (el.querySelector('caption')?.textContent || el.getAttribute('aria-label') || el.id
                         || el.className || el.tagName).trim().replace(/\\s+/g, ' ');
    const main = document.querySelector('main');
    return [
        ...[...main.querySelectorAll('table')].filter(t => !t.querySelector('tbody tr'))
            .map(t => `a table with no rows: ${where(t)}`),
        ...[...main.querySelectorAll('table')].filter(t => {
                const rows = t.querySelectorAll('tbody tr');
                return rows.length === 1 && rows[0].cells.length === 1 && rows[0].cells[0].colSpan > 1;
            }).map(t => `a table whose only row says it is empty (use a sentence, not a table): ${where(t)}`),
        ...[...main.querySelectorAll('ul, ol')].filter(l => !l.querySelector('li') && !l.closest('[hidden]'))
            .map(l => `an empty list: ${where(l)}`),
        ...[...main.querySelectorAll('dl')].filter(d => !d.querySelector('dt, dd'))
            .map(d => `an empty summary list: ${where(d)}`),
    ];
}"""


@pytest.fixture(scope="module")
def empty(request, browser, django_db_blocker, sweep_media):  # noqa: F811
    with serving(request, browser, django_db_blocker, sweep_media, NAMES) as sweep:
        yield sweep


@pytest.mark.parametrize("name", NAMES)
def test_every_page_says_when_there_is_nothing_yet(empty, name):
    page = open_page(empty, name)
    if page is None:
        return
    if name in SCREENSHOTS:
        screenshot(page, f"sweep-empty-{name.replace(':', '-')}")
    nothing = page.evaluate(NOTHING_SHOWN)
    assert not nothing, f"{name} on an empty partnership shows {nothing}: say there is nothing yet instead"
    axe_check(page)
    layout_checks(page, name)
