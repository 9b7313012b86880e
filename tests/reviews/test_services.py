"""Every transition of the reviews workflow, and every refusal."""
import datetime

import pytest
from django.db import IntegrityError
from django.utils import timezone

from partnership import history
from partnership.models import Action
from partnership.services.errors import ConflictError, ServiceError
from reviews import services
from reviews.models import LCSPR, Notification, RapidReview

from .conftest import D, decide, sign_all

pytestmark = pytest.mark.django_db


def test_only_the_reviews_group_can_refer(agency_lead, police):
    with pytest.raises(ServiceError):
        services.referral_create(by=agency_lead, case_reference="X-1", referring_agency=police,
                                 referred_on=D(2026, 3, 2), summary="s")


def test_duplicate_case_reference_refused(referral, reviews_member, police):
    with pytest.raises(ServiceError) as e:
        services.referral_create(by=reviews_member, case_reference=referral.case_reference.lower(),
                                 referring_agency=police, referred_on=D(2026, 3, 2), summary="s")
    assert e.value.field == "case_reference"


def test_screening_needs_a_rationale_even_when_not_notifiable(referral, reviews_member):
    with pytest.raises(ServiceError) as e:
        services.screening_record(by=reviews_member, referral=referral, notifiable=False, rationale=" ",
                                  decided_on=D(2026, 3, 3))
    assert e.value.field == "rationale"
    decision = services.screening_record(by=reviews_member, referral=referral, notifiable=False,
                                         rationale="Harm not serious.", decided_on=D(2026, 3, 3))
    assert not decision.notifiable
    with pytest.raises(ServiceError):
        services.screening_record(by=reviews_member, referral=referral, notifiable=True, rationale="again",
                                  decided_on=D(2026, 3, 3))


def test_not_notifiable_referral_cannot_be_notified(referral, reviews_member):
    services.screening_record(by=reviews_member, referral=referral, notifiable=False, rationale="No.",
                              decided_on=D(2026, 3, 3))
    with pytest.raises(ServiceError):
        services.notification_create(by=reviews_member, referral=referral, pseudonym="Child Q",
                                     incident_on=D(2026, 3, 1), became_aware_on=D(2026, 3, 2),
                                     nature=Notification.Nature.DEATH)


def test_notification_deadline_is_five_working_days_from_awareness(notification):
    assert notification.became_aware_on == D(2026, 3, 2)  # a Monday
    assert notification.due_on == D(2026, 3, 9)


def test_awareness_on_23_december_counts_past_christmas_and_boxing_day_substitutes():
    # Wed 23 Dec 2026: Thu 24 (1); Fri 25 Christmas; Mon 28 the Boxing Day substitute; Tue 29 (2), Wed 30 (3),
    # Thu 31 (4); Fri 1 January New Year's Day; Mon 4 January 2027 (5).
    assert services.notification_due_on(D(2026, 12, 23)) == D(2027, 1, 4)
    # 2027: Christmas and Boxing Day fall at the weekend (substitutes 27 and 28 December) and New Year's Day
    # 2028 on a Saturday (substitute Monday 3 January): Fri 24 (1), 29, 30, 31 (2-4), Tue 4 January (5).
    assert services.notification_due_on(D(2027, 12, 23)) == D(2028, 1, 4)


def test_at_most_four_children(notification, reviews_member):
    for _ in range(3):
        services.notification_add_child(by=reviews_member, notification=notification, age_band="6_10", sex="female",
                                        legal_status="cin")
    with pytest.raises(ServiceError):
        services.notification_add_child(by=reviews_member, notification=notification, age_band="6_10", sex="female",
                                        legal_status="cin")


def test_late_notification_requires_a_reason(notification, reviews_member):
    with pytest.raises(ServiceError) as e:
        services.notification_submit(by=reviews_member, notification=notification, notified_on=D(2026, 3, 11),
                                     partners_told_on=None, expected_version=notification.version)
    assert e.value.field == "late_reason" and "2 working days after" in e.value.message
    n = services.notification_submit(by=reviews_member, notification=notification, notified_on=D(2026, 3, 11),
                                     partners_told_on=None, late_reason="Awareness was unclear.",
                                     expected_version=notification.version)
    assert n.is_late and n.late_reason


def test_late_notification_without_reason_is_refused_by_the_database(notification):
    with pytest.raises(IntegrityError):
        history.update(Notification.objects.filter(pk=notification.pk), status="notified", notified_on=D(2026, 3, 20))


def test_stale_notification_submit_is_refused(notification, reviews_member):
    with pytest.raises(ConflictError):
        services.notification_submit(by=reviews_member, notification=notification, notified_on=D(2026, 3, 5),
                                     partners_told_on=None, expected_version=notification.version + 1)


def test_notification_cannot_be_sent_twice(notified, reviews_member):
    with pytest.raises(ServiceError):
        services.notification_submit(by=reviews_member, notification=notified, notified_on=D(2026, 3, 5),
                                     partners_told_on=None, expected_version=notified.version)


@pytest.mark.parametrize("nature", [Notification.Nature.LAC_DEATH, Notification.Nature.CARE_LEAVER_DEATH])
def test_looked_after_and_care_leaver_deaths_have_no_rapid_review(notified, reviews_member, nature):
    history.update(Notification.objects.filter(pk=notified.pk), nature=nature)
    notified.refresh_from_db()
    with pytest.raises(ServiceError) as e:
        services.rapid_review_create(by=reviews_member, notification=notified)
    assert "Secretary of State and Ofsted" in e.value.message


def test_rapid_review_needs_the_notification_sent(notification, reviews_member):
    with pytest.raises(ServiceError):
        services.rapid_review_create(by=reviews_member, notification=notification)


def test_rapid_review_clock_anchors_on_notification_by_default(rapid_review):
    assert rapid_review.anchor == "notified" and rapid_review.anchor_on == D(2026, 3, 5)
    assert rapid_review.due_on == D(2026, 3, 26)  # 15 working days after Thursday 5 March
    summary = rapid_review.summaries.get()
    # Requested the day the review starts (the emails go then), not on a notional date; due on the timetable's.
    assert summary.requested_on == timezone.localdate() and summary.due_on == D(2026, 3, 19)
    assert rapid_review.summaries_requested_on == timezone.localdate()
    with pytest.raises(ServiceError):
        services.rapid_review_create(by=rapid_review.notification.created_by, notification=rapid_review.notification)


def test_rapid_review_clock_can_anchor_on_awareness(settings, notified, reviews_member):
    settings.REVIEWS_RAPID_REVIEW_ANCHOR = "aware"
    review = services.rapid_review_create(by=reviews_member, notification=notified)
    assert review.anchor_on == D(2026, 3, 2) and review.due_on == D(2026, 3, 23)


def test_rapid_review_clock_over_easter():
    # Notified Wed 1 April 2026: Good Friday 3 April and Easter Monday 6 April do not count.
    from partnership.dates import add_working_days
    assert add_working_days(D(2026, 4, 1), 15) == D(2026, 4, 24)


def test_milestones_follow_the_timetable(rapid_review):
    rows = {m["key"]: m for m in services.milestones(rapid_review)}
    assert rows["summaries_requested"]["due"] == D(2026, 3, 6)
    assert rows["summaries_requested"]["done"] == timezone.localdate()  # the real day the requests were emailed
    assert rows["sent"]["due"] == rapid_review.due_on and rows["sent"]["done"] is None


def test_decision_refusals(rapid_review, reviews_member):
    with pytest.raises(ServiceError) as e:
        services.rapid_review_decide(by=reviews_member, review=rapid_review, expected_version=rapid_review.version,
                                     criterion_a=False, criterion_b=False, criterion_c=False, criterion_d=False,
                                     rationale="r", outcome="lcspr", decided_on=D(2026, 3, 20))
    assert "criteria" in e.value.message
    with pytest.raises(ServiceError):
        services.rapid_review_decide(by=reviews_member, review=rapid_review, expected_version=rapid_review.version,
                                     criterion_a=True, criterion_b=False, criterion_c=False, criterion_d=False,
                                     rationale="", outcome="lcspr", decided_on=D(2026, 3, 20))


def test_sign_off_send_and_response(rapid_review, reviews_member, business_unit):
    with pytest.raises(ServiceError):  # not decided yet
        services.rapid_review_sign_off(by=reviews_member, review=rapid_review, partner="la",
                                       expected_version=rapid_review.version)
    review = decide(rapid_review, reviews_member)
    assert review.status == RapidReview.Status.DECIDED
    review = services.rapid_review_sign_off(by=reviews_member, review=review, partner="la",
                                            expected_version=review.version)
    with pytest.raises(ServiceError):  # the same partner twice
        services.rapid_review_sign_off(by=reviews_member, review=review, partner="la", expected_version=review.version)
    with pytest.raises(ServiceError):  # not all three signed
        services.rapid_review_send(by=reviews_member, review=review, sent_on=D(2026, 3, 25),
                                   expected_version=review.version)
    review = services.rapid_review_sign_off(by=business_unit, review=review, partner="police",
                                            expected_version=review.version)
    review = services.rapid_review_sign_off(by=reviews_member, review=review, partner="health",
                                            expected_version=review.version)
    assert review.status == RapidReview.Status.SIGNED_OFF and review.police_signed_by == business_unit
    with pytest.raises(ServiceError):  # response before sending
        services.rapid_review_panel_response(by=reviews_member, review=review, response="agrees",
                                             received_on=D(2026, 4, 1), expected_version=review.version)
    review = services.rapid_review_send(by=reviews_member, review=review, sent_on=D(2026, 3, 25),
                                        expected_version=review.version)
    assert review.status == RapidReview.Status.SENT
    review = services.rapid_review_panel_response(by=reviews_member, review=review, response="agrees",
                                                  received_on=D(2026, 4, 8), expected_version=review.version)
    assert review.status == RapidReview.Status.RESPONDED


def test_panel_asking_to_reconsider_reopens_the_decision(sent_review, reviews_member):
    review = services.rapid_review_panel_response(by=reviews_member, review=sent_review, response="reconsider",
                                                  received_on=D(2026, 4, 8), expected_version=sent_review.version)
    assert review.status == RapidReview.Status.DECIDED and not review.all_signed and review.sent_on is None


def test_content_locked_after_sign_off(sent_review, reviews_member):
    with pytest.raises(ServiceError):
        services.rapid_review_update_content(by=reviews_member, review=sent_review,
                                             expected_version=sent_review.version, learning="x")


def test_summary_written_by_its_agency_lead_only(rapid_review, health_lead, agency_lead):
    summary = rapid_review.summaries.get()
    with pytest.raises(ServiceError):
        services.summary_submit(by=agency_lead, summary=summary, expected_version=summary.version, submit=True,
                                involvement="x")
    with pytest.raises(ServiceError) as e:
        services.summary_submit(by=health_lead, summary=summary, expected_version=summary.version, submit=True,
                                involvement="")
    assert e.value.field == "involvement"
    summary = services.summary_submit(by=health_lead, summary=summary, expected_version=summary.version, submit=True,
                                      involvement="Health visitor saw the family twice.")
    assert summary.submitted_on and summary.submitted_by == health_lead
    with pytest.raises(ServiceError):  # submitted: closed
        services.summary_submit(by=health_lead, summary=summary, expected_version=summary.version, submit=False,
                                involvement="changed")


def test_lcspr_only_from_a_decision_to_commission_one(rapid_review, reviews_member):
    review = sign_all(decide(rapid_review, reviews_member, outcome=RapidReview.Outcome.NFA), reviews_member)
    with pytest.raises(ServiceError):
        services.lcspr_commission(by=reviews_member, review=review)


def test_lcspr_and_sign_off_only_at_their_stage(rapid_review, reviews_member):
    with pytest.raises(ServiceError, match="awaiting sign-off"):  # gathering: nothing decided to sign off
        services.rapid_review_sign_off(by=reviews_member, review=rapid_review, partner="la",
                                       expected_version=rapid_review.version)
    review = decide(rapid_review, reviews_member)  # decided to commission one, not yet signed off
    assert review.awaits_sign_off and not review.decided_to_commission_lcspr
    with pytest.raises(ServiceError, match="signed-off"):
        services.lcspr_commission(by=reviews_member, review=review)
    review = sign_all(review, reviews_member)
    assert not review.awaits_sign_off and review.decided_to_commission_lcspr
    assert services.lcspr_commission(by=reviews_member, review=review).rapid_review == review


def test_lcspr_stages_in_order_with_their_details(lcspr, reviews_member):
    assert lcspr.target_publication_on == lcspr.decided_on.replace(month=lcspr.decided_on.month + 6)

    def move(stage, **kw):
        return services.lcspr_move(by=reviews_member, lcspr=lcspr, stage=stage, expected_version=lcspr.version, **kw)

    with pytest.raises(ServiceError):
        move(LCSPR.Stage.DRAFT)  # skipping stages
    with pytest.raises(ServiceError):
        move(LCSPR.Stage.TOR_AGREED)  # no terms of reference
    move(LCSPR.Stage.TOR_AGREED, terms_of_reference="Scope: the year before the incident.")
    with pytest.raises(ServiceError):
        move(LCSPR.Stage.REVIEWER_APPOINTED)
    move(LCSPR.Stage.REVIEWER_APPOINTED, reviewer_name="Independent Reviewer Ltd")
    for stage in (LCSPR.Stage.INFORMATION, LCSPR.Stage.DRAFT, LCSPR.Stage.PARTNER_QA, LCSPR.Stage.FINAL_APPROVED):
        move(stage)
    with pytest.raises(ServiceError):
        move(LCSPR.Stage.DEFERRED)  # needs a reason
    # Publication Friday 2 October 2026: 7 working days before is Wednesday 23 September.
    with pytest.raises(ServiceError) as e:
        move(LCSPR.Stage.PRE_PUBLICATION, on=D(2026, 9, 24), planned_publication_on=D(2026, 10, 2))
    assert "23 September 2026" in e.value.message
    move(LCSPR.Stage.PRE_PUBLICATION, on=D(2026, 9, 23), planned_publication_on=D(2026, 10, 2))
    with pytest.raises(ServiceError):
        move(LCSPR.Stage.PUBLISHED, on=D(2026, 10, 2))  # no title
    with pytest.raises(ServiceError):
        move(LCSPR.Stage.PUBLISHED, on=D(2026, 9, 25), published_title="Child M")  # too soon after the notice
    move(LCSPR.Stage.PUBLISHED, on=D(2026, 10, 2), published_title="Child M")
    move(LCSPR.Stage.MONITORING)
    move(LCSPR.Stage.CLOSED)
    lcspr.refresh_from_db()
    assert lcspr.stage == LCSPR.Stage.CLOSED and lcspr.published_title == "Child M"


def test_prepublication_notice_setting(settings, lcspr):
    settings.REVIEWS_PREPUBLICATION_WORKING_DAYS = 10
    assert services.latest_notice_date(D(2026, 10, 2)) == D(2026, 9, 18)


def test_checks_and_delays_need_text(lcspr, reviews_member):
    with pytest.raises(ServiceError):
        services.lcspr_add_delay(by=reviews_member, lcspr=lcspr, on=D(2026, 5, 1), reason="")
    services.lcspr_add_delay(by=reviews_member, lcspr=lcspr, on=D(2026, 5, 1), reason="Criminal trial listed.")
    services.lcspr_add_check(by=reviews_member, lcspr=lcspr, kind="written_request", on=D(2026, 5, 2),
                             note="Asked the reviewer for the draft (regulation 14).")
    assert lcspr.delays.count() == 1 and lcspr.checks.count() == 1


def test_recommendation_due_dates_and_tracker_action(recommendation, business_unit, police, reviews_member):
    assert recommendation.response_due_on == D(2026, 8, 1)
    assert recommendation.action_plan_due_on == D(2026, 9, 1)
    assert recommendation.impact_review_due_on == D(2027, 6, 1)
    action = services.recommendation_add_action(by=business_unit, recommendation=recommendation, title="Training",
                                                description="Joint training.", owner_agency=police)
    assert action.due_date == D(2026, 9, 1) and action.source_kind == "review_recommendation"
    assert list(recommendation.actions.all()) == [action]
    assert "Improve" not in str(recommendation)  # the tracker shows the source to agencies: no case detail
    assert Action.objects.count() == 1


def test_recommendation_belongs_to_one_review(rapid_review, lcspr, reviews_member):
    with pytest.raises(ServiceError):
        services.recommendation_add(by=reviews_member, text="x", made_on=D(2026, 6, 1), rapid_review=rapid_review,
                                    lcspr=lcspr)


def test_future_dates_refused(referral, reviews_member):
    with pytest.raises(ServiceError):
        services.screening_record(by=reviews_member, referral=referral, notifiable=True, rationale="r",
                                  decided_on=D(2026, 3, 1))
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)
    with pytest.raises(ServiceError):
        services.referral_create(by=reviews_member, case_reference="F-1", referring_agency=referral.referring_agency,
                                 referred_on=tomorrow, summary="s")


def test_notification_corrected_before_sending_moves_its_deadline(notification, reviews_member, health):
    n = services.notification_update(
        by=reviews_member, notification=notification, expected_version=notification.version,
        pseudonym="Child Y", incident_on=D(2026, 3, 1), became_aware_on=D(2026, 3, 3), nature="death",
        location="in_area", suspected_suicide=False, media_interest=True, parallel_processes=["inquest"],
        agencies=[health], rules_version="2023")
    assert n.due_on == D(2026, 3, 10) and n.pseudonym == "Child Y"
    assert Notification.history.filter(id=n.pk).count() >= 2  # who changed it, and when


def test_sent_notification_cannot_be_changed(notified, reviews_member):
    with pytest.raises(ServiceError):
        services.notification_update(
            by=reviews_member, notification=notified, expected_version=notified.version, pseudonym="Child Y",
            incident_on=D(2026, 3, 1), became_aware_on=D(2026, 3, 3), nature="death", location="in_area",
            suspected_suicide=False, media_interest=False, parallel_processes=[], agencies=[], rules_version="2023")
