"""Which records' pages a person may follow from a page that lists records from every app (the priority pages, the
duties register).

The apps' hooks give their records without knowing who will read them; the root shows a record's link only where
that record's page would let the reader in, by the page's own access rule, so no link answers a refusal. A page
not listed here is shown without a link (the safe default). Links the business unit keeps to outside documents
(a duty's evidence) are always followed.
"""
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


def may_follow(user, url: str) -> bool:
    if not url:
        return False
    if url.startswith(("https://", "http://")):
        return True
    try:
        match = resolve(url.split("?")[0])
    except Resolver404:
        return False
    rule = RULES.get(match.view_name) or RULES.get(match.namespace)
    return bool(rule and rule(user))
