"""This app's item in the service navigation (called by merton_qa.navigation; no queries)."""
from django.urls import reverse

from . import access


def item(user) -> tuple[str, str, str] | None:
    """(label, url, section) for this user, or None when the app has nothing for them."""
    if access.is_oversight(user) or access.is_reader(user):
        return ("Case audits", reverse("audits:programme-list"), "/audits/")
    if access.is_auditor(user):
        return ("Case audits", reverse("audits:my-audits"), "/audits/")
    return None
