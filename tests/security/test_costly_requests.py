"""Generated at run time: one person cannot hold the service with costly downloads (issue 17, finding 6).

The URL conf is walked (GET) as every persona who may open each page, with real objects (objects.py) and, for pages
without an id, also as a CSV file (`?format=csv`), while WeasyPrint is replaced by a recorder:
- every view that rendered a PDF in the request (not in a background task) carries a costly-download guard
  (`partnership.rate_limits.limited_pdf`);
- every view that answered a CSV file or a workbook carries one too (`limited_export`);
- every page a GET reaches is opened by someone in the walk, or is listed below with the reason it cannot be.
A new PDF, spreadsheet or CSV download is found without being listed here. The guards themselves answer 429 past
their count, and while one of the person's downloads is still being made; background reports are limited in
`export_request`.
"""
import pytest
from celery import current_task
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse

from partnership import chart_images, pdf, rate_limits
from partnership.models import ReportExport

from .objects import BUILDERS, OBJECTS
from .urlconf import converter_types, url_for, walk

# The walk (every URL as every persona, about a minute) is made once per process and shared by the tests that read
# it: in one xdist group they would run in one process, so `make test`'s two processes would not each walk. Under
# pytest 9.2 with pytest-xdist 3.8 the group has no effect yet (tests/conftest.py, pytest_collection_modifyitems).
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("costly_walk")]

PERSONAS = ("business_unit", "ld_coordinator", "qa_member", "chair", "reader", "agency_lead", "contributor",
            "reviews_member", "outsider")
SHEETS = ("text/csv", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
# Pages a GET reaches that the walk opens for nobody, and why that is safe to leave out.
_STEP = "a form for a step the registry's object is not at yet (403 or 404 until then); it makes no download"
NOT_OPENED = {
    "section11:evidence-download": "serves a stored upload (nothing is made); its own access matrix opens it",
    "partnership:export-download": "serves the file a background report made (stored bytes; nothing made here)",
    "learning:briefing": "a briefing page, in learning's access matrix; its PDF is checked below",
    "learning:briefing-edit": "a form, in learning's access matrix",
    "learning:briefing-pdf": "limited_pdf, checked below (test_the_pdfs_the_walk_cannot_open_are_limited)",
    "learning:certificate": "a token link; limited_pdf, checked below",
    "section11:return-import-preview": "needs a staged upload's token: a page, no download (test_staged_uploads)",
    "performance:data-return-upload-preview": "needs a staged upload's token: a page, no download",
    **{name: _STEP for name in (
        "section11:return-sign-off", "section11:return-send-back", "section11:moderate-standard",
        "section11:challenge-record", "reviews:rapid-review-sign-off", "reviews:lcspr-commission",
        "reviews:rapid-review-create", "partnership:action-impact", "partnership:action-due-date-decide")},
}
TOKEN_PDFS = ("learning:certificate", "learning:briefing-pdf")


def chain(view):
    while view is not None:
        yield view
        view = getattr(view, "__wrapped__", None)


def guard_of(callback) -> str | None:
    return next((v.costly_download for v in chain(callback) if getattr(v, "costly_download", None)), None)


class RecordedHTML:
    """Stands for WeasyPrint: notes which page asked for a PDF outside a background task."""
    asked_by: list = []
    page: str | None = None

    def __init__(self, *args, **kwargs):
        if current_task._get_current_object() is None:  # not inside a (possibly eager) Celery task
            RecordedHTML.asked_by.append(RecordedHTML.page)

    def write_pdf(self, *args, **kwargs):
        return b"%PDF-1.7 recorded"


def _allowed(entry) -> tuple[str, ...]:
    return tuple(p for p in PERSONAS if p not in entry.denied)


def _requests(fx):
    """(name, url, personas) for every GET the walk makes."""
    indicator = fx("indicator")
    for name, pattern in walk():
        kinds = converter_types(pattern)
        if not kinds:
            url = url_for(name, pattern)
            yield name, url, PERSONAS + (None,)
            yield name, f"{url}?format=csv", ("business_unit", "agency_lead")
        elif name in OBJECTS:
            entry = OBJECTS[name]
            yield name, reverse(name, kwargs=entry.kwargs(BUILDERS[entry.object](fx))), _allowed(entry)
        elif set(kinds.values()) == {"slug"}:
            yield name, url_for(name, pattern, code=indicator.code), PERSONAS


_WALK: dict = {}


def walked(request, monkeypatch) -> dict:
    """name -> {"pdf": made a PDF in the request, "sheet": answered a CSV file or workbook, "opened": someone was
    answered other than 403/404/405, "get": the GET was not refused as a method, "errors": a 5xx}. Walked once per
    test run."""
    if _WALK:
        return _WALK
    monkeypatch.setattr(pdf, "HTML", RecordedHTML)  # every PDF: partnership.pdf.render_pdf
    monkeypatch.setattr(chart_images, "HTML", RecordedHTML)  # a chart laid out as a PDF to make its image
    monkeypatch.setattr(rate_limits, "over", lambda *a, **k: False)  # the walk itself is not limited
    RecordedHTML.asked_by = []
    users = {p: request.getfixturevalue(p) for p in PERSONAS}
    clients = {None: Client(raise_request_exception=False)}
    for persona, user in users.items():
        clients[persona] = Client(raise_request_exception=False)
        clients[persona].force_login(user)
    found: dict = {}
    for name, url, personas in _requests(request.getfixturevalue):
        seen = found.setdefault(name, {"pdf": False, "sheet": False, "opened": False, "get": False,
                                          "errors": False})
        for persona in personas:
            RecordedHTML.page = name
            response = clients[persona].get(url)
            kind = response.get("Content-Type", "").split(";")[0]
            seen["sheet"] |= response.status_code == 200 and kind in SHEETS
            seen["opened"] |= response.status_code not in (403, 404, 405)  # the view ran on a real object
            seen["errors"] |= response.status_code >= 500
            seen["get"] |= response.status_code != 405
            if response.streaming:  # read to the end: the test client then closes it (and the file) itself;
                b"".join(response.streaming_content)  # a second close() would end the test's PostgreSQL connection
    for name in RecordedHTML.asked_by:
        found[name]["pdf"] = True
    _WALK.update(found)
    return _WALK


@pytest.fixture
def walk_result(request, monkeypatch):
    return walked(request, monkeypatch)


def test_the_walk_finds_the_downloads_of_every_app(walk_result):
    sheets = {name for name, seen in walk_result.items() if seen["sheet"]}
    pdfs = {name for name, seen in walk_result.items() if seen["pdf"]}
    assert {"section11:return-export-xlsx", "partnership:action-export", "section11:cycle-analysis-csv",
            "performance:data-return-template", "performance:data-return-template-csv",
            "learning:charges"} <= sheets
    assert {"minutes-pdf", "escalation-letter"} <= pdfs, pdfs


def test_every_page_a_get_reaches_is_run_by_someone_or_listed(walk_result):
    unopened = sorted(name for name, seen in walk_result.items() if seen["get"] and not seen["opened"])
    assert not set(unopened) - set(NOT_OPENED), f"the walk opens these for nobody: {set(unopened) - set(NOT_OPENED)}"
    names = {name for name, _ in walk()}
    assert set(NOT_OPENED) <= names, f"stale: {set(NOT_OPENED) - names}"
    errors = sorted(name for name, seen in walk_result.items() if seen["errors"])
    assert not errors, f"these failed in the walk, so what they make is unknown: {errors}"


def test_every_pdf_made_in_a_request_is_limited_per_person(walk_result):
    patterns = dict(walk())
    made = sorted(name for name, seen in walk_result.items() if seen["pdf"])
    unguarded = [name for name in made if guard_of(patterns[name].callback) != "pdf"]
    assert not unguarded, f"these make a PDF in the request without rate_limits.limited_pdf: {unguarded}"


def test_every_spreadsheet_or_csv_download_is_limited_per_person(walk_result):
    patterns = dict(walk())
    sheets = sorted(name for name, seen in walk_result.items() if seen["sheet"])
    unguarded = [name for name in sheets if guard_of(patterns[name].callback) is None]
    assert not unguarded, f"these answer a spreadsheet or CSV file without rate_limits.limited_export: {unguarded}"


@pytest.mark.parametrize("name", TOKEN_PDFS)
def test_the_pdfs_the_walk_cannot_open_are_limited(name):
    assert guard_of(dict(walk())[name].callback) == "pdf"


@pytest.mark.parametrize("guard,kind", [(rate_limits.limited_pdf, rate_limits.PDF),
                                        (rate_limits.limited_export, rate_limits.SHEET)])
def test_the_limit_answers_429_past_its_count_and_while_one_is_running(reader, guard, kind):
    cache.clear()

    @guard
    def view(request):
        return HttpResponse(b"made", content_type="application/octet-stream")

    request = RequestFactory().get("/download")
    request.user = reader
    statuses = [view(request).status_code for _ in range(kind.per_person + 1)]
    assert statuses == [200] * kind.per_person + [429]
    cache.clear()
    with rate_limits.one_at_a_time(f"limit:{kind.name}-running:user:{reader.pk}"):
        busy = view(request)
    assert busy.status_code == 429 and b"still being made" in busy.content
    anonymous = RequestFactory().get("/download", REMOTE_ADDR="192.0.2.9")
    anonymous.user = AnonymousUser()
    assert view(anonymous).status_code == 200  # counted per address, apart from the signed-in person


def test_a_real_export_refuses_the_next_one_in_the_window_with_the_clear_page(client_for, agency_lead):
    cache.clear()
    client = client_for(agency_lead)
    url = reverse("partnership:action-export")
    answers = [client.get(url) for _ in range(rate_limits.SHEETS_PER_PERSON + 1)]
    assert [a.status_code for a in answers] == [200] * rate_limits.SHEETS_PER_PERSON + [429]
    page = answers[-1].content.decode()
    assert "spreadsheet or CSV downloads in the last 10 minutes" in page and "Wait a few minutes" in page
    assert answers[-1]["Content-Type"].startswith("text/html")
    cache.clear()


def test_background_reports_are_limited_per_person(client_for, business_unit):
    cache.clear()
    client = client_for(business_unit)
    from partnership.services.exports import reports_page_kinds

    kind = reports_page_kinds()[0][0]
    answers = [client.post(reverse("partnership:export-create"), {"kind": kind}).status_code
               for _ in range(rate_limits.EXPORTS_PER_PERSON + 1)]
    assert answers == [302] * rate_limits.EXPORTS_PER_PERSON + [429]
    assert ReportExport.objects.count() == rate_limits.EXPORTS_PER_PERSON
    cache.clear()
