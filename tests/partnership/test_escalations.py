"""The escalation ladder: stage 1 from the business unit, 2 from the chair, 3 to the lead safeguarding partners;
each a letter made from the profile's facts (a PDF), the agency's lead told by an email with a link, never the
letter's text; the response recorded; closing; who may do what; the board pack and the home page."""
import datetime
import subprocess

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from partnership.dates import ReportPeriod
from partnership.escalation_letters import letter_pdf
from partnership.models import Escalation, Role
from partnership.reports import board_section
from partnership.services import escalations as services
from partnership.services.errors import ConflictError, ServiceError
from tests.factories import ActionFactory, UserFactory

TODAY = timezone.localdate()
DUE = TODAY + datetime.timedelta(days=28)
REASON = "Two of the last four quarterly data returns came in late and one is still missing."
CITED = "Data returns, data returns due in the period: 1 of 4 returns on time; 2 late; 1 overdue and not yet in"


def pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "letter.pdf"
    path.write_bytes(pdf)
    pages = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return text, int(next(line for line in pages.splitlines() if line.startswith("Pages:")).split()[1])


@pytest.fixture
def stage1(police, business_unit, agency_lead, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return services.escalation_raise(agency=police, reason=REASON, response_due=DUE, cited_facts=CITED,
                                         by=business_unit)


def test_stage_1_is_a_letter_from_the_business_unit_and_the_lead_gets_a_link(stage1, agency_lead, police):
    assert stage1.stage == 1 and stage1.status == Escalation.Status.OPEN and stage1.letter_date == TODAY
    assert stage1.signatory == "Bea Manager" and stage1.addressee == agency_lead.full_name
    assert stage1.cited_facts == CITED
    (email,) = [m for m in mail.outbox if m.to == [agency_lead.email]]
    assert reverse("escalation-detail", args=[stage1.pk]) in email.body
    assert REASON not in email.body and "data returns" not in email.body.lower()
    assert stage1.history.count() == 1


def test_the_letter_quotes_the_profile_and_fits_on_two_pages(stage1, tmp_path, police):
    text, pages = pdf_text(letter_pdf(stage1), tmp_path)
    assert pages <= 2
    for words in (police.name, "Lee Lead", "1 of 4 returns on time", "Two of the last four", "Bea Manager",
                  f"{DUE:%-d %B %Y}", "escalated to the independent chair"):
        assert words in " ".join(text.split()), words


def test_one_open_ladder_per_agency(stage1, police, business_unit):
    with pytest.raises(ServiceError, match="already has an open escalation"):
        services.escalation_raise(agency=police, reason=REASON, response_due=DUE, cited_facts="", by=business_unit)


@pytest.mark.parametrize("persona", ["chair", "qa_member", "agency_lead", "reader"])
def test_only_the_business_unit_raises_stage_1(request, persona, police):
    with pytest.raises(ServiceError):
        services.escalation_raise(agency=police, reason=REASON, response_due=DUE, cited_facts="",
                                  by=request.getfixturevalue(persona))


def test_the_response_must_be_due_after_the_letter(police, business_unit):
    with pytest.raises(ServiceError) as error:
        services.escalation_raise(agency=police, reason=REASON, response_due=TODAY, cited_facts="", by=business_unit)
    assert error.value.field == "response_due"


def test_the_ladder_climbs_to_the_chair_and_the_partners(stage1, chair, agency_lead, tmp_path):
    stage2 = services.escalation_escalate(escalation=stage1, reason="No response received.", response_due=DUE,
                                          cited_facts=CITED, expected_version=stage1.version, by=chair)
    stage1.refresh_from_db()
    assert stage1.status == Escalation.Status.CLOSED and "Escalated to stage 2" in stage1.closing_note
    assert stage2.stage == 2 and stage2.previous == stage1
    assert stage2.signatory_role == "Independent chair and scrutineer"
    text, _ = pdf_text(letter_pdf(stage2), tmp_path)
    assert "independent chair and scrutineer" in " ".join(text.split()).lower()
    stage3 = services.escalation_escalate(escalation=stage2, reason="The concerns remain.", response_due=DUE,
                                          cited_facts=CITED, expected_version=stage2.version, by=chair)
    text, _ = pdf_text(letter_pdf(stage3), tmp_path)
    assert "The lead safeguarding partners" in text
    with pytest.raises(ServiceError, match="last stage"):
        services.escalation_escalate(escalation=stage3, reason="x", response_due=DUE, cited_facts="",
                                     expected_version=stage3.version, by=chair)


def test_a_stale_escalate_is_a_conflict(stage1, chair):
    with pytest.raises(ConflictError):
        services.escalation_escalate(escalation=stage1, reason="Again.", response_due=DUE, cited_facts="",
                                     expected_version=stage1.version - 1, by=chair)
    assert Escalation.objects.count() == 1


def test_the_response_is_recorded_then_the_escalation_closed(stage1, agency_lead, business_unit, outsider):
    with pytest.raises(ServiceError):
        services.escalation_record_response(escalation=stage1, received_on=TODAY, response="Ours.",
                                            expected_version=stage1.version, by=outsider)
    services.escalation_record_response(escalation=stage1, received_on=TODAY, response="Returns now monthly.",
                                        expected_version=stage1.version, by=agency_lead)
    assert stage1.status == Escalation.Status.RESPONDED and stage1.is_open
    with pytest.raises(ServiceError):
        services.escalation_close(escalation=stage1, note="Fine.", expected_version=stage1.version, by=agency_lead)
    services.escalation_close(escalation=stage1, note="Returns on time for a quarter.",
                              expected_version=stage1.version, by=business_unit)
    stage1.refresh_from_db()
    assert stage1.status == Escalation.Status.CLOSED and stage1.closed_on == TODAY
    assert [h.status for h in stage1.history.order_by("history_date")] == ["open", "responded", "closed"]


# --- Pages


def test_the_business_unit_raises_stage_1_from_the_profile(client, police, business_unit, agency_lead,
                                                            django_capture_on_commit_callbacks):
    client.force_login(business_unit)
    page = client.get(reverse("agency-profile", args=[police.pk])).content.decode()
    assert reverse("escalation-create", args=[police.pk]) in page
    form = {"reason": REASON, "response_due_0": DUE.day, "response_due_1": DUE.month, "response_due_2": DUE.year}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("escalation-create", args=[police.pk]), form)
    escalation = Escalation.objects.get()
    assert response.status_code == 302 and response.url == escalation.get_absolute_url()
    assert "Meeting attendance, partnership meetings" not in escalation.cited_facts  # nothing judged is not cited
    letter = client.get(reverse("escalation-letter", args=[escalation.pk]))
    assert letter.status_code == 200 and letter["Content-Type"] == "application/pdf"
    assert len(mail.outbox) == 1


def test_a_missing_reason_is_shown_next_to_the_field(client, police, business_unit):
    client.force_login(business_unit)
    response = client.post(reverse("escalation-create", args=[police.pk]), {"reason": ""})
    assert response.status_code == 400
    assert "Enter why the partnership is escalating" in response.content.decode()
    assert not Escalation.objects.exists()


@pytest.mark.parametrize("persona", ["chair", "qa_member", "agency_lead", "contributor"])
def test_no_one_else_raises_stage_1(client, request, persona, police):
    client.force_login(request.getfixturevalue(persona))
    response = client.post(reverse("escalation-create", args=[police.pk]),
                           {"reason": REASON, "response_due_0": DUE.day, "response_due_1": DUE.month,
                            "response_due_2": DUE.year})
    assert response.status_code == 403
    assert not Escalation.objects.exists()


@pytest.mark.parametrize("persona,status", [("agency_lead", 200), ("contributor", 200), ("chair", 200),
                                            ("outsider", 404), ("reader", 404), ("reviews_member", 404)])
def test_who_reads_an_escalation_and_its_letter(client, request, stage1, persona, status):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("escalation-detail", args=[stage1.pk])).status_code == status
    assert client.get(reverse("escalation-letter", args=[stage1.pk])).status_code == status


def test_the_agency_lead_records_their_response_on_the_page(client, stage1, agency_lead):
    client.force_login(agency_lead)
    page = client.get(reverse("escalation-detail", args=[stage1.pk])).content.decode()
    assert "Record the agency" in page and "Escalate to stage 2" not in page and "Close the escalation" not in page
    response = client.post(reverse("escalation-response", args=[stage1.pk]),
                           {"received_on_0": TODAY.day, "received_on_1": TODAY.month, "received_on_2": TODAY.year,
                            "response": "We will send returns monthly.", "version": stage1.version})
    assert response.status_code == 302
    stage1.refresh_from_db()
    assert stage1.status == Escalation.Status.RESPONDED


def test_a_stale_response_answers_409_and_keeps_the_text(client, stage1, agency_lead):
    client.force_login(agency_lead)
    response = client.post(reverse("escalation-response", args=[stage1.pk]),
                           {"received_on_0": TODAY.day, "received_on_1": TODAY.month, "received_on_2": TODAY.year,
                            "response": "Typed and kept.", "version": stage1.version + 5})
    assert response.status_code == 409 and "Typed and kept." in response.content.decode()


@pytest.mark.parametrize("name,data", [
    ("escalation-close", {"note": "Typed and kept."}),
    ("escalation-escalate", {"reason": "Typed and kept.", "response_due_0": DUE.day, "response_due_1": DUE.month,
                             "response_due_2": DUE.year}),
])
def test_a_stale_close_or_escalation_answers_409_keeps_the_text_and_carries_the_version(client, stage1, chair,
                                                                                        name, data):
    """Someone recorded the agency's response since the page was opened: the step is refused the one way."""
    read_version = stage1.version
    services.escalation_record_response(escalation=stage1, received_on=TODAY, response="Their reply, saved first.",
                                        by=chair, expected_version=read_version)
    stage1.refresh_from_db()
    client.force_login(chair)
    response = client.post(reverse(name, args=[stage1.pk]), {**data, "version": read_version})
    body = response.content.decode()
    assert response.status_code == 409 and "Typed and kept." in body and "app-conflict" in body
    assert f'name="version" value="{stage1.version}"' in body
    assert Escalation.objects.count() == 1 and Escalation.objects.get().status == Escalation.Status.RESPONDED


def test_the_chair_escalates_and_closes_on_the_page(client, stage1, chair):
    client.force_login(chair)
    response = client.post(reverse("escalation-escalate", args=[stage1.pk]),
                           {"reason": "No reply.", "response_due_0": DUE.day, "response_due_1": DUE.month,
                            "response_due_2": DUE.year, "version": stage1.version})
    stage2 = Escalation.objects.get(stage=2)
    assert response.status_code == 302 and response.url == stage2.get_absolute_url()
    response = client.post(reverse("escalation-close", args=[stage2.pk]), {"note": "Resolved.",
                                                                           "version": stage2.version})
    assert response.status_code == 302
    assert not Escalation.objects.filter(status__in=Escalation.OPEN_STATUSES).exists()


def test_the_home_page_shows_open_escalations_to_the_business_unit_and_chair(client, stage1, business_unit, chair,
                                                                             agency_lead, qa_member):
    for user in (business_unit, chair):
        client.force_login(user)
        assert reverse("escalation-detail", args=[stage1.pk]) in client.get(reverse("home")).content.decode()
    client.force_login(agency_lead)
    page = client.get(reverse("home")).content.decode()
    assert reverse("agency-profile", args=[agency_lead.agency_id]) in page
    assert reverse("escalation-detail", args=[stage1.pk]) not in page


def test_the_board_pack_counts_open_escalations_as_they_stood(stage1, police, business_unit):
    ActionFactory(owner_agency=police)
    period = ReportPeriod.between(TODAY - datetime.timedelta(days=30), TODAY)
    section = board_section(period)
    assert [e.pk for e in section["escalations"]] == [stage1.pk]
    (evidence,) = [e for e in section["evidence"] if e.text.startswith("Escalation ladder")]
    assert evidence.text.startswith("Escalation ladder: 1 escalation open on")
    assert any("1 escalation open" in h for h in section["headlines"])
    before = ReportPeriod.between(TODAY - datetime.timedelta(days=60), TODAY - datetime.timedelta(days=31))
    assert board_section(before)["escalations"] == []


def test_a_school_dsl_is_the_addressee_of_their_school(business_unit, django_capture_on_commit_callbacks):
    from tests.factories import AgencyFactory

    school = AgencyFactory(name="Cherry Tree Primary School", sector="school")
    dsl = UserFactory(agency=school, roles=[Role.AGENCY_LEAD], full_name="Dee Dsl")
    with django_capture_on_commit_callbacks(execute=True):
        escalation = services.escalation_raise(agency=school, reason="No s175 return.", response_due=DUE,
                                               cited_facts="", by=business_unit)
    assert escalation.addressee == "Dee Dsl" and mail.outbox[0].to == [dsl.email]
