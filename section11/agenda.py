"""What this app puts forward for a meeting's agenda, and the papers a meeting can take from it: the returns of an
open cycle past its deadline, and each cycle's analysis."""
from django.db.models import Count, Q
from django.urls import reverse

from partnership.contract import AgendaKey, AgendaSuggestion, SystemPaper, day_words, plural

from .models import Cycle, Return

NOT_IN = Return.NOT_IN


def _late_cycles(today):
    """The open cycles past their deadline with returns not in, each with how many (`late`)."""
    return (Cycle.objects.filter(status=Cycle.Status.OPEN, deadline__lt=today)
            .annotate(late=Count("returns", filter=Q(returns__status__in=NOT_IN))).filter(late__gt=0)
            .order_by("deadline"))


def _key(cycle_id) -> AgendaKey:
    return AgendaKey(f"section11:late:{cycle_id}")


def items(today, user) -> list:
    """[AgendaSuggestion, ...]: one item per open cycle past its deadline with returns not in. One query."""
    late = _late_cycles(today)
    return [AgendaSuggestion(key=_key(cycle.pk).key, kind="Late returns",
                             title=f"Section 11 returns overdue: {cycle.name}",
                             detail=f"{plural(cycle.late, 'return')} not submitted; the deadline was "
                                    f"{day_words(cycle.deadline)}",
                             url=cycle.get_absolute_url()) for cycle in late]


def keys(today, user) -> list:
    """[AgendaKey, ...] of `items`, by the same rule. One query."""
    return [_key(pk) for pk in _late_cycles(today).values_list("pk", flat=True)]


def papers(user) -> list:
    """[SystemPaper, ...]: the analysis of each open or closed cycle (PDF), newest first. One query."""
    cycles = Cycle.objects.exclude(status=Cycle.Status.DRAFT).only("pk", "name").order_by("-opens_on", "-pk")[:6]
    return [SystemPaper(f"section11:analysis:{cycle.pk}", f"Section 11 analysis: {cycle.name}",
                        reverse("section11:cycle-analysis", args=[cycle.pk])) for cycle in cycles]
