"""Addresses put in emails and letters: always from settings.SITE_URL, never from the request's Host header, which
the client sets (a reset or invitation link built from it could send its token to someone else's site)."""
from functools import lru_cache

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse


def site_link(path: str) -> str:
    return settings.SITE_URL + path


# --- A record's address without a `reverse` per row ------------------------------------------------------------
_PK = 918273645  # stands for the pk in a reversed pattern: digits no route has of its own


@lru_cache(maxsize=256)
def _pattern(name: str, prefix: str, urlconf) -> str:
    return reverse(name, args=[_PK])


@lru_cache(maxsize=256)
def _route(name: str, prefix: str, urlconf) -> str:
    return reverse(name)


def route_url(name: str) -> str:
    """`reverse(name)` for a route without arguments, reversed once per process (and script prefix and URL conf):
    the navigation and the layout name a dozen such routes on every page (about 1 ms of reverses a page)."""
    return _route(name, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)


def pk_url(name: str, pk: int) -> str:
    """`reverse(name, args=[pk])` for a route taking one integer, reversed once per process (and URL conf) and
    filled in: a list of 500 records' links costs 500 string replacements, not 500 reverses."""
    return _pattern(name, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF).replace(str(_PK), str(int(pk)))
