"""Issue 16: "remind all outstanding agencies" of a cycle in one action (a page says how many, then one email per
lead, links not text); a return sent back for clarification emails its agency at once and is in the digest."""
import pytest
from django.urls import reverse

from partnership import history
from partnership.models import EmailMessage, Role
from section11.models import Return
from section11.reminders import due_items
from section11.services import returns as services
from tests.factories import UserFactory


def test_remind_all_outstanding_agencies_counts_first_then_emails_each_lead_once(
        client_for, business_unit, agency_lead, cycle, police_return, outsider_return, outsider_agency):
    second_lead = UserFactory(email="lead2@police.example.org", agency=agency_lead.agency, roles=[Role.AGENCY_LEAD])
    client = client_for(business_unit)
    url = reverse("section11:cycle-remind-all", args=[cycle.pk])
    page = client.get(url).content.decode()
    assert "2 agency leads at 1 agency will be emailed a reminder now" in page
    assert outsider_agency.display_name in page  # no lead: named, nobody there can be told
    assert not EmailMessage.objects.filter(subject__startswith="Reminder").exists()

    client.post(url)
    emails = EmailMessage.objects.filter(subject__startswith="Reminder")
    assert sorted(e.to for e in emails) == sorted([agency_lead.email, second_lead.email])
    assert all(f"/section-11/returns/{police_return.pk}/" in e.body_text for e in emails)
    client.post(url)  # the same day again: nobody twice
    assert EmailMessage.objects.filter(subject__startswith="Reminder").count() == 2
    assert "already reminded today" in client.get(url).content.decode()


def test_remind_all_is_for_the_business_unit_only(client_for, agency_lead, cycle):
    assert client_for(agency_lead).get(reverse("section11:cycle-remind-all", args=[cycle.pk])).status_code == 403


def test_a_return_sent_back_emails_its_agency_at_once_and_is_in_the_digest(business_unit, agency_lead,
                                                                           contributor, police_return):
    history.update(Return.objects.filter(pk=police_return.pk), status=Return.Status.SUBMITTED,
                   submitted_by=contributor)
    police_return.refresh_from_db()
    services.return_send_back(ret=police_return, by=business_unit, message="Please add the 2025 audit.")
    emails = EmailMessage.objects.filter(subject__contains="sent back for clarification")
    assert sorted(e.to for e in emails) == sorted([agency_lead.email, contributor.email])
    for email in emails:
        assert "Please add the 2025 audit" not in email.body_text
        assert f"/section-11/returns/{police_return.pk}/" in email.body_text
    from django.utils import timezone
    items = [i for i in due_items(agency_lead, timezone.localdate()) if i.stage == "sent-back"]
    assert len(items) == 1 and "sent back for clarification" in items[0].title


def test_a_return_of_an_agency_without_a_lead_is_not_reminded(outsider_return, business_unit):
    from partnership.models import ReminderLog
    from partnership.services.errors import ServiceError
    from section11.services.cycles import return_remind

    with pytest.raises(ServiceError, match="has no agency lead with an account. Invite one first."):
        return_remind(ret=outsider_return, by=business_unit)
    assert not EmailMessage.objects.exists() and not ReminderLog.objects.exists()
