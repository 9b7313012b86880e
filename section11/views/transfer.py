"""A whole return out (XLSX and PDF) and back in (upload a completed workbook, check it, save all)."""
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.urls import path

from partnership import staged_uploads
from partnership.access import get_visible_or_404, require
from partnership.downloads import download
from partnership.rate_limits import limited_export
from partnership.services.exports import export_request
from partnership.views.mixins import button_view
from partnership.views.uploads import UploadPages

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
    return download(spreadsheets.return_workbook(ret), reports.return_filename(ret, "xlsx"), spreadsheets.CONTENT_TYPE)


@button_view("asks for a PDF: nothing typed")
def return_export_pdf(request, pk):
    """Ask for the whole return as a PDF. It is made in the background (reports.return_pdf): a return with long
    answers takes many seconds to render, longer than a request may hold a web worker."""
    ret = _get_return(request, pk)
    export = export_request(kind=reports.RETURN_PDF_KIND, parameters={"return_id": ret.pk}, by=request.user)
    return redirect(export)


# --- Import: upload → preview (nothing saved) → save all --------------------------------------------
def _expected(pending: dict) -> dict[int, int] | None:
    """The answers' versions the preview was checked against, as the session keeps them (JSON: text keys)."""
    versions = pending.get("versions")
    return {int(k): v for k, v in versions.items()} if versions is not None else None


def _editable_return(request, pk) -> Return:
    ret = _get_return(request, pk)
    require(access.can_edit_return(request.user, ret))
    return ret


IMPORT = UploadPages(
    scope=SCOPE, directory=services.IMPORTS_DIR, read=lambda content, kind: spreadsheets.read_return_workbook(content),
    sheet_type=spreadsheets.ReturnSheet, name="ret", upload_template="section11/import_upload.html",
    preview_template="section11/import_preview.html", preview_url="section11:return-import-preview",
    cancelled="The upload has been cancelled. Nothing was imported.", form=ImportForm, editable=_editable_return,
    visible=_get_return, kept={"versions": None},
    check=lambda ret, by, sheet, pending: services.import_preview(ret=ret, by=by, sheet=sheet),
    save=lambda ret, by, sheet, pending: services.import_apply(ret=ret, by=by, sheet=sheet,
                                                               expected_versions=_expected(pending)),
    seen=lambda preview: {"versions": {str(k): v for k, v in preview.versions.items()}},
    saved=lambda count, name: f"{count} answer{'s' if count != 1 else ''} imported from {name}.")


urlpatterns = [
    path("returns/<int:pk>/export.xlsx", return_export_xlsx, name="return-export-xlsx"),
    path("returns/<int:pk>/export.pdf", return_export_pdf, name="return-export-pdf"),
    *IMPORT.urlpatterns("returns/<int:pk>/import/", "return-import"),
]
