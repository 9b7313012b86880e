"""This app's item in the service navigation (offered through the app's contribution; no queries)."""
from partnership.contract import NavItem
from partnership.links import route_url


def item(user) -> NavItem | None:
    """The menu item for this user, or None when the app has nothing for them."""
    if not user.is_authenticated:
        return None
    return NavItem("Learning", route_url("learning:courses"), "/learning/")
