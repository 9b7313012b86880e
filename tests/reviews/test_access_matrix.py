"""Nobody outside the reviews group reaches any reviews URL: generated from the URL conf, so a new URL is
covered at once. Every pattern is filled with the ids of a real case; each non-reviews persona gets 404 on
GET and POST, anonymous people are sent to sign in, and the reviews group and business unit are let in."""
import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import URLPattern, reverse

from reviews import access, navigation
from reviews import urls as reviews_urls
from reviews.models import ReviewAccessLog

pytestmark = pytest.mark.django_db

OUTSIDERS = ["qa_member", "chair", "reader", "agency_lead", "contributor", "outsider", "ld_coordinator"]
# Which fixture object fills the <pk> of each URL (by name prefix); the rest take no id.
PK_SOURCE = {
    "referral-detail": "referral", "screening-record": "referral", "notification-create": "referral",
    "notification-detail": "notification", "notification-add-child": "notification",
    "notification-edit": "notification",
    "notification-submit": "notification", "rapid-review-create": "notification",
    "rapid-review-detail": "rapid_review", "rapid-review-edit": "rapid_review",
    "rapid-review-decide": "rapid_review", "rapid-review-sign-off": "rapid_review",
    "rapid-review-send": "rapid_review", "rapid-review-response": "rapid_review",
    "rapid-review-recommendation": "rapid_review", "lcspr-commission": "rapid_review",
    "summary-write": "summary", "lcspr-detail": "lcspr", "lcspr-move": "lcspr", "lcspr-check": "lcspr",
    "lcspr-delay": "lcspr", "lcspr-recommendation": "lcspr", "recommendation-action": "recommendation",
}


# The one page open to partner agencies' staff (tested in test_partner_referral.py): it shows no case.
PARTNER_REFERRAL_URLS = {"refer", "refer-sent"}


def all_urls(case, *, skip: set[str] = frozenset()) -> list[str]:
    urls = []
    for pattern in reviews_urls.urlpatterns:
        assert isinstance(pattern, URLPattern)
        if pattern.name in skip:
            continue
        if "<int:pk>" in str(pattern.pattern):
            assert pattern.name in PK_SOURCE, f"reviews:{pattern.name} needs an object in PK_SOURCE"
            urls.append(reverse(f"reviews:{pattern.name}", args=[case[PK_SOURCE[pattern.name]].pk]))
        else:
            urls.append(reverse(f"reviews:{pattern.name}"))
    return urls


@pytest.mark.parametrize("persona", OUTSIDERS)
def test_every_reviews_url_is_404_for_people_outside_the_reviews_group(request, persona, full_case, client_for):
    user = request.getfixturevalue(persona)
    client = client_for(user)
    before = ReviewAccessLog.objects.count()
    skip = PARTNER_REFERRAL_URLS if access.can_refer(user) else set()
    for url in all_urls(full_case, skip=skip):
        assert client.get(url).status_code == 404, f"GET {url} as {persona}"
        assert client.post(url, {}).status_code == 404, f"POST {url} as {persona}"
    assert navigation.item(user) is None
    assert ReviewAccessLog.objects.count() == before


def test_anonymous_people_are_sent_to_sign_in(full_case):
    client = Client()
    for url in all_urls(full_case):
        for response in (client.get(url), client.post(url, {})):
            assert response.status_code == 302, url
            assert response["Location"].startswith(resolve_url(settings.LOGIN_URL)), url


@pytest.mark.parametrize("persona", ["reviews_member", "business_unit"])
def test_reviews_group_reaches_every_get_page(request, persona, full_case, client_for):
    user = request.getfixturevalue(persona)
    client = client_for(user)
    review_page = full_case["rapid_review"].get_absolute_url()
    stage_forms = {reverse(f"reviews:rapid-review-{name}", args=[full_case["rapid_review"].pk])
                   for name in ("edit", "decide", "send")}  # the review was sent: these stages have passed
    for url in all_urls(full_case):
        response = client.get(url)
        status = response.status_code
        if url in stage_forms:
            assert (status, response["Location"]) == (302, review_page), f"GET {url} as {persona}"
        elif url == reverse("reviews:access-log") and persona == "reviews_member":
            assert status == 404  # the access log is the business unit's
        elif url in (reverse("reviews:my-summaries"), reverse("reviews:refer"), reverse("reviews:refer-sent")):
            assert status == 404  # for agency staff only: summaries to write, and referring a case
        else:
            assert status in (200, 405), f"GET {url} as {persona}: {status}"
    assert navigation.item(user).url == reverse("reviews:home")


def test_agency_lead_sees_only_their_own_summary_form(full_case, health_lead, police, client_for):
    summary = full_case["summary"]
    client = client_for(health_lead)
    page = client.get(reverse("reviews:summary-write", args=[summary.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert summary.rapid_review.case_reference in html
    assert "Child Zed" not in html and "Infant admitted" not in html
    assert client.get(reverse("reviews:my-summaries")).status_code == 200
    # the rest of the app stays closed to them
    assert client.get(summary.rapid_review.get_absolute_url()).status_code == 404
    assert client.get(reverse("reviews:home")).status_code == 404
    assert navigation.item(health_lead) is None


def test_agency_contributor_cannot_reach_their_agencys_summary(full_case, health, client_for):
    from partnership.models import Role
    from tests.factories import UserFactory
    contributor = UserFactory(agency=health, roles=[Role.AGENCY_CONTRIBUTOR])
    assert client_for(contributor).get(full_case["summary"].get_absolute_url()).status_code == 404


def test_tracker_action_from_a_review_shows_the_owning_agency_no_case_detail(full_case, agency_lead, client_for):
    action = full_case["recommendation"].actions.get()
    page = client_for(agency_lead).get(action.get_absolute_url())
    assert page.status_code == 200
    html = page.content.decode()
    for secret in ("MSCP-TEST-01", "Child Zed", "Improve joint working", "Infant admitted"):
        assert secret not in html
    # the link back to the review answers 404 for them
    assert client_for(agency_lead).get(full_case["lcspr"].get_absolute_url()).status_code == 404
