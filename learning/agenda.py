"""What this app puts forward for a meeting's agenda, and the papers a meeting can take from it."""


def items(today, user) -> list:
    """[AgendaSuggestion, ...] due for the next meeting, in a fixed number of queries."""
    return []


def keys(today, user) -> list:
    """[AgendaKey, ...] of `items`, by the same rule: none."""
    return []


def papers(user) -> list:
    """[SystemPaper, ...] this user may attach to a meeting."""
    return []
