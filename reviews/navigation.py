"""This app's item in the service navigation (called by merton_qa.navigation; no queries)."""
from django.urls import reverse

from .access import is_reviews_user


def item(user) -> tuple[str, str, str] | None:
    """(label, url, section) for the reviews group and the business unit; None for everyone else."""
    if not is_reviews_user(user):
        return None
    return ("Reviews", reverse("reviews:home"), "/reviews/")
