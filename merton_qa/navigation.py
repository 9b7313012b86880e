"""The service navigation, by role. The composition root is the one place that knows every app."""
from django.conf import settings

from partnership import access
from partnership.links import route_url

from .composition import APPS


def _before_second_factor(user, path: str) -> bool:
    """A password-only session that the two-factor middleware keeps to set-up, verification and sign-out.

    Decided without a query (django_otp's `user_has_device` costs one on every page): 2FA required and
    not yet verified, or on the two-factor pages themselves.
    """
    if getattr(user, "is_verified", lambda: True)():
        return False
    two_factor_pages = (route_url("partnership:two-factor-setup"), route_url("partnership:two-factor-verify"))
    return settings.REQUIRE_2FA or path in two_factor_pages


def items_for(user, path: str = "") -> list[tuple[str, str, str]]:
    """(label, url, section): the item is marked active on every page whose path starts with `section`."""
    if not user.is_authenticated or _before_second_factor(user, path):
        return []  # the menu would offer only pages that bounce back to two-factor sign-in
    actions = route_url("partnership:action-list")
    items = [("Home", route_url("home"), "")]
    if access.sees_all_actions(user):
        items.append(("Actions", actions, actions))
    elif user.agency_id:
        # Action pages live under /actions/ (not /actions/mine/): keep "My agency's actions" marked on them.
        items.append(("My agency's actions", route_url("partnership:my-actions"), actions))
    for app in APPS:
        app_item = app.navigation(user) if app.navigation else None
        if app_item:
            items.append((app_item.label, app_item.url, app_item.section))
    if access.reads_every_meeting(user):  # members of a subgroup reach their meetings from the home page
        meetings = route_url("subgroup-list")
        items.append(("Meetings", meetings, meetings))
    if access.sees_all_profiles(user):
        agencies = route_url("agency-list")
        items.append(("Agencies", agencies, agencies))
    priorities = route_url("priority-list")
    items.append(("Priorities", priorities, priorities))
    if access.can_request_reports(user):
        reports = route_url("partnership:export-list")
        items.append(("Reports", reports, reports))
    if access.is_business_unit(user):
        people = route_url("partnership:user-list")
        items.append(("People", people, people))
        admin = route_url("admin:index")
        items.append(("Admin", admin, admin))
    account = route_url("partnership:account")
    items.append(("Your account", account, account))
    return items


def navigation(request):
    """Context processor: nav items with the current one marked, and whether to offer sign-out."""
    user = getattr(request, "user", None)
    if user is None:  # an error page rendered before the authentication middleware ran
        return {"nav_items": [], "nav_sign_out": False}
    path = request.path
    items = []
    for label, url, section in items_for(user, path):
        current = path == url
        active = current or bool(section and path.startswith(section))
        items.append({"label": label, "url": url, "current": current, "active": active})
    return {"nav_items": items, "nav_sign_out": user.is_authenticated}
