"""What the performance framework gives the daily digest: the agency's data returns due or queried. One query."""
import datetime

from partnership.services.reminders import DueItem, due_stage, item_key

from . import access
from .models import DataReturn


def due_items(person, today: datetime.date) -> list[DueItem]:
    if not (person.agency_id and person.has_role(*access.AGENCY_EDITORS)):
        return []
    returns = (DataReturn.objects.filter(agency_id=person.agency_id, status__in=DataReturn.EDITABLE,
                                         due_date__lte=today + datetime.timedelta(days=7))
               .select_related("period").order_by("due_date"))
    items = []
    for ret in returns:
        queried = ret.status == DataReturn.Status.QUERIED
        items.append(DueItem(
            key=item_key(ret), stage=("queried-" if queried else "") + due_stage(ret.due_date, today),
            title=f"Data return for {ret.period.label}" + (": the business unit has queried a figure" if queried
                                                          else ""),
            url=ret.get_absolute_url(), due=ret.due_date, app="performance",
        ))
    return items
