"""What someone typed survives being signed out as they press Save, on every form.

When a signed-in session ends (idle or absolute limit: `SessionTimeoutMiddleware`) and the request that found
it ended is a form POST, `KeepTypedThroughSignInMiddleware` keeps the POST (after Django's CSRF check, so a
forged request is never kept) in the new anonymous session, which survives signing in (django.contrib.auth
keeps an anonymous session's data and only changes its key). Signing in then leads to "Your changes were not
saved" (`/session/kept/`), which shows what was typed and offers to send it to the same form again, with a
fresh CSRF token: the form's own view validates it, and its version check refuses a stale save and keeps the
text. Uploaded files cannot be kept; the page says so.

A view that keeps typed text its own way (Section 11 answers, sent by htmx) is marked with
`@keeps_typed_through_sign_in_itself`.
"""
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.mixins import AccessMixin
from django.shortcuts import redirect, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

KEPT = "kept_form"
MAX_CHARACTERS = 100_000  # a session is not a file store: beyond this, nothing is kept (and the page says so)
KEEP_AFTER_END_SECONDS = 60 * 60
SECRET_WORDS = ("password", "token", "otp")  # never kept, whatever form they come from
NOT_SHOWN = frozenset({"csrfmiddlewaretoken", "version", "action", "next"})


def keeps_typed_through_sign_in_itself(view):
    view.keeps_typed_through_sign_in = True
    return view


def keep(request) -> bool:
    data = {key: values for key, values in request.POST.lists()
            if key != "csrfmiddlewaretoken" and not any(word in key.lower() for word in SECRET_WORDS)}
    if sum(len(v) for values in data.values() for v in values) > MAX_CHARACTERS:
        return False
    request.session[KEPT] = {"path": request.path, "data": data, "had_files": bool(request.FILES)}
    return True


def kept(request) -> dict | None:
    """The kept form of this session, if its address is one of ours."""
    value = request.session.get(KEPT)
    if not value or not url_has_allowed_host_and_scheme(value.get("path", ""), allowed_hosts=None):
        return None
    return value


def discard(request) -> None:
    request.session.pop(KEPT, None)


def label(name: str) -> str:
    """A field name as a reader can take it: "good_practice-12" -> "Good practice 12"."""
    words = name.replace("_", " ").replace("-", " ").strip()
    return words[:1].upper() + words[1:]


def shown_fields(value: dict) -> list[tuple[str, list[str]]]:
    """(label, values) of what was typed, leaving out the form's own bookkeeping and empty fields."""
    return [(label(key), values) for key, values in value["data"].items()
            if key not in NOT_SHOWN and any(v.strip() for v in values)]


def needs_sign_in(view_func) -> bool:
    """Only forms behind sign-in are kept: never the sign-in form itself, nor a public page's."""
    view_class = getattr(view_func, "view_class", None)
    return hasattr(view_func, "login_url") or (  # set by login_required and user_passes_test
        view_class is not None and issubclass(view_class, AccessMixin))


def session_just_ended(request) -> bool:
    """This request ended a signed-in session, or comes from a browser whose session a time limit ended
    within the hour and that has not signed in since (another tab; the timeout warning sending a form)."""
    if getattr(request, "session_ended", None):
        return True
    from partnership import middleware

    ended_at = request.session.get(middleware.SESSION_ENDED_AT)
    return (not request.user.is_authenticated and ended_at is not None
            and middleware.clock() - ended_at < KEEP_AFTER_END_SECONDS)


class KeepTypedThroughSignInMiddleware:
    """After the session timeout (which marks the request) and after CSRF (in the middleware order)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (request.method == "POST" and request.user.is_authenticated and KEPT in request.session
                and request.session[KEPT].get("path") == request.path):
            discard(request)  # sent again to its form: the form's view now decides what happens to it
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if (request.method != "POST" or not needs_sign_in(view_func) or not session_just_ended(request)
                or getattr(view_func, "keeps_typed_through_sign_in", False)
                or request.path == reverse("partnership:session-keep-alive")):
            return None
        target = reverse("partnership:session-kept") if keep(request) else request.path
        return redirect(f"{resolve_url(settings.LOGIN_URL)}?{urlencode({'next': target})}")
