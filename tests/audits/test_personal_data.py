"""Audits never hold or email a child's name: the immediate concern, the agency audit and the consensus notes."""
import pytest
from django.urls import reverse

from audits.models import AgencyAudit, Audit, ImmediateConcern
from audits.services import concerns
from audits.services import meeting as meeting_services
from partnership.models import EmailMessage
from partnership.services.errors import ServiceError
from tests.audits.conftest import make_audit

pytestmark = pytest.mark.django_db
HOSTILE = "Jayden Smith (DOB 12/03/2013) had bruising"


def test_an_immediate_concern_naming_the_child_is_refused_beside_the_field_and_kept(audit, contributor, police,
                                                                                   agency_lead, client_for):
    case = audit.cases.first()
    r = client_for(contributor).post(reverse("audits:concern-raise", args=[case.pk]),
                                     {"agency": police.pk, "description": HOSTILE})
    page = r.content.decode()
    assert r.status_code == 400
    assert "Remove the date of birth" in page and "age band" in page
    assert 'id="id_description_1_error"' in page  # beside the field
    assert "Jayden Smith (DOB 12/03/2013) had bruising</textarea>" in page  # what was typed is kept
    assert not ImmediateConcern.objects.exists() and not EmailMessage.objects.exists()


def test_the_concern_email_carries_the_link_and_the_reference_never_the_text(audit, contributor, police,
                                                                            agency_lead):
    text = "Bruising seen at the last visit was not followed up by the school nurse."
    concern = concerns.concern_raise(case=audit.cases.first(), agency=police, by=contributor, description=text)
    email = EmailMessage.objects.get(to=agency_lead.email)
    assert concern.case.case_reference in email.body_text and f"/audits/concerns/{concern.pk}/" in email.body_text
    assert "Bruising" not in email.body_text and "Bruising" not in email.subject


def test_an_agency_audit_naming_a_child_is_refused_and_nothing_is_saved(audit, contributor, police, client_for):
    aa = AgencyAudit.objects.get(case=audit.cases.first(), agency=police)
    domain = audit.tool.domains.first()
    r = client_for(contributor).post(reverse("audits:agency-audit", args=[aa.pk]), {
        "version": aa.version, "action": "save", f"areas_for_development-{domain.pk}": "Her son Jayden Smith was "
        "not seen alone", f"good_practice-{domain.pk}": "Seen at school"})
    page = r.content.decode()
    assert r.status_code == 400 and "Remove the child&#x27;s name" in page and "Her son Jayden Smith" in page
    assert f'id="areas_for_development-{domain.pk}-error"' in page  # beside the box it is about
    assert aa.answers.get(domain=domain).good_practice == ""


def test_consensus_notes_naming_a_child_are_refused(tool, programme, police, health, business_unit):
    audit = make_audit(tool, programme, [police, health], status=Audit.Status.MEETING)
    case = audit.cases.first()
    domain = audit.tool.domains.first()
    with pytest.raises(ServiceError, match="Remove the child's name") as refused:
        meeting_services.consensus_save(case=case, by=business_unit, grades={}, notes={domain.pk: "Baby Amelia Jones"})
    assert refused.value.field == f"notes-{domain.pk}"
    with pytest.raises(ServiceError, match="NHS number"):
        meeting_services.consensus_save(case=case, by=business_unit, grades={},
                                        discussion_notes="NHS number 943 476 5919 found in the records")
