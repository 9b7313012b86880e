"""Which records' pages a person may follow from a page that lists records from every app (the priority pages, the
duties register).

The apps' hooks give their records without knowing who will read them; the root shows a record's link only where
that record's page would let the reader in, by the page's own access rule, so no link answers a refusal. A page
not listed here is shown without a link (the safe default). Links the business unit keeps to outside documents
(a duty's evidence) are always followed.
"""
import functools
import re
from collections.abc import Callable

from django.urls import Resolver404, resolve

from audits import access as audits_access
from partnership import access
from reviews.access import is_reviews_user
from section11.access import can_see_analysis


def _signed_in(user) -> bool:
    return user.is_authenticated


# By view name, or by namespace for every page of an app.
RULES = {
    "reviews": is_reviews_user,  # every case page: the reviews group only
    "section11:cycle-analysis": can_see_analysis,
    "audits:audit-detail": lambda user: audits_access.is_oversight(user) or audits_access.is_reader(user),
    "learning:course": _signed_in,
    "performance:indicator-detail": _signed_in,
    "partnership:action-detail": access.sees_all_actions,
}


_NUMBER = re.compile(r"(?<=/)\d+(?=/)")


def may_follow(user, url: str) -> bool:
    return follower(user)(url)


def follower(user) -> Callable[[str], bool]:
    """`may_follow(user, url)` for one reader and many records: each kind of page's rule is asked once (a page lists
    hundreds of records of a few kinds; the duties register, 95 of three)."""
    allowed: dict[tuple[str, str], bool] = {}

    def follow(url: str) -> bool:
        if not url:
            return False
        if url.startswith(("https://", "http://")):
            return True
        # Which page a record's address opens depends on its route, not on the record's number: the pages list
        # hundreds of records of a few kinds, so each kind is resolved once per process (no route of the service has
        # a number of its own in its path, and every converter taking a number takes 0).
        names = _page_of(_NUMBER.sub("0", url.split("?")[0]))
        if names is None:
            return False
        if names not in allowed:
            rule = RULES.get(names[0]) or RULES.get(names[1])
            allowed[names] = bool(rule and rule(user))
        return allowed[names]
    return follow


@functools.lru_cache(maxsize=256)
def _page_of(path: str) -> tuple[str, str] | None:
    """(view name, namespace) of the page at `path`, or None when no page answers it."""
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.view_name, match.namespace
