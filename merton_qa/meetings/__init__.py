"""The agenda builder: what every app says is due for a meeting (`Governance.agenda_items`) and the papers it can
take from the system (`Governance.papers`), read through `merton_qa.app_parts.governance_parts()`.

Items already on the meeting's agenda (by `AgendaSuggestion.key`) and papers already attached are left out, so
nothing is offered twice. A thematic subgroup sees what is tagged to its priorities (all of it on request). The
home page counts what is due from the apps' `Governance.agenda_keys` (the same rule, without words or links),
through the same filter (`due_count`).
"""
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone

from partnership.compiled import compiled_list
from partnership.contract import AgendaKey, AgendaSuggestion, SystemPaper
from partnership.models import AgendaItem, Meeting

from ..app_parts import governance_parts


def _every_app(hook, today, user) -> list:
    """What every app's agenda hook (`hook(part)`: the part's function, or None) answers, in the apps' order."""
    return [found for part in governance_parts() if hook(part) for found in hook(part)(today, user)]


def all_suggestions(today, user) -> list[AgendaSuggestion]:
    return _every_app(lambda part: part.agenda_items, today, user)


def all_keys(today, user) -> list[AgendaKey]:
    """The keys and priorities of `all_suggestions`, each app's by the same rule as its suggestions."""
    return _every_app(lambda part: part.agenda_keys, today, user)


def _not_yet_on(meeting: Meeting, found: list, *, everything: bool, taken: set[str] | None) -> list:
    """The suggestions (or their keys) not yet on `meeting`'s agenda; for a thematic subgroup, only those tagged to
    its priorities, unless `everything`."""
    if taken is None:
        taken = set(compiled_list(_taken, (), (meeting.pk,)))
    found = [s for s in found if s.key not in taken]
    if meeting.subgroup.kind == meeting.subgroup.Kind.THEMATIC and not everything:
        own = {p.pk for p in meeting.subgroup.priorities.all()}
        found = [s for s in found if own.intersection(s.priority_ids)]
    return found


def _taken(meeting_id: int):
    """The suggestions' keys already on a meeting's agenda (compiled once: `partnership.compiled`)."""
    return AgendaItem.objects.filter(meeting_id=meeting_id).exclude(source_key="").values_list("source_key", flat=True)


def suggestions_for(meeting: Meeting, user, *, today=None, everything: bool = False,
                    taken: set[str] | None = None) -> list[AgendaSuggestion]:
    """What is due for `meeting` and not yet on its agenda. For a thematic subgroup, only what is tagged to its
    priorities, unless `everything`."""
    today = today or timezone.localdate()
    return _not_yet_on(meeting, all_suggestions(today, user), everything=everything, taken=taken)


def due_count(meeting: Meeting, user, *, today=None) -> int:
    """How many suggestions `suggestions_for` offers `meeting`, counted from the apps' keys without making the
    suggestions (the home page's "items due for its agenda")."""
    today = today or timezone.localdate()
    return len(_not_yet_on(meeting, all_keys(today, user), everything=False, taken=None))


def performance_pack(subgroup) -> SystemPaper | None:
    """The subgroup's saved scorecard view (its filters), which goes with its papers every period."""
    filters = subgroup.scorecard_filters
    if not filters:
        return None
    return SystemPaper(f"performance:pack:{subgroup.pk}", f"Performance pack: the scorecard for {subgroup.name}",
                       reverse("performance:scorecard") + "?" + urlencode(filters))


def papers_for(meeting: Meeting, user) -> list[SystemPaper]:
    """The papers `meeting` can take from the system, its subgroup's performance pack first, without those
    attached."""
    attached = set(meeting.papers.exclude(system_key="").values_list("system_key", flat=True))
    found = [p for p in [performance_pack(meeting.subgroup)] if p]
    for part in governance_parts():
        if part.papers:
            found.extend(part.papers(user))
    return [p for p in found if p.key not in attached]


def find(items, key: str):
    return next((item for item in items if item.key == key), None)
