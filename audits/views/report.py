"""The audit report: a page and a PDF (a few pages, rendered in the request)."""
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import path
from django.utils.text import slugify

from partnership.access import require
from partnership.pdf import pdf_response, render_pdf

from .. import access
from ..reports import report_context
from .common import audit_or_404


@login_required
def report(request, pk):
    audit = audit_or_404(request, pk)
    require(access.can_see_report(request.user, audit))
    return render(request, "audits/report.html", report_context(audit))


@login_required
def report_pdf(request, pk):
    audit = audit_or_404(request, pk)
    require(access.can_see_report(request.user, audit))
    pdf = render_pdf("audits/pdf/report.html", report_context(audit))
    return pdf_response(pdf, f"audit-report-{slugify(audit.theme)}.pdf")


urlpatterns = [
    path("<int:pk>/report/", report, name="report"),
    path("<int:pk>/report.pdf", report_pdf, name="report-pdf"),
]
