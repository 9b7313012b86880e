"""The audit report: a page, and a PDF made in the background."""
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import path

from partnership.access import require
from partnership.services.exports import export_request
from partnership.views.mixins import button_view

from .. import access
from ..reports import EXPORT_KIND, report_context
from .common import audit_or_404


@login_required
def report(request, pk):
    audit = audit_or_404(request, pk)
    require(access.can_see_report(request.user, audit))
    return render(request, "audits/report.html", report_context(audit))


@button_view("asks for a PDF: nothing typed")
def report_pdf(request, pk):
    """Ask for the report as a PDF. It is made in the background (reports.report_pdf), like a Section 11 return's
    PDF: rendering its charts may take longer than a request may hold a web worker."""
    audit = audit_or_404(request, pk)
    require(access.can_see_report(request.user, audit))
    export = export_request(kind=EXPORT_KIND, parameters={"audit_id": audit.pk}, by=request.user)
    return redirect(export)


urlpatterns = [
    path("<int:pk>/report/", report, name="report"),
    path("<int:pk>/report.pdf", report_pdf, name="report-pdf"),
]
