"""Per-person limits on costly work (issue 17, finding 6): one module, counted in the shared cache.

- `over(key, limit, window)`: count one more attempt under `key`; True once the count passes `limit` in `window`
  seconds. With the cache unreachable it answers False (the service must not fail because Redis did).
- `one_at_a_time(key, seconds)`: a context manager that holds a short lock, or raises `Busy` when the same
  person already has one running (so one person never holds more than one web worker with a PDF).
- `limited_pdf` and `limited_export`: the one guard (`limited(COSTLY)`) for every view that makes a costly download
  in the request, a PDF or a spreadsheet/CSV file: at most so many per person in a window, and one at a time per
  person, else the 429 page. The guarded view carries `costly_download` (the kind's name).
  tests/security/test_costly_requests.py walks the URL conf as every persona and checks that every view that made a
  PDF (outside a background task) or answered a spreadsheet or CSV file carries it.
"""
import functools
import logging
from contextlib import contextmanager
from dataclasses import dataclass

from django.core.cache import cache
from django.shortcuts import render

log = logging.getLogger(__name__)

PDF_PER_PERSON = 10
PDF_WINDOW = 10 * 60
PDF_LOCK_SECONDS = 120  # longer than the web worker's own 60 s timeout: a killed worker's lock runs out
EXPORTS_PER_PERSON = 10  # background reports asked for in EXPORTS_WINDOW
EXPORTS_WINDOW = 10 * 60
SHEETS_PER_PERSON = 20  # spreadsheets and CSV files made in the request, in SHEETS_WINDOW
SHEETS_WINDOW = 10 * 60


class Busy(Exception):
    pass


class TooMany(Exception):
    """Raised by a service when a person has asked for more than their share; TooManyMiddleware answers 429."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class TooManyMiddleware:
    """Any request stopped by `TooMany` gets the 429 page with its message (and nothing it asked for is made:
    the service raised inside its transaction)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, TooMany):
            return _too_many(request, exception.message)
        return None


def over(key: str, limit: int, window: int) -> bool:
    try:
        cache.add(key, 0, window)
        try:
            count = cache.incr(key)
        except ValueError:
            cache.set(key, 1, window)
            count = 1
    except Exception:  # noqa: BLE001 - any cache backend error
        log.warning("rate limit unavailable: cache error", exc_info=True)
        return False
    return count > limit


@contextmanager
def one_at_a_time(key: str, seconds: int = PDF_LOCK_SECONDS):
    try:
        got = cache.add(key, 1, seconds)
    except Exception:  # noqa: BLE001 - any cache backend error: no lock, the work goes ahead
        log.warning("one-at-a-time lock unavailable: cache error", exc_info=True)
        got = None
    if got is False:
        raise Busy
    try:
        yield
    finally:
        if got:
            try:
                cache.delete(key)
            except Exception:  # noqa: BLE001 - the lock runs out on its own
                log.warning("one-at-a-time lock not released: cache error", exc_info=True)


def person_key(request) -> str:
    from partnership.net import client_ip

    user = getattr(request, "user", None)
    return f"user:{user.pk}" if user is not None and user.is_authenticated else f"ip:{client_ip(request) or '-'}"


@dataclass(frozen=True)
class Costly:
    """A kind of download made in the request, and its share per person."""
    name: str  # in the cache keys and the `costly_download` marker
    per_person: int
    window: int
    made: str  # "You have made 10 {made} in the last 10 minutes"
    busy: str  # said while another of the person's downloads is being made


PDF = Costly("pdf", PDF_PER_PERSON, PDF_WINDOW, "PDFs",
             "Another PDF of yours is still being made. Wait for it to download, then try again.")
SHEET = Costly("sheet", SHEETS_PER_PERSON, SHEETS_WINDOW, "spreadsheet or CSV downloads",
               "Another download of yours is still being made. Wait for it to finish, then try again.")


def limited(costly: Costly, *, when=None):
    """Decorate a view that makes a costly download in the request. `when(request)`: only those requests count (a
    page that answers a CSV file only when asked for one)."""

    def decorate(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            if when is not None and not when(request):
                return view(request, *args, **kwargs)
            who = person_key(request)
            if over(f"limit:{costly.name}:{who}", costly.per_person, costly.window):
                return _too_many(request, f"You have made {costly.per_person} {costly.made} in the last "
                                          f"{costly.window // 60} minutes. Wait a few minutes, then try again.")
            try:
                with one_at_a_time(f"limit:{costly.name}-running:{who}"):
                    return view(request, *args, **kwargs)
            except Busy:
                return _too_many(request, costly.busy)

        wrapper.costly_download = costly.name
        return wrapper

    return decorate


limited_pdf = limited(PDF)
limited_export = limited(SHEET)


def asks_for_csv(request) -> bool:
    """For `limited(SHEET, when=...)` on a page that is also a CSV file with ?format=csv."""
    return request.GET.get("format") == "csv"


def _too_many(request, message: str):
    return render(request, "errors/too_many.html", {"message": message}, status=429)
