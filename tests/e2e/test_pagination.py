"""The GOV.UK pagination under a list page, in a real browser: axe-core finds nothing on it, it names itself and
the current page, and a keyboard user follows "Next" to the second page and "Previous" back (the links keeping
the filters are checked in tests/test_list_pages.py). The page size is shrunk so a few rows make three pages
(the service shows 100 a page)."""
import re

import pytest

from partnership.models import Role
from partnership.views import mixins
from tests.factories import AgencyFactory, UserFactory

from .conftest import axe_check, expect


@pytest.fixture
def many_agencies(db, monkeypatch):
    monkeypatch.setattr(mixins, "LIST_PAGE_SIZE", 2)  # the live server runs in this process
    return [AgencyFactory(name=f"Agency {letter}") for letter in "ABCDE"]


def test_the_pagination_is_accessible_and_works_by_keyboard(signed_in_page, business_unit, many_agencies):
    UserFactory(agency=many_agencies[0], roles=[Role.AGENCY_LEAD])
    page = signed_in_page(business_unit)
    page.goto("/agencies/")

    nav = page.get_by_role("navigation", name="Pagination")
    expect(nav).to_be_visible()
    expect(nav.locator('[aria-current="page"]')).to_have_text("1")
    axe_check(page)

    nav.get_by_role("link", name="Next page").focus()
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    expect(page).to_have_url(re.compile(r"/agencies/\?page=2$"))
    nav = page.get_by_role("navigation", name="Pagination")
    expect(nav.locator('[aria-current="page"]')).to_have_text("2")
    expect(nav.get_by_role("link", name="Previous page")).to_be_visible()
    expect(nav.get_by_role("link", name="Next page")).to_be_visible()
    axe_check(page)

    nav.get_by_role("link", name="Previous page").focus()
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    expect(page).to_have_url(re.compile(r"/agencies/\?page=1$"))

