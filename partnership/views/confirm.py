"""One step taken through an app's service, for any app: a page that asks someone to confirm it (submit a return,
say: GET shows the page; POST takes the step and goes back with a message, or shows the page again with the refusal,
400), a page with a form whose valid POST takes it (`form_step`), or a button that takes it at once and goes back
with the refusal or the message; or the edit page of a versioned record that shows a refusal on itself
(`versioned_edit_step`)."""
from collections.abc import Callable

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render

from partnership.selectors import as_saved
from partnership.services.errors import ServiceError
from partnership.views.conflicts import refusal_status
from partnership.views.mixins import form_status


def confirm_page(request, *, act: Callable, done: str, back, template: str, context: Callable) -> HttpResponse:
    """`act()`: the step (the app's service); `done`: the message once taken; `back`: where to go then (a record or a
    URL); `context()`: the page's context, with `error` added (the refusal's message, or None)."""
    error = None
    if request.method == "POST":
        try:
            act()
        except ServiceError as refused:
            error = refused.message
        else:
            messages.success(request, done)
            return redirect(back)
    return render(request, template, {**context(), "error": error}, status=400 if error else 200)


def form_step(request, form, *, save: Callable, success: str | Callable, template: str, context: dict,
              to: Callable | None = None) -> HttpResponse:
    """A create/edit page: GET shows `template` with `form` and `context`; a valid POST calls `save(form)` (the app's
    service) and goes to `to(saved)` (`redirect`'s arguments; default: the saved record) with the message `success`
    (or `success(saved)`, for words read from it). Otherwise the page again with what was typed, 400: the refusal next
    to its field, or 409 for a stale edit of a model form's record (`partnership.views.conflicts`)."""
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                saved = save(form)
            except ServiceError as error:
                status = refusal_status(form, error, current=lambda: as_saved(form.instance))
            else:
                messages.success(request, success(saved) if callable(success) else success)
                return redirect(*(to(saved) if to else (saved,)))
    return render(request, template, {"form": form, **context}, status=status)


def versioned_edit_step(request, form, *, save: Callable[[], object], done: str, back, current: Callable,
                        page: Callable[[int], HttpResponse], saved_form: Callable | None = None) -> HttpResponse:
    """The edit page of a versioned record: a valid POST calls `save()` (the app's service, given the version the
    page was read at) and goes to `back` (a record or a URL) with the message `done`; otherwise `page(status)` shows
    the page again with what was typed: 400 with the errors or the refusal next to its field (`form_status`), or
    409 for a stale edit (`refusal_status`: `current()` reads the record as saved now, `saved_form(record)` makes
    its unbound form). `page` is called after the step, so it can read the conflict the form now carries
    (`form.conflict.version`)."""
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            save()
        except ServiceError as error:
            status = refusal_status(form, error, current=current, saved_form=saved_form)
        else:
            messages.success(request, done)
            return redirect(back)
    return page(status if status == 409 else form_status(form))


def button_step(request, act: Callable, done: str | Callable[[], str], *back) -> HttpResponse:
    """`act()`: the step (the app's service); `done`: the message once taken (or a callable giving it, for words
    read after the step); `back`: where to go either way (`redirect`'s arguments: a record, a URL, or a URL's name
    and its arguments), with the service's refusal shown there instead."""
    try:
        act()
    except ServiceError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, done() if callable(done) else done)
    return redirect(*back)
