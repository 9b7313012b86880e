"""The Django admin pages the business unit uses every day, swept like the service's pages: axe (WCAG 2.2 AA and the
held best-practice rules), reflow at 320 and 640 px, and no Content Security Policy violation.

Generated from the admin's registered models (`admin.site._registry`), not listed by hand: for each model its list,
its "add" form (when the admin offers one) and the "change" form of one of its rows (the every-page sweep's world
makes one of each object), plus the admin's home and each app's index. A model registered later is swept
without anyone adding it here.

The admin is restyled for WCAG 2.2 by static/css/admin.css (templates/admin/base_site.html): targets of at least
24 by 24 px (2.5.8) and underlined links (1.4.1). What remains of Django's own markup (labels of split date-time
boxes and of inline rows, empty headers of inline tables, the filter boxes' aria-label) is a known gap on the
accessibility statement, and only the axe rules that gap names (`KnownGap.admin_axe_rules`) are accepted here.

Content Security Policy: Django's admin JavaScript (jQuery's feature tests on the forms with inlines or related
fields) applies inline styles that the service's policy blocks. The admin works without them, so a CSP report here
is not failed on (the service's own pages still are); JavaScript errors are.
"""
import pytest
from django.contrib import admin
from django.urls import reverse

from partnership.accessibility import KNOWN_GAPS

from .conftest import axe_violations, expect, format_violations
from .every_page import FLOW_ONLY, needs_listing
from .sweep import check_reflow, private_media, serving, sweep_media  # noqa: F401 (fixtures)

# The admin's own scrolling wrappers: its list of rows and a tabular inline scroll sideways inside themselves.
ADMIN_TABLE_WRAPPERS = ("#changelist .results", ".inline-group .tabular")
# Findings in Django's own admin markup that the statement names as a known gap (partnership/accessibility.py).
ACCEPTED_IN_ADMIN = frozenset(rule for gap in KNOWN_GAPS for rule in gap.admin_axe_rules)


def admin_pages() -> list[tuple[str, str, str]]:
    """(id, url name, model label) for every page of every registered model, and the indexes."""
    pages = [("index", "admin:index", "")]
    apps = set()
    for model in sorted(admin.site._registry, key=lambda m: m._meta.label):
        opts = model._meta
        apps.add(opts.app_label)
        for view in ("changelist", "add", "change"):
            pages.append((f"{opts.label}:{view}", f"admin:{opts.app_label}_{opts.model_name}_{view}", opts.label))
    pages += [(f"{app}:app", "admin:app_list", app) for app in sorted(apps)]
    return pages


# The first test builds the sweep's world (one of each object): minutes on a busy machine.
pytestmark = pytest.mark.timeout(1200)
PAGES = admin_pages()


@pytest.fixture(scope="module")
def admin_sweep(request, browser, django_db_blocker, sweep_media):  # noqa: F811
    from tests.security.urlconf import walk

    # Every object the every-page sweep makes, so each model has rows to change.
    names = [name for name, _ in walk() if name not in FLOW_ONLY and not needs_listing(name)]
    with serving(request, browser, django_db_blocker, sweep_media, names) as sweep:
        manager = sweep.world("business_unit")
        manager.is_superuser = True  # the business unit's admin accounts hold every model permission
        manager.save(update_fields=["is_superuser"])
        yield sweep


def url_for(view: str, label: str) -> str | None:
    from django.apps import apps

    if view == "admin:index":
        return reverse(view)
    if view == "admin:app_list":
        return reverse(view, kwargs={"app_label": label})
    model = apps.get_model(label)
    if view.endswith("_change"):
        row = model._default_manager.order_by("pk").first()
        return reverse(view, args=[row.pk]) if row else None
    return reverse(view)


def test_every_registered_model_is_swept():
    swept = {label for _, _, label in PAGES if "." in label}
    assert swept == {model._meta.label for model in admin.site._registry}
    assert len(PAGES) > 30


@pytest.mark.parametrize("page_id,view,label", PAGES, ids=[p[0] for p in PAGES])
def test_admin_page_passes_axe_and_reflows(admin_sweep, page_id, view, label):
    url = url_for(view, label)
    if url is None:
        pytest.skip(f"{label} has no rows in the sweep's world")
    page = admin_sweep.browsers.page("business_unit")
    answer = page.request.get(url)
    if answer.status == 403 and view.endswith(("_add", "_change")):
        return  # the admin offers no such form for this model (has_add_permission / has_change_permission)
    response = page.goto(url)
    assert response.status == 200, f"{page_id}: {url} answered {response.status}"
    expect(page.locator("#content")).to_be_visible()
    violations = [v for v in axe_violations(page) if v["id"] not in ACCEPTED_IN_ADMIN]
    assert not violations, f"axe found {len(violations)} violation(s) on {url}:\n{format_violations(violations)}"
    page.problems.csp.clear()  # Django's admin JavaScript: see the module docstring
    page.problems.assert_none()
    check_reflow(page, f"admin {page_id}", wrapper=", ".join(ADMIN_TABLE_WRAPPERS))
