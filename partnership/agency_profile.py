"""This app's lines of each agency's accountability profile (partnership.contract.AgencyFact): the action tracker's
actions the agency owns, open, overdue and impact assured, as they stood at the period's moment (from the tracker's
history). One query."""
from django.db.models import Count, Q
from django.urls import reverse

from . import access
from .contract import NO_EVIDENCE, AgencyFact, plural, share_status
from .models import Action
from .profile_facts import by_agency
from .snapshots import state_at

HEADING = "Actions"
DONE = Action.IMPACT_SHOWN


def facts(agencies, period, user) -> dict:
    """{agency_id: [AgencyFact, ...]} for every agency given, in a fixed number of queries."""
    ids, found = by_agency(agencies)
    open_q = Q(status__in=Action.OPEN_STATUSES)
    rows = {row["owner_agency_id"]: row for row in (
        state_at(Action, period.as_at).filter(owner_agency_id__in=ids).order_by().values("owner_agency_id")
        .annotate(open=Count("pk", filter=open_q), overdue=Count("pk", filter=open_q & Q(
            due_date__lt=period.as_at_date)), assured=Count("pk", filter=Q(status__in=DONE))))}
    for pk in ids:
        row = rows.get(pk, {"open": 0, "overdue": 0, "assured": 0})
        url = _link(user, pk)
        if row["open"]:
            value = f"{row['overdue']} of {plural(row['open'], 'open action')} overdue"
            found[pk].append(AgencyFact(HEADING, "Open actions", value,
                                        share_status(row["open"] - row["overdue"], row["open"]), url))
        else:
            found[pk].append(AgencyFact(HEADING, "Open actions", "None", NO_EVIDENCE, url))
        found[pk].append(AgencyFact(HEADING, "Actions with their impact assured", str(row["assured"])))
    return found


def _link(user, agency_id: int) -> str:
    if access.sees_all_actions(user):
        return reverse("partnership:action-list") + f"?owner_agency={agency_id}"
    if user.is_authenticated and user.agency_id == agency_id:
        return reverse("partnership:my-actions")
    return ""
