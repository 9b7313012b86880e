"""This app's item in the service navigation (offered through the app's contribution; no queries)."""
from partnership.contract import NavItem
from partnership.links import route_url

from . import access


def item(user) -> NavItem | None:
    """The menu item for this user, or None when the app has nothing for them."""
    if access.is_oversight(user) or access.is_reader(user):
        return NavItem("Case audits", route_url("audits:programme-list"), "/audits/")
    if access.is_auditor(user):
        return NavItem("Case audits", route_url("audits:my-audits"), "/audits/")
    return None
