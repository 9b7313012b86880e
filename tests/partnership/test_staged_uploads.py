"""Staged uploads: kept privately per person, scope and owner; staging again or discarding deletes the file."""
import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.test import RequestFactory

from partnership import staged_uploads
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

DIRECTORY = "tests/staged"


def request_for(user, session=None):
    request = RequestFactory().get("/")
    request.user = user
    request.session = session if session is not None else SessionStore()
    return request


def stage(request, content=b"first", *, scope="a", owner_id=1, **extra):
    upload = SimpleUploadedFile("book.xlsx", content)
    return staged_uploads.stage(request, upload, scope=scope, owner_id=owner_id, directory=DIRECTORY,
                                extension="xlsx", **extra)


def test_read_returns_the_bytes_and_the_session_holds_the_rest():
    request = request_for(UserFactory())
    token = stage(request, b"the bytes", versions=None)

    pending = staged_uploads.get(request, token, scope="a", owner_id=1)

    assert staged_uploads.read(pending) == b"the bytes"
    assert pending["path"] == f"{DIRECTORY}/{token}.xlsx" and pending["name"] == "book.xlsx"
    assert pending["versions"] is None
    staged_uploads.update(request, token, versions={"1": 2})
    assert staged_uploads.get(request, token, scope="a", owner_id=1)["versions"] == {"1": 2}


@pytest.mark.parametrize("scope, owner_id", [("b", 1), ("a", 2)])
def test_a_token_for_another_scope_or_owner_is_404(scope, owner_id):
    request = request_for(UserFactory())
    token = stage(request)

    with pytest.raises(Http404):
        staged_uploads.get(request, token, scope=scope, owner_id=owner_id)


def test_a_token_staged_by_another_user_is_404():
    request = request_for(UserFactory())
    token = stage(request)
    other = request_for(UserFactory(), session=request.session)  # even with the same session

    with pytest.raises(Http404):
        staged_uploads.get(other, token, scope="a", owner_id=1)
    with pytest.raises(Http404):
        staged_uploads.get(request, "0" * 32, scope="a", owner_id=1)


def test_staging_again_discards_the_earlier_file_for_the_same_scope_and_owner_only():
    request = request_for(UserFactory())
    first = stage(request, b"first")
    elsewhere = stage(request, b"elsewhere", owner_id=2)
    first_path = staged_uploads.get(request, first, scope="a", owner_id=1)["path"]

    second = stage(request, b"second")

    assert not default_storage.exists(first_path)
    with pytest.raises(Http404):
        staged_uploads.get(request, first, scope="a", owner_id=1)
    assert staged_uploads.read(staged_uploads.get(request, second, scope="a", owner_id=1)) == b"second"
    assert staged_uploads.read(staged_uploads.get(request, elsewhere, scope="a", owner_id=2)) == b"elsewhere"


def test_discard_deletes_the_file_and_forgets_the_token():
    request = request_for(UserFactory())
    token = stage(request)
    path = staged_uploads.get(request, token, scope="a", owner_id=1)["path"]

    staged_uploads.discard(request, token)
    staged_uploads.discard(request, token)  # a second time does nothing

    assert not default_storage.exists(path)
    with pytest.raises(Http404):
        staged_uploads.get(request, token, scope="a", owner_id=1)
