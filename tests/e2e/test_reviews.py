"""Reviews in a real browser: referral, screening, notification, rapid review, decision and sign-off by the
reviews group; an agency lead's narrow summary page; the LCSPR, clocks and access log pages. axe-core on
each page type, and screenshots to look at."""
import pytest
from playwright.sync_api import expect

from reviews.models import Notification, RapidReview, Referral
from tests.reviews.conftest import (  # noqa: F401 - fixtures
    full_case,
    health,
    health_lead,
    lcspr,
    notification,
    notified,
    rapid_review,
    recommendation,
    referral,
    screened,
    sent_review,
)

from .conftest import axe_check, screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def fill_date(page, name: str, day: int, month: int, year: int) -> None:
    page.fill(f'input[name="{name}_0"]', str(day))
    page.fill(f'input[name="{name}_1"]', str(month))
    page.fill(f'input[name="{name}_2"]', str(year))


def submit(page, name: str) -> None:
    page.get_by_role("button", name=name).click()
    page.wait_for_load_state()


def test_referral_to_rapid_review_decision(signed_in_page, reviews_member, police, health):  # noqa: F811
    page = signed_in_page(reviews_member)
    page.goto("/reviews/")
    axe_check(page)
    screenshot(page, "reviews-clocks-empty")
    page.get_by_role("button", name="Record a referral").click()
    submit(page, "Record the referral")  # empty: errors
    assert page.locator(".govuk-error-summary").is_visible()
    axe_check(page)
    page.fill('input[name="case_reference"]', "MSCP-E2E-1")
    page.select_option('select[name="referring_agency"]', str(police.pk))
    fill_date(page, "referred_on", 2, 3, 2026)
    page.fill('textarea[name="summary"]', "Infant admitted with unexplained injuries.")
    submit(page, "Record the referral")
    axe_check(page)
    page.get_by_role("button", name="Record the screening decision").click()
    page.check('input[name="notifiable"][value="yes"]')
    page.fill('textarea[name="rationale"]', "Serious harm; neglect suspected.")
    fill_date(page, "decided_on", 3, 3, 2026)
    axe_check(page)
    submit(page, "Record the decision")
    page.get_by_role("button", name="Start the notification").click()
    page.fill('input[name="pseudonym"]', "Child E")
    page.check('input[name="nature"][value="serious_harm"]')
    fill_date(page, "incident_on", 1, 3, 2026)
    fill_date(page, "became_aware_on", 2, 3, 2026)
    page.check('input[name="parallel_processes"][value="police"]')
    page.check(f'input[name="agencies"][value="{health.pk}"]')
    axe_check(page)
    screenshot(page, "reviews-notification-form")
    submit(page, "Save the notification")
    assert "Notify by" in page.content()
    axe_check(page)
    screenshot(page, "reviews-notification-detail")
    page.get_by_role("link", name="Add a child").click()
    page.select_option('select[name="age_band"]', "under_1")
    page.get_by_label("Female").check()
    page.select_option('select[name="ethnicity"]', label="White and Black Caribbean")
    page.get_by_label("Not disabled").check()
    axe_check(page)
    screenshot(page, "reviews-child-form")
    submit(page, "Add the child")
    expect(page.locator("main")).to_contain_text("Mixed or multiple ethnic groups: White and Black Caribbean")
    page.get_by_role("button", name="Record as sent").click()
    fill_date(page, "notified_on", 5, 3, 2026)
    submit(page, "Record as sent")
    submit(page, "Start the rapid review")
    review = RapidReview.objects.get(notification__case_reference="MSCP-E2E-1")
    assert page.url.endswith(review.get_absolute_url())
    axe_check(page)
    screenshot(page, "reviews-rapid-review")
    page.get_by_role("link", name="Edit the content").click()
    page.fill('textarea[name="learning"]', "Was Not Brought policy applied unevenly.")
    axe_check(page)
    submit(page, "Save the content")
    page.get_by_role("button", name="Record the decision").click()
    page.check('input[name="criterion_a"]')
    page.check('input[name="criterion_c"]')
    page.fill('textarea[name="rationale"]', "Learning about agencies working together.")
    page.check('input[name="outcome"][value="lcspr"]')
    fill_date(page, "decided_on", 20, 3, 2026)
    axe_check(page)
    submit(page, "Record the decision")
    for label in ("local authority", "police", "health"):
        submit(page, f"Record sign-off by the {label}")
    review.refresh_from_db()
    assert review.status == RapidReview.Status.SIGNED_OFF
    axe_check(page)
    assert Referral.objects.count() == 1 and Notification.objects.get().status == "notified"


def test_other_pages(signed_in_page, full_case, business_unit, health_lead, reviews_member):  # noqa: F811
    page = signed_in_page(business_unit)
    for url, name in [("/reviews/", "reviews-clocks"), ("/reviews/referrals/", "reviews-referrals"),
                      ("/reviews/notifications/", "reviews-notifications"),
                      ("/reviews/rapid-reviews/", "reviews-rapid-reviews"), ("/reviews/lcsprs/", "reviews-lcsprs"),
                      (full_case["lcspr"].get_absolute_url(), "reviews-lcspr"),
                      (f"/reviews/lcsprs/{full_case['lcspr'].pk}/stage/", "reviews-lcspr-move"),
                      (full_case["referral"].get_absolute_url(), "reviews-referral"),
                      ("/reviews/access-log/", "reviews-access-log")]:
        page.goto(url)
        axe_check(page)
        screenshot(page, name)
    screenshot(page, "reviews-access-log-phone", mobile=True)
    lead = signed_in_page(health_lead)
    lead.goto(full_case["summary"].get_absolute_url())
    assert "Child Zed" not in lead.content()
    axe_check(lead)
    screenshot(lead, "reviews-agency-summary")
    lead.goto("/")
    assert "Rapid review summaries for your agency" in lead.content()
    assert lead.get_by_role("link", name="Reviews").count() == 0
