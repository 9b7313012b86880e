"""What the action tracker gives the daily digest: a person's actions due soon or overdue (one query), and for the
business unit the changes of due date waiting for its answer (one more). Each is emailed at once when it lands; the
digest gathers what is still waiting, every day until it is answered."""
import datetime

from django.db.models import Q

from partnership.access import is_business_unit
from partnership.models import Action, DueDateRequest, Role
from partnership.services.reminders import DueItem, due_stage, item_key


def due_items(person, today: datetime.date) -> list[DueItem]:
    """Open actions the person owns; for an agency lead, also their agency's actions that have no owner."""
    who = Q(owner=person)
    if person.agency_id and person.has_role(Role.AGENCY_LEAD):
        who |= Q(owner__isnull=True, owner_agency_id=person.agency_id)
    actions = Action.objects.open().filter(who, due_date__lte=today + datetime.timedelta(days=7)).order_by("due_date")
    items = []
    for action in actions:
        stage = due_stage(action.due_date, today)
        items.append(DueItem(key=item_key(action), stage=stage, title=f"Action {action.reference}: {action.title}",
                             url=action.get_absolute_url(), due=action.due_date, app="actions"))
    if is_business_unit(person):
        items += _due_date_requests_to_decide()
    return items


WAITING_FOR_YOU = "waiting-for-you"  # no due date of its own: it waits for the reader's answer


def _due_date_requests_to_decide() -> list[DueItem]:
    waiting = (DueDateRequest.objects.filter(status=DueDateRequest.Status.PENDING).select_related("action")
               .order_by("requested_at", "pk"))
    return [DueItem(key=item_key(request), stage=WAITING_FOR_YOU, url=request.get_absolute_url(), app="actions",
                    title=f"Action {request.action.reference}: a change of due date to agree or decline")
            for request in waiting]
