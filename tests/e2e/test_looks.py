"""The widest pages and the grouped criteria checkboxes, as images to look at: 320 px wide, and at 400% zoom (a
1280 px window at device scale 4 lays the page out 320 CSS px wide, as a browser zoomed to 400% does, and the
image is 1280 px wide, as a person sees it). Written to test-artifacts/looks/<page>-320.png and -zoom400.png.

Each page must also reflow there (sweep.py `check_reflow`): the images are for a person to judge what a check
cannot (is the heat map still readable, does the scorecard's card layout make sense, are the checkbox groups clear).
"""
from pathlib import Path

import pytest

from .conftest import CHROMIUM_ARGS, _watch, axe_check, sign_in  # noqa: F401
from .every_page import page_for
from .sweep import NARROW, check_reflow, private_media, serving, sweep_media, window  # noqa: F401 (fixtures)

# The first test builds the sweep's world (one of each object): minutes on a busy machine.
pytestmark = pytest.mark.timeout(1200)
LOOKS = Path(__file__).resolve().parents[2] / "test-artifacts" / "looks"
PAGES = {
    "section11:cycle-analysis": "heat-map",
    "performance:scorecard": "scorecard",
    "learning:coverage": "coverage-map",
    "audits:finding-add": "audit-finding-criteria",
    "reviews:rapid-review-edit": "review-form-criteria",
    "partnership:accessibility": "accessibility-statement",
}


@pytest.fixture(scope="module")
def looks(request, browser, django_db_blocker, sweep_media):  # noqa: F811
    with serving(request, browser, django_db_blocker, sweep_media, list(PAGES)) as sweep:
        scorecard_figures(sweep.world)
        yield sweep


def scorecard_figures(world):
    """Validated figures for two of the world's agencies' indicators over three quarters, so the scorecard has
    rows, a red and a green, directions and sparklines to look at (the sweep's world has none)."""
    from performance.models import Frequency, Period
    from tests.performance.conftest import make_indicator
    from tests.performance.test_scorecard import add_value

    world("quarters")
    quarters = list(Period.objects.filter(kind=Frequency.QUARTERLY).order_by("start"))[2:5]
    police = world("indicator")
    health = make_indicator(world("health"), code="iha-20d")
    for period, first, second in zip(quarters, (82, 80, 65), (70, 78, 88), strict=True):
        add_value(police, period, first, commentary="Two missing-persons officers left in the spring.")
        add_value(health, period, second)


def zoomed_page(sweep, persona):
    """A context laid out 320 CSS px wide at device scale 4: what a 1280 px window shows at 400% zoom."""
    context = sweep.browser_context = sweep.browsers.browser.new_context(
        base_url=sweep.browsers.base_url, viewport=NARROW, device_scale_factor=4)
    page = context.new_page()
    _watch(page)
    if persona:
        sign_in(page, sweep.browsers.users[persona])
    return page


@pytest.mark.parametrize("name", sorted(PAGES))
def test_looks_at_320_px_and_400_percent_zoom(looks, name):
    LOOKS.mkdir(parents=True, exist_ok=True)
    persona, url = page_for(name).persona, looks.urls[name]
    page = looks.browsers.page(persona)
    page.goto(url)
    check_reflow(page, name, widths=(NARROW["width"],))
    page.set_viewport_size(NARROW)
    try:
        page.screenshot(path=LOOKS / f"{PAGES[name]}-320.png", full_page=True, caret="initial")
    finally:
        page.set_viewport_size({"width": 1280, "height": 800})
    zoomed = zoomed_page(looks, persona)
    try:
        zoomed.goto(url)
        zoomed.screenshot(path=LOOKS / f"{PAGES[name]}-zoom400.png", full_page=True, caret="initial")
        zoomed.problems.assert_none()
    finally:
        zoomed.context.close()


def test_the_scorecard_keeps_every_column_on_the_page_between_a_phone_and_a_desktop(looks):
    """Between 641 px and GOV.UK's desktop breakpoint (980 px) the scorecard squeezed its Comparators column out of
    sight (scrolled inside the table's wrapper). Each row is a card there now: no scorecard scrolls sideways, and
    every row's comparators are inside the window."""
    page = looks.browsers.page(page_for("performance:scorecard").persona)
    page.goto(looks.urls["performance:scorecard"])
    assert page.locator("table.app-scorecard tbody tr").count() > 0, "the sweep's world shows no scorecard rows"
    for width in (641, 700, 768, 900, 979, 1024):
        with window(page, width):
            hidden = page.evaluate("""() => [...document.querySelectorAll('table.app-scorecard')].flatMap(table => {
                const wrap = table.closest('.app-table-wrap');
                const out = [];
                if (wrap && wrap.scrollWidth > wrap.clientWidth + 1)
                    out.push(`a scorecard scrolls sideways (${wrap.scrollWidth} px in ${wrap.clientWidth} px)`);
                table.querySelectorAll('tbody td:last-child').forEach(cell => {
                    const box = cell.getBoundingClientRect();
                    if (box.right > document.documentElement.clientWidth + 1 || box.width < 40)
                        out.push(`comparators end at ${Math.round(box.right)} px, ${Math.round(box.width)} px wide`);
                });
                return out; })""")
            assert not hidden, f"at {width} px:\n" + "\n".join(hidden[:6])
