"""The pages of a spreadsheet upload, for any app: upload a file, check it (the preview: nothing saved), then save
all or nothing, or cancel.

Each app describes its upload once, as an `UploadPages`: its scope, templates, form and reader, how it finds the
record (`editable`: one this person may change, else 404/403; `visible`: one they may see, to cancel), its
service calls and its words. `urlpatterns(route, name)` gives the three pages' routes, for the app's own
`urlpatterns`: the views are made here, decorated as the house wants. The file is kept between the pages by
`partnership.staged_uploads` (the client only names a token) and parsed once, when it is uploaded. A refused
"save all" shows the preview again: 409 when the record changed since the preview (it now compares the file with
the latest), 400 for any other refusal.
"""
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_http_methods

from partnership import staged_uploads
from partnership.kept_forms import posts, posts_no_form
from partnership.services.errors import ConflictError, ServiceError
from partnership.views.mixins import form_status, post_only


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
    form: type  # a form whose `file` is the upload and whose `kind` ("xlsx", "csv") its content decided
    editable: Callable  # editable(request, pk) -> the record, which this person may change (else 404 or 403)
    visible: Callable  # visible(request, pk) -> the record, which this person may see: to cancel an upload
    check: Callable  # check(record, by, sheet, pending) -> the preview (the app's service): what would change
    save: Callable  # save(record, by, sheet, pending) -> how many were saved (the app's service), or a refusal
    seen: Callable  # seen(preview) -> what the preview was checked against, kept for the next save's stale check
    saved: Callable  # saved(count, file_name) -> the message once saved
    kept: dict = field(default_factory=dict)  # kept with a new upload, e.g. {"versions": None}: nothing seen yet

    def pending(self, request, owner, token: str) -> dict:
        """The upload this person made for this record (else 404). The client only names it; the session holds it."""
        return staged_uploads.get(request, token, scope=self.scope, owner_id=owner.pk)

    def upload(self, request, owner) -> HttpResponse:
        """GET: the form. A valid POST keeps the file, parsed once here, and goes to its preview."""
        form = self.form(request.POST, request.FILES) if request.method == "POST" else self.form()
        if form.is_bound and form.is_valid():
            token = staged_uploads.stage(request, form.cleaned_data["file"], scope=self.scope, owner_id=owner.pk,
                                         directory=self.directory, extension=form.kind, kind=form.kind,
                                         parse=lambda content: self.read(content, form.kind), **self.kept)
            return redirect(self.preview_url, owner.pk, token)
        return render(request, self.upload_template, {self.name: owner, "form": form},
                      status=form_status(form))

    def preview(self, request, owner, token: str) -> HttpResponse:
        """GET: what the file would change (`check`). POST: save all (`save`), or show the refusal with the preview
        again."""
        pending = self.pending(request, owner, token)
        sheet = staged_uploads.parsed(request, token, pending, parse=lambda content: self.read(
            content, pending.get("kind")), as_type=self.sheet_type)
        error, status = None, 200
        if request.method == "POST":
            try:
                count = self.save(owner, request.user, sheet, pending)
            except ConflictError as conflict:
                error, status = conflict.message, 409
            except ServiceError as refused:
                error, status = refused.message, 400
            else:
                staged_uploads.discard(request, token)
                messages.success(request, self.saved(count, pending["name"]))
                return redirect(owner)
        preview = self.check(owner, request.user, sheet, pending)
        staged_uploads.update(request, token, **self.seen(preview))
        return render(request, self.preview_template, {
            self.name: owner, "preview": preview, "token": token, "file_name": pending["name"], "error": error,
        }, status=status)

    def cancel(self, request, owner, token: str) -> HttpResponse:
        """Forget the upload and delete its file; nothing is saved."""
        self.pending(request, owner, token)
        staged_uploads.discard(request, token)
        messages.success(request, self.cancelled)
        return redirect(owner)

    def urlpatterns(self, route: str, name: str) -> list:
        """The upload page at `route` (given the record's pk) named `name`, its preview at `route<token>/` named
        `name-preview` and the cancel button's target at `route<token>/cancel/` named `name-cancel`."""

        @login_required
        @require_http_methods(["GET", "POST"])
        @posts(self.form)
        def upload(request, pk):
            return self.upload(request, self.editable(request, pk))

        @login_required
        @require_http_methods(["GET", "POST"])
        @posts_no_form("confirms the uploaded file's preview: nothing typed")
        def preview(request, pk, token):
            return self.preview(request, self.editable(request, pk), token)

        @login_required
        @post_only
        @posts_no_form("a button: nothing typed")
        def cancel(request, pk, token):
            return self.cancel(request, self.visible(request, pk), token)

        return [path(route, upload, name=name), path(f"{route}<slug:token>/", preview, name=f"{name}-preview"),
                path(f"{route}<slug:token>/cancel/", cancel, name=f"{name}-cancel")]
