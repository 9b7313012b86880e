"""What the performance framework gives the daily digest: the agency's data returns due or queried (one query); for
the business unit, the query threads whose last word is the agency's (one query). Each message is emailed at once;
the digest gathers the threads still waiting for an answer."""
import datetime

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from partnership.reminders import WAITING_FOR_YOU
from partnership.services.reminders import DueItem, due_stage, item_key

from . import access, selectors
from .models import DataReturn, DataReturnMessage


def due_items(person, today: datetime.date) -> list[DueItem]:
    replies = _replies_to_answer(person) if access.can_manage(person) else []
    if not (person.agency_id and person.has_role(*access.AGENCY_EDITORS)):
        return replies
    returns = selectors.agency_returns_to_do(person.agency_id)
    items = replies
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


def _replies_to_answer(person) -> list[DueItem]:
    """Threads the person has written in (the business unit's side) whose latest message is the agency's, on returns
    not yet validated (validating answers the reply: it writes no message)."""
    last_side = Subquery(DataReturnMessage.objects.filter(data_return=OuterRef("pk"))
                         .order_by("-created_at", "-pk").values("side")[:1])
    returns = (DataReturn.objects.filter(messages__author=person).distinct().annotate(last_side=last_side)
               .filter(last_side=DataReturnMessage.Side.AGENCY).exclude(status=DataReturn.Status.VALIDATED)
               .select_related("period", "agency")
               .order_by("due_date", "pk"))
    return [DueItem(key=item_key(ret), stage=WAITING_FOR_YOU, url=ret.get_absolute_url(), app="performance",
                    title=f"Data return for {ret.period.label} from {ret.agency.display_name}: "
                          f"the agency has replied to the query")
            for ret in returns]
