"""Completion and impact evidence on actions can carry files (the kernel's upload checks), and the owning agency
writes its evidence of impact, which the business unit or QA then signs off (issue 16)."""
import datetime
import re
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from partnership import history
from partnership.models import Action, ActionFile
from partnership.uploads import MAX_UPLOAD_BYTES
from tests.factories import ActionFactory

S = Action.Status
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name="Audit report.pdf", content=PDF_BYTES):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def field_error(response, field: str) -> str:
    match = re.search(rf'id="id_{field}(?:_\d+)?_error" class="govuk-error-message">\s*'
                      r'<span class="govuk-visually-hidden">Error:</span>(.*?)</(?:span|p)>',
                      response.content.decode(), re.S)
    return unescape(" ".join(match.group(1).split())) if match else ""


@pytest.fixture
def action(police, agency_lead):
    return ActionFactory(title="Police referral form review", owner_agency=police, owner=agency_lead,
                         status=S.IN_PROGRESS, due_date=timezone.localdate() + datetime.timedelta(days=10))


def complete(client, action, **extra):
    return client.post(reverse("partnership:action-transition", args=[action.pk]), {
        "to": S.COMPLETED, "evidence": "The new form is live on the intranet.", "version": action.version, **extra})


def test_completion_evidence_carries_a_file_that_readers_of_the_action_download(client_for, agency_lead, outsider,
                                                                               business_unit, action):
    response = complete(client_for(agency_lead), action, evidence_file=pdf())

    assert response.status_code == 302
    stored = ActionFile.objects.get()
    assert (stored.kind, stored.original_name, stored.uploaded_by, stored.action) == (
        ActionFile.Kind.COMPLETION, "Audit report.pdf", agency_lead, action)
    page = client_for(business_unit).get(action.get_absolute_url()).content.decode()
    assert stored.get_absolute_url() in page and "Audit report.pdf" in page
    download = client_for(business_unit).get(stored.get_absolute_url())
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF_BYTES
    assert client_for(outsider).get(stored.get_absolute_url()).status_code == 404


@pytest.mark.parametrize("upload, message", [
    (lambda: pdf("virus.exe", b"MZ\x90\x00 not a document"), "The file must be"),
    (lambda: pdf(content=b""), "file is empty."),
    (lambda: pdf(content=PDF_BYTES + b"0" * MAX_UPLOAD_BYTES), "The selected file must be smaller than 10 MB."),
    (lambda: pdf("report.docx"), "The file's name does not match its content"),
])
def test_a_refused_file_refuses_the_completion_with_the_reason_next_to_the_field(client_for, agency_lead, action,
                                                                               upload, message):
    response = complete(client_for(agency_lead), action, evidence_file=upload())

    assert response.status_code == 400
    assert message in field_error(response, "evidence_file")
    assert "The new form is live on the intranet." in response.content.decode()  # what was typed is kept
    action.refresh_from_db()
    assert action.status == S.IN_PROGRESS and not ActionFile.objects.exists()


def test_the_agency_writes_its_evidence_of_impact_and_the_business_unit_signs_it_off(client_for, agency_lead,
                                                                                    contributor, business_unit,
                                                                                    action):
    lead = client_for(agency_lead)
    impact = reverse("partnership:action-impact", args=[action.pk])
    assert lead.get(impact).status_code == 403  # not completed yet
    complete(lead, action)
    action.refresh_from_db()
    assert impact in lead.get(action.get_absolute_url()).content.decode()

    empty = client_for(contributor).post(impact, {"evidence": "", "version": action.version})
    assert field_error(empty, "evidence") == "Describe the evidence of impact"
    response = client_for(contributor).post(impact, {
        "evidence": "Referrals now arrive with the reason: 92% in the June audit, from 60%.",
        "version": action.version, "evidence_file": pdf("June audit.pdf")})
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.impact_evidence.startswith("Referrals now arrive") and action.status == S.COMPLETED
    assert ActionFile.objects.get().kind == ActionFile.Kind.IMPACT
    assert action.history.first().history_user == contributor

    signed = client_for(business_unit).post(reverse("partnership:action-transition", args=[action.pk]), {
        "to": S.IMPACT_ASSURED, "evidence": "", "version": action.version})  # the agency's evidence is signed off
    assert signed.status_code == 302
    action.refresh_from_db()
    assert action.status == S.IMPACT_ASSURED and action.signed_off_by == business_unit
    assert action.impact_evidence.startswith("Referrals now arrive")


@pytest.mark.parametrize("persona, status", [("outsider", 404), ("reader", 403), ("chair", 403)])
def test_only_the_owning_agency_and_the_partnership_write_impact_evidence(request, client_for, persona, status,
                                                                          action):
    history.update(Action.objects.filter(pk=action.pk), status=S.COMPLETED, completion_evidence="Done.")
    client = client_for(request.getfixturevalue(persona))
    response = client.post(reverse("partnership:action-impact", args=[action.pk]),
                           {"evidence": "Not mine to write.", "version": 2})
    assert response.status_code == status
    action.refresh_from_db()
    assert action.impact_evidence == ""
