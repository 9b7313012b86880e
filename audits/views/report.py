"""The audit report: a page and a PDF (a few pages, rendered in the request)."""
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import path

from partnership.access import require
from partnership.pdf import pdf_response
from partnership.rate_limits import limited_pdf

from .. import access
from ..reports import report_context
from ..reports import report_pdf as make_report_pdf
from .common import audit_or_404


@login_required
def report(request, pk):
    audit = audit_or_404(request, pk)
    require(access.can_see_report(request.user, audit))
    return render(request, "audits/report.html", report_context(audit))


@login_required
@limited_pdf
def report_pdf(request, pk):
    audit = audit_or_404(request, pk)
    require(access.can_see_report(request.user, audit))
    filename, pdf = make_report_pdf({"audit_id": audit.pk})
    return pdf_response(pdf, filename)


urlpatterns = [
    path("<int:pk>/report/", report, name="report"),
    path("<int:pk>/report.pdf", report_pdf, name="report-pdf"),
]
