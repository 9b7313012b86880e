"""The service navigation, by role. The composition root is the one place that knows every app."""
from django.urls import reverse

from partnership import access
from partnership.middleware import needs_second_factor


def items_for(user) -> list[tuple[str, str, str]]:
    """(label, url, section): the item is marked active on every page whose path starts with `section`."""
    if not user.is_authenticated or needs_second_factor(user):
        return []  # a password-only session reaches nothing but two-factor set-up and sign-out
    actions = reverse("partnership:action-list")
    items = [("Home", reverse("home"), "")]
    if access.sees_all_actions(user):
        items.append(("Actions", actions, actions))
    elif user.agency_id:
        # Action pages live under /actions/ (not /actions/mine/): keep "My agency's actions" marked on them.
        items.append(("My agency's actions", reverse("partnership:my-actions"), actions))
    priorities = reverse("partnership:priority-list")
    items.append(("Priorities", priorities, priorities))
    if access.can_request_reports(user):
        reports = reverse("partnership:export-list")
        items.append(("Reports", reports, reports))
    if access.is_business_unit(user):
        people = reverse("partnership:user-list")
        items.append(("People", people, people))
        admin = reverse("admin:index")
        items.append(("Admin", admin, admin))
    return items


def navigation(request):
    """Context processor: nav items with the current one marked, and whether to offer sign-out."""
    user = getattr(request, "user", None)
    if user is None:  # an error page rendered before the authentication middleware ran
        return {"nav_items": [], "nav_sign_out": False}
    path = request.path
    items = []
    for label, url, section in items_for(user):
        current = path == url
        active = current or bool(section and path.startswith(section))
        items.append({"label": label, "url": url, "current": current, "active": active})
    return {"nav_items": items, "nav_sign_out": user.is_authenticated}
