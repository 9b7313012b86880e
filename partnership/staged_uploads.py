"""Uploads kept privately between the preview and "save all".

A view `stage`s the uploaded file in the default (private) storage and gets back a random token for its URLs.
The client only ever names the token; the session holds the rest, so `get` answers 404 unless the token is
this person's, for the same scope (e.g. "section11.return") and owner (e.g. the return's pk). Staging again for
the same scope and owner discards the earlier file: one upload at a time per owner.

A spreadsheet is parsed once, when it is staged (`stage(..., parse=reader)`): the reader's result (a dataclass) is
kept beside the file as JSON, and the preview, its reloads and "save all" read it back (`parsed`) instead of
parsing again. An upload staged before this was kept (no result beside it) is parsed once on first read and its
result stored.
"""
import dataclasses
import datetime
import json
import secrets
import types
import typing

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import Http404

SESSION_KEY = "staged_uploads"


def _staged(request) -> dict:
    return request.session.get(SESSION_KEY, {})


def stage(request, upload, *, scope: str, owner_id: int, directory: str, extension: str, parse=None,
          **extra) -> str:
    """Save `upload` as `directory/<token>.<extension>` and remember it in the session. Returns the token.
    `parse(content)`: the reader, run now, once; its result is kept with the upload (see `parsed`)."""
    for token, pending in list(_staged(request).items()):
        if pending.get("scope") == scope and pending.get("owner") == owner_id:
            discard(request, token)
    token = secrets.token_hex(16)
    upload.seek(0)
    stored = default_storage.save(f"{directory}/{token}.{extension}", upload)
    staged = _staged(request)
    staged[token] = {"path": stored, "scope": scope, "owner": owner_id, "user": request.user.pk,
                     "name": upload.name[:200], **extra}
    if parse is not None:
        upload.seek(0)
        staged[token]["parsed"] = _keep_parsed(stored, parse(upload.read()))
    request.session[SESSION_KEY] = staged
    return token


def parsed(request, token: str, pending: dict, *, parse, as_type: type):
    """What `parse` made of the staged file when it was staged, as an `as_type` (a dataclass). Missing (an upload
    staged before results were kept, or its result file gone): parse once now and keep the result."""
    path = pending.get("parsed")
    if path:
        try:
            with default_storage.open(path, "rb") as kept:
                return _rebuild(as_type, json.loads(kept.read()))
        except (OSError, ValueError, TypeError, KeyError):
            pass  # unreadable: parse again below
    result = parse(read(pending))
    update(request, token, parsed=_keep_parsed(pending["path"], result))
    return result


def _keep_parsed(stored_path: str, result) -> str:
    data = json.dumps(_plain(result)).encode()
    return default_storage.save(f"{stored_path}.parsed.json", ContentFile(data))


def _plain(value):
    """A reader's result as JSON: dataclasses as objects, dates as ISO text (read back by `_rebuild`)."""
    if dataclasses.is_dataclass(value):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _rebuild(kind, data):
    """`data` read back as `kind`, from the type hints of the caller's dataclass (never a name from the file)."""
    origin = typing.get_origin(kind)
    if dataclasses.is_dataclass(kind):
        hints = typing.get_type_hints(kind)
        return kind(**{f.name: _rebuild(hints[f.name], data[f.name]) for f in dataclasses.fields(kind)
                       if f.name in data})
    if origin in (list, tuple):
        (item,) = typing.get_args(kind)[:1] or (typing.Any,)
        return origin(_rebuild(item, v) for v in data)
    if origin is dict:
        _, item = typing.get_args(kind) or (str, typing.Any)
        return {k: _rebuild(item, v) for k, v in data.items()}
    if origin in (typing.Union, types.UnionType):
        options = [a for a in typing.get_args(kind) if a is not type(None)]
        return None if data is None else _rebuild(options[0], data)
    if kind is datetime.date:
        return datetime.date.fromisoformat(data)
    return data


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
        if pending.get("parsed"):
            default_storage.delete(pending["parsed"])
        request.session[SESSION_KEY] = staged
