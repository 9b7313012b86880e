"""Small view helpers shared by every app."""
import functools

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.http import HttpResponseNotAllowed


class SignedInMixin(LoginRequiredMixin):
    """Every page but the public ones needs a signed-in person."""


def post_only(view):
    """A GET to a POST-only view answers 405."""

    def wrapped(request, *args, **kwargs):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        return view(request, *args, **kwargs)

    return functools.wraps(view)(wrapped)  # its module and name: kept_forms finds the view's form by them


def paginate(request, queryset, per_page: int = 50):
    paginator = Paginator(queryset, per_page)
    return paginator.get_page(request.GET.get("page"))
