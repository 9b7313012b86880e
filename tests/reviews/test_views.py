"""The pages: forms through to the services, errors shown and kept, query counts that do not grow."""
import pytest
from django.urls import reverse

from partnership import history
from reviews import services
from reviews.models import Notification, RapidReview, Referral

from .conftest import D

pytestmark = pytest.mark.django_db


def test_referral_to_rapid_review_through_the_forms(reviews_member, police, health, client_for):
    client = client_for(reviews_member)
    r = client.post(reverse("reviews:referral-create"), {
        "case_reference": "MSCP-W-1", "referring_agency": police.pk, "referred_on_0": "2", "referred_on_1": "3",
        "referred_on_2": "2026", "summary": "Infant injury."})
    referral = Referral.objects.get(case_reference="MSCP-W-1")
    assert r.status_code == 302 and r["Location"] == referral.get_absolute_url()
    client.post(reverse("reviews:screening-record", args=[referral.pk]), {
        "notifiable": "yes", "rationale": "Serious harm, neglect suspected.", "decided_on_0": "3",
        "decided_on_1": "3", "decided_on_2": "2026"})
    assert referral.screening.notifiable
    client.post(reverse("reviews:notification-create", args=[referral.pk]), {
        "pseudonym": "Child W", "nature": "serious_harm", "incident_on_0": "1", "incident_on_1": "3",
        "incident_on_2": "2026", "became_aware_on_0": "2", "became_aware_on_1": "3", "became_aware_on_2": "2026",
        "location": "in_area", "parallel_processes": ["police", "inquest"], "agencies": [health.pk],
        "rules_version": "2023"})
    n = Notification.objects.get(case_reference="MSCP-W-1")
    assert n.parallel_processes == ["police", "inquest"] and n.due_on == D(2026, 3, 9)
    page = client.get(n.get_absolute_url()).content.decode()
    assert "Notify by" in page and "9 March 2026" in page
    # Late without a reason: the error is shown next to the field and what was typed is kept.
    r = client.post(reverse("reviews:notification-submit", args=[n.pk]), {
        "version": n.version, "notified_on_0": "11", "notified_on_1": "3", "notified_on_2": "2026",
        "panel_reference": "PANEL-77"})
    html = r.content.decode()
    assert r.status_code == 400 and "govuk-error-summary" in html and "explain why it is late" in html
    assert 'value="PANEL-77"' in html
    client.post(reverse("reviews:notification-submit", args=[n.pk]), {
        "version": n.version, "notified_on_0": "11", "notified_on_1": "3", "notified_on_2": "2026",
        "late_reason": "Awareness unclear at first."})
    n.refresh_from_db()
    assert n.status == "notified" and n.is_late
    r = client.post(reverse("reviews:rapid-review-create", args=[n.pk]))
    review = RapidReview.objects.get(notification=n)
    assert r["Location"] == review.get_absolute_url()
    page = client.get(review.get_absolute_url()).content.decode()
    assert "Agency summaries requested" in page and "Test Health Trust" in page
    r = client.post(reverse("reviews:rapid-review-decide", args=[review.pk]), {
        "version": review.version, "criterion_a": "on", "rationale": "Learning about joint working.",
        "outcome": "lcspr", "decided_on_0": "20", "decided_on_1": "3", "decided_on_2": "2026"})
    review.refresh_from_db()
    assert review.status == "decided" and review.criterion_a
    for partner in ("la", "police", "health"):
        client.post(reverse("reviews:rapid-review-sign-off", args=[review.pk]),
                    {"partner": partner, "version": review.version})
        review.refresh_from_db()
    assert review.status == "signed_off"


def test_stale_decision_keeps_what_was_typed(rapid_review, reviews_member, client_for):
    client = client_for(reviews_member)
    seen = rapid_review.version
    services.rapid_review_update_content(by=reviews_member, review=rapid_review,
                                         expected_version=rapid_review.version, learning="x")
    r = client.post(reverse("reviews:rapid-review-decide", args=[rapid_review.pk]), {
        "version": seen, "criterion_a": "on", "rationale": "My careful rationale",
        "outcome": "lcspr", "decided_on_0": "20", "decided_on_1": "3", "decided_on_2": "2026"})
    assert "Someone else changed" in r.content.decode() and "My careful rationale" in r.content.decode()


def test_lac_death_page_explains_there_is_no_rapid_review(notified, reviews_member, client_for):
    history.update(Notification.objects.filter(pk=notified.pk), nature=Notification.Nature.LAC_DEATH)
    client = client_for(reviews_member)
    page = client.get(notified.get_absolute_url()).content.decode()
    assert "Secretary of State and Ofsted" in page and "Start the rapid review" not in page
    r = client.post(reverse("reviews:rapid-review-create", args=[notified.pk]), follow=True)
    assert "needs no rapid review" in r.content.decode()


def test_agency_lead_writes_and_submits_their_summary(rapid_review, health_lead, client_for):
    summary = rapid_review.summaries.get()
    client = client_for(health_lead)
    url = reverse("reviews:summary-write", args=[summary.pk])
    client.post(url, {"version": summary.version, "involvement": "Two visits.", "save": "1"})
    summary.refresh_from_db()
    assert summary.involvement == "Two visits." and summary.submitted_on is None
    client.post(url, {"version": summary.version, "involvement": "Two visits.", "submit": "1"})
    summary.refresh_from_db()
    assert summary.submitted_by == health_lead
    assert client.post(url, {"version": summary.version, "involvement": "changed"}).status_code == 404


def _many_cases(reviews_member, police, n=12):
    for i in range(n):
        ref = services.referral_create(by=reviews_member, case_reference=f"MANY-{i}", referring_agency=police,
                                       referred_on=D(2026, 10, 1), summary="s")
        services.screening_record(by=reviews_member, referral=ref, notifiable=True, rationale="r",
                                  decided_on=D(2026, 10, 2))
        note = services.notification_create(by=reviews_member, referral=ref, pseudonym=f"Child {i}",
                                            incident_on=D(2026, 10, 1), became_aware_on=D(2026, 10, 2),
                                            nature="death", agencies=[police])
        if i % 2:
            note = services.notification_submit(by=reviews_member, notification=note, notified_on=D(2026, 10, 5),
                                                partners_told_on=None, expected_version=note.version)
            services.rapid_review_create(by=reviews_member, notification=note)


@pytest.mark.parametrize("name", ["home", "referral-list", "notification-list", "rapid-review-list", "lcspr-list"])
def test_list_and_clock_pages_do_not_grow_with_cases(name, full_case, reviews_member, police, client_for,
                                                     django_assert_max_num_queries):
    _many_cases(reviews_member, police)
    client = client_for(reviews_member)
    with django_assert_max_num_queries(14):
        page = client.get(reverse(f"reviews:{name}"))
    assert page.status_code == 200
    if name == "home":
        html = page.content.decode()
        assert "MANY-0" in html and "Breached" in html
        assert "Child 0" not in html  # the clocks name cases by reference only


def test_clocks_page_shows_breaches_and_working_days_left(notification, reviews_member, client_for):
    html = client_for(reviews_member).get(reverse("reviews:home")).content.decode()
    assert "MSCP-TEST-01" in html and "Notify the Panel" in html and "working days late" in html


def test_home_dashboard_panel(full_case, reviews_member, health_lead, client_for, notification):
    html = client_for(reviews_member).get(reverse("home")).content.decode()
    assert "Statutory review deadlines" in html
    lead_html = client_for(health_lead).get(reverse("home")).content.decode()
    assert "Rapid review summaries for your agency" in lead_html and "MSCP-TEST-01" in lead_html
    assert "Child Zed" not in lead_html and "Statutory review deadlines" not in lead_html



def test_rapid_review_learning_is_tagged_for_the_coverage_map(rapid_review, reviews_member, client_for):
    from partnership.models import JourneyStage
    stage = JourneyStage.objects.create(code="early-help", name="Early help", order=1)
    client = client_for(reviews_member)
    url = reverse("reviews:rapid-review-edit", args=[rapid_review.pk])
    assert "Early help" in client.get(url).content.decode()
    client.post(url, {"version": rapid_review.version, "learning": "Earlier help was missed.",
                      "journey_stages": [stage.pk]})
    rapid_review.refresh_from_db()
    assert rapid_review.learning == "Earlier help was missed." and list(rapid_review.journey_stages.all()) == [stage]


def test_notification_edit_form_keeps_the_details(notification, reviews_member, client_for):
    client = client_for(reviews_member)
    url = reverse("reviews:notification-edit", args=[notification.pk])
    html = client.get(url).content.decode()
    assert 'value="Child Zed"' in html
    r = client.post(url, {"version": notification.version, "pseudonym": "Child Y", "nature": "death",
                          "incident_on_0": "1", "incident_on_1": "3", "incident_on_2": "2026",
                          "became_aware_on_0": "28", "became_aware_on_1": "2", "became_aware_on_2": "2026",
                          "location": "in_area", "rules_version": "2023"})
    assert "cannot become aware before the incident" in r.content.decode() and 'value="Child Y"' in r.content.decode()


def test_the_reviews_group_follows_the_actions_of_its_recommendations_but_no_other_agency_action(
        client_for, reviews_member, business_unit, recommendation, police, outsider_agency):
    """A recommendation's actions are linked from the review page: the reviews group must be able to open them
    (read only: the owning agency updates them), and still sees no unrelated agency's action."""
    from partnership.models import Action
    from partnership.services.actions import action_create

    action = services.recommendation_add_action(by=business_unit, recommendation=recommendation,
                                                title="Joint training", description="Run joint training.",
                                                owner_agency=police)
    other = action_create(by=business_unit, title="Unrelated", description="Not from a review",
                          owner_agency=outsider_agency, due_date=D(2027, 1, 31))
    client = client_for(reviews_member)
    assert client.get(action.get_absolute_url()).status_code == 200
    assert client.get(reverse("partnership:action-edit", args=[action.pk])).status_code == 403
    assert client.get(other.get_absolute_url()).status_code == 404
    assert Action.objects.count() == 2


def test_an_action_page_never_names_or_links_a_serious_incident_review_outside_the_reviews_group(
        client_for, business_unit, reviews_member, chair, qa_member, agency_lead, recommendation, police, lcspr):
    action = services.recommendation_add_action(by=business_unit, recommendation=recommendation,
                                                title="Joint training", description="Run joint training.",
                                                owner_agency=police)
    reference = lcspr.rapid_review.notification.case_reference
    for outside in (chair, qa_member, agency_lead):
        page = client_for(outside).get(action.get_absolute_url())
        assert page.status_code == 200
        html = page.content.decode()
        assert "A recommendation of a serious-incident review" in html
        assert reference not in html and recommendation.get_absolute_url() not in html
    for inside in (reviews_member, business_unit):
        html = client_for(inside).get(action.get_absolute_url()).content.decode()
        assert recommendation.get_absolute_url() in html


def test_each_stage_form_of_a_rapid_review_opens_only_at_its_stage(rapid_review, reviews_member, client_for):
    """A bookmarked or back-buttoned form whose stage has passed sends the reader to the review with the reason;
    a form posted as the stage closed keeps what was typed beside the refusal."""
    from .conftest import decide, sign_all

    client = client_for(reviews_member)
    url = {name: reverse(f"reviews:rapid-review-{name}", args=[rapid_review.pk])
           for name in ("edit", "decide", "send", "response")}

    def opens(name):
        r = client.get(url[name])
        assert r.status_code in (200, 302), (name, r.status_code)
        return r.status_code == 200

    assert [opens(n) for n in url] == [True, True, False, False]
    assert "Commission the LCSPR" not in client.get(rapid_review.get_absolute_url()).content.decode()
    r = client.get(url["send"], follow=True)
    assert r.redirect_chain == [(rapid_review.get_absolute_url(), 302)]
    assert services.SEND_CLOSED in r.content.decode()

    review = sign_all(decide(rapid_review, reviews_member), reviews_member)
    assert [opens(n) for n in url] == [False, False, True, False]
    html = client.get(url["edit"], follow=True).content.decode()
    assert services.CONTENT_CLOSED in html and "Edit the content" not in html and "Record as sent" in html
    assert "Commission the LCSPR" in html and "Record sign-off" not in html

    r = client.post(url["edit"], {"version": review.version, "learning": "Typed after the sign-off"})
    assert r.status_code == 400
    page = r.content.decode()
    assert services.CONTENT_CLOSED in page and "Typed after the sign-off" in page
    review.refresh_from_db()
    assert review.learning != "Typed after the sign-off"

    services.rapid_review_send(by=reviews_member, review=review, sent_on=review.decided_on,
                               expected_version=review.version)
    assert [opens(n) for n in url] == [False, False, False, True]
