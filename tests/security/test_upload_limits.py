"""Issue 9, item 9: the upload size limit holds before the file is buffered (partnership.uploads)."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import MemoryFileUploadHandler

from partnership import uploads
from section11.models import Evidence
from tests.section11.conftest import cycle, framework, police_return, rag_scale  # noqa: F401 - fixtures
from tests.section11.test_returns_views import PDF_BYTES, _post_data, _save_url

RECEIVED: list[int] = []


class RecordingMemoryHandler(MemoryFileUploadHandler):
    """Django's memory handler, counting the bytes it is given (what would be buffered)."""

    def handle_raw_input(self, *args, **kwargs):
        self.activated = True  # buffer in memory whatever the size, so the count is what it was handed

    def receive_data_chunk(self, raw_data, start):
        RECEIVED.append(len(raw_data))
        return super().receive_data_chunk(raw_data, start)


@pytest.fixture
def recording(settings):
    RECEIVED.clear()
    settings.FILE_UPLOAD_HANDLERS = ["partnership.uploads.SizeLimitUploadHandler",
                                     "tests.security.test_upload_limits.RecordingMemoryHandler"]
    return RECEIVED


def test_a_file_over_the_limit_is_refused_next_to_the_field_and_never_buffered_whole(
        recording, client_for, contributor, police_return):  # noqa: F811
    answer = police_return.answers.first()
    data = _post_data(answer, narrative="Typed before choosing a file that is too big")
    too_big = PDF_BYTES + b"0" * (uploads.MAX_UPLOAD_BYTES + 4096 - len(PDF_BYTES))
    data[f"a{answer.pk}-evidence_file"] = SimpleUploadedFile("Policy.pdf", too_big, content_type="application/pdf")
    response = client_for(contributor).post(_save_url(answer), data)
    assert response.status_code == 400
    body = response.content.decode()
    assert "The selected file must be smaller than 10 MB" in body
    assert "Typed before choosing a file that is too big" in body, "what was typed is kept"
    assert not Evidence.objects.exists()
    assert sum(recording) <= uploads.MAX_UPLOAD_BYTES, "no more than the limit was ever handed on to be stored"


def test_a_file_within_the_limit_passes_through_whole(recording, client_for, contributor, police_return):  # noqa: F811
    answer = police_return.answers.first()
    data = _post_data(answer, narrative="With the policy")
    data[f"a{answer.pk}-evidence_file"] = SimpleUploadedFile("Policy.pdf", PDF_BYTES, content_type="application/pdf")
    assert client_for(contributor).post(_save_url(answer), data).status_code == 302
    assert Evidence.objects.get().file.read() == PDF_BYTES
    assert sum(recording) == len(PDF_BYTES)


def test_a_request_declaring_a_body_over_the_limit_is_refused_before_it_is_read(
        client_for, contributor, police_return, monkeypatch):  # noqa: F811
    monkeypatch.setattr(uploads, "MAX_REQUEST_BYTES", 1000)
    answer = police_return.answers.first()
    data = _post_data(answer, narrative="x")
    data[f"a{answer.pk}-evidence_file"] = SimpleUploadedFile("Policy.pdf", PDF_BYTES + b"0" * 2000)
    response = client_for(contributor).post(_save_url(answer), data)
    assert response.status_code == 400
    assert not Evidence.objects.exists()
    body = response.content.decode()  # the house 400 page: what went wrong, and the limit
    assert "The file is too large" in body and "A file must be 10 MB or smaller" in body
    assert "back button" in body and 'class="govuk-footer' in body
