"""What someone typed survives being signed out as they press Save, on every form.

When a signed-in session ends (idle or absolute limit: `SessionTimeoutMiddleware`) and the request that found
it ended is a form POST, `KeepTypedThroughSignInMiddleware` keeps the POST (after Django's CSRF check, so a
forged request is never kept) in the new anonymous session, which survives signing in (django.contrib.auth
keeps an anonymous session's data and only changes its key). Signing in then leads to "Your changes were not
saved" (`/session/kept/`), which shows what was typed and offers to send it to the same form again, with a
fresh CSRF token: the form's own view validates it, and its version check refuses a stale save and keeps the
text. Uploaded files cannot be kept; the page says so.

The kept page names each field by its form's label and each choice by its words: every view behind sign-in
that takes a POST declares the form class(es) it reads with `@posts(FormClass)`, or `@posts_no_form(reason)`
when nothing typed comes with it (a button). Nothing is guessed: tests/security/test_kept_forms.py walks the
URL conf and refuses a view that declares neither.

A page where kept text goes back into one form of many (Section 11's answers, sent by htmx) is wrapped with
`@keeps_in_place(key, then=...)` and reads it back with `kept_at` and `take`, so the same rules apply:

- kept text belongs to the person whose session ended (`typist`): it is held with their id, discarded when
  anyone else signs in on that browser (`discard_other_peoples`, on user_logged_in) and never shown to anyone
  else (`held`);
- nothing is kept from a restricted area (`RESTRICTED_NAMESPACES`: the reviews app, serious incidents);
- showing kept text is a read of what was typed: it goes to the security log (`kept-form-read`).
"""
import functools
import re
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import AccessMixin
from django.forms.formsets import BaseFormSet
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, resolve_url
from django.urls import Resolver404, resolve, reverse
from django.utils.http import url_has_allowed_host_and_scheme

from partnership import security_log

KEPT = "kept_form"
HELD_KEYS = "kept_keys"  # the session keys holding someone's kept text, whichever view kept it
RESTRICTED_NAMESPACES = frozenset({"reviews"})  # never kept: a later sign-in on the browser must not reveal it
MAX_CHARACTERS = 100_000  # a session is not a file store: beyond this, nothing is kept (and the page says so)
KEEP_AFTER_END_SECONDS = 60 * 60
SECRET_WORDS = ("password", "token", "otp")  # never kept, whatever form they come from
NOT_SHOWN = frozenset({"csrfmiddlewaretoken", "version", "action", "next"})


def posts(*form_classes):
    """Declare the form class(es) (or formset classes) whose POST a view reads: a kept POST to it is shown with
    their labels and choices."""
    if not form_classes or not all(_is_form_class(f) for f in form_classes):
        raise TypeError("@posts takes the form classes the view reads")

    def mark(view):
        view.posted_forms = form_classes
        return view

    return mark


def posts_no_form(reason: str):
    """Declare that what a view is posted is nothing typed to show (a button, a file), and why."""
    if not reason.strip():
        raise TypeError("@posts_no_form needs its reason")

    def mark(view):
        view.posted_forms = ()
        view.posts_no_form = reason
        return view

    return mark


def _is_form_class(value) -> bool:
    return isinstance(value, type) and issubclass(value, (forms.BaseForm, BaseFormSet))


def keeps_in_place(key: str, *, then: str):
    """For a page where kept text goes back into one form of many, in place (Section 11's answers): the wrapped
    view answers a signed-out request itself, before any look-up. A POST is held under `key` with the URL's
    arguments (`kept_at`), and signing in leads to the URL named `then`, with the same arguments, whose page
    takes the text back (`take`). An htmx request is sent to sign in as a whole page (HX-Redirect)."""

    def decorate(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.user.is_authenticated:
                return view(request, *args, **kwargs)
            if request.method == "POST":
                keep(request, key, where=kwargs)
            sign_in = f"{resolve_url(settings.LOGIN_URL)}?{urlencode({'next': reverse(then, kwargs=kwargs)})}"
            if getattr(request, "htmx", False):
                return HttpResponse(headers={"HX-Redirect": sign_in})
            return redirect(sign_in)

        wrapped.keeps_typed_through_sign_in = True  # the middleware leaves its POSTs to it
        return wrapped

    return decorate


def typed(request) -> dict[str, list[str]] | None:
    """What the POST holds that may be kept: no CSRF token, nothing secret; None beyond MAX_CHARACTERS."""
    data = {key: values for key, values in request.POST.lists()
            if key != "csrfmiddlewaretoken" and not any(word in key.lower() for word in SECRET_WORDS)}
    if sum(len(v) for values in data.values() for v in values) > MAX_CHARACTERS:
        return None
    return data


def typist(request) -> int | None:
    """The id of the person whose session this request found ended (or that ended within the hour and that
    nobody has signed in to since), or None."""
    from partnership import middleware

    return request.session.get(middleware.SESSION_ENDED_FOR) if session_just_ended(request) else None


def is_restricted(request) -> bool:
    match = getattr(request, "resolver_match", None)
    return bool(match and RESTRICTED_NAMESPACES & set(match.namespaces))


def hold(request, key: str, value: dict) -> bool:
    """Keep `value` in the session under `key` for the person who typed it. Not kept (False): a restricted
    area, or a request with no signed-in session that just ended (nobody to keep it for)."""
    owner = typist(request)
    if owner is None or is_restricted(request):
        return False
    request.session[key] = {**value, "user": owner}
    request.session[HELD_KEYS] = sorted({*request.session.get(HELD_KEYS, []), key})
    return True


def held(request, key: str, *, read: bool = True) -> dict | None:
    """The text kept under `key` if the signed-in person typed it (anyone else's is discarded). `read`: it is
    about to be shown, which the security log records."""
    value = request.session.get(key)
    if value is None:
        return None
    if not request.user.is_authenticated or value.get("user") != request.user.pk:
        release(request, key)
        return None
    if read:
        log_read(request, value)
    return value


def log_read(request, value: dict) -> None:
    """Showing kept text is a read of what was typed, like any record's page."""
    security_log.event("kept-form-read", request, outcome="success",
                       reference=security_log.path_reference(value.get("path", "")))


def release(request, key: str) -> None:
    request.session.pop(key, None)
    keys = [k for k in request.session.get(HELD_KEYS, []) if k != key]
    if keys:
        request.session[HELD_KEYS] = keys
    else:
        request.session.pop(HELD_KEYS, None)


def discard_other_peoples(sender, request, user, **kwargs) -> None:
    """On signing in (user_logged_in): what someone else typed on this browser is thrown away, unseen."""
    session = getattr(request, "session", None)
    if session is None:
        return
    for key in list(session.get(HELD_KEYS, [])):
        if (session.get(key) or {}).get("user") != user.pk:
            release(request, key)


def keep(request, key: str = KEPT, **about) -> bool:
    """Hold what this POST typed under `key` for its typist (see `hold`), with `about` it."""
    data = typed(request)
    return data is not None and hold(request, key, {**about, "path": request.path, "data": data,
                                                    "had_files": bool(request.FILES)})


def kept_at(request, key: str) -> dict | None:
    """The URL arguments the signed-in person's text held by `keeps_in_place` was posted with (not yet read)."""
    value = held(request, key, read=False)
    return value.get("where") if value else None


def take(request, key: str) -> QueryDict | None:
    """The signed-in person's text held under `key`, as posted, read (the security log records it) and no
    longer held: it is shown once."""
    value = held(request, key)
    if value is None:
        return None
    release(request, key)
    data = QueryDict(mutable=True)
    for name, values in value["data"].items():
        data.setlist(name, values)
    return data


def kept(request, *, read: bool = False) -> dict | None:
    """The signed-in person's own kept form of this session, if its address is one of ours."""
    value = held(request, KEPT, read=False)
    if not value or not url_has_allowed_host_and_scheme(value.get("path", ""), allowed_hosts=None):
        return None
    if read:
        log_read(request, value)
    return value


def discard(request) -> None:
    release(request, KEPT)


# Lists every signed-in person may read: a choice from one is shown by its name. Any other chosen record is
# not looked up (the kept POST is the person's own, so an id typed into it must not reveal a record's name).
SHARED_LISTS = frozenset({"partnership.agency", "partnership.journeystage", "partnership.inspectioncriterion",
                          "partnership.inspectionframework", "partnership.priority"})
DATE_PARTS = {"0": "day", "1": "month", "2": "year"}
PREFIX = re.compile(r"^(?:.+-)?(?P<name>[^-]+)$")  # "form-0-rating" is the field "rating"
PART = re.compile(r"^(?P<name>.+)_(?P<part>\d)$")  # "incident_on_1": the month of a date in three boxes


def label(name: str) -> str:
    """A field name as a reader can take it: "good_practice-12" -> "Good practice 12"."""
    words = name.replace("_", " ").replace("-", " ").strip()
    return words[:1].upper() + words[1:]


def form_fields(path: str, names: list[str]) -> dict[str, forms.Field]:
    """The fields of the form the kept data was sent from: of the form classes the path's view declares
    (`@posts`), the one with most of these names. Empty for an address that is not ours or a view with no form
    (the names are then shown as they are)."""
    try:
        view = resolve(path).func
    except Resolver404:
        return {}
    best, matched = {}, 0
    for form_class in getattr(view, "posted_forms", ()):
        fields = (form_class.form if issubclass(form_class, BaseFormSet) else form_class).base_fields
        overlap = sum(1 for n in names if _field_for(n, fields)[0] is not None)
        if overlap > matched:
            best, matched = fields, overlap
    return best


def _field_for(key: str, fields: dict) -> tuple[forms.Field | None, str | None]:
    """The field a posted name belongs to, and the part of it (a date's day, month or year), if any."""
    name = PREFIX.match(key)["name"]
    if name in fields:
        return fields[name], None
    part = PART.match(name)
    if part and part["name"] in fields:
        return fields[part["name"]], DATE_PARTS.get(part["part"], part["part"])
    return None, None


def _shown(field: forms.Field | None, values: list[str]) -> list[str]:
    """The values as the form showed them: a choice by its words, a tick as Yes."""
    if isinstance(field, forms.BooleanField):
        return ["Yes" if v in ("on", "true", "True", "1") else "No" for v in values]
    if isinstance(field, forms.ModelChoiceField):
        model = getattr(field.queryset, "model", None)
        if model is None or model._meta.label_lower not in SHARED_LISTS:
            return ["(a choice: it will be sent again as it was)"]
        names = {str(o.pk): str(o) for o in model._default_manager.filter(pk__in=[v for v in values if v.isdigit()])}
        return [names.get(v, v) for v in values]
    if isinstance(field, forms.ChoiceField):
        choices = {}
        for key, text in field.choices:
            if isinstance(text, (list, tuple)):  # a group of choices
                choices.update({str(k): str(t) for k, t in text})
            else:
                choices[str(key)] = str(text)
        return [choices.get(v, v) for v in values]
    return values


def shown_fields(value: dict) -> list[tuple[str, list[str]]]:
    """(label, values) of what was typed, with the form's own labels and choices where its form is known,
    leaving out the form's bookkeeping and empty fields."""
    data = {key: values for key, values in value["data"].items()
            if key not in NOT_SHOWN and any(v.strip() for v in values)}
    fields = form_fields(value["path"], list(data))
    shown = []
    for key, values in data.items():
        field, part = _field_for(key, fields)
        if field is None:
            shown.append((label(key), values))
            continue
        text = str(field.label or label(PREFIX.match(key)["name"]))
        shown.append((f"{text} ({part})" if part else text, _shown(field, values)))
    return shown


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
        if is_restricted(request):
            messages.warning(request, "What you typed was not kept: forms about serious incidents and reviews "
                                      "are never kept after a session ends.")
        target = reverse("partnership:session-kept") if keep(request) else request.path
        return redirect(f"{resolve_url(settings.LOGIN_URL)}?{urlencode({'next': target})}")
