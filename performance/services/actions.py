"""Raising an action in the partnership's one action tracker from an indicator or one of its exceptions."""
import datetime

from django.db import transaction

from partnership.models import Action
from partnership.services.actions import action_create

from ..models import Indicator
from ..scorecard import Row


def suggested_action(indicator: Indicator, row: Row | None = None) -> dict:
    """What the "raise an action" form starts with: a title, a description that says where it came from (the
    exception's period and figures in words, never commentary), the owning agency and the priority."""
    description = f"Raised from the indicator “{indicator.title}” ({indicator.code})."
    if row is not None and row.period is not None and row.current is not None:
        why = []
        if row.rag.code in ("red", "amber", "green"):
            why.append(f"rated {row.rag.label.lower()} against a target of {row.target_text}")
        if row.direction.judgement:
            why.append(f"{row.direction.text.lower()} since the period before ({row.previous_text})")
        reasons = f": {' and '.join(why)}" if why else ""
        description = (f"Raised from the exception report for {row.period.label}. “{indicator.title}” "
                       f"({indicator.code}) was {row.value_text}{reasons}.")
    description += "\n\nWhat will be done, by whom, and how will we know it has made a difference?"
    return {"title": f"Improve: {indicator.title}"[:200], "description": description,
            "owner_agency": indicator.owner_agency_id, "priority": indicator.priority_id}


@transaction.atomic
def indicator_action_add(*, indicator: Indicator, by, title: str, description: str, owner_agency,
                         due_date: datetime.date, owner=None, priority=None) -> Action:
    """An action in the shared tracker with the indicator as its source (linked both ways), as the other apps
    raise theirs. The tracker's own rules decide who may raise it and for which agency."""
    return action_create(by=by, title=title.strip(), description=description.strip(), owner_agency=owner_agency,
                         owner=owner, priority=priority or indicator.priority, due_date=due_date, source=indicator)
