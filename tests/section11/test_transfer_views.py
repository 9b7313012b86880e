"""Downloading a whole return (XLSX, PDF) and uploading a completed workbook: pages, access, queries."""
import io
import re
import subprocess
import zipfile

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from partnership import history
from section11 import spreadsheets
from section11.models import Evidence, Return
from section11.services.returns import answer_save
from section11.views.transfer import SESSION_KEY
from tests.background_pdfs import assert_only_the_asker_sees_it, made_in_background
from tests.section11.conftest import make_cycle, make_framework
from tests.section11.test_transfer import answers_of, comparable, fill_varied, set_cells

pytestmark = pytest.mark.django_db

XLSX_TYPE = spreadsheets.CONTENT_TYPE


def url(name, ret, *args):
    return reverse(f"section11:{name}", args=[ret.pk, *args])


def upload(client, ret, content, name="return.xlsx"):
    return client.post(url("return-import", ret), {"file": SimpleUploadedFile(name, content, XLSX_TYPE)})


def preview_url(response):
    assert response.status_code == 302, response.content.decode()[:2000]
    return response["Location"]


# --- Export --------------------------------------------------------------------------------------
@pytest.mark.parametrize("persona", ["agency_lead", "contributor", "business_unit", "qa_member"])
def test_people_who_see_the_return_can_download_it_as_a_spreadsheet(request, client_for, police_return, persona):
    response = client_for(request.getfixturevalue(persona)).get(url("return-export-xlsx", police_return))

    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_TYPE
    assert 'attachment; filename="section11-metropolitan-police-south-west-bcu-section-11-2026.xlsx"' == \
        response["Content-Disposition"]
    assert load_workbook(io.BytesIO(response.content)).sheetnames == ["Return", "Ratings"]


@pytest.mark.parametrize("name", ["return-export-xlsx", "return-export-pdf", "return-import"])
def test_outsider_agency_lead_gets_404_on_another_agencys_return(client_for, outsider, police_return, name):
    method = "post" if name == "return-export-pdf" else "get"
    assert getattr(client_for(outsider), method)(url(name, police_return)).status_code == 404


@pytest.mark.parametrize("persona", ["chair", "reader"])
@pytest.mark.parametrize("name", ["return-export-xlsx", "return-export-pdf"])
def test_chair_and_reader_get_404_on_exports(request, client_for, police_return, persona, name):
    method = "post" if name == "return-export-pdf" else "get"
    assert getattr(client_for(request.getfixturevalue(persona)), method)(url(name, police_return)).status_code == 404


def return_pdf(client, ret) -> bytes:
    """Ask for the return's PDF as a person would, run the background export, download it as they would."""
    return made_in_background(client, url("return-export-pdf", ret))


def test_a_return_pdf_is_seen_only_by_the_person_who_asked(client_for, police_return, contributor, chair,
                                                           business_unit):
    return_pdf(client_for(contributor), police_return)
    assert_only_the_asker_sees_it(client_for, chair, business_unit)  # report readers see every other report


def test_spreadsheet_export_queries_do_not_grow_with_the_criteria(client_for, rag_scale, police, agency_lead):
    def queries_for(standards, criteria, code):
        framework = make_framework(rag_scale, code=code, standards=standards, criteria=criteria)
        ret = Return.objects.get(cycle=make_cycle(framework, [police], name=code), agency=police)
        for answer in ret.answers.all()[:5]:
            Evidence.objects.create(answer=answer, file="x", stored_name="x.pdf", original_name="Policy.pdf",
                                    content_type="application/pdf", size=1, sha256="0" * 64)
        client = client_for(agency_lead)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url("return-export-xlsx", ret))
        assert response.status_code == 200
        rows = load_workbook(io.BytesIO(response.content))["Return"].max_row - spreadsheets.HEADER_ROW
        assert rows == standards * criteria
        return len(queries)

    assert queries_for(2, 5, "ten") == queries_for(6, 10, "sixty")


def poppler(*args) -> str:
    return subprocess.run(args, check=True, capture_output=True, text=True, timeout=60).stdout


def test_pdf_of_the_whole_return_has_the_answers_as_text_and_is_tagged(client_for, police_return, contributor,
                                                                       tmp_path):
    fill_varied(police_return, contributor)
    path = tmp_path / "return.pdf"
    path.write_bytes(return_pdf(client_for(contributor), police_return))

    text = poppler("pdftotext", str(path), "-")
    assert "Metropolitan Police (South West BCU)" in text
    assert "1.2" in text and "Criterion 2.1 text" in text
    assert "Children are seen sooner." in text
    assert "Über café" in text and '=HYPERLINK("http://evil.example","Click")' in text
    assert "Amber: partly met" in text and "Not applicable" in text and "We do not employ staff." in text
    assert "Tagged:          yes" in poppler("pdfinfo", str(path))


# --- Links on the return page ----------------------------------------------------------------------
def test_return_page_links_to_downloads_and_to_upload_only_for_editors(client_for, police_return, agency_lead,
                                                                     business_unit):
    page = client_for(agency_lead).get(police_return.get_absolute_url()).content.decode()
    assert url("return-export-xlsx", police_return) in page and url("return-export-pdf", police_return) in page
    assert url("return-import", police_return) in page

    page = client_for(business_unit).get(police_return.get_absolute_url()).content.decode()
    assert url("return-export-xlsx", police_return) in page
    assert url("return-import", police_return) not in page


# --- Import ------------------------------------------------------------------------------------------
def test_contributor_imports_into_their_own_editable_return(client_for, police_return, outsider_return,
                                                            contributor, outsider):
    fill_varied(outsider_return, outsider)
    content = spreadsheets.return_workbook(outsider_return)  # e.g. the same answers given elsewhere
    client = client_for(contributor)
    assert client.get(url("return-import", police_return)).status_code == 200

    preview = client.get(preview_url(upload(client, police_return, content)))
    page = preview.content.decode()
    assert preview.status_code == 200
    assert "5 rows change an answer" in page and "Save all 5 changes" in page
    assert comparable(police_return) != comparable(outsider_return)  # nothing saved by the preview

    token = preview.wsgi_request.resolver_match.kwargs["token"]
    stored = client.session[SESSION_KEY][token]["path"]
    response = client.post(url("return-import-preview", police_return, token))

    assert response.status_code == 302 and response["Location"] == police_return.get_absolute_url()
    assert comparable(police_return) == comparable(outsider_return)
    assert answers_of(police_return)["1.1"].updated_by == contributor
    assert token not in client.session[SESSION_KEY]
    assert not default_storage.exists(stored)


def test_preview_page_lists_each_problem_with_its_row_and_saves_nothing(client_for, police_return, agency_lead):
    before = comparable(police_return)
    content = set_cells(spreadsheets.return_workbook(police_return), {
        6: {"code": "9.9"}, 8: {"rating": "Purple"}, 10: {"not_applicable": "Yes"}, 11: {"impact": "y" * 5001}})
    client = client_for(agency_lead)

    page = client.get(preview_url(upload(client, police_return, content))).content.decode()

    assert "There is a problem" in page and "Nothing has been saved" in page
    assert 'href="#row-6">Row 6 (9.9): Unknown criterion code' in page
    assert "Row 8 (1.3): The rating “Purple” is not on this framework&#x27;s scale" in page
    assert "Row 10 (2.2): Explain why this does not apply to your agency" in page
    assert "Row 11 (2.3): Impact on children and families is too long" in page
    assert "Save all" not in page
    token = re.search(r"/import/([0-9a-f]{32})/", page).group(1)
    response = client.post(url("return-import-preview", police_return, token))
    assert response.status_code == 400
    assert comparable(police_return) == before


def test_a_pdf_renamed_xlsx_is_refused_by_its_content(client_for, police_return, agency_lead):
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    response = upload(client_for(agency_lead), police_return, pdf, name="answers.xlsx")

    page = response.content.decode()
    assert response.status_code == 400
    assert re.search(r'govuk-error-message">\s*<span class="govuk-visually-hidden">Error:</span>\s*The selected file '
                     r"must be an Excel workbook \(.xlsx\): this file is a PDF", page)
    assert "There is a problem" in page


def test_a_word_document_no_file_and_an_empty_file_are_refused(client_for, police_return, agency_lead):
    client = client_for(agency_lead)
    docx = io.BytesIO()
    with zipfile.ZipFile(docx, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")

    response = upload(client, police_return, docx.getvalue())
    assert response.status_code == 400
    assert "must be an Excel workbook (.xlsx): this file is a Word document" in response.content.decode()
    assert "Select the completed workbook" in client.post(url("return-import", police_return)).content.decode()
    assert "The selected file is empty" in upload(client, police_return, b"").content.decode()


def test_saving_after_someone_else_changed_the_return_is_refused_with_a_clear_message(
        client_for, police_return, agency_lead, contributor):
    content = set_cells(spreadsheets.return_workbook(police_return), {6: {"narrative": "From the file"}})
    client = client_for(agency_lead)
    preview = client.get(preview_url(upload(client, police_return, content)))
    token = preview.wsgi_request.resolver_match.kwargs["token"]
    answer = answers_of(police_return)["2.1"]
    answer_save(answer=answer, by=contributor, expected_version=answer.version, rating=None, not_applicable=False,
                not_applicable_reason="", narrative="Typed online meanwhile", impact="")

    response = client.post(url("return-import-preview", police_return, token))

    page = response.content.decode()
    assert response.status_code == 409
    assert "Someone changed this return after you checked the file" in page
    assert answers_of(police_return)["1.1"].narrative == ""
    # The page now compares the file with the latest answers (the colleague's words would be replaced by the
    # file's empty cell), so saving again after reading it goes through.
    assert "Typed online meanwhile" in page
    assert client.post(url("return-import-preview", police_return, token)).status_code == 302
    assert answers_of(police_return)["1.1"].narrative == "From the file"


@pytest.mark.parametrize("persona", ["agency_lead", "contributor", "business_unit"])
def test_nobody_can_import_into_a_submitted_return(request, client_for, police_return, persona):
    history.update(Return.objects.filter(pk=police_return.pk), status=Return.Status.SUBMITTED)
    client = client_for(request.getfixturevalue(persona))

    assert client.get(url("return-import", police_return)).status_code == 403
    response = upload(client, police_return, spreadsheets.return_workbook(police_return))
    assert response.status_code == 403


def test_a_return_submitted_between_preview_and_save_is_not_changed(client_for, police_return, agency_lead):
    content = set_cells(spreadsheets.return_workbook(police_return), {6: {"narrative": "From the file"}})
    client = client_for(agency_lead)
    token = client.get(preview_url(upload(client, police_return, content))).wsgi_request.resolver_match.kwargs[
        "token"]
    history.update(Return.objects.filter(pk=police_return.pk), status=Return.Status.SUBMITTED)

    assert client.post(url("return-import-preview", police_return, token)).status_code == 403
    assert answers_of(police_return)["1.1"].narrative == ""


def test_an_upload_belongs_to_the_person_and_return_that_made_it(client_for, police_return, agency_lead,
                                                                 contributor):
    client = client_for(agency_lead)
    token = client.get(preview_url(upload(client, police_return, spreadsheets.return_workbook(police_return)))
                       ).wsgi_request.resolver_match.kwargs["token"]

    assert client_for(contributor).get(url("return-import-preview", police_return, token)).status_code == 404
    assert client.get(url("return-import-preview", police_return, "0" * 32)).status_code == 404


def test_cancelling_an_upload_deletes_the_file_and_get_is_not_allowed(client_for, police_return, agency_lead):
    client = client_for(agency_lead)
    token = client.get(preview_url(upload(client, police_return, spreadsheets.return_workbook(police_return)))
                       ).wsgi_request.resolver_match.kwargs["token"]
    stored = client.session[SESSION_KEY][token]["path"]

    assert client.get(url("return-import-cancel", police_return, token)).status_code == 405
    assert client.post(url("return-import-cancel", police_return, token)).status_code == 302

    assert not default_storage.exists(stored)
    assert client.get(url("return-import-preview", police_return, token)).status_code == 404
