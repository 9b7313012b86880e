"""What is due for a person in the audits app, for the daily digest. Constant number of queries."""
import datetime

from django.urls import reverse
from django.utils import timezone

from partnership.models import Role
from partnership.services.reminders import DueItem, item_key

from . import access
from .models import AgencyAudit, Audit, ImmediateConcern
from .services.concerns import acknowledge_by

WINDOW_DAYS = 14  # agency audits due within this many days are listed


def _stage(due: datetime.date, today: datetime.date) -> str:
    if due < today:
        return "overdue"
    if due == today:
        return "due-today"
    return f"due-in-{(due - today).days}"


def due_items(person, today: datetime.date) -> list[DueItem]:
    items: list[DueItem] = []
    if not access.is_auditor(person):
        return items
    agency_audits = (AgencyAudit.objects.filter(agency_id=person.agency_id, status=AgencyAudit.Status.DRAFT,
                                                case__audit__status=Audit.Status.IN_PROGRESS,
                                                case__audit__agency_audits_due__lte=today
                                                + datetime.timedelta(days=WINDOW_DAYS))
                     .select_related("case", "case__audit").order_by("case__audit__agency_audits_due", "pk"))
    for aa in agency_audits:
        due = aa.case.audit.agency_audits_due
        items.append(DueItem(key=item_key(aa), stage=_stage(due, today), due=due, app="audits",
                             title=f"Agency audit for case {aa.case.case_reference} ({aa.case.audit.theme})",
                             url=reverse("audits:agency-audit", args=[aa.pk])))
    if person.has_role(Role.AGENCY_LEAD):
        for concern in ImmediateConcern.objects.filter(agency_id=person.agency_id, acknowledged_at__isnull=True
                                                       ).select_related("case"):
            due = timezone.localtime(acknowledge_by(concern)).date()
            items.append(DueItem(key=item_key(concern), stage=_stage(due, today), due=due, statutory=True,
                                 app="audits", url=reverse("audits:concern-detail", args=[concern.pk]),
                                 title=f"Acknowledge the immediate concern on case {concern.case.case_reference}"))
    return items
