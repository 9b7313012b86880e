"""This app's item in the service navigation (offered through the app's contribution; no queries)."""
from partnership.contract import NavItem
from partnership.links import route_url

from . import access

SECTION = "/section-11/"


def item(user) -> NavItem | None:
    """The cycles for the business unit and QA, the agency's returns, the analysis for chairs."""
    if access.is_oversight(user):
        return NavItem("Section 11", route_url("section11:cycle-list"), SECTION)
    if user.agency_id and user.has_role(*access.AGENCY_EDITORS):
        return NavItem("Section 11", route_url("section11:return-list"), SECTION)
    if access.can_see_analysis(user):
        return NavItem("Section 11", route_url("section11:analysis-list"), SECTION)
    return None
