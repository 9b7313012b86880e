"""Any partner refers a case through the one reviews page open to them, and sees nothing of any case."""
import pytest
from django.urls import reverse

from partnership.models import EmailMessage, Role
from reviews import services
from reviews.models import Referral, ReviewAccessLog
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
SUMMARY = "Infant admitted with a head injury on Monday; police and health involved."


def test_a_partner_refers_a_case_and_gets_a_reference_and_nothing_else(agency_lead, reviews_member, business_unit,
                                                                     client_for):
    client = client_for(agency_lead)
    assert client.get(reverse("reviews:refer")).status_code == 200
    response = client.post(reverse("reviews:refer"), {"summary": SUMMARY})
    assert response.status_code == 302 and response["Location"] == reverse("reviews:refer-sent")
    referral = Referral.objects.get()
    assert referral.referring_agency == agency_lead.agency and referral.referred_by == agency_lead
    assert referral.case_reference.startswith("REF-")
    page = client.get(reverse("reviews:refer-sent")).content.decode()
    assert referral.case_reference in page and SUMMARY not in page
    # the confirmation shows once; the case itself stays closed to them
    assert client.get(reverse("reviews:refer-sent"))["Location"] == reverse("reviews:refer")
    assert client.get(referral.get_absolute_url()).status_code == 404
    assert client.get(reverse("reviews:referral-list")).status_code == 404
    # the reviews group is told, by reference only
    emails = EmailMessage.objects.filter(key__startswith=f"reviews-referral:{referral.pk}:")
    assert sorted(e.to for e in emails) == sorted([reviews_member.email, business_unit.email])
    assert all(SUMMARY not in e.body_text and referral.case_reference in e.body_text for e in emails)
    assert ReviewAccessLog.objects.filter(user=agency_lead, action=ReviewAccessLog.Action.CREATE).count() == 1


def test_an_empty_referral_is_refused_next_to_the_field(contributor, client_for):
    response = client_for(contributor).post(reverse("reviews:refer"), {"summary": "  "})
    assert response.status_code == 400
    assert "Describe what happened" in response.content.decode()
    assert not Referral.objects.exists()


@pytest.mark.parametrize("persona", ["qa_member", "chair", "reader", "ld_coordinator", "reviews_member",
                                     "business_unit"])
def test_people_who_are_not_partner_agency_staff_do_not_get_the_partner_form(request, persona, client_for):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(reverse("reviews:refer")).status_code == 404
    assert client.post(reverse("reviews:refer"), {"summary": SUMMARY}).status_code == 404
    assert not Referral.objects.exists()


def test_references_are_assigned_in_order_and_never_collide(agency_lead, contributor):
    first = services.referral_submit(by=agency_lead, summary=SUMMARY)
    second = services.referral_submit(by=contributor, summary=SUMMARY)
    assert first.case_reference != second.case_reference
    assert first.case_reference.endswith("-001") and second.case_reference.endswith("-002")


def test_a_partner_without_an_agency_role_cannot_refer_through_the_service(police):
    person = UserFactory(agency=police, roles=[Role.READER])
    with pytest.raises(services.ServiceError):
        services.referral_submit(by=person, summary=SUMMARY)
