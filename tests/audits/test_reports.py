"""Roll-ups, comparison with the previous audit of the theme, the report PDF and the board section."""
import datetime
import subprocess

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from audits.models import Audit, Finding
from audits.reminders import due_items
from audits.reports import board_section, previous_audit, report_context, rollup
from partnership.dates import ReportPeriod
from partnership.pdf import render_pdf
from tests.audits.conftest import agree_all, make_audit, submit_all
from tests.background_pdfs import assert_only_the_asker_sees_it, made_in_background

pytestmark = pytest.mark.django_db
S = Audit.Status


def pdf_text(pdf: bytes) -> str:
    return subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
                          ).stdout.decode()


@pytest.fixture
def met(tool, programme, police, health):
    """8 cases at the report drafting stage: 6 good or better overall."""
    audit = make_audit(tool, programme, [police, health], status=S.DRAFTING, cases=8,
                       meeting_date=datetime.date(2026, 3, 10))
    submit_all(audit)
    agree_all(audit, {0: "outstanding", 6: "requires-improvement", 7: "inadequate"})
    Finding.objects.create(audit=audit, kind="development", theme="Voice of the child",
                           text="Fathers were rarely spoken to.")
    return audit


def test_rollup_counts_cases_good_or_better(met):
    r = rollup(met)
    assert (r["good"], r["graded"], r["pct"]) == (6, 8, 75)
    assert r["text"] == "6 of 8 cases good or better"


def test_comparison_with_the_previous_closed_audit_of_the_theme(met, tool, programme, police):
    earlier = make_audit(tool, programme, [police], theme="neglect", status=S.CLOSED, cases=4,
                         meeting_date=datetime.date(2025, 3, 1))
    agree_all(earlier, {0: "inadequate", 1: "inadequate"})
    assert previous_audit(met) == earlier
    ctx = report_context(met)
    assert ctx["comparison"]["rollup"]["text"] == "2 of 4 cases good or better"
    assert ctx["comparison"]["rows"][0]["before"] == 50 and ctx["comparison"]["rows"][0]["now"] == 75
    other = make_audit(tool, programme, [police], theme="Exploitation", status=S.CLOSED, cases=1)
    met.follow_up_of = other
    assert previous_audit(met) == other  # an explicit follow-up wins


def test_report_page_and_pdf(met, chair, client_for):
    page = client_for(chair).get(reverse("audits:report", args=[met.pk])).content.decode()
    assert "6 of 8 cases good or better" in page and "<svg" in page
    text = pdf_text(made_in_background(client_for(chair), reverse("audits:report-pdf", args=[met.pk])))
    assert "Multi-agency case audit: Neglect" in text and "6 of 8 cases good or better" in text
    assert "Fathers were rarely spoken to." in text and "Voice of the child" in text
    assert "MA-2026" not in text  # the report is about grades, not about children


def test_the_report_pdf_is_asked_for_by_post_and_seen_only_by_the_person_who_asked(met, chair, reader,
                                                                                   business_unit, client_for):
    asking = reverse("audits:report-pdf", args=[met.pk])
    assert client_for(chair).get(asking).status_code == 405  # an old bookmark: a GET starts nothing
    made_in_background(client_for(reader), asking)
    export = assert_only_the_asker_sees_it(client_for, chair, business_unit)
    assert export.requested_by == reader and export.filename == "audit-report-neglect.pdf"


def test_board_section_renders_into_a_pdf(met, audit, contributor, police):
    from audits.services.concerns import concern_raise

    concern_raise(case=audit.cases.first(), agency=police, by=contributor, description="Unsafe at home.")
    today = datetime.date.today()
    ctx = board_section(ReportPeriod.between(datetime.date(2026, 1, 1), max(today, datetime.date(2026, 3, 31))))
    assert ctx["has_data"] and ctx["rows"][0]["rollup"]["text"] == "6 of 8 cases good or better"
    assert ctx["concerns_raised"] == 1 and ctx["concerns_in_time"] == 0
    html = render_to_string("audits/pdf/board_section.html", ctx)
    text = pdf_text(render_pdf("audits/pdf/board_section_preview.html", {"section": html}))
    assert "Multi-agency case audits" in text and "6 of 8 cases good or better" in text
    empty = board_section(ReportPeriod.between(datetime.date(2020, 1, 1), datetime.date(2020, 3, 31)))
    empty_text = pdf_text(render_pdf("audits/pdf/board_section_preview.html", {
        "section": render_to_string("audits/pdf/board_section.html", empty)}))
    assert not empty["has_data"] and "No multi-agency audit met" in empty_text


def test_due_items_for_an_agency_auditor(audit, contributor, outsider, business_unit):
    due = audit.agency_audits_due
    items = due_items(contributor, due - datetime.timedelta(days=3))
    assert len(items) == 2 and {i.stage for i in items} == {"due-in-5"}
    assert due_items(contributor, due - datetime.timedelta(days=6)) == []  # not yet
    assert {i.stage for i in due_items(contributor, due - datetime.timedelta(days=1))} == {"due-in-1"}
    assert items[0].title.startswith("Agency audit for case MA-")
    assert {i.stage for i in due_items(contributor, due)} == {"due-today"}
    assert {i.stage for i in due_items(contributor, due + datetime.timedelta(days=1))} == {"overdue"}
    assert due_items(outsider, due) == [] and due_items(business_unit, due) == []
    submit_all(audit)
    assert due_items(contributor, due) == []


def test_report_is_a_registered_export(met, business_unit):
    from partnership.services.exports import export_kinds, export_request, export_run

    assert "audits-report" in export_kinds()
    export = export_request(kind="audits-report", parameters={"audit_id": met.pk}, by=business_unit)
    export = export_run(export_id=export.pk)
    assert export.status == "ready" and "6 of 8 cases good or better" in pdf_text(export.file.read())
