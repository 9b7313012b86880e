"""Small view helpers shared by every app."""
import functools

from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.http import HttpResponseNotAllowed
from django.views.decorators.http import require_http_methods

from partnership import notify
from partnership.input_rules import as_id
from partnership.kept_forms import posts, posts_no_form


class SignedInMixin(LoginRequiredMixin):
    """Every page but the public ones needs a signed-in person."""


def post_only(view):
    """A GET to a POST-only view answers 405."""

    def wrapped(request, *args, **kwargs):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        return view(request, *args, **kwargs)

    return functools.wraps(view)(wrapped)  # its name and marks (@posts, @edits_versioned) go with it


# The four kinds of view most views are, each declared in one line (what the kind is made of, the generated tests
# check: the sign-in sweep, the 405 for a wrong method, the kept forms). A view of another kind spells its out.

def form_view(*form_classes):
    """A signed-in page with a form: GET shows it, POST sends it; `form_classes` are the forms its POST reads
    (`@posts`, for the kept forms)."""
    mark = posts(*form_classes)

    def kind(view):
        return login_required(require_http_methods(["GET", "POST"])(mark(view)))

    return kind


def confirm_view(reason: str):
    """A signed-in page that asks someone to confirm a step: GET shows it, POST takes the step; nothing typed
    (`@posts_no_form(reason)`)."""
    mark = posts_no_form(reason)

    def kind(view):
        return login_required(require_http_methods(["GET", "POST"])(mark(view)))

    return kind


def inline_form_view(*form_classes):
    """A signed-in view that takes a form shown on another page (a box on a record's page): POST only (a GET answers
    405); `form_classes` are the forms its POST reads (`@posts`, for the kept forms)."""
    mark = posts(*form_classes)

    def kind(view):
        return login_required(post_only(mark(view)))

    return kind


def button_view(reason: str):
    """A signed-in button that takes a step at once: POST only (a GET answers 405), nothing typed
    (`@posts_no_form(reason)`)."""
    mark = posts_no_form(reason)

    def kind(view):
        return login_required(post_only(mark(view)))

    return kind


def form_status(form) -> int:
    """The status of a page that shows `form` (None: shown without it): 400 when it was sent back with errors (what
    was typed is kept in it, the errors next to their fields), else 200. One rule for every app's form pages (a stale
    edit's 409 comes from `partnership.views.conflicts.refusal_status`)."""
    return 400 if form is not None and form.is_bound and form.errors else 200


LIST_PAGE_SIZE = 100  # rows a list page shows at most, as many as the Django admin's changelist


def paginate(request, queryset, per_page: int = 50, *, param: str = "page", count: int | None = None):
    """The page `?page=` asks for (the first for nonsense, the last for a number past the end) of a queryset or
    list. Shown by `{% include "includes/pagination.html" %}` with `query` (`page_query`) so its links keep the
    filters and sort. A page with two lists pages the second by another `param` (and passes it to the include),
    so each list moves on its own. `count`: how many rows the queryset has, when the caller counted them already
    (with other figures, in one query), so the paginator does not count them again."""
    paginator = Paginator(queryset, per_page)
    if count is not None:
        paginator.count = count  # a cached_property: set, it is not worked out again
    return paginator.get_page(request.GET.get(param))


def page_query(request, param: str = "page") -> str:
    """The query string without `page` (or another list's `param`): what the pagination links carry over (filters,
    sort, the page number of a page's other list)."""
    query = request.GET.copy()
    query.pop(param, None)
    return query.urlencode()


def list_page(request, rows, *, param: str = "page", count: int | None = None):
    """The page asked for of a list page's rows, LIST_PAGE_SIZE a page (read when called, so a test may shrink it);
    `count` as `paginate`'s."""
    return paginate(request, rows, LIST_PAGE_SIZE, param=param, count=count)


def paginated(request, rows) -> dict:
    """A list page's context for its rows: `page` (`list_page`) and `query` for the pagination links."""
    return {"page": list_page(request, rows), "query": page_query(request)}


def tracks_delivery(page) -> bool:
    """Whether a page of emails shows a delivery column: when GOV.UK Notify sends them, or any of them was."""
    return notify.configured() or any(email.delivery_status for email in page.object_list)


def posted_version(request, *, default: int) -> int:
    """The version the person started editing from; nonsense counts as stale (a conflict), never a crash."""
    if request.method != "POST":
        return default
    version = as_id(request.POST.get("version", str(default)))
    return -1 if version is None else version
