"""Board packs: drafted by the business unit, approved by the chair only, published once and frozen, every version
kept, and the latest on the chair's home page."""
import hashlib
import subprocess
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from merton_qa import board_report
from partnership.contract import NO_EVIDENCE, NOT_ASSURED, PARTLY
from partnership.models import BoardPack, EmailMessage
from partnership.services import board_packs
from partnership.services.errors import ServiceError
from tests.reports.conftest import past_quarter

pytestmark = pytest.mark.django_db
NARRATIVE = "Section 11 returns came in late this quarter.\n\nThe board should see the schools' progress."
ASKS = "Note the late returns\nDecide whether to re-audit neglect"


def start(client) -> BoardPack:
    response = client.post(reverse("board-reports"), {"period": past_quarter().code, "make": "pack"})
    pack = BoardPack.objects.get()
    assert response.status_code == 302 and response["Location"] == pack.get_absolute_url()
    return pack


def write(client, pack, narrative=NARRATIVE, asks=ASKS, version=None):
    return client.post(pack.get_absolute_url(), {"narrative": narrative, "asks": asks,
                                                 "version": pack.version if version is None else version})


def step(client, pack, name):
    pack.refresh_from_db()
    return client.post(reverse("board-pack-step", args=[pack.pk, name]), {"version": pack.version})


def test_the_business_unit_drafts_and_the_chair_alone_approves(client_for, business_unit, chair):
    manager, chairing = client_for(business_unit), client_for(chair)
    pack = start(manager)
    assert write(manager, pack).status_code == 302
    pack.refresh_from_db()
    assert pack.narrative_paragraphs == ["Section 11 returns came in late this quarter.",
                                         "The board should see the schools' progress."]
    assert pack.ask_lines == ["Note the late returns", "Decide whether to re-audit neglect"]

    step(manager, pack, "approve")
    pack.refresh_from_db()
    assert pack.status == BoardPack.Status.DRAFT  # the business unit cannot approve
    step(chairing, pack, "approve")
    pack.refresh_from_db()
    assert (pack.status, pack.approved_by) == (BoardPack.Status.APPROVED, chair)
    assert write(manager, pack, narrative="Changed after approval").status_code == 403  # no form once approved


def test_a_pack_without_narrative_or_asks_cannot_be_approved(chair):
    pack = board_packs.pack_start(period_code=past_quarter().code, by=chair)
    with pytest.raises(ServiceError, match="narrative"):
        board_packs.pack_approve(pack=pack, by=chair)


def test_a_future_quarter_cannot_be_drafted(business_unit):
    with pytest.raises(ServiceError, match="has not started"):
        board_packs.pack_start(period_code="2099-Q1", by=business_unit)


@pytest.mark.parametrize("persona", ["reader", "agency_lead", "contributor", "outsider"])
def test_people_outside_the_board_reports_cannot_open_or_change_a_pack(client_for, business_unit, persona, request):
    pack = board_packs.pack_start(period_code=past_quarter().code, by=business_unit)
    client = client_for(request.getfixturevalue(persona))
    assert client.get(pack.get_absolute_url()).status_code in (403, 404)
    assert write(client, pack, narrative="Not theirs").status_code in (403, 404)
    assert client.post(reverse("board-pack-step", args=[pack.pk, "approve"])).status_code in (403, 404)
    pack.refresh_from_db()
    assert pack.narrative == ""


def test_two_people_editing_at_once_never_overwrite_each_other(client_for, business_unit, chair):
    manager, chairing = client_for(business_unit), client_for(chair)
    pack = start(manager)
    stale = pack.version
    assert write(chairing, pack, narrative="The chair's words first.").status_code == 302
    response = write(manager, pack, narrative="The manager's later words.", version=stale)
    assert response.status_code == 409
    page = response.content.decode()
    assert "The chair&#x27;s words first." in page and "The manager&#x27;s later words." in page  # both kept
    pack.refresh_from_db()
    assert pack.narrative == "The chair's words first."


def test_asking_for_approval_emails_every_chair_a_link_never_the_text(client_for, business_unit, chair):
    manager = client_for(business_unit)
    pack = start(manager)
    write(manager, pack)
    step(manager, pack, "ask-approval")
    [email] = EmailMessage.objects.filter(to=chair.email)
    assert pack.get_absolute_url() in email.body_text
    assert "late" not in email.body_text  # the narrative stays in the service


def test_publishing_makes_the_pdf_once_keeps_it_with_its_hash_and_never_makes_it_again(
        client_for, business_unit, chair, agency_lead, monkeypatch, django_capture_on_commit_callbacks):
    manager, chairing = client_for(business_unit), client_for(chair)
    pack = start(manager)
    write(manager, pack)
    step(chairing, pack, "approve")
    with django_capture_on_commit_callbacks(execute=True):
        step(manager, pack, "publish")
    pack.refresh_from_db()
    assert pack.status == BoardPack.Status.PUBLISHED
    pdf = bytes(pack.pdf)
    assert pdf.startswith(b"%PDF-") and pack.sha256 == hashlib.sha256(pdf).hexdigest()
    assert [q["question"] for q in pack.summary["one_page"]][0] == "How much did we do?"
    text = " ".join(subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True,
                                   timeout=120).stdout.decode().split())
    assert f"Published: approved by {chair.full_name}" in text and "Being published" not in text
    assert f"QA board report · {pack.label}" in text and f"{pack.label} · Published" not in text  # no status mark
    assert "Section 11 returns came in late this quarter." in text and "Decide whether to re-audit neglect" in text

    def never(*args, **kwargs):
        raise AssertionError("a published pack is never made again")

    monkeypatch.setattr(board_report, "render", never)
    monkeypatch.setattr(board_report, "render_with_summary", never)
    response = chairing.get(reverse("board-pack-download", args=[pack.pk]))
    assert response.status_code == 200 and response.content == pdf
    assert response["X-Content-SHA256"] == pack.sha256

    # A later version for the same quarter is a new pack; the published one stays as it was.
    again = board_packs.pack_start(period_code=pack.period_code, by=business_unit)
    assert again.pk != pack.pk and again.status == BoardPack.Status.DRAFT
    assert chairing.get(reverse("board-pack-download", args=[pack.pk])).content == pdf
    assert manager.get(reverse("board-pack-download", args=[again.pk])).status_code == 404  # not published

    # The chair's home page shows the latest published pack's one page and assurances.
    home = chairing.get(reverse("home")).content.decode()
    assert f"The latest board pack: {pack.label}" in home
    assert "Is anyone better off?" in home and "Meeting its statutory duties" in home
    # ... and says why each assurance has its status: the evidence that set it, as the pack read it.
    for assurance in pack.summary["assurances"]:
        assert assurance["because"] or assurance["status"] == NO_EVIDENCE
        assert all(escape(line) in home for line in assurance["because"][:2])
    # Only those who may download the pack see its summary and its reasons on their home page.
    lead_home = client_for(agency_lead).get(reverse("home")).content.decode()
    assert "five assurances" not in lead_home and "The latest board pack" not in lead_home
    # A pack published before the reasons were kept says where to find them.
    pack.summary = {**pack.summary, "assurances": [{k: v for k, v in a.items() if k != "because"}
                                                   for a in pack.summary["assurances"]]}
    pack.save(update_fields=["summary"])
    assert "See the pack." in chairing.get(reverse("home")).content.decode()


def test_an_assurance_is_explained_by_the_evidence_that_set_its_status():
    assurance = {"status": NOT_ASSURED, "evidence": [
        {"text": "Actions: 1 of 4 overdue.", "status": PARTLY},
        {"text": "Performance: 2 of 9 green.", "status": NOT_ASSURED},
        {"text": "Reviews: 0 of 1 within 15 working days.", "status": NOT_ASSURED}]}
    assert board_report.because(assurance) == ["Performance: 2 of 9 green.", "Reviews: 0 of 1 within 15 working days."]
    assert board_report.because({"status": NO_EVIDENCE, "evidence": []}) == []


def test_publishing_twice_is_refused_and_a_redelivered_task_changes_nothing(business_unit, chair):
    pack = board_packs.pack_start(period_code=past_quarter().code, by=business_unit)
    board_packs.pack_edit(pack=pack, narrative=NARRATIVE, asks=ASKS, expected_version=pack.version, by=business_unit)
    board_packs.pack_approve(pack=pack, by=chair)
    board_packs.pack_publish(pack=pack, by=business_unit)
    board_packs.pack_store_published(pack=pack, pdf=b"%PDF-first", summary={}, as_at=None)
    stored = board_packs.pack_store_published(pack=pack, pdf=b"%PDF-second", summary={}, as_at=None)
    assert bytes(stored.pdf) == b"%PDF-first"
    with pytest.raises(ServiceError):
        board_packs.pack_publish(pack=BoardPack.objects.get(pk=pack.pk), by=business_unit)


def test_a_run_taking_over_after_the_pack_was_stored_returns_the_stored_pdf_unmade(business_unit, chair, monkeypatch):
    """A worker killed between storing the pack and finishing its report: the run that takes over finishes the
    report with the stored PDF, so the pack and its report are the one file."""
    from partnership.models import ReportExport
    from partnership.services import exports

    pack = board_packs.pack_start(period_code=past_quarter().code, by=business_unit)
    board_packs.pack_edit(pack=pack, narrative=NARRATIVE, asks=ASKS, expected_version=pack.version, by=business_unit)
    board_packs.pack_approve(pack=pack, by=chair)
    board_packs.pack_publish(pack=pack, by=business_unit)
    board_packs.pack_store_published(pack=pack, pdf=b"%PDF-stored", summary={}, as_at=None)
    export = ReportExport.objects.get(kind=board_packs.PUBLISH_KIND)
    gone = timezone.now() - exports.lease() - timedelta(seconds=5)
    ReportExport.objects.filter(pk=export.pk).update(status=ReportExport.Status.RUNNING, started_at=gone, runs=1)

    def never(*args, **kwargs):
        raise AssertionError("a published pack is never made again")

    monkeypatch.setattr(board_report, "render_with_summary", never)
    done = exports.export_run(export_id=export.pk)
    assert (done.status, done.runs, done.file.read()) == (ReportExport.Status.READY, 2, b"%PDF-stored")


def test_a_qa_member_reads_a_pack_but_cannot_write_approve_or_publish_it(client_for, business_unit, chair,
                                                                          qa_member):
    pack = board_packs.pack_start(period_code=past_quarter().code, by=business_unit)
    board_packs.pack_edit(pack=pack, narrative=NARRATIVE, asks=ASKS, expected_version=pack.version, by=business_unit)
    qa = client_for(qa_member)
    page = qa.get(pack.get_absolute_url())
    assert page.status_code == 200 and "Save the text" not in page.content.decode()
    assert write(qa, pack, narrative="Rewritten by QA").status_code == 403
    step(qa, pack, "approve")
    pack.refresh_from_db()
    assert (pack.status, pack.narrative_paragraphs[0]) == (BoardPack.Status.DRAFT, NARRATIVE.split("\n\n")[0])
    board_packs.pack_approve(pack=pack, by=chair)
    step(qa, pack, "publish")
    pack.refresh_from_db()
    assert pack.status == BoardPack.Status.APPROVED  # not published by QA


def test_a_nonsense_version_is_a_conflict_never_a_crash(client_for, business_unit):
    manager = client_for(business_unit)
    pack = start(manager)
    for version in ("²", "abc", "99999999999999999999999"):
        response = manager.post(pack.get_absolute_url(),
                                {"narrative": "Typed text kept.", "asks": "", "version": version})
        assert response.status_code == 409 and "Typed text kept." in response.content.decode()
