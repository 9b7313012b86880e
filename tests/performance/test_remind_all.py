"""Issue 16: remind every agency whose data return for a period is outstanding, in one action."""
from django.urls import reverse

from partnership.models import EmailMessage


def test_remind_all_outstanding_agencies_of_a_data_period(client_for, business_unit, agency_lead,
                                                          police_data_return):
    client = client_for(business_unit)
    url = reverse("performance:data-returns-remind-all", args=[police_data_return.period_id])
    assert "1 agency lead at 1 agency will be emailed a reminder now" in client.get(url).content.decode()
    client.post(url)
    assert [e.to for e in EmailMessage.objects.filter(subject__contains="performance data")] == [agency_lead.email]
    assert client_for(agency_lead).get(url).status_code == 403
