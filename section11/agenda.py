"""What this app puts forward for a meeting's agenda, and the papers a meeting can take from it: the returns of an
open cycle past its deadline, and each cycle's analysis."""
from django.urls import reverse

from partnership.contract import AgendaKey, AgendaSuggestion, SystemPaper, day_words, plural

from . import selectors
from .models import Cycle


def _late_cycles(today) -> list[Cycle]:
    """The open cycles past their deadline with returns not in (`not_in`), soonest deadline first (read once per
    page: the home page's panel shows the open cycles)."""
    return [cycle for cycle in selectors.cycles_open_with_counts() if cycle.deadline < today and cycle.not_in]


def _key(cycle_id) -> AgendaKey:
    return AgendaKey(f"section11:late:{cycle_id}")


def items(today, user) -> list:
    """[AgendaSuggestion, ...]: one item per open cycle past its deadline with returns not in. One query."""
    late = _late_cycles(today)
    return [AgendaSuggestion(key=_key(cycle.pk).key, kind="Late returns",
                             title=f"Section 11 returns overdue: {cycle.name}",
                             detail=f"{plural(cycle.not_in, 'return')} not submitted; the deadline was "
                                    f"{day_words(cycle.deadline)}",
                             url=cycle.get_absolute_url()) for cycle in late]


def keys(today, user) -> list:
    """[AgendaKey, ...] of `items`, by the same rule. One query."""
    return [_key(cycle.pk) for cycle in _late_cycles(today)]


def papers(user) -> list:
    """[SystemPaper, ...]: the analysis of each open or closed cycle (PDF), newest first. One query."""
    cycles = Cycle.objects.exclude(status=Cycle.Status.DRAFT).only("pk", "name").order_by("-opens_on", "-pk")[:6]
    return [SystemPaper(f"section11:analysis:{cycle.pk}", f"Section 11 analysis: {cycle.name}",
                        reverse("section11:cycle-analysis", args=[cycle.pk])) for cycle in cycles]
