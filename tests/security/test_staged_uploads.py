"""Generated: a staged spreadsheet upload is parsed once, when it is uploaded (issue 17, costly uploads).

Every preview page of a staged upload (a URL conf pattern with a `token` that names a staged upload and ends in
`-preview`) must be in UPLOADS below: the file is uploaded, then the reader is made to fail, and the preview, a
reload and "save all" still work from the result kept with the upload (partnership.staged_uploads). Every call of
`staged_uploads.stage` in the apps passes the reader (`parse=`). An upload staged before results were kept is parsed
once on its first preview and not again.
"""
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from partnership import staged_uploads
from performance import spreadsheets as performance_sheets
from section11 import spreadsheets as section11_sheets

from .urlconf import APPS, converter_types, walk

pytestmark = pytest.mark.django_db

# preview page -> (upload page, the object fixture, the download that is a valid file, reader module, reader name)
UPLOADS = {
    "section11:return-import-preview": ("section11:return-import", "police_return", "section11:return-export-xlsx",
                                        section11_sheets, "read_return_workbook", "return.xlsx"),
    "performance:data-return-upload-preview": ("performance:data-return-upload", "police_data_return",
                                               "performance:data-return-template", performance_sheets, "read_upload",
                                               "figures.xlsx"),
}
PREVIEWS = sorted(name for name, pattern in walk()
                  if name.endswith("-preview") and "token" in converter_types(pattern))


def test_every_staged_upload_preview_is_checked():
    assert PREVIEWS == sorted(UPLOADS)


def test_every_staged_upload_is_parsed_when_it_is_staged():
    calls = []
    for app in APPS:
        for path in (Path(settings.BASE_DIR) / app).rglob("*.py"):
            text = path.read_text()
            calls += [(path.name, call) for call in re.findall(r"staged_uploads\.stage\((.*?)\)\n", text, re.S)]
    assert calls  # the apps stage through partnership.views.uploads.UploadPages: one call may serve every upload
    assert all("parse=" in call for _, call in calls), calls


def _upload(request, client_for, name):
    upload_page, fixture, download, module, reader, filename = UPLOADS[name]
    obj = request.getfixturevalue(fixture)
    client = client_for(request.getfixturevalue("agency_lead"))
    content = client.get(reverse(download, args=[obj.pk])).content
    response = client.post(reverse(upload_page, args=[obj.pk]),
                           {"file": SimpleUploadedFile(filename, content, section11_sheets.CONTENT_TYPE)})
    assert response.status_code == 302, response.content.decode()[:500]
    return client, response["Location"], module, reader


def _fail(*args, **kwargs):
    raise AssertionError("the upload was parsed again")


@pytest.mark.parametrize("name", sorted(UPLOADS))
def test_the_preview_and_save_all_do_not_parse_the_file_again(request, client_for, monkeypatch, name):
    client, preview, module, reader = _upload(request, client_for, name)
    monkeypatch.setattr(module, reader, _fail)
    for _ in range(2):  # the preview and a reload
        page = client.get(preview)
        assert page.status_code == 200 and "parsed again" not in page.content.decode()
    assert client.post(preview).status_code == 302  # "save all", from the same kept result


@pytest.mark.parametrize("name", sorted(UPLOADS))
def test_an_upload_staged_before_results_were_kept_is_parsed_once(request, client_for, monkeypatch, name):
    client, preview, module, reader = _upload(request, client_for, name)
    session = client.session
    for pending in session[staged_uploads.SESSION_KEY].values():
        pending.pop("parsed", None)
    session.save()
    calls = []
    real = getattr(module, reader)
    monkeypatch.setattr(module, reader, lambda *args: calls.append(1) or real(*args))
    assert client.get(preview).status_code == 200
    assert client.get(preview).status_code == 200
    assert len(calls) == 1
