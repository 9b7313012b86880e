"""This app's item in the service navigation (called by merton_qa.navigation; no queries)."""
from django.urls import reverse


def item(user) -> tuple[str, str, str] | None:
    """(label, url, section) for this user, or None when the app has nothing for them."""
    if not user.is_authenticated:
        return None
    return ("Learning", reverse("learning:courses"), "/learning/")
