"""What Section 11 gives the daily digest: returns due for the person's agency, and returns to sign off."""
import datetime

from partnership.services.reminders import DueItem, due_stage, item_key

from . import access, selectors
from .models import Return


def due_items(person, today: datetime.date) -> list[DueItem]:
    """Two queries: the agency's unfinished returns in open cycles, and returns awaiting the person's sign-off."""
    items = []
    if person.agency_id and person.has_role(*access.AGENCY_EDITORS):
        returns = selectors.returns_to_finish(person.agency_id)
        for ret in returns:
            if ret.status == Return.Status.RETURNED:  # a hand-off: in the digest from the day it happens
                items.append(DueItem(key=item_key(ret), stage="sent-back",
                                     title=f"Section 11 return for {ret.cycle.name}: sent back for clarification",
                                     url=ret.get_absolute_url(), due=ret.cycle.deadline, app="section11"))
                continue
            stage = due_stage(ret.cycle.deadline, today, soon_days=14)
            if stage:
                items.append(DueItem(key=item_key(ret), stage=stage,
                                     title=f"Section 11 return for {ret.cycle.name}",
                                     url=ret.get_absolute_url(), due=ret.cycle.deadline, app="section11"))
    awaiting = selectors.returns_to_sign_off(person)
    for ret in awaiting:
        items.append(DueItem(key=item_key(ret), stage="to-sign-off",
                             title=f"Section 11 return for {ret.cycle.name}: waiting for your sign-off",
                             url=ret.get_absolute_url(), due=None, app="section11"))
    return items
