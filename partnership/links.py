"""Addresses put in emails and letters: always from settings.SITE_URL, never from the request's Host header, which
the client sets (a reset or invitation link built from it could send its token to someone else's site)."""
from django.conf import settings


def site_link(path: str) -> str:
    return settings.SITE_URL + path
