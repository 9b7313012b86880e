"""What the kernel puts forward for a meeting's agenda, and the papers a meeting can take from it: overdue actions
by agency, and the board packs published."""
from django.db.models import Count, Min
from django.urls import reverse

from partnership.contract import AgendaSuggestion, SystemPaper, day_words, plural
from partnership.models import Action
from partnership.services import board_packs


def items(today, user) -> list:
    """[AgendaSuggestion, ...]: one item per agency with overdue actions (most overdue first), and the latest
    published board pack. Two queries."""
    overdue = (Action.objects.overdue(today).values("owner_agency_id", "owner_agency__name")
               .annotate(count=Count("pk"), oldest=Min("due_date"))
               .order_by("-count", "owner_agency__name"))
    suggestions = [AgendaSuggestion(
        key=f"actions:overdue:{row['owner_agency_id']}", kind="Overdue actions",
        title=f"Overdue actions: {row['owner_agency__name']}",
        detail=f"{plural(row['count'], 'action')} overdue, the oldest due {day_words(row['oldest'])}",
        url=reverse("partnership:action-list") + f"?owner_agency={row['owner_agency_id']}&overdue=on")
        for row in overdue]
    pack = board_packs.latest_published()
    if pack is not None:
        suggestions.append(AgendaSuggestion(key=f"actions:board-pack:{pack.pk}", kind="Pack ready",
                                            title=f"Board pack {pack.label} published",
                                            url=pack.get_absolute_url()))
    return suggestions


def papers(user) -> list:
    """[SystemPaper, ...]: the published board packs (PDF), newest first. One query."""
    return [SystemPaper(f"actions:board-pack:{pack.pk}", f"Board pack {pack.label} (PDF)",
                        reverse("board-pack-download", args=[pack.pk]))
            for pack in board_packs.published_packs()[:4]]
