"""An immediate concern sent twice (a double click) is raised once and emails the agency once."""
import pytest
from django.urls import reverse

from audits.models import ImmediateConcern
from partnership.models import EmailMessage
from tests.form_tokens import post_twice

pytestmark = pytest.mark.django_db


def test_an_immediate_concern_sent_twice_is_raised_once_with_one_urgent_email(audit, contributor, police,
                                                                              agency_lead, client_for):
    case = audit.cases.first()
    first, second = post_twice(client_for(contributor), reverse("audits:concern-raise", args=[case.pk]), {
        "agency": police.pk, "description": "Bruising seen at the last visit was not followed up."})
    assert first.status_code == second.status_code == 302 and first["Location"] == second["Location"]
    assert ImmediateConcern.objects.count() == 1
    assert EmailMessage.objects.filter(to=agency_lead.email).count() == 1
