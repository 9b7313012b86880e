"""The pages of a spreadsheet upload, for any app: upload a file, check it (the preview: nothing saved), then save
all or nothing, or cancel.

Each app's view looks its record up and checks that this person may change it, then hands over to its
`UploadPages`, which holds the app's scope, templates and reader; the app's service calls and words are given with
each call. The file is kept between the pages by `partnership.staged_uploads` (the client only names a token) and
parsed once, when it is uploaded. A refused "save all" shows the preview again: 409 when the record changed since
the preview (it now compares the file with the latest), 400 for any other refusal.
"""
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render

from partnership import staged_uploads
from partnership.services.errors import ConflictError, ServiceError


@dataclass(frozen=True)
class UploadPages:
    scope: str  # the staged upload's scope, e.g. "section11.return-import": one upload at a time per record
    directory: str  # where the file is kept until it is saved or cancelled
    read: Callable  # read(content, kind) -> the parsed sheet (a dataclass), run once at upload
    sheet_type: type  # that dataclass, to read the kept result back
    name: str  # the record's name in the templates, e.g. "ret"
    upload_template: str
    preview_template: str
    preview_url: str  # URL name of the preview page, given the record's pk and the token
    cancelled: str  # the message once an upload is cancelled

    def pending(self, request, owner, token: str) -> dict:
        """The upload this person made for this record (else 404). The client only names it; the session holds it."""
        return staged_uploads.get(request, token, scope=self.scope, owner_id=owner.pk)

    def upload(self, request, owner, form_class, **kept) -> HttpResponse:
        """GET: the form. A valid POST keeps the file (and `kept`), parsed once here, and goes to its preview.
        `form_class`: a form whose `file` is the upload and whose `kind` ("xlsx", "csv") its content decided."""
        form = form_class(request.POST, request.FILES) if request.method == "POST" else form_class()
        if form.is_bound and form.is_valid():
            token = staged_uploads.stage(request, form.cleaned_data["file"], scope=self.scope, owner_id=owner.pk,
                                         directory=self.directory, extension=form.kind, kind=form.kind,
                                         parse=lambda content: self.read(content, form.kind), **kept)
            return redirect(self.preview_url, owner.pk, token)
        return render(request, self.upload_template, {self.name: owner, "form": form},
                      status=400 if form.errors else 200)

    def preview(self, request, owner, token: str, *, check: Callable, save: Callable, seen: Callable,
                saved: Callable) -> HttpResponse:
        """GET: what the file would change, `check(sheet, pending)` (the app's preview service). POST: save all,
        `save(sheet, pending)` -> how many were saved, or a refusal shown with the preview again.
        `seen(preview)`: what the preview was checked against, kept with the upload for the next save's stale check.
        `saved(count, file_name)`: the message once saved."""
        pending = self.pending(request, owner, token)
        sheet = staged_uploads.parsed(request, token, pending, parse=lambda content: self.read(
            content, pending.get("kind")), as_type=self.sheet_type)
        error, status = None, 200
        if request.method == "POST":
            try:
                count = save(sheet, pending)
            except ConflictError as conflict:
                error, status = conflict.message, 409
            except ServiceError as refused:
                error, status = refused.message, 400
            else:
                staged_uploads.discard(request, token)
                messages.success(request, saved(count, pending["name"]))
                return redirect(owner)
        preview = check(sheet, pending)
        staged_uploads.update(request, token, **seen(preview))
        return render(request, self.preview_template, {
            self.name: owner, "preview": preview, "token": token, "file_name": pending["name"], "error": error,
        }, status=status)

    def cancel(self, request, owner, token: str) -> HttpResponse:
        """Forget the upload and delete its file; nothing is saved."""
        self.pending(request, owner, token)
        staged_uploads.discard(request, token)
        messages.success(request, self.cancelled)
        return redirect(owner)
