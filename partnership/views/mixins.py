"""Small view helpers shared by every app."""
import functools

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.http import HttpResponseNotAllowed

from partnership import notify
from partnership.input_rules import as_id


class SignedInMixin(LoginRequiredMixin):
    """Every page but the public ones needs a signed-in person."""


def post_only(view):
    """A GET to a POST-only view answers 405."""

    def wrapped(request, *args, **kwargs):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        return view(request, *args, **kwargs)

    return functools.wraps(view)(wrapped)  # its name and marks (@posts, @edits_versioned) go with it


def paginate(request, queryset, per_page: int = 50):
    paginator = Paginator(queryset, per_page)
    return paginator.get_page(request.GET.get("page"))


def tracks_delivery(page) -> bool:
    """Whether a page of emails shows a delivery column: when GOV.UK Notify sends them, or any of them was."""
    return notify.configured() or any(email.delivery_status for email in page.object_list)


def posted_version(request, *, default: int) -> int:
    """The version the person started editing from; nonsense counts as stale (a conflict), never a crash."""
    if request.method != "POST":
        return default
    version = as_id(request.POST.get("version", str(default)))
    return -1 if version is None else version
