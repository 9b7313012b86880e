""""Remind this agency now" with nobody to read the reminder is refused by one rule
(`partnership.services.reminders.leads_to_remind`), in every app that sends one, and nothing is sent or logged: an
agency with no lead, or whose only "lead" is inactive or a contributor. Each app's refusal is tested beside its
reminders (tests/section11/test_hand_offs_and_reminders.py, tests/audits/test_workflow.py,
tests/performance/test_returns_services.py)."""
import pytest

from partnership.models import Role
from partnership.services.errors import ServiceError
from partnership.services.reminders import leads_to_remind
from tests.factories import UserFactory

REFUSED = "has no agency lead with an account. Invite one first."


@pytest.mark.django_db
def test_only_an_active_lead_with_an_address_is_someone_to_remind(outsider_agency):
    UserFactory(email="gone@outsider.example.org", agency=outsider_agency, roles=[Role.AGENCY_LEAD], is_active=False)
    UserFactory(email="helper@outsider.example.org", agency=outsider_agency, roles=[Role.AGENCY_CONTRIBUTOR])
    with pytest.raises(ServiceError, match=REFUSED):
        leads_to_remind(outsider_agency)
    lead = UserFactory(email="lead@outsider.example.org", agency=outsider_agency, roles=[Role.AGENCY_LEAD])
    assert leads_to_remind(outsider_agency) == [lead]
