"""The URL conf, walked: every named pattern of every app, with dummy values for its converters.

The security tests are generated from this walk, so a new URL is covered (or fails) without anyone
remembering to add it.
"""
from django.urls import URLPattern, URLResolver, get_resolver, reverse

# A dummy value per converter type; an unknown converter fails the walk loudly (see test_anonymous).
DUMMY = {"int": 1, "string": "dummy", "slug": "dummy", "uuid": "00000000-0000-0000-0000-000000000001",
         "path": "dummy/path"}
APPS = ("partnership", "section11", "performance", "audits", "reviews", "learning")


def walk(patterns=None, namespace=""):
    """(name, pattern) for every named pattern outside the Django admin (which has its own guard)."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            if entry.app_name == "admin":
                continue
            ns = entry.namespace or ""
            yield from walk(entry.url_patterns, f"{namespace}{ns}:" if ns else namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", entry


def converter_types(pattern: URLPattern) -> dict[str, str]:
    converters = getattr(pattern.pattern, "converters", {})
    return {key: type(conv).__name__.replace("Converter", "").lower() for key, conv in converters.items()}


def url_for(name: str, pattern: URLPattern, **values) -> str:
    kwargs = {key: values.get(key, DUMMY[kind]) for key, kind in converter_types(pattern).items()}
    return reverse(name, kwargs=kwargs)


def patterns_by_name() -> dict[str, URLPattern]:
    return dict(walk())


def every_named_url() -> list[tuple[str, str]]:
    return sorted({(name, url_for(name, pattern)) for name, pattern in walk()})


def object_patterns() -> list[str]:
    """Names of every pattern that takes an object id."""
    return sorted(name for name, pattern in walk() if "int" in converter_types(pattern).values())
