"""Fixtures for the reviews app: one case taken from referral to a published LCSPR, through the services."""
import datetime

import pytest

from partnership.models import Role, Sector
from reviews import services
from reviews.models import Notification, RapidReview
from tests.factories import AgencyFactory, UserFactory

D = datetime.date
CASE_REF = "MSCP-TEST-01"
PSEUDONYM = "Child Zed"


@pytest.fixture
def health(db):
    return AgencyFactory(name="Test Health Trust", sector=Sector.ACUTE_TRUST, statutory_partner=True)


@pytest.fixture
def health_lead(health):
    return UserFactory(email="lead@health.example.org", full_name="Hana Health", agency=health,
                       roles=[Role.AGENCY_LEAD])


@pytest.fixture
def referral(reviews_member, police):
    return services.referral_create(by=reviews_member, case_reference=CASE_REF, referring_agency=police,
                                    referred_on=D(2026, 3, 2), summary="Infant admitted with injuries.")


@pytest.fixture
def screened(referral, reviews_member):
    services.screening_record(by=reviews_member, referral=referral, notifiable=True, rationale="Criteria met.",
                              decided_on=D(2026, 3, 3))
    return referral


@pytest.fixture
def notification(screened, reviews_member, health):
    n = services.notification_create(by=reviews_member, referral=screened, pseudonym=PSEUDONYM,
                                      incident_on=D(2026, 3, 1), became_aware_on=D(2026, 3, 2),
                                      nature=Notification.Nature.SERIOUS_HARM, agencies=[health],
                                      parallel_processes=["police"])
    services.notification_add_child(by=reviews_member, notification=n, age_band="under_1", sex="male",
                                    legal_status="none")
    return n


@pytest.fixture
def notified(notification, reviews_member):
    return services.notification_submit(by=reviews_member, notification=notification, notified_on=D(2026, 3, 5),
                                        partners_told_on=D(2026, 3, 5), panel_reference="P-1",
                                        expected_version=notification.version)


@pytest.fixture
def rapid_review(notified, reviews_member):
    return services.rapid_review_create(by=reviews_member, notification=notified)


def decide(review, by, outcome=RapidReview.Outcome.LCSPR):
    return services.rapid_review_decide(by=by, review=review, expected_version=review.version, criterion_a=True,
                                        criterion_b=False, criterion_c=True, criterion_d=False, rationale="Because.",
                                        outcome=outcome, decided_on=review.anchor_on + datetime.timedelta(days=14))


def sign_all(review, by):
    for key, _ in RapidReview.PARTNERS:
        review = services.rapid_review_sign_off(by=by, review=review, partner=key, expected_version=review.version)
    return review


@pytest.fixture
def sent_review(rapid_review, reviews_member):
    review = sign_all(decide(rapid_review, reviews_member), reviews_member)
    return services.rapid_review_send(by=reviews_member, review=review, sent_on=review.decided_on,
                                      expected_version=review.version)


@pytest.fixture
def lcspr(sent_review, reviews_member):
    return services.lcspr_commission(by=reviews_member, review=sent_review)


@pytest.fixture
def recommendation(lcspr, reviews_member):
    return services.recommendation_add(by=reviews_member, lcspr=lcspr, text="Improve joint working.",
                                       made_on=D(2026, 6, 1))


@pytest.fixture
def full_case(recommendation, lcspr, sent_review, business_unit, police):
    """Every kind of record, one each, plus a tracker action (added by the business unit)."""
    services.recommendation_add_action(by=business_unit, recommendation=recommendation, title="Joint training",
                                       description="Run joint training.", owner_agency=police)
    return {"referral": sent_review.notification.referral, "notification": sent_review.notification,
            "rapid_review": sent_review, "summary": sent_review.summaries.get(), "lcspr": lcspr,
            "recommendation": recommendation}


def open_rapid_review(*, by, referring_agency, agency, case_reference: str) -> RapidReview:
    """Another case taken to a rapid review that is gathering (the fixtures above make the one test case)."""
    referral = services.referral_create(by=by, case_reference=case_reference, referring_agency=referring_agency,
                                        referred_on=D(2026, 3, 2), summary="Infant admitted with injuries.")
    services.screening_record(by=by, referral=referral, notifiable=True, rationale="Criteria met.",
                              decided_on=D(2026, 3, 3))
    n = services.notification_create(by=by, referral=referral, pseudonym=PSEUDONYM, incident_on=D(2026, 3, 1),
                                      became_aware_on=D(2026, 3, 2), nature=Notification.Nature.SERIOUS_HARM,
                                      agencies=[agency], parallel_processes=["police"])
    services.notification_add_child(by=by, notification=n, age_band="under_1", sex="male", legal_status="none")
    n = services.notification_submit(by=by, notification=n, notified_on=D(2026, 3, 5), partners_told_on=D(2026, 3, 5),
                                     panel_reference=f"P-{case_reference}", expected_version=n.version)
    return services.rapid_review_create(by=by, notification=n)

