"""Serious-incident information stays with the reviews group (and the business unit), generated from the URL conf:

- every page and download with no object id, opened by people outside the group (the chair, a reader, QA, an
  agency lead) with a whole case and a review-derived action in the database, names no review kind, counts
  no review record (the coverage map) and shows no case reference;
- every reviews page with no object id that shows cases (lists, clocks) writes the access log, as does the
  dashboard panel's clocks.
"""
import pytest
from django.test import Client
from django.urls import reverse

from partnership.models.actions import kind_words, source_models
from reviews.models import ReviewAccessLog
from tests.reviews.conftest import CASE_REF

from .urlconf import converter_types, url_for, walk

OUTSIDERS = ("chair", "reader", "qa_member", "agency_lead")
WITHOUT_ID = sorted((name, url_for(name, pattern)) for name, pattern in walk() if not converter_types(pattern))
REVIEWS_LISTS = [(name, url) for name, url in WITHOUT_ID if name.startswith("reviews:")]
# Reviews pages with no id that show no case: forms to start one, the log itself, a lead's own summaries.
SHOW_NO_CASE = {
    "reviews:referral-create": "an empty form",
    "reviews:refer": "a partner's referral form",
    "reviews:refer-sent": "the partner's confirmation (their own reference only)",
    "reviews:access-log": "the log itself (the business unit's)",
    "reviews:my-summaries": "an agency lead's own summaries, by its own access rule",
}


class _Nobody:
    is_authenticated = False

    def has_role(self, *roles):
        return False


def reviews_markers() -> list[str]:
    """What would tell someone outside the group that reviews exist: their kinds, their coverage columns."""
    markers = [CASE_REF]
    for model in source_models():
        if not model.kind_visible_to(_Nobody()):
            markers += [model.action_source_kind, kind_words(model.action_source_kind),
                        str(model._meta.verbose_name_plural).capitalize()]
    return markers


@pytest.fixture
def tagged_case(full_case):
    """The whole case, its rapid review and recommendation tagged with a stage (so the coverage map counts them)."""
    from partnership.models import JourneyStage

    stage = JourneyStage.objects.create(code="early-help", name="Early help", order=1)
    full_case["rapid_review"].journey_stages.add(stage)
    full_case["recommendation"].journey_stages.add(stage)
    return full_case


def test_the_markers_and_walk_find_the_reviews_kinds():
    assert {"rapid_review", "Review recommendation", "Rapid reviews"} <= set(reviews_markers())
    assert {"partnership:action-list", "partnership:action-export", "learning:coverage"} <= {n for n, _ in WITHOUT_ID}
    assert len(REVIEWS_LISTS) >= 6


@pytest.mark.parametrize("persona", OUTSIDERS)
def test_no_page_or_download_tells_someone_outside_the_group_about_reviews(request, tagged_case, persona):
    client = Client(raise_request_exception=False)
    client.force_login(request.getfixturevalue(persona))
    leaks = []
    for name, url in WITHOUT_ID:
        response = client.get(url)
        if response.status_code != 200:
            continue
        body = (b"".join(response.streaming_content) if response.streaming else response.content).decode(
            errors="replace")
        found = [m for m in reviews_markers() if m in body]
        if found:
            leaks.append((name, found))
    assert not leaks, f"{persona} learns of reviews on: {leaks}"


def test_the_reviews_group_still_sees_its_own_kinds(client_for, tagged_case, reviews_member, business_unit):
    html = client_for(reviews_member).get(reverse("learning:coverage")).content.decode()
    assert "Rapid reviews" in html
    csv = b"".join(client_for(business_unit).get(reverse("partnership:action-export")).streaming_content).decode()
    assert "Review recommendation" in csv


def test_outside_the_group_a_review_action_is_a_practice_review_action(client_for, full_case, chair):
    csv = b"".join(client_for(chair).get(reverse("partnership:action-export")).streaming_content).decode()
    assert "Joint training" in csv and "A practice review action" in csv
    assert "A practice review action" in client_for(chair).get(reverse("partnership:action-list")).content.decode()


@pytest.mark.parametrize("name,url", REVIEWS_LISTS, ids=[n for n, _ in REVIEWS_LISTS])
def test_every_reviews_page_that_lists_cases_writes_the_access_log(client_for, full_case, reviews_member, name, url):
    if name in SHOW_NO_CASE:
        return
    before = ReviewAccessLog.objects.filter(user=reviews_member).count()
    response = client_for(reviews_member).get(url)
    assert response.status_code == 200, f"{name}: {response.status_code}"
    logged = ReviewAccessLog.objects.filter(user=reviews_member).order_by("-pk")
    assert logged.count() == before + 1, f"{name} ({url}) shows cases without writing the access log"
    assert logged.first().path == url


def test_the_dashboard_panels_clocks_are_logged(client_for, full_case, reviews_member):
    before = ReviewAccessLog.objects.filter(user=reviews_member).count()
    html = client_for(reviews_member).get(reverse("home")).content.decode()
    if CASE_REF in html:
        assert ReviewAccessLog.objects.filter(user=reviews_member, model_label="reviews.clocks").count() > before
