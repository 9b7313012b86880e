"""The data return as a spreadsheet: the template, uploading XLSX or CSV, every row's problem, all or nothing."""
import csv
import io
from decimal import Decimal

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from performance import spreadsheets
from performance.models import Unit, Value
from performance.services import upload as uploads
from performance.services.returns import value_save
from performance.views.returns import SESSION_KEY
from tests.factories import AgencyFactory
from tests.performance.conftest import make_indicator

pytestmark = pytest.mark.django_db

XLSX_TYPE = spreadsheets.CONTENT_TYPE
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
FORMULA = '=HYPERLINK("http://evil.example","Click")'


@pytest.fixture
def count_indicator(police):
    return make_indicator(police, code="da-notifications", unit=Unit.COUNT, target=None)


def url(name, data_return, *args):
    return reverse(f"performance:{name}", args=[data_return.pk, *args])


def workbook(rows, headers=spreadsheets.HEADERS) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = spreadsheets.SHEET
    ws.append(list(headers))
    for row in rows:
        ws.append(list(row))
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def csv_file(rows, headers=spreadsheets.HEADERS) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    writer.writerows(rows)
    return ("\ufeff" + buffer.getvalue()).encode()


def upload(client, data_return, content, name="figures.xlsx", content_type=XLSX_TYPE):
    return client.post(url("data-return-upload", data_return), {"file": SimpleUploadedFile(name, content,
                                                                                           content_type)})


def preview_url(response):
    assert response.status_code == 302, response.content.decode()[:3000]
    return response["Location"]


def fill_template(content: bytes, figures: dict[str, dict]) -> bytes:
    """Fill the downloaded template as a person would: by indicator code, in the editable columns."""
    wb = load_workbook(io.BytesIO(content))
    ws = wb[spreadsheets.SHEET]
    for row in ws.iter_rows(min_row=spreadsheets.FIRST_DATA_ROW):
        code = row[0].value
        for key, value in figures.get(code, {}).items():
            ws[f"{spreadsheets.LETTER[key]}{row[0].row}"] = value
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


# --- The template ---------------------------------------------------------------------------------
def test_the_template_has_the_published_columns_and_one_row_per_indicator(
        client_for, contributor, police_data_return, indicator, count_indicator):
    value_save(data_return=police_data_return, indicator=indicator, by=contributor, numerator=Decimal(34),
               denominator=Decimal(40), commentary=FORMULA)

    response = client_for(contributor).get(url("data-return-template", police_data_return))

    assert response.status_code == 200 and response["Content-Type"] == XLSX_TYPE
    assert "performance-metropolitan-police-south-west-bcu-2026-27-q2.xlsx" in response["Content-Disposition"]
    ws = load_workbook(io.BytesIO(response.content))[spreadsheets.SHEET]
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    assert rows[0] == ["Indicator code", "Indicator", "Period", "Numerator", "Denominator", "Value",
                       "Provisional (Yes/No)", "Commentary"]
    assert rows[1][:5] == ["da-notifications", "Indicator da-notifications", "2026-27 Q2", None, None]
    assert rows[2][:5] == ["rhi-72h", "Indicator rhi-72h", "2026-27 Q2", 34, 40]
    assert rows[2][7] == "'" + FORMULA  # formula-safe


def test_the_csv_template_has_the_same_columns_and_is_formula_safe(client_for, contributor, police_data_return,
                                                                   indicator):
    value_save(data_return=police_data_return, indicator=indicator, by=contributor, value=Decimal("62.5"),
               commentary=FORMULA)
    response = client_for(contributor).get(url("data-return-template-csv", police_data_return))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows == [spreadsheets.HEADERS, ["rhi-72h", "Indicator rhi-72h", "2026-27 Q2", "", "", "62.5", "No",
                                           "'" + FORMULA]]


# --- Round trips ------------------------------------------------------------------------------------
def test_round_trip_download_fill_upload_saves_every_figure(client_for, contributor, police_data_return, indicator,
                                                            count_indicator):
    client = client_for(contributor)
    template = client.get(url("data-return-template", police_data_return)).content
    filled = fill_template(template, {
        # Typed into Excel as text (with an apostrophe), as the template itself holds it.
        "rhi-72h": {"numerator": 34, "denominator": 40, "provisional": "Yes", "commentary": "'" + FORMULA},
        "da-notifications": {"value": 112, "commentary": "Over the quarter.\nSecond line"},
    })

    preview = client.get(preview_url(upload(client, police_data_return, filled)))
    assert preview.status_code == 200
    assert "Save all 2 figures" in preview.content.decode()
    assert not Value.objects.exists()  # nothing saved before the person says so

    saved = client.post(preview.wsgi_request.path)

    assert saved.status_code == 302
    figures = {v.indicator.code: v for v in Value.objects.select_related("indicator")}
    assert (figures["rhi-72h"].value, figures["rhi-72h"].provisional, figures["rhi-72h"].commentary) == (
        Decimal("85.00"), True, FORMULA)
    assert (figures["da-notifications"].value, figures["da-notifications"].commentary) == (
        Decimal("112.00"), "Over the quarter.\nSecond line")
    assert figures["rhi-72h"].entered_by == contributor
    assert not default_storage.listdir(uploads.UPLOADS_DIR)[1]  # the stored file is gone


def test_round_trip_through_csv(client_for, contributor, police_data_return, indicator, count_indicator):
    client = client_for(contributor)
    response = client.get(url("data-return-template-csv", police_data_return))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    rows[1][5], rows[1][7] = "1,250", "Busy quarter"
    rows[2][3], rows[2][4], rows[2][7] = "30", "40", "'" + FORMULA

    preview = client.get(preview_url(upload(client, police_data_return, csv_file(rows[1:]), name="figures.csv",
                                            content_type="text/csv")))
    assert "Save all 2 figures" in preview.content.decode()
    client.post(preview.wsgi_request.path)

    figures = {v.indicator.code: v for v in Value.objects.select_related("indicator")}
    assert figures["da-notifications"].value == Decimal("1250")
    assert (figures["rhi-72h"].value, figures["rhi-72h"].commentary) == (Decimal("75.00"), FORMULA)


def test_an_unchanged_template_has_nothing_to_save(client_for, contributor, police_data_return, indicator):
    value_save(data_return=police_data_return, indicator=indicator, by=contributor, numerator=Decimal(1),
               denominator=Decimal(2), commentary="Same")
    client = client_for(contributor)
    template = client.get(url("data-return-template", police_data_return)).content

    page = client.get(preview_url(upload(client, police_data_return, template))).content.decode()

    assert "Your spreadsheet matches the figures online" in page
    assert Value.objects.get().version == 1


def test_a_good_file_saves_all_rows_and_blank_rows_are_left_out(client_for, contributor, police,
                                                                police_data_return, indicator, count_indicator):
    days = make_indicator(police, code="rhi-days", unit=Unit.DAYS, target=None)
    value_save(data_return=police_data_return, indicator=days, by=contributor, value=Decimal(3))
    content = workbook([
        ["rhi-72h", "", "2026-27 Q2", 30, 40, None, "No", "Fine"],
        ["DA-NOTIFICATIONS", "", "2026-27 Q2", None, None, 12.5, "yes", ""],
        ["rhi-days", "", "2026-27 Q2", None, None, None, "No", ""],  # nothing filled in: left as it is
    ])
    client = client_for(contributor)

    preview = client.get(preview_url(upload(client, police_data_return, content)))
    assert "1 row has nothing filled in" in preview.content.decode()
    client.post(preview.wsgi_request.path)

    figures = {v.indicator.code: v.value for v in Value.objects.select_related("indicator")}
    assert figures == {"rhi-72h": Decimal("75.00"), "da-notifications": Decimal("12.50"), "rhi-days": Decimal("3.00")}


# --- Every kind of bad row --------------------------------------------------------------------------
def test_every_bad_row_is_reported_with_its_row_number_and_nothing_is_saved(client_for, contributor, police,
                                                                            police_data_return, indicator):
    for code in ("pct-a", "pct-b", "pct-c"):
        make_indicator(police, code=code)
    for code in ("cnt-a", "cnt-b", "cnt-c", "cnt-d"):
        make_indicator(police, code=code, unit=Unit.COUNT, target=None)
    make_indicator(AgencyFactory(name="Health"), code="iha-20d")
    content = workbook([
        ["rhi-72h", "", "2026-27 Q2", 30, 40, None, "No", "A good row"],   # row 2: fine
        ["no-such-code", "", "2026-27 Q2", None, None, 5, "No", ""],        # 3: unknown code
        ["iha-20d", "", "2026-27 Q2", 1, 2, None, "No", ""],                # 4: another agency's indicator
        ["cnt-a", "", "2026-27 Q1", None, None, 5, "No", ""],               # 5: wrong period
        ["pct-a", "", "2026-27 Q2", None, None, 120, "No", ""],             # 6: percentage over 100
        ["pct-b", "", "2026-27 Q2", 50, 40, None, "No", ""],                # 7: numerator more than denominator
        ["pct-c", "", "2026-27 Q2", 5, 0, None, "No", ""],                  # 8: denominator zero
        ["cnt-b", "", "2026-27 Q2", None, None, "twelve", "No", ""],        # 9: text in a number
        ["cnt-c", "", "2026-27 Q2", None, None, -3, "No", ""],              # 10: negative
        ["cnt-d", "", "2026-27 Q2", None, None, None, "No", "No data yet"],  # 11: neither value nor numerator
        ["da-x", "", "2026-27 Q2", None, None, "=1+1", "No", ""],           # 12: unknown, and a formula
    ])
    client = client_for(contributor)

    response = client.get(preview_url(upload(client, police_data_return, content)))

    page = response.content.decode()
    assert response.status_code == 200 and "Nothing has been saved" in page
    expected = {
        3: "Unknown indicator code “no-such-code”.",
        4: "Indicator iha-20d is not in this data return",
        5: "The period is “2026-27 Q1”, but this data return is for “2026-27 Q2”.",
        6: "Value: A percentage cannot be more than 100.",
        7: "Numerator: The numerator cannot be more than the denominator for a percentage.",
        8: "Denominator: The denominator cannot be zero.",
        9: "Value: “twelve” is not a number. Enter a number, like 12 or 12.5.",
        10: "Value: Enter a number that is 0 or more.",
        11: "Enter a value: the row has no figure.",
        12: "Value holds a formula without a saved result.",
    }
    for number, message in expected.items():
        assert f'id="row-{number}"' in page, number
        assert f"Row {number} (" in page and message in page, (number, message)
    assert "Row 2 (" not in page  # the good row has no problem
    assert "10 rows have problems" in page and "Save all" not in page

    refused = client.post(response.wsgi_request.path)
    assert refused.status_code == 400
    assert not Value.objects.exists()


def test_the_same_indicator_twice_is_a_problem(client_for, contributor, police_data_return, indicator):
    content = workbook([["rhi-72h", "", "2026-27 Q2", 1, 2, None, "No", ""],
                        ["rhi-72h", "", "2026-27 Q2", 1, 4, None, "No", ""]])
    client = client_for(contributor)
    page = client.get(preview_url(upload(client, police_data_return, content))).content.decode()
    assert "Indicator rhi-72h is also on row 3. Keep one row per indicator." in page
    assert "Indicator rhi-72h is also on row 2." in page


def test_a_file_without_the_columns_is_refused_as_a_whole(client_for, contributor, police_data_return):
    content = workbook([["rhi-72h", 5]], headers=["Code", "Figure"])
    client = client_for(contributor)
    page = client.get(preview_url(upload(client, police_data_return, content))).content.decode()
    assert "no row of column headings" in page and "Save all" not in page


def test_a_figure_changed_after_the_preview_refuses_the_whole_file(client_for, contributor, agency_lead,
                                                                   police_data_return, indicator,
                                                                   count_indicator):
    content = workbook([["rhi-72h", "", "2026-27 Q2", 30, 40, None, "No", ""],
                        ["da-notifications", "", "2026-27 Q2", None, None, 7, "No", ""]])
    client = client_for(contributor)
    preview = client.get(preview_url(upload(client, police_data_return, content)))
    value_save(data_return=police_data_return, indicator=indicator, by=agency_lead, numerator=Decimal(1),
               denominator=Decimal(2), expected_version=0)

    response = client.post(preview.wsgi_request.path)

    assert response.status_code == 409
    assert "Someone changed this data return after you checked the file" in response.content.decode()
    assert {v.indicator.code: v.numerator for v in Value.objects.select_related("indicator")} == {
        "rhi-72h": Decimal("1.00")}
    # Having seen the latest figures, saving again works.
    assert client.post(preview.wsgi_request.path).status_code == 302
    assert Value.objects.count() == 2


def test_a_return_submitted_after_the_preview_saves_nothing(client_for, contributor, police_data_return, indicator):
    content = workbook([["rhi-72h", "", "2026-27 Q2", 30, 40, None, "No", ""]])
    client = client_for(contributor)
    preview = client.get(preview_url(upload(client, police_data_return, content)))
    police_data_return.status = "submitted"
    police_data_return.save()

    assert client.post(preview.wsgi_request.path).status_code == 403
    assert not Value.objects.exists()


# --- The file itself --------------------------------------------------------------------------------
class Named(io.BytesIO):
    def __init__(self, content, name):
        super().__init__(content)
        self.name, self.size = name, len(content)


@pytest.mark.parametrize(("content", "name", "expected"), [
    (b"Indicator code,Value\nrhi-72h,5\n", "figures.csv", True),
    ("\ufeffIndicator code,Commentary\nrhi-72h,Café ✓\n".encode(), "figures.CSV", True),
    (b"Indicator code,Value\nrhi-72h,5\n", "figures.txt", False),
    (b"Indicator code\x00,Value\n", "figures.csv", False),
    ("Café".encode("latin-1"), "figures.csv", False),
    (b"", "figures.csv", False),
])
def test_is_csv_accepts_utf8_text_named_csv_only(content, name, expected):
    assert uploads.is_csv(Named(content, name)) is expected


@pytest.mark.parametrize(("content", "name", "message"), [
    (PDF_BYTES, "figures.xlsx", "this file is a PDF"),
    (PDF_BYTES, "figures.csv", "this file is a PDF"),
    (b"Indicator code\x00,Value\n", "figures.csv", "not UTF-8 text"),
    ("Indicator code,Value\nrhi,é\n".encode("latin-1"), "figures.csv", "CSV UTF-8"),
    (b"Indicator code,Value\n", "figures.txt", "must be an Excel workbook (.xlsx) or a CSV file (.csv)"),
    (workbook([]), "figures.csv", "does not match its content"),
])
def test_the_file_type_is_decided_by_its_content(client_for, contributor, police_data_return, content, name,
                                                 message):
    response = upload(client_for(contributor), police_data_return, content, name=name)
    assert response.status_code == 400
    assert message in response.content.decode()


# --- Access -------------------------------------------------------------------------------------------
def test_agency_people_download_the_template_and_the_business_unit_reads_it(client_for, agency_lead, contributor,
                                                                            business_unit, police_data_return):
    for person in (agency_lead, contributor, business_unit):
        assert client_for(person).get(url("data-return-template", police_data_return)).status_code == 200


@pytest.mark.parametrize("persona", ["outsider", "chair", "reader", "qa_member"])
def test_people_outside_the_agency_get_404_on_the_spreadsheet_pages(request, client_for, police_data_return,
                                                                   indicator, persona):
    client = client_for(request.getfixturevalue(persona))
    for name in ("data-return-template", "data-return-template-csv", "data-return-upload"):
        assert client.get(url(name, police_data_return)).status_code == 404, name
    content = workbook([["rhi-72h", "", "2026-27 Q2", 1, 2, None, "No", ""]])
    assert upload(client, police_data_return, content).status_code == 404
    assert not Value.objects.exists()


def test_the_business_unit_cannot_upload_an_agencys_figures(client_for, business_unit, police_data_return,
                                                            indicator):
    client = client_for(business_unit)
    assert client.get(url("data-return-upload", police_data_return)).status_code == 403
    assert upload(client, police_data_return, workbook([])).status_code == 403


def test_someone_elses_upload_cannot_be_seen_or_saved(client_for, contributor, agency_lead, police_data_return,
                                                      indicator):
    content = workbook([["rhi-72h", "", "2026-27 Q2", 1, 2, None, "No", ""]])
    path = preview_url(upload(client_for(contributor), police_data_return, content))
    other = client_for(agency_lead)
    assert other.get(path).status_code == 404
    assert other.post(path).status_code == 404
    assert not Value.objects.exists()


def test_cancelling_an_upload_deletes_the_file(client_for, contributor, police_data_return, indicator):
    client = client_for(contributor)
    content = workbook([["rhi-72h", "", "2026-27 Q2", 1, 2, None, "No", ""]])
    path = preview_url(upload(client, police_data_return, content))
    token = path.rstrip("/").rsplit("/", 1)[1]
    assert default_storage.exists(client.session[SESSION_KEY][token]["path"])

    response = client.post(url("data-return-upload-cancel", police_data_return, token))

    assert response.status_code == 302
    assert not default_storage.listdir(uploads.UPLOADS_DIR)[1]
    assert client.get(path).status_code == 404
    assert client.get(url("data-return-upload-cancel", police_data_return, token)).status_code == 405


def test_parse_number_reads_what_people_type():
    assert spreadsheets.parse_number(" 1,250 ") == Decimal("1250")
    assert spreadsheets.parse_number("85%") == Decimal("85")
    assert spreadsheets.parse_number(12.5) == Decimal("12.5")
    assert spreadsheets.parse_number("") is None
    for bad, message in (("twelve", "Enter a number, like 12 or 12.5"), ("NaN", "Enter a number, like 12 or 12.5"),
                         ("1.234", "no more than 2 decimal places"), ("1e20", "smaller than")):
        with pytest.raises(spreadsheets.NumberError, match=message):
            spreadsheets.parse_number(bad)


def test_a_yes_no_figure_may_be_written_as_yes_or_no(client_for, contributor, police, police_data_return):
    make_indicator(police, code="policy-in-place", unit=Unit.YES_NO, target=None)
    client = client_for(contributor)
    content = csv_file([["policy-in-place", "", "2026-27 Q2", "", "", "Yes", "No", ""]])
    preview = client.get(preview_url(upload(client, police_data_return, content, name="f.csv",
                                            content_type="text/csv")))
    assert "Save all 1 figure" in preview.content.decode()
    client.post(preview.wsgi_request.path)
    assert Value.objects.get().value == 1
