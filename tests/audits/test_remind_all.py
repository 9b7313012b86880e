"""Issue 16: remind every agency with outstanding agency audits in one action, after a page that says how many."""
from django.urls import reverse

from partnership.models import EmailMessage


def test_remind_all_outstanding_agencies_of_an_audit(client_for, business_unit, agency_lead, audit):
    client = client_for(business_unit)
    url = reverse("audits:audit-remind-all", args=[audit.pk])
    page = client.get(url).content.decode()
    assert "1 agency lead at 1 agency will be emailed a reminder now" in page  # health has no lead: named
    client.post(url)
    emails = EmailMessage.objects.filter(subject__startswith="Reminder: agency audits due")
    assert [e.to for e in emails] == [agency_lead.email]
    assert client_for(agency_lead).get(url).status_code in (403, 404)
