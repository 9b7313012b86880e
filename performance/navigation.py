"""This app's item in the service navigation (offered through the app's contribution; no queries)."""
from django.urls import reverse

from partnership.contract import NavItem


def item(user) -> NavItem | None:
    """Everyone signed in reads the scorecard."""
    return NavItem("Performance", reverse("performance:scorecard"), "/performance/")
