"""Reports made in the background: ask, watch progress, download; only the people allowed."""
import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from partnership.models import ReportExport
from partnership.services import exports

KIND = "test-tiny-report"
CONTENT = b"tiny,report\n1,2\n"


@pytest.fixture
def tiny_report():
    calls = []

    @exports.register_export(KIND, title="Tiny test report", on_reports_page=True)
    def make(parameters: dict) -> tuple[str, bytes]:
        calls.append(parameters)
        return "tiny-report.csv", CONTENT

    yield calls
    exports._REGISTRY.pop(KIND, None)
    exports._ON_REPORTS_PAGE.discard(KIND)


@pytest.fixture
def ready_export(business_unit, tiny_report):
    export = ReportExport.objects.create(kind=KIND, requested_by=business_unit, status=ReportExport.Status.READY,
                                         filename="tiny-report.csv")
    export.file.save("tiny-report.csv", ContentFile(CONTENT))
    return export


def request_report(client, django_capture_on_commit_callbacks, kind=KIND):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(reverse("partnership:export-create"), {"kind": kind})


@pytest.mark.parametrize("persona", ["business_unit", "qa_member", "chair"])
def test_report_readers_see_the_reports_page_with_each_kind(request, client_for, persona, tiny_report):
    response = client_for(request.getfixturevalue(persona)).get(reverse("partnership:export-list"))
    assert response.status_code == 200
    assert f'name="kind" value="{KIND}"' in response.content.decode()
    assert "Tiny test report" in response.content.decode()


def test_reports_that_need_parameters_cannot_be_asked_for_from_the_reports_page(client_for, business_unit):
    response = client_for(business_unit).post(reverse("partnership:export-create"), {"kind": "section11-analysis"})
    assert response.status_code == 302
    assert not ReportExport.objects.filter(kind="section11-analysis").exists()


@pytest.mark.parametrize("persona", ["agency_lead", "contributor", "reader", "reviews_member", "ld_coordinator"])
def test_other_roles_are_refused_the_reports_page(request, client_for, persona, tiny_report,
                                                  django_capture_on_commit_callbacks):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(reverse("partnership:export-list")).status_code == 403
    assert request_report(client, django_capture_on_commit_callbacks).status_code == 403
    assert not ReportExport.objects.exists()
    assert tiny_report == []


def test_asking_for_a_report_makes_it_and_the_page_shows_ready_with_a_link(client_for, business_unit, tiny_report,
                                                                           django_capture_on_commit_callbacks):
    client = client_for(business_unit)
    response = request_report(client, django_capture_on_commit_callbacks)
    export = ReportExport.objects.get()
    assert response.status_code == 302
    assert response.url == export.get_absolute_url()
    assert tiny_report == [{}]
    page = client.get(response.url)
    assert page.status_code == 200
    html = page.content.decode()
    assert ">Ready<" in html
    assert reverse("partnership:export-download", args=[export.pk]) in html
    assert "tiny-report.csv" in html
    listing = client.get(reverse("partnership:export-list")).content.decode()
    assert export.get_absolute_url() in listing


def test_download_returns_the_file_as_an_attachment(client_for, business_unit, ready_export):
    response = client_for(business_unit).get(reverse("partnership:export-download", args=[ready_export.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == CONTENT
    assert response["Content-Disposition"].startswith("attachment;")
    assert 'filename="tiny-report.csv"' in response["Content-Disposition"]


def test_get_to_ask_for_a_report_answers_405(client_for, business_unit, tiny_report):
    assert client_for(business_unit).get(reverse("partnership:export-create")).status_code == 405
    assert not ReportExport.objects.exists()


def test_asking_for_an_unknown_report_says_so(client_for, business_unit, django_capture_on_commit_callbacks):
    response = request_report(client_for(business_unit), django_capture_on_commit_callbacks, kind="no-such-report")
    assert response.status_code == 302
    assert response.url == reverse("partnership:export-list")
    assert not ReportExport.objects.exists()


def test_a_failed_report_says_so_with_a_reference(client_for, business_unit, django_capture_on_commit_callbacks):
    @exports.register_export("test-broken-report", on_reports_page=True)
    def broken(parameters):
        raise RuntimeError("the data ran away")

    try:
        response = request_report(client_for(business_unit), django_capture_on_commit_callbacks,
                                  kind="test-broken-report")
    finally:
        exports._REGISTRY.pop("test-broken-report", None)
        exports._ON_REPORTS_PAGE.discard("test-broken-report")
    page = client_for(business_unit).get(response.url).content.decode()
    assert ">Failed<" in page
    assert "the data ran away" not in page and "give the business unit this reference" in page


@pytest.mark.parametrize("persona", ["qa_member", "chair"])
def test_report_readers_open_reports_others_asked_for(request, client_for, persona, ready_export):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(ready_export.get_absolute_url()).status_code == 200
    assert client.get(reverse("partnership:export-download", args=[ready_export.pk])).status_code == 200


@pytest.mark.parametrize("persona", ["agency_lead", "outsider", "reader", "reviews_member"])
def test_others_cannot_see_or_download_someone_elses_report(request, client_for, persona, ready_export):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(ready_export.get_absolute_url()).status_code == 404
    assert client.get(reverse("partnership:export-download", args=[ready_export.pk])).status_code == 404


def test_a_report_that_is_not_ready_cannot_be_downloaded(client_for, business_unit, tiny_report):
    for status in (ReportExport.Status.QUEUED, ReportExport.Status.RUNNING, ReportExport.Status.FAILED):
        export = ReportExport.objects.create(kind=KIND, requested_by=business_unit, status=status)
        client = client_for(business_unit)
        assert client.get(reverse("partnership:export-download", args=[export.pk])).status_code == 404
        page = client.get(export.get_absolute_url()).content.decode()
        assert reverse("partnership:export-download", args=[export.pk]) not in page


def test_anonymous_visitor_is_sent_to_sign_in_from_reports(client, ready_export):
    for url in (reverse("partnership:export-list"), ready_export.get_absolute_url(),
                reverse("partnership:export-download", args=[ready_export.pk])):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("partnership:sign-in"))
