"""Reports generated in the background: ask, watch progress, download."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import path

from partnership import access
from partnership.services import exports
from partnership.services.errors import ServiceError

from .mixins import button_view, paginate


@login_required
def export_list(request):
    access.require(access.can_request_reports(request.user))
    page = paginate(request, access.visible_exports(request.user), per_page=25)
    return render(request, "partnership/export_list.html", {"page": page, "kinds": exports.reports_page_kinds(),
                                                            "is_business_unit": access.is_business_unit(request.user)})


@button_view("a button naming the report: nothing typed")
def export_create(request):
    access.require(access.can_request_reports(request.user))
    kind = request.POST.get("kind", "")
    if kind not in dict(exports.reports_page_kinds()):
        messages.error(request, "Choose one of the reports on this page.")
        return redirect("partnership:export-list")
    try:
        export = exports.export_request(kind=kind, parameters={}, by=request.user)
    except ServiceError as error:
        messages.error(request, error.message)
        return redirect("partnership:export-list")
    return redirect(export)


@login_required
def export_detail(request, pk):
    export = access.get_visible_or_404(access.visible_exports(request.user), pk=pk)
    return render(request, "partnership/export_detail.html", {
        "export": export, "title": exports.export_title(export.kind),
        "waiting_for_broker": exports.waiting_for_broker(export),
        "waited_minutes": int(exports.waited(export).total_seconds() // 60),
    })


@login_required
def export_download(request, pk):
    export = access.get_visible_or_404(access.visible_exports(request.user), pk=pk)
    if not export.is_ready or not export.file:
        raise Http404("This report is not ready.")
    return FileResponse(export.file.open("rb"), as_attachment=True, filename=export.filename)


urlpatterns = [
    path("reports/", export_list, name="export-list"),
    path("reports/request/", export_create, name="export-create"),
    path("reports/<int:pk>/", export_detail, name="export-detail"),
    path("reports/<int:pk>/download/", export_download, name="export-download"),
]
