"""This app's lines of each agency's accountability profile (partnership.contract.AgencyFact): its data returns
due in the period, on time or not, as they stood at the period's moment (from the returns' history). One query."""
from django.urls import reverse
from django.utils import timezone

from partnership.profile_facts import Tally, by_agency, timeliness
from partnership.snapshots import state_at

from . import access
from .models import DataReturn

HEADING = "Data returns"


def facts(agencies, period, user) -> dict:
    """{agency_id: [AgencyFact, ...]} for every agency given, in a fixed number of queries."""
    ids, found = by_agency(agencies)
    day = period.as_at_date
    tally = Tally()
    due = state_at(DataReturn, period.as_at).filter(agency_id__in=ids, due_date__gte=period.start, due_date__lt=day)
    for ret in due.values("agency_id", "due_date", "submitted_at", "status"):
        submitted = timezone.localtime(ret["submitted_at"]).date() if ret["submitted_at"] else None
        if submitted is None or ret["status"] == DataReturn.Status.REQUESTED:
            tally[ret["agency_id"]]["missing"] += 1
        else:
            tally[ret["agency_id"]]["late" if submitted > ret["due_date"] else "on_time"] += 1
    for pk in ids:
        found[pk].append(timeliness(HEADING, "Data returns due in the period", "return", tally[pk],
                                    url=_link(user, pk)))
    return found


def _link(user, agency_id: int) -> str:
    """Where the viewer may see the returns: the business unit's list, or the agency's own (blank otherwise)."""
    if access.can_manage(user):
        return reverse("performance:data-returns")
    if access.is_agency_editor(user, agency_id):
        return reverse("performance:my-data-returns")
    return ""
