"""This app's lines of each agency's accountability profile (partnership.contract.AgencyFact): its single-agency
audits of cases due in the period (by their audit's due date), in on time or not, as they stood at the period's
moment (from the agency audits' and the audits' history). One query."""
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from partnership.profile_facts import Tally, by_agency, timeliness
from partnership.snapshots import state_at

from .models import AgencyAudit, Audit

HEADING = "Audits"


def facts(agencies, period, user) -> dict:
    """{agency_id: [AgencyFact, ...]} for every agency given, in a fixed number of queries."""
    ids, found = by_agency(agencies)
    day = period.as_at_date
    # Each return with its audit's due date as the audit stood then, in one query.
    due = state_at(Audit, period.as_at).filter(id=OuterRef("case__audit_id")).values("agency_audits_due")[:1]
    returns = (state_at(AgencyAudit, period.as_at).filter(agency_id__in=ids)
               .values("agency_id", "status", "submitted_at", due_on=Subquery(due)))
    tally = Tally()
    for ret in returns:
        due = ret["due_on"]
        if due is None or not (period.start <= due < day):
            continue
        submitted = (timezone.localtime(ret["submitted_at"]).date()
                     if ret["status"] == AgencyAudit.Status.SUBMITTED and ret["submitted_at"] else None)
        if submitted is None:
            tally[ret["agency_id"]]["missing"] += 1
        else:
            tally[ret["agency_id"]]["late" if submitted > due else "on_time"] += 1
    for pk in ids:
        found[pk].append(timeliness(HEADING, "Case audits due in the period", "case audit", tally[pk]))
    return found
