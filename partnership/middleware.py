"""Request middleware of the shared kernel."""
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from django.http import Http404, JsonResponse, QueryDict
from django.shortcuts import redirect
from django.urls import Resolver404, get_resolver, resolve, reverse

from partnership import security_log, url_secrets

# Paths a signed-in person who has not yet passed two-factor sign-in may still reach.
_TWO_FACTOR_OPEN_PREFIXES = ("/static/", "/healthz", "/accessibility/", "/privacy/", "/cookies/")
# Session: the work account's provider said multi-factor sign-in was used, and its record lets that count as
# two-factor sign-in (partnership.services.work_accounts).
MFA_BY_PROVIDER = "work_account_mfa"


def needs_second_factor(user) -> bool:
    """A signed-in person must pass TOTP when 2FA is required, or when they have set it up."""
    if not user.is_authenticated or user.is_verified() or getattr(user, "mfa_by_provider", False):
        return False
    if settings.REQUIRE_2FA:
        return True
    # Asked by this middleware and again by the navigation: look the device up once per request.
    if not hasattr(user, "_has_otp_device"):
        from django_otp import user_has_device

        user._has_otp_device = user_has_device(user)
    return user._has_otp_device


class TwoFactorRequiredMiddleware:
    """A password-only session reaches nothing but 2FA set-up, verification and sign-out."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and request.session.get(MFA_BY_PROVIDER):
            user.mfa_by_provider = True
        if user is not None and needs_second_factor(user):
            allowed = {
                reverse("partnership:two-factor-setup"),
                reverse("partnership:two-factor-verify"),
                reverse("partnership:sign-out"),
                reverse("partnership:session-keep-alive"),
            }
            if request.path not in allowed and not request.path.startswith(_TWO_FACTOR_OPEN_PREFIXES):
                from django_otp import user_has_device

                target = "partnership:two-factor-verify" if user_has_device(user) else "partnership:two-factor-setup"
                query = QueryDict(mutable=True)
                query["next"] = request.get_full_path()
                return redirect(f"{reverse(target)}?{query.urlencode(safe='/')}")
        return self.get_response(request)


class PermissionsPolicyMiddleware:
    """Every response says which browser features the service never uses (settings.PERMISSIONS_POLICY)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


class NoStoreForSignedInMiddleware:
    """Pages for signed-in people, one-time links' pages (partnership.url_secrets) and every download (a
    delegate's certificate too) are never cached."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if request.path.startswith("/static/"):
            return response
        if ("attachment" in response.get("Content-Disposition", "") or (user is not None and user.is_authenticated)
                or url_secrets.is_secret_url(request)):
            response["Cache-Control"] = "no-store"
        return response


# --- Session lifetime: the one place that decides when a signed-in session ends ---------------------------
# settings.SESSION_IDLE_TIMEOUT: seconds without a request before the session ends (30 minutes);
# settings.SESSION_COOKIE_AGE: seconds from signing in after which it ends whatever the activity (12 hours).
# The cookie alone cannot hold either limit: every request saves the session and so slides its expiry.
SIGNED_IN_AT = "signed_in_at"
LAST_ACTIVE_AT = "last_active_at"
SESSION_ENDED_AT = "session_ended_at"  # in the anonymous session that follows one ended by a time limit
SESSION_ENDED_FOR = "session_ended_for"  # ... with the id of the person signed in (kept text is theirs alone)
# Activity is written to the session at most once a minute (a write per request would cost every page three
# queries): the session may so end up to a minute before 30 minutes of real inactivity, never after.
# "Stay signed in" always writes.
ACTIVITY_RESOLUTION = 60
SIGNED_OUT_MESSAGES = {
    "idle": "You were signed out after {idle} without activity; nothing you saved is lost. "
            "Sign in again to carry on.",
    "absolute": "You were signed out because you had been signed in for {hours} hours, the longest a session "
                "can last; nothing you saved is lost. Sign in again to carry on.",
}


def duration_text(seconds: int) -> str:
    """ "5 minutes", "1 minute", "45 seconds": a time limit as people read it."""
    minutes = seconds // 60
    if minutes:
        return f"{minutes} minute{'' if minutes == 1 else 's'}"
    return f"{seconds} second{'' if seconds == 1 else 's'}"


def clock() -> float:
    """Seconds since the epoch (a function, so tests can move the clock)."""
    return time.time()


def session_deadlines(session) -> tuple[float, float]:
    """(idle deadline, absolute deadline) of a signed-in session, as epoch seconds."""
    return (session[LAST_ACTIVE_AT] + settings.SESSION_IDLE_TIMEOUT,
            session[SIGNED_IN_AT] + settings.SESSION_COOKIE_AGE)


def session_time_left(session, now: float) -> dict:
    """What the timeout warning needs: seconds left, and whether staying signed in would take the end out of
    the warning's reach (it cannot once the absolute limit is that close)."""
    idle, absolute = session_deadlines(session)
    return {"seconds_left": max(0, round(min(idle, absolute) - now)),
            "can_extend": absolute - now > settings.SESSION_TIMEOUT_WARNING}


def _start_clocks(session, now: float) -> None:
    session[SIGNED_IN_AT] = now
    session[LAST_ACTIVE_AT] = now
    session.pop(SESSION_ENDED_AT, None)
    session.pop(SESSION_ENDED_FOR, None)


def start_session_clocks(sender, request, user, **kwargs) -> None:
    """Signing in (django.contrib.auth's user_logged_in, connected in apps.py) starts both clocks."""
    if request is not None and hasattr(request, "session"):
        _start_clocks(request.session, clock())


class SessionTimeoutMiddleware:
    """End a signed-in session after SESSION_IDLE_TIMEOUT without activity, or SESSION_COOKIE_AGE after sign-in.

    Every request of a signed-in person counts as activity (see ACTIVITY_RESOLUTION), except the timeout warning
    asking how long is left (a GET to the keep-alive address); pressing "Stay signed in" POSTs there, which counts.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = clock()
            session = request.session
            if SIGNED_IN_AT not in session or LAST_ACTIVE_AT not in session:
                _start_clocks(session, now)  # a session from before this rule: its clocks start now
            idle, absolute = session_deadlines(session)
            if now >= absolute or now >= idle:
                request.session_ended = "absolute" if now >= absolute else "idle"
                self._sign_out(request, request.session_ended)
                if request.path == reverse("partnership:session-keep-alive"):
                    return JsonResponse({"seconds_left": 0, "can_extend": False, "signed_in": False})
                # Otherwise the request goes on as an anonymous one: a page that needs signing in sends to
                # sign in as usual, and a form sent as the session ended is kept (partnership.kept_forms).
            else:
                keep_alive = request.path == reverse("partnership:session-keep-alive")
                if keep_alive and request.method == "POST" or (
                        not keep_alive and now - session[LAST_ACTIVE_AT] >= ACTIVITY_RESOLUTION):
                    session[LAST_ACTIVE_AT] = now  # asking how long is left (a GET) is not activity
                request.session_timeout = session_time_left(session, now)  # for the warning dialog in the page
        return self.get_response(request)

    @staticmethod
    def _sign_out(request, reason: str) -> None:
        user_pk = request.user.pk
        logout(request)  # flushes the session: its key can never be used again
        # The new, anonymous session remembers that it ended, and whose it was, so a form sent from another tab
        # (or by the timeout warning) after this request is still kept through signing in, for that person
        # only (partnership.kept_forms).
        request.session[SESSION_ENDED_AT] = clock()
        request.session[SESSION_ENDED_FOR] = user_pk
        messages.info(request, SIGNED_OUT_MESSAGES[reason].format(
            idle=duration_text(settings.SESSION_IDLE_TIMEOUT), hours=settings.SESSION_COOKIE_AGE // 3600))


class SecurityEventsMiddleware:
    """Log every refusal (403, 404) and every file download, whichever view or handler produced it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith("/static/"):
            return response
        reference = security_log.view_reference(getattr(request, "resolver_match", None))
        if response.status_code in (403, 404):
            outcome = "forbidden" if response.status_code == 403 else "not-found"
            security_log.event("access-denied", request, outcome=outcome, reference=reference)
        elif response.status_code == 200 and "attachment" in response.get("Content-Disposition", ""):
            security_log.event("download", request, outcome="success", reference=reference)
        return response


class HouseErrorPagesMiddleware:
    """The service's own 404, 400 and 500 pages even when `DEBUG` is on, as it is for the demo: Django would
    otherwise answer an unknown address with the list of every URL pattern and a fault with its trace. A
    developer who wants Django's pages sets `DEBUG_ERROR_PAGES` (the 500 page's reference is in the log with the
    trace either way). With `DEBUG` off Django already uses the handlers, and this does nothing.

    It sits outside `TooManyMiddleware`, whose 429 page must answer its own exception first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _house_pages_in_debug():
            try:
                resolve(request.path_info, getattr(request, "urlconf", None))
            except Resolver404 as error:  # Django would list its URL patterns
                return _handler(request, 404)(request, error)
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not _house_pages_in_debug():
            return None
        if isinstance(exception, Http404):
            return _handler(request, 404)(request, exception)
        if isinstance(exception, PermissionDenied):
            return None  # Django renders the house 403 whatever DEBUG says
        if isinstance(exception, (BadRequest, SuspiciousOperation)):
            return _handler(request, 400)(request, exception)
        return _handler(request, 500)(request)  # still inside the except: the handler logs the trace


def _house_pages_in_debug() -> bool:
    return settings.DEBUG and not getattr(settings, "DEBUG_ERROR_PAGES", False)


def _handler(request, status: int):
    """The URL conf's handler404/400/500 (the composition root's views), found as Django finds them."""
    return get_resolver(getattr(request, "urlconf", None)).resolve_error_handler(status)
