"""Generated: one person cannot hold the service with costly requests (issue 17, finding 6).

- Every view of the URL conf that makes a PDF in the request (its code calls `render_pdf` or `pdf_response`) carries
  `partnership.rate_limits.limited_pdf`: one at a time and at most PDF_PER_PERSON in PDF_WINDOW per person.
- Every background report a person asks for counts towards EXPORTS_PER_PERSON (the limit is inside
  `export_request`, which every report goes through); over it the 429 page says how long to wait.
A new PDF view is found without being listed here.
"""
import inspect

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from partnership import rate_limits
from partnership.models import ReportExport

from .urlconf import walk

pytestmark = pytest.mark.django_db


def unwrapped_chain(view):
    while view is not None:
        yield view
        view = getattr(view, "__wrapped__", None)


def pdf_views():
    found = {}
    for name, pattern in walk():
        view = getattr(pattern.callback, "view_class", None) or pattern.callback
        source = "".join(inspect.getsource(v) for v in list(unwrapped_chain(view))[-1:]
                         if inspect.isfunction(v) or inspect.isclass(v))
        if "render_pdf(" in source or "pdf_response(" in source:
            found[name] = pattern.callback
    return found


PDF_VIEWS = pdf_views()


def test_the_walk_finds_the_pdf_views_of_every_app_that_makes_them():
    assert {"learning:certificate", "learning:briefing-pdf"} <= set(PDF_VIEWS)


@pytest.mark.parametrize("name", sorted(PDF_VIEWS))
def test_every_pdf_made_in_a_request_is_limited_per_person(name):
    assert any(getattr(v, "limited_pdf", False) for v in unwrapped_chain(PDF_VIEWS[name])), (
        f"{name} makes a PDF in the request without partnership.rate_limits.limited_pdf")


def test_the_limit_answers_429_past_its_count_and_while_one_is_running(reader):
    cache.clear()
    calls = []

    @rate_limits.limited_pdf
    def view(request):
        calls.append(1)
        return HttpResponse(b"%PDF", content_type="application/pdf")

    request = RequestFactory().get("/x.pdf")
    request.user = reader
    statuses = [view(request).status_code for _ in range(rate_limits.PDF_PER_PERSON + 1)]
    assert statuses == [200] * rate_limits.PDF_PER_PERSON + [429]
    cache.clear()
    with rate_limits.one_at_a_time(f"limit:pdf-running:user:{reader.pk}"):
        busy = view(request)
    assert busy.status_code == 429 and b"still being made" in busy.content
    anonymous = RequestFactory().get("/x.pdf", REMOTE_ADDR="192.0.2.9")
    anonymous.user = AnonymousUser()
    assert view(anonymous).status_code == 200  # counted per address, apart from the signed-in person


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
