"""A page that asks someone to confirm one step (submit a return, say), for any app: GET shows the page; POST takes
the step through the app's service and goes back with a message, or shows the page again with the refusal (400)."""
from collections.abc import Callable

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render

from partnership.services.errors import ServiceError


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
