"""This app's item in the service navigation and its own sub-navigation (no queries)."""
from partnership.contract import NavItem
from partnership.links import route_url

from . import access


def item(user) -> NavItem | None:
    """Everyone signed in reads the performance framework; the item opens its overview."""
    return NavItem("Performance", route_url("performance:home"), "/performance/")


def data_returns_url(user) -> str | None:
    """Where this person's data returns are: every agency's for the business unit, their agency's for its
    lead and contributors, none for anyone else."""
    if access.can_manage(user):
        return route_url("performance:data-returns")
    if user.is_authenticated and user.agency_id and user.has_role(*access.AGENCY_EDITORS):
        return route_url("performance:my-data-returns")
    return None


def sections(user) -> list[tuple[str, str, str]]:
    """(key, label, url) of the pages of the performance framework this person may open, in order."""
    links = [("home", "Overview", route_url("performance:home")),
             ("scorecard", "Scorecard", route_url("performance:scorecard")),
             ("exceptions", "Exception report", route_url("performance:exceptions")),
             ("indicators", "Indicators", route_url("performance:indicators"))]
    returns = data_returns_url(user)
    if returns:
        links.append(("data-returns", "Data returns", returns))
    if access.can_manage(user):  # the calendar's progress spans every agency
        links.append(("data-calendar", "Data calendar", route_url("performance:data-calendar")))
    return links
