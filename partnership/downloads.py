"""What the browser is handed to save, one way for every app: an attachment under its name, marked `nosniff` so
the browser never renders what it was given to save (a workbook made now, a PDF, a stored upload)."""
from django.http import FileResponse, HttpResponse
from django.utils.http import content_disposition_header


def nosniff(response):
    """The response, marked so the browser keeps to its content type (a CSV stays a CSV)."""
    response["X-Content-Type-Options"] = "nosniff"
    return response


def download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    """Bytes made for this request (a workbook, a PDF) as an attachment."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    return nosniff(response)


def stored_download(file, filename: str, content_type: str | None = None) -> FileResponse:
    """A stored file (evidence, a paper, terms of reference) streamed as an attachment; its content type is the
    one found at upload, or guessed from `filename` when none was kept."""
    return nosniff(FileResponse(file.open("rb"), as_attachment=True, filename=filename, content_type=content_type))
