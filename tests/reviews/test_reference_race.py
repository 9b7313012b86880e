"""References are handed out under a lock: four partners pressing Refer at once make four referrals, no 500."""
import datetime

import pytest
from django.db import IntegrityError
from django.test import Client
from django.urls import reverse

from partnership import counters
from partnership.models import Role
from reviews import services
from reviews.models import Referral
from tests.concurrency import needs_postgresql, run_together
from tests.factories import UserFactory

SUMMARY = "Infant admitted with a head injury on Monday; police and health involved."


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_four_partners_pressing_refer_at_once_make_four_referrals(police):
    clients = []
    for n in range(4):
        client = Client(raise_request_exception=False)
        client.force_login(UserFactory(email=f"p{n}@police.example.org", agency=police, roles=[Role.AGENCY_LEAD]))
        clients.append(client)
    responses = run_together([lambda c=c: c.post(reverse("reviews:refer"), {"summary": SUMMARY}) for c in clients])
    assert [r.status_code for r in responses] == [302] * 4
    references = sorted(Referral.objects.values_list("case_reference", flat=True))
    assert len(set(references)) == 4 and [r[-3:] for r in references] == ["001", "002", "003", "004"]


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_the_business_unit_typing_one_reference_twice_at_once_gets_one_referral_and_a_refusal(reviews_member, police):
    results = run_together([
        lambda: services.referral_create(by=reviews_member, case_reference="MSCP-2026-40", referring_agency=police,
                                         referred_on=datetime.date(2026, 3, 2), summary=SUMMARY)
        for _ in range(3)], expected=[services.ServiceError])
    assert Referral.objects.count() == 1
    assert sum(isinstance(r, services.ServiceError) for r in results) == 2


@pytest.mark.django_db
def test_a_reference_typed_by_hand_is_stepped_over(agency_lead):
    first = services.referral_submit(by=agency_lead, summary=SUMMARY)
    prefix = first.case_reference[:-3]
    Referral.objects.create(case_reference=f"{prefix}002", referring_agency=agency_lead.agency,
                            referred_by=agency_lead, referred_on=first.referred_on, summary="Typed by hand.")
    assert services.referral_submit(by=agency_lead, summary=SUMMARY).case_reference == f"{prefix}003"


@pytest.mark.django_db
def test_the_counter_starts_after_the_highest_reference_in_use_and_gives_up_loudly():
    assert counters.next_number("t", start_after=lambda: 41) == 42
    assert counters.next_number("t", start_after=lambda: 0) == 43

    def refuse(number):
        raise IntegrityError("taken")

    with pytest.raises(IntegrityError):
        counters.allocate("t2", refuse, attempts=3)
    assert counters.next_number("t2") == 4
