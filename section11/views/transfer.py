"""A whole return out (XLSX and PDF) and back in (upload a completed workbook, check it, save all)."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.views.decorators.http import require_http_methods

from partnership import staged_uploads
from partnership.access import get_visible_or_404, require
from partnership.pdf import pdf_response, render_pdf
from partnership.rate_limits import limited_pdf
from partnership.services.errors import ConflictError, ServiceError
from partnership.views.mixins import post_only

from .. import access, spreadsheets
from ..forms.transfer import ImportForm
from ..models import Return
from ..services import transfer as services

SESSION_KEY = staged_uploads.SESSION_KEY
SCOPE = "section11.return-import"


def _get_return(request, pk) -> Return:
    """Anyone who can see the return can export it; others get 404 (chairs and readers included)."""
    return get_visible_or_404(access.visible_returns(request.user).select_related("senior_officer"), pk=pk)


def _filename(ret: Return, extension: str) -> str:
    return f"section11-{slugify(ret.agency.display_name)}-{slugify(ret.cycle.name)}.{extension}"


@login_required
def return_export_xlsx(request, pk):
    ret = _get_return(request, pk)
    response = HttpResponse(spreadsheets.return_workbook(ret), content_type=spreadsheets.CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True,
                                                                 filename=_filename(ret, "xlsx"))
    response["X-Content-Type-Options"] = "nosniff"
    return response


def return_pdf_context(ret: Return) -> dict:
    answers = spreadsheets.export_answers(ret)
    standards, current = [], None
    for answer in answers:
        answer.pdf_long = len(answer.narrative) + len(answer.impact) + len(answer.not_applicable_reason) > 1800
        if current is None or current["standard"].pk != answer.criterion.standard_id:
            current = {"standard": answer.criterion.standard, "answers": []}
            standards.append(current)
        current["answers"].append(answer)
    return {
        "ret": ret, "standards": standards, "total": len(answers),
        "answered": sum(1 for a in answers if a.is_answered),
        "not_applicable": sum(1 for a in answers if a.not_applicable),
    }


@login_required
@limited_pdf
def return_export_pdf(request, pk):
    # One return is a few pages and renders in about a second, so it is made in the request. Reports
    # across many returns go through ReportExport and a background task instead (see partnership/pdf.py).
    ret = _get_return(request, pk)
    pdf = render_pdf("section11/pdf/return.html", return_pdf_context(ret), request=request)
    return pdf_response(pdf, _filename(ret, "pdf"))


# --- Import: upload → preview (nothing saved) → save all --------------------------------------------
def _pending(request, ret: Return, token: str) -> dict:
    """The upload this person made for this return. The client only names it; the session holds the rest."""
    return staged_uploads.get(request, token, scope=SCOPE, owner_id=ret.pk)


@login_required
@require_http_methods(["GET", "POST"])
def return_import(request, pk):
    ret = _get_return(request, pk)
    require(access.can_edit_return(request.user, ret))
    form = ImportForm(request.POST, request.FILES) if request.method == "POST" else ImportForm()
    if form.is_bound and form.is_valid():
        upload = form.cleaned_data["file"]
        token = staged_uploads.stage(request, upload, scope=SCOPE, owner_id=ret.pk,  # one at a time per return
                                     directory=services.IMPORTS_DIR, extension="xlsx", versions=None)
        return redirect("section11:return-import-preview", ret.pk, token)
    return render(request, "section11/import_upload.html", {"ret": ret, "form": form},
                  status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def return_import_preview(request, pk, token):
    ret = _get_return(request, pk)
    require(access.can_edit_return(request.user, ret))
    pending = _pending(request, ret, token)
    content = staged_uploads.read(pending)
    error, status = None, 200
    if request.method == "POST":
        versions = pending.get("versions")
        try:
            count = services.import_apply(
                ret=ret, by=request.user, content=content,
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
    preview = services.import_preview(ret=ret, by=request.user, content=content)
    staged_uploads.update(request, token, versions={str(k): v for k, v in preview.versions.items()})
    return render(request, "section11/import_preview.html", {
        "ret": ret, "preview": preview, "token": token, "file_name": pending["name"], "error": error,
    }, status=status)


@login_required
@post_only
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
