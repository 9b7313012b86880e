"""This app's item in the service navigation (offered through the app's contribution; no queries)."""
from partnership.contract import NavItem
from partnership.links import route_url

from .access import is_reviews_user


def item(user) -> NavItem | None:
    """The menu item for the reviews group and the business unit; None for everyone else."""
    if not is_reviews_user(user):
        return None
    return NavItem("Reviews", route_url("reviews:home"), "/reviews/")
