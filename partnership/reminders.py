"""What the action tracker gives the daily digest: a person's actions due soon or overdue. One query."""
import datetime

from django.db.models import Q

from partnership.models import Action, Role
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
    return items
