"""Which kinds of background report exist: each app registers its generator here at import.

Apart from the export service (`partnership.services.exports`, which runs them) so that the access rules can ask
which kinds are private without importing the service that sends email.
"""
from collections.abc import Callable

Generator = Callable[[dict], tuple[str, bytes]]
_REGISTRY: dict[str, Generator] = {}
_TITLES: dict[str, str] = {}
_ON_REPORTS_PAGE: set[str] = set()
_PRIVATE: set[str] = set()


def register_export(kind: str, *, title: str = "", on_reports_page: bool = False, private: bool = False):
    """Register a generator. `on_reports_page`: it needs no parameters, so the reports page offers it.
    `private`: only the person who asked sees and downloads it (one agency's record, such as its Section 11
    return: the report readers who see every other export may not see that record)."""

    def decorator(func: Generator) -> Generator:
        _REGISTRY[kind] = func
        _TITLES[kind] = title or kind.replace("-", " ").replace("_", " ").capitalize()
        if on_reports_page:
            _ON_REPORTS_PAGE.add(kind)
        if private:
            _PRIVATE.add(kind)
        return func

    return decorator


def private_kinds() -> list[str]:
    return sorted(_PRIVATE)


def export_kinds() -> list[str]:
    return sorted(_REGISTRY)


def export_title(kind: str) -> str:
    return _TITLES.get(kind, kind)


def reports_page_kinds() -> list[tuple[str, str]]:
    """The reports anyone allowed may ask for from the reports page (those that need no parameters)."""
    return [(kind, _TITLES[kind]) for kind in sorted(_ON_REPORTS_PAGE)]
