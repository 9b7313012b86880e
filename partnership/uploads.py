"""Uploaded files: the type is decided by the content, never by the name; size and archive limits.

`check_upload(file)` returns the detected kind or raises `UploadRefused` with a message for the user.
"""
import hashlib
import io
import secrets
import zipfile
from dataclasses import dataclass

from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_UNZIPPED_BYTES = 100 * 1024 * 1024  # an Office file that inflates beyond this is refused (zip bomb)
MAX_ZIP_MEMBERS = 2000
# A request body above this is refused before any of it is read (the largest form holds one file).
MAX_REQUEST_BYTES = 2 * MAX_UPLOAD_BYTES


class OversizedUpload(UploadedFile):
    """Stands for a file that went over the limit while it arrived: its size, none of its content.

    Forms refuse it through the size check they already make (`check_upload`), with their own message next to
    the field, so a too-large file is refused the same way whether it is caught here or there.
    """

    def __init__(self, name: str, content_type: str, size: int):
        super().__init__(io.BytesIO(b""), name=name, content_type=content_type, size=size)


class SizeLimitUploadHandler(FileUploadHandler):
    """First of FILE_UPLOAD_HANDLERS: the size limit holds before anything is buffered.

    A request that says it is larger than MAX_REQUEST_BYTES is refused (400) before its body is read. A file
    is passed on to Django's memory or temporary-file handler only up to MAX_UPLOAD_BYTES; the rest is read
    off the connection and dropped, and the form gets an `OversizedUpload` in its place.
    """

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        if content_length > MAX_REQUEST_BYTES:
            raise RequestDataTooBig(f"Request body of {content_length} bytes exceeds {MAX_REQUEST_BYTES}")

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.over_limit = False

    def receive_data_chunk(self, raw_data, start):
        if self.over_limit or start + len(raw_data) > MAX_UPLOAD_BYTES:
            self.over_limit = True
            return None  # the following handlers store nothing more of this file
        return raw_data

    def file_complete(self, file_size):
        if self.over_limit:
            return OversizedUpload(self.file_name, self.content_type, file_size)
        return None  # the next handler returns the file it stored


class UploadRefused(ValueError):
    pass


@dataclass(frozen=True)
class Kind:
    label: str
    content_type: str
    extensions: tuple[str, ...]


PDF = Kind("PDF", "application/pdf", (".pdf",))
PNG = Kind("PNG image", "image/png", (".png",))
JPEG = Kind("JPEG image", "image/jpeg", (".jpg", ".jpeg"))
GIF = Kind("GIF image", "image/gif", (".gif",))
DOCX = Kind("Word document", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", (".docx",))
XLSX = Kind("Excel workbook", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",))
PPTX = Kind("PowerPoint", "application/vnd.openxmlformats-officedocument.presentationml.presentation", (".pptx",))
DOC = Kind("Word 97-2003 document", "application/msword", (".doc",))
XLS = Kind("Excel 97-2003 workbook", "application/vnd.ms-excel", (".xls",))
ALLOWED_HELP = "a PDF, Word or Excel file, or an image (PNG, JPEG or GIF)"


# Office files that carry macros are refused: the VBA project's part in a .docx/.xlsx/.pptx (or .docm, .xlsm ...
# whose content types say "macroEnabled"), and in a Word 97-2003 or Excel 97-2003 file the storages and streams
# that hold one (their directory names are UTF-16 in the file). A 97-2003 file must be plain Word or Excel.
OOXML_MACRO_PARTS = frozenset({"vbaproject.bin", "vbadata.xml", "vbaprojectsignature.bin"})
OLE_MACRO_NAMES = ("_VBA_PROJECT", "_VBA_PROJECT_CUR", "Macros", "VBA")
OLE_WORD, OLE_EXCEL = ("WordDocument",), ("Workbook", "Book")
OLE_ENTRY = 128  # a directory entry's size: each starts with its name, NUL-terminated UTF-16, at a multiple of it
MAX_OLE_SCAN_BYTES = 12 * 1024 * 1024
MACROS_REFUSED = ("The file contains macros, which are not accepted. Save it without macros (as .docx or .xlsx) "
                  "and try again.")


def _legacy_office_kind(upload) -> Kind:
    """A Word 97-2003 or Excel 97-2003 file without macros, decided by its streams (never by its name)."""
    upload.seek(0)
    content = upload.read(MAX_OLE_SCAN_BYTES)
    upload.seek(0)
    if _ole_has_entry(content, OLE_MACRO_NAMES):
        raise UploadRefused(MACROS_REFUSED)
    if _ole_has_entry(content, OLE_WORD):
        return DOC
    if _ole_has_entry(content, OLE_EXCEL):
        return XLS
    raise UploadRefused(f"The file must be {ALLOWED_HELP}.")


def _ole_has_entry(content: bytes, names: tuple[str, ...]) -> bool:
    """Whether the compound file's directory names a storage or stream in `names` (text that merely contains
    the word is not at an entry's start)."""
    for name in names:
        encoded = name.encode("utf-16-le") + b"\x00\x00"
        start = content.find(encoded)
        while start != -1:
            if start % OLE_ENTRY == 0:
                return True
            start = content.find(encoded, start + 1)
    return False


def _office_kind(upload) -> Kind:
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            members = archive.infolist()
            if len(members) > MAX_ZIP_MEMBERS or sum(m.file_size for m in members) > MAX_UNZIPPED_BYTES:
                raise UploadRefused("The file is too large when opened. Save it again, or split it.")
            names = {m.filename for m in members}
            content_types = (archive.read("[Content_Types].xml")[:200_000]
                             if "[Content_Types].xml" in names else b"")
    except zipfile.BadZipFile as exc:
        raise UploadRefused(f"The file is damaged or not {ALLOWED_HELP}.") from exc
    if "[Content_Types].xml" not in names:
        raise UploadRefused(f"The file must be {ALLOWED_HELP}. Zip files are not accepted.")
    if (any(n.lower().rsplit("/", 1)[-1] in OOXML_MACRO_PARTS for n in names)
            or b"macroenabled" in content_types.lower()):
        raise UploadRefused(MACROS_REFUSED)
    if any(n.startswith("word/") for n in names):
        return DOCX
    if any(n.startswith("xl/") for n in names):
        return XLSX
    if any(n.startswith("ppt/") for n in names):
        return PPTX
    raise UploadRefused(f"The file must be {ALLOWED_HELP}.")


def detect_kind(upload) -> Kind:
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return GIF
    if head.startswith(b"PK\x03\x04"):
        return _office_kind(upload)
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return _legacy_office_kind(upload)
    raise UploadRefused(f"The file must be {ALLOWED_HELP}.")


def check_upload(upload, *, max_bytes: int = MAX_UPLOAD_BYTES) -> Kind:
    """Refuse empty, oversized and unexpected files. The file name's extension must match the content."""
    size = getattr(upload, "size", None)
    if not size:
        raise UploadRefused("The selected file is empty.")
    if size > max_bytes:
        raise UploadRefused(f"The selected file must be smaller than {max_bytes // (1024 * 1024)} MB.")
    kind = detect_kind(upload)
    name = (getattr(upload, "name", "") or "").lower()
    if not name.endswith(kind.extensions):
        raise UploadRefused(
            f"The file's name does not match its content (it is a {kind.label}). Rename it and try again."
        )
    return kind


def random_name(kind: Kind) -> str:
    """Stored names are random: a path never reveals or trusts what the uploader called the file."""
    return secrets.token_hex(16) + kind.extensions[0]


def sha256_of(upload) -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in iter(lambda: upload.read(64 * 1024), b""):
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def delete_stale_files(directory: str, *, older_than) -> int:
    """Remove files under `directory` of the default (private) storage older than `older_than`.

    For uploads kept between a preview and "save all" that nobody saved or cancelled. Returns how many.
    """
    from django.core.files.storage import default_storage
    from django.utils import timezone

    try:
        _, names = default_storage.listdir(directory)
    except FileNotFoundError:
        return 0
    cutoff = timezone.now() - older_than
    removed = 0
    for name in names:
        path = f"{directory}/{name}"
        if default_storage.get_modified_time(path) < cutoff:
            default_storage.delete(path)
            removed += 1
    return removed
