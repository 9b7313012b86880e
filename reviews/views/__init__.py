"""Views of the reviews app, one module per area; each declares its `urlpatterns`."""
import functools
from urllib.parse import urlencode

from django.shortcuts import render
from django.urls import reverse

from partnership.views.mixins import form_status


def form_page(request, form, *, title: str, caption: str = "", back_url: str, back_label: str = "Back",
              button: str = "Save", intro: str = "", status: int = 200):
    """The one template for the app's forms: error summary, caption (case reference at most), form, button. A form
    sent back with errors answers 400, as every other app's (a stale edit's 409 is kept)."""
    return render(request, "reviews/form.html", {"form": form, "title": title, "caption": caption,
                                                  "back_url": back_url, "back_label": back_label,
                                                  "button": button, "intro": intro},
                  status=status if status != 200 else form_status(form))


def log_action(request) -> str:
    return "update" if request.method == "POST" else "view"


def post_only(view):
    """POST-only, but people outside the reviews group get 404 before they learn the method (405)."""
    from django.http import HttpResponseNotAllowed

    from .. import access

    def wrapped(request, *args, **kwargs):
        access.require_reviews(request.user)
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        return view(request, *args, **kwargs)

    return functools.wraps(view)(wrapped)  # its name and marks (@posts, @edits_versioned) go with it


def case_log_url(request, obj) -> str | None:
    """For the business unit: the access log filtered to this case (None for everyone else)."""
    from .. import access

    if not access.is_business_unit(request.user):
        return None
    return f"{reverse('reviews:access-log')}?{urlencode({'record': obj.case_reference})}"
