"""PDFs from Django templates with WeasyPrint: A4, tagged (PDF/UA-1), static files read from disk.

Rendering takes seconds for a long report: call `render_pdf` from a Celery task, never in a request.
The URL fetcher never makes a network request: `/static/...` URLs on the document's own origin are
read from the static files on disk, `data:` URLs are decoded, and anything else is refused.
"""
import mimetypes
import posixpath
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from partnership import history
from partnership.downloads import download

# Relative URLs in a template (`{% static %}` gives "/static/...") resolve against this origin when
# there is no request (a Celery task). It is never contacted: the fetcher maps it to disk.
INTERNAL_BASE_URL = "https://pdf.merton-qa.invalid/"


class RefusedURL(ValueError):
    """The PDF asked for something other than one of our static files."""


class StaticFileFetcher(URLFetcher):
    """A WeasyPrint 70 URL fetcher (a `URLFetcher` subclass overriding `fetch`) that reads from disk."""

    def __init__(self, base_url: str = INTERNAL_BASE_URL, **kwargs):
        super().__init__(allowed_protocols=("http", "https", "data"), **kwargs)
        origins = {INTERNAL_BASE_URL, base_url}
        self.allowed_hosts = {urlsplit(origin).netloc.lower() for origin in origins}

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme not in ("http", "https") or parts.netloc.lower() not in self.allowed_hosts:
            raise RefusedURL(f"PDF rendering refuses {url!r}: only this site's static files are allowed")
        path = find_static(parts.path)
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": content_type})


def find_static(url_path: str) -> Path:
    """The file on disk behind a `/static/...` URL path; RefusedURL for anything else."""
    prefix = urlsplit(settings.STATIC_URL).path
    path = unquote(url_path)
    if not path.startswith(prefix):
        raise RefusedURL(f"Not a static file URL: {url_path!r}")
    relative = posixpath.normpath(path.removeprefix(prefix))
    if relative.startswith(("/", "..")) or "\\" in relative or "\x00" in relative:
        raise RefusedURL(f"Unsafe static path: {url_path!r}")
    found = finders.find(relative)
    if found:
        return Path(found)
    if settings.STATIC_ROOT:  # collected (and hashed) files in production
        root = Path(settings.STATIC_ROOT).resolve()
        candidate = (root / relative).resolve()
        if candidate.is_relative_to(root) and candidate.is_file():
            return candidate
    raise FileNotFoundError(f"Static file not found: {url_path!r}")


def render_pdf(template_name: str, context: dict, *, request=None) -> bytes:
    """Render a template (one that extends pdf/base.html) to tagged PDF bytes."""
    full_context = {
        "PARTNERSHIP_NAME": settings.PARTNERSHIP_NAME,
        "PARTNERSHIP_SHORT_NAME": settings.PARTNERSHIP_SHORT_NAME,
        "generated_at": timezone.localtime(history.now()),  # a seeded record: when it happened
        **context,
    }
    html = render_to_string(template_name, full_context, request=request)
    base_url = request.build_absolute_uri("/") if request is not None else INTERNAL_BASE_URL
    document = HTML(string=html, base_url=base_url, url_fetcher=StaticFileFetcher(base_url))
    return document.write_pdf(pdf_variant="pdf/ua-1")


def pdf_response(pdf_bytes: bytes, filename: str) -> HttpResponse:
    """An attachment download of PDF bytes."""
    return download(pdf_bytes, filename, "application/pdf")



def sample_pdf() -> bytes:
    """Render templates/pdf/sample.html with made-up data: a smoke test that PDFs work here."""
    from datetime import date, timedelta

    from partnership.charts import line_chart, line_chart_table, rag_cell

    months = ["Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "Jan", "Feb", "Mar"]
    values = [72, 75, 71, None, 80, 83, 85, 82, 88, 90, 87, 91]
    london = [78, 79, 79, 80, 80, 81, 81, 82, 82, 83, 83, 84]
    chart_args = {"labels": months, "values": values, "target": 85, "unit": "%",
                  "comparators": {"London average": london}}
    ratings = [("green", "Green"), ("amber", "Amber"), ("red", "Red"), ("na", "Not applicable")]
    rows = [{"ref": f"A-{i:03d}", "action": f"Review the multi-agency referral pathway, step {i}",
             "owner": ["Police", "Health", "Children's social care", "Education"][i % 4],
             "due": date(2025, 4, 1) + timedelta(days=7 * i),
             "rag": ratings[i % 4][0], "rag_label": ratings[i % 4][1]} for i in range(1, 81)]
    context = {
        "chart": line_chart(title="Initial health assessments within 20 working days",
                            description="Monthly percentage, April to March, against an 85% target.",
                            **chart_args),
        "chart_table": line_chart_table(title="Initial health assessments within 20 working days (data)",
                                        **chart_args),
        "rag": rag_cell("amber"),
        "rows": rows,
    }
    return render_pdf("pdf/sample.html", context)
