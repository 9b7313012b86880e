"""What the performance framework gives the daily digest: the agency's data returns due or queried. One query."""
import datetime

from django.utils import timezone

from partnership.services.reminders import DueItem, due_stage, item_key

from . import access, selectors
from .models import DataReturn


def due_items(person, today: datetime.date) -> list[DueItem]:
    if not (person.agency_id and person.has_role(*access.AGENCY_EDITORS)):
        return []
    returns = selectors.agency_returns_to_do(person.agency_id)
    items = []
    for ret in returns:
        queried = ret.status == DataReturn.Status.QUERIED
        # The look-ahead follows the return's own timetable: a short one from the day it was asked for; a query
        # (a hand-off back to the agency) from the day it is made.
        stage = due_stage(ret.due_date, today, since=timezone.localdate(ret.created_at))
        if stage is None and queried:
            stage = f"due-in-{(ret.due_date - today).days}"
        if stage is None:
            continue
        items.append(DueItem(
            key=item_key(ret), stage=("queried-" if queried else "") + stage,
            title=f"Data return for {ret.period.label}" + (": the business unit has queried a figure" if queried
                                                          else ""),
            url=ret.get_absolute_url(), due=ret.due_date, app="performance",
        ))
    return items
