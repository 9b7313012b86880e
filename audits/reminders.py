"""What is due for a person in the audits app, for the daily digest. Constant number of queries."""
import datetime

from django.urls import reverse
from django.utils import timezone

from partnership.models import Role
from partnership.services.reminders import DueItem, item_key

from . import access, selectors
from .services.concerns import acknowledge_by, closures_for

WINDOW_DAYS = 5  # agency audits due within this many days are listed (and every overdue one)


def _stage(due: datetime.date, today: datetime.date) -> str:
    """A few stable stages, so a digest that reminds once per stage does not nag daily: due-in-5 (2 to 5
    days left), due-in-1, due-today, overdue."""
    days = (due - today).days
    if days < 0:
        return "overdue"
    if days == 0:
        return "due-today"
    return "due-in-1" if days == 1 else "due-in-5"


def due_items(person, today: datetime.date) -> list[DueItem]:
    items: list[DueItem] = []
    if not access.is_auditor(person):
        return items
    agency_audits = selectors.agency_audits_to_do(person.agency_id,
                                                  due_by=today + datetime.timedelta(days=WINDOW_DAYS))
    for aa in agency_audits:
        due = aa.case.audit.agency_audits_due
        items.append(DueItem(key=item_key(aa), stage=_stage(due, today), due=due, app="audits",
                             title=f"Agency audit for case {aa.case.case_reference} ({aa.case.audit.theme})",
                             url=reverse("audits:agency-audit", args=[aa.pk])))
    if person.has_role(Role.AGENCY_LEAD):
        concerns = list(selectors.concerns_unacknowledged(person.agency_id))
        closures = closures_for(concerns)
        for concern in concerns:
            due = timezone.localtime(acknowledge_by(concern, closures=closures)).date()
            items.append(DueItem(key=item_key(concern), stage=_stage(due, today), due=due, statutory=True,
                                 app="audits", url=reverse("audits:concern-detail", args=[concern.pk]),
                                 title=f"Acknowledge the immediate concern on case {concern.case.case_reference}"))
    return items
