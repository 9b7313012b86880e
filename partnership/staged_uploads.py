"""Uploads kept privately between the preview and "save all".

A view `stage`s the uploaded file in the default (private) storage and gets back a random token for its URLs.
The client only ever names the token; the session holds the rest, so `get` answers 404 unless the token is
this person's, for the same scope (e.g. "section11.return") and owner (e.g. the return's pk). Staging again for
the same scope and owner discards the earlier file: one upload at a time per owner.
"""
import secrets

from django.core.files.storage import default_storage
from django.http import Http404

SESSION_KEY = "staged_uploads"


def _staged(request) -> dict:
    return request.session.get(SESSION_KEY, {})


def stage(request, upload, *, scope: str, owner_id: int, directory: str, extension: str, **extra) -> str:
    """Save `upload` as `directory/<token>.<extension>` and remember it in the session. Returns the token."""
    for token, pending in list(_staged(request).items()):
        if pending.get("scope") == scope and pending.get("owner") == owner_id:
            discard(request, token)
    token = secrets.token_hex(16)
    upload.seek(0)
    stored = default_storage.save(f"{directory}/{token}.{extension}", upload)
    staged = _staged(request)
    staged[token] = {"path": stored, "scope": scope, "owner": owner_id, "user": request.user.pk,
                     "name": upload.name[:200], **extra}
    request.session[SESSION_KEY] = staged
    return token


def get(request, token: str, *, scope: str, owner_id: int) -> dict:
    """The upload this person staged for this scope and owner, else 404."""
    pending = _staged(request).get(token)
    if (not pending or pending.get("scope") != scope or pending.get("owner") != owner_id
            or pending.get("user") != request.user.pk):
        raise Http404("No such upload")
    return pending


def read(pending: dict) -> bytes:
    with default_storage.open(pending["path"], "rb") as stored:
        return stored.read()


def update(request, token: str, **changes) -> None:
    """Record more about a staged upload, e.g. what the preview saw, to refuse a stale "save all"."""
    staged = _staged(request)
    if token in staged:
        staged[token].update(changes)
        request.session[SESSION_KEY] = staged
        request.session.modified = True


def discard(request, token: str) -> None:
    """Forget the upload and delete its file. Nothing happens for an unknown token."""
    staged = _staged(request)
    pending = staged.pop(token, None)
    if pending:
        default_storage.delete(pending["path"])
        request.session[SESSION_KEY] = staged
