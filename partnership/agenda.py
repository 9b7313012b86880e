"""What the kernel puts forward for a meeting's agenda, and the papers a meeting can take from it: overdue actions
by agency, and the board packs published."""
from django.urls import reverse

from partnership.contract import AgendaKey, AgendaSuggestion, SystemPaper, day_words, plural
from partnership.selectors import actions_by_agency
from partnership.services import board_packs


def _overdue_by_agency(today) -> list[dict]:
    """The agencies with overdue actions, most overdue first (`actions_by_agency`, read once per page: the home page's
    figures read it too)."""
    return [row for row in actions_by_agency(today) if row["overdue_count"]]


def _overdue_key(agency_id) -> AgendaKey:
    return AgendaKey(f"actions:overdue:{agency_id}")


def _pack_key(pack) -> AgendaKey:
    return AgendaKey(f"actions:board-pack:{pack.pk}")


def items(today, user) -> list:
    """[AgendaSuggestion, ...]: one item per agency with overdue actions (most overdue first), and the latest
    published board pack. Two queries."""
    suggestions = [AgendaSuggestion(
        key=_overdue_key(row["owner_agency_id"]).key, kind="Overdue actions",
        title=f"Overdue actions: {row['owner_agency__name']}",
        detail=f"{plural(row['overdue_count'], 'action')} overdue, the oldest due {day_words(row['oldest_overdue'])}",
        url=reverse("partnership:action-list") + f"?owner_agency={row['owner_agency_id']}&overdue=on")
        for row in _overdue_by_agency(today)]
    pack = board_packs.latest_published()
    if pack is not None:
        suggestions.append(AgendaSuggestion(key=_pack_key(pack).key, kind="Pack ready",
                                            title=f"Board pack {pack.label} published",
                                            url=pack.get_absolute_url()))
    return suggestions


def keys(today, user) -> list:
    """[AgendaKey, ...] of `items`, by the same rule. Two queries (the pack's is read once per page)."""
    found = [_overdue_key(row["owner_agency_id"]) for row in _overdue_by_agency(today)]
    pack = board_packs.latest_published()
    return found + ([_pack_key(pack)] if pack is not None else [])


def papers(user) -> list:
    """[SystemPaper, ...]: the published board packs (PDF), newest first. One query."""
    return [SystemPaper(f"actions:board-pack:{pack.pk}", f"Board pack {pack.label} (PDF)",
                        reverse("board-pack-download", args=[pack.pk]))
            for pack in board_packs.published_packs()[:4]]
