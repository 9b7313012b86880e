"""Evidence and imports: Office files with macros are refused, and a Word or Excel 97-2003 file only when it is
plain Word or Excel without macros (partnership.uploads.detect_kind, the one funnel every upload goes through)."""
import importlib
import inspect
import io
import zipfile
from pathlib import Path

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile

from partnership import uploads

from .test_forms import project_forms

OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def ole(*entries: str, text: bytes = b"") -> bytes:
    """A compound file's bones: the header sector, then a directory sector of 128-byte entries, then content."""
    header = OLE_SIGNATURE + b"\x00" * (512 - len(OLE_SIGNATURE))
    directory = b"".join((name.encode("utf-16-le") + b"\x00\x00").ljust(128, b"\x00")
                         for name in ("Root Entry", *entries))
    return header + directory.ljust(512, b"\x00") + text


def ooxml(*members: str, content_types: str = "application/vnd.openxmlformats") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", f'<Types><Override ContentType="{content_types}"/></Types>')
        for member in members:
            archive.writestr(member, "x")
    return buffer.getvalue()


REFUSED = {
    "Word with a VBA project.docx": ooxml("word/document.xml", "word/vbaProject.bin"),
    "Macro-enabled workbook.xlsx": ooxml("xl/workbook.xml",
                                         content_types="application/vnd.ms-excel.sheet.macroEnabled.main+xml"),
    "Macro-enabled document.docm": ooxml("word/document.xml",
                                         content_types="application/vnd.ms-word.document.macroEnabled.main+xml"),
    "Word 97 with macros.doc": ole("WordDocument", "Macros", "VBA", "_VBA_PROJECT"),
    "Excel 97 with macros.xls": ole("Workbook", "_VBA_PROJECT_CUR", "VBA"),
    "PowerPoint 97.doc": ole("PowerPoint Document"),
    "An Outlook message.doc": ole("__substg1.0_0037001F"),
}
ACCEPTED = {
    "Plain Word 97.doc": (ole("WordDocument", "1Table", text="About VBA macros".encode("utf-16-le")), uploads.DOC),
    "Plain Excel 97.xls": (ole("Workbook"), uploads.XLS),
    "Plain Excel 95.xls": (ole("Book"), uploads.XLS),
    "Plain document.docx": (ooxml("word/document.xml"), uploads.DOCX),
}


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_an_office_file_with_macros_or_of_another_kind_is_refused(name):
    with pytest.raises(uploads.UploadRefused):
        uploads.check_upload(SimpleUploadedFile(name, REFUSED[name]))


@pytest.mark.parametrize("name", sorted(ACCEPTED))
def test_plain_word_and_excel_files_are_accepted_by_their_content(name):
    content, kind = ACCEPTED[name]
    assert uploads.detect_kind(SimpleUploadedFile(name, content)) == kind


def test_a_word_97_file_named_xls_is_refused_as_misnamed():
    with pytest.raises(uploads.UploadRefused, match="does not match its content"):
        uploads.check_upload(SimpleUploadedFile("Budget.xls", ole("WordDocument")))


def test_every_form_that_takes_a_file_goes_through_the_one_funnel():
    """Generated from the form classes: a form with a file field (or the form it inherits its `clean_<file>` from,
    such as the kernel's `SpreadsheetUploadForm`), or the services of its app, checks the file with
    partnership.uploads (so a new upload is covered by these rules without being listed)."""
    unchecked = []
    for name, form in project_forms().items():
        files = [n for n, f in form.base_fields.items() if isinstance(f, forms.FileField)]
        if not files:
            continue
        app = name.split(".")[0]
        cleaners = {k.__module__ for k in form.__mro__ if any(f"clean_{n}" in vars(k) for n in files)}
        sources = [inspect.getsource(importlib.import_module(m)) for m in sorted({form.__module__, *cleaners})]
        services = Path(importlib.import_module(app).__file__).parent / "services"
        sources += [p.read_text() for p in services.glob("*.py")] if services.is_dir() else []
        if not any("check_upload" in s or "detect_kind" in s for s in sources):
            unchecked.append(name)
    assert not unchecked, f"forms taking a file that never check it with partnership.uploads: {unchecked}"
