"""This app's lines of each agency's accountability profile (partnership.contract.AgencyFact): its single-agency
audits of cases due in the period (by their audit's due date), in on time or not, as they stood at the period's
moment (from the agency audits' and the audits' history). Three queries."""
from django.utils import timezone

from partnership.profile_facts import Tally, by_agency, timeliness
from partnership.snapshots import state_at

from .models import AgencyAudit, Audit, AuditCase

HEADING = "Audits"


def facts(agencies, period, user) -> dict:
    """{agency_id: [AgencyFact, ...]} for every agency given, in a fixed number of queries."""
    ids, found = by_agency(agencies)
    day = period.as_at_date
    returns = list(state_at(AgencyAudit, period.as_at).filter(agency_id__in=ids)
                   .values("agency_id", "case_id", "status", "submitted_at"))
    audit_of = dict(AuditCase.objects.filter(pk__in={r["case_id"] for r in returns}).values_list("pk", "audit_id"))
    due_on = dict(state_at(Audit, period.as_at).filter(id__in=set(audit_of.values()))
                  .values_list("id", "agency_audits_due"))
    tally = Tally()
    for ret in returns:
        due = due_on.get(audit_of.get(ret["case_id"]))
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
