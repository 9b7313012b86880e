"""Per-person limits on costly work (issue 17, finding 6): one module, counted in the shared cache.

- `over(key, limit, window)`: count one more attempt under `key`; True once the count passes `limit` in `window`
  seconds. With the cache unreachable it answers False (the service must not fail because Redis did).
- `one_at_a_time(key, seconds)`: a context manager that holds a short lock, or raises `Busy` when the same
  person already has one running (so one person never holds more than one web worker with a PDF).
- `limited_pdf`: the guard for every view that makes a PDF in the request: at most PDF_PER_PERSON in
  PDF_WINDOW seconds and one at a time per person, else the 429 page. tests/security/test_costly_requests.py
  finds every view that makes a PDF in the request and checks it carries this guard.
"""
import functools
import logging
from contextlib import contextmanager

from django.core.cache import cache
from django.shortcuts import render

log = logging.getLogger(__name__)

PDF_PER_PERSON = 10
PDF_WINDOW = 10 * 60
PDF_LOCK_SECONDS = 120  # longer than the web worker's own 60 s timeout: a killed worker's lock runs out
EXPORTS_PER_PERSON = 10  # background reports asked for in EXPORTS_WINDOW
EXPORTS_WINDOW = 10 * 60


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


def limited_pdf(view):
    """Decorate a view that makes a PDF in the request."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        who = person_key(request)
        if over(f"limit:pdf:{who}", PDF_PER_PERSON, PDF_WINDOW):
            return _too_many(request, f"You have made {PDF_PER_PERSON} PDFs in the last {PDF_WINDOW // 60} "
                                      "minutes. Wait a few minutes, then try again.")
        try:
            with one_at_a_time(f"limit:pdf-running:{who}"):
                return view(request, *args, **kwargs)
        except Busy:
            return _too_many(request, "Another PDF of yours is still being made. Wait for it to download, then "
                                      "try again.")

    wrapper.limited_pdf = True
    return wrapper


def _too_many(request, message: str):
    return render(request, "errors/too_many.html", {"message": message}, status=429)
