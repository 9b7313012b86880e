"""The service navigation, by role. The composition root is the one place that knows every app."""
from django.urls import reverse

from partnership import access


def items_for(user) -> list[tuple[str, str]]:
    if not user.is_authenticated:
        return []
    items = [("Home", reverse("home"))]
    if access.sees_all_actions(user):
        items.append(("Actions", reverse("partnership:action-list")))
    elif user.agency_id:
        items.append(("My agency's actions", reverse("partnership:my-actions")))
    items.append(("Priorities", reverse("partnership:priority-list")))
    if access.can_request_reports(user):
        items.append(("Reports", reverse("partnership:export-list")))
    if access.is_business_unit(user):
        items.append(("People", reverse("partnership:user-list")))
        items.append(("Admin", reverse("admin:index")))
    return items


def navigation(request):
    """Context processor: nav items with the current one marked."""
    path = request.path
    items = []
    for label, url in items_for(request.user):
        current = path == url
        active = current or (url != "/" and path.startswith(url))
        items.append({"label": label, "url": url, "current": current, "active": active})
    return {"nav_items": items}
