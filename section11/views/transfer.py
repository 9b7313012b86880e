"""A whole return out (XLSX and PDF) and back in (upload a completed workbook, check it, save all)."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_http_methods

from partnership import staged_uploads
from partnership.access import get_visible_or_404, require
from partnership.kept_forms import posts, posts_no_form
from partnership.rate_limits import limited_export
from partnership.services.errors import ConflictError, ServiceError
from partnership.services.exports import export_request
from partnership.views.mixins import post_only

from .. import access, reports, spreadsheets
from ..forms.transfer import ImportForm
from ..models import Return
from ..services import transfer as services

SESSION_KEY = staged_uploads.SESSION_KEY
SCOPE = "section11.return-import"


def _get_return(request, pk) -> Return:
    """Anyone who can see the return can export it; others get 404 (chairs and readers included)."""
    return get_visible_or_404(access.visible_returns(request.user).select_related("senior_officer"), pk=pk)


@login_required
@limited_export
def return_export_xlsx(request, pk):
    ret = _get_return(request, pk)
    response = HttpResponse(spreadsheets.return_workbook(ret), content_type=spreadsheets.CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True,
                                                                 filename=reports.return_filename(ret, "xlsx"))
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@post_only
@posts_no_form("asks for a PDF: nothing typed")
def return_export_pdf(request, pk):
    """Ask for the whole return as a PDF. It is made in the background (reports.return_pdf): a return with long
    answers takes many seconds to render, longer than a request may hold a web worker."""
    ret = _get_return(request, pk)
    export = export_request(kind=reports.RETURN_PDF_KIND, parameters={"return_id": ret.pk}, by=request.user)
    return redirect(export)


# --- Import: upload → preview (nothing saved) → save all --------------------------------------------
def _pending(request, ret: Return, token: str) -> dict:
    """The upload this person made for this return. The client only names it; the session holds the rest."""
    return staged_uploads.get(request, token, scope=SCOPE, owner_id=ret.pk)


@login_required
@require_http_methods(["GET", "POST"])
@posts(ImportForm)
def return_import(request, pk):
    ret = _get_return(request, pk)
    require(access.can_edit_return(request.user, ret))
    form = ImportForm(request.POST, request.FILES) if request.method == "POST" else ImportForm()
    if form.is_bound and form.is_valid():
        upload = form.cleaned_data["file"]
        token = staged_uploads.stage(request, upload, scope=SCOPE, owner_id=ret.pk,  # one at a time per return
                                     directory=services.IMPORTS_DIR, extension="xlsx", versions=None,
                                     parse=spreadsheets.read_return_workbook)  # parsed once, here
        return redirect("section11:return-import-preview", ret.pk, token)
    return render(request, "section11/import_upload.html", {"ret": ret, "form": form},
                  status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
@posts_no_form("confirms the uploaded file's preview: nothing typed")
def return_import_preview(request, pk, token):
    ret = _get_return(request, pk)
    require(access.can_edit_return(request.user, ret))
    pending = _pending(request, ret, token)
    sheet = staged_uploads.parsed(request, token, pending, parse=spreadsheets.read_return_workbook,
                                  as_type=spreadsheets.ReturnSheet)
    error, status = None, 200
    if request.method == "POST":
        versions = pending.get("versions")
        try:
            count = services.import_apply(
                ret=ret, by=request.user, sheet=sheet,
                expected_versions={int(k): v for k, v in versions.items()} if versions is not None else None,
            )
        except ConflictError as conflict:
            error, status = conflict.message, 409
        except ServiceError as refused:
            error, status = refused.message, 400
        else:
            staged_uploads.discard(request, token)
            messages.success(request, f"{count} answer{'s' if count != 1 else ''} imported from {pending['name']}.")
            return redirect(ret)
    preview = services.import_preview(ret=ret, by=request.user, sheet=sheet)
    staged_uploads.update(request, token, versions={str(k): v for k, v in preview.versions.items()})
    return render(request, "section11/import_preview.html", {
        "ret": ret, "preview": preview, "token": token, "file_name": pending["name"], "error": error,
    }, status=status)


@login_required
@post_only
@posts_no_form("a button: nothing typed")
def return_import_cancel(request, pk, token):
    ret = _get_return(request, pk)
    _pending(request, ret, token)
    staged_uploads.discard(request, token)
    messages.success(request, "The upload has been cancelled. Nothing was imported.")
    return redirect(ret)


urlpatterns = [
    path("returns/<int:pk>/export.xlsx", return_export_xlsx, name="return-export-xlsx"),
    path("returns/<int:pk>/export.pdf", return_export_pdf, name="return-export-pdf"),
    path("returns/<int:pk>/import/", return_import, name="return-import"),
    path("returns/<int:pk>/import/<slug:token>/", return_import_preview, name="return-import-preview"),
    path("returns/<int:pk>/import/<slug:token>/cancel/", return_import_cancel, name="return-import-cancel"),
]
