"""This app's panel on the home dashboard: context for templates/audits/includes/dashboard_panel.html."""
from partnership.compiled import compiled_list
from partnership.models import Role

from . import access, selectors

# What the panel shows of each agency audit to complete: its case's reference and its audit's theme and due date.
MINE_FIELDS = ("case__case_reference", "case__audit__theme", "case__audit__agency_audits_due")
# And of each immediate concern for the lead's agency to acknowledge: its case's reference and when it was raised.
TO_ACKNOWLEDGE_FIELDS = ("raised_at", "case__case_reference")
# The oversight panel: each concern not yet acknowledged (its case, agency's name, when raised and escalated), and each
# audit in progress (its theme and due date, with its counts): not the audits' terms, questions and criteria.
CONCERN_FIELDS = ("raised_at", "escalated_at", "case__case_reference", "agency__name", "agency__short_name")
IN_PROGRESS_FIELDS = ("theme", "agency_audits_due")


def panel(user) -> dict:
    result: dict = {}
    if access.is_oversight(user):
        result["audits_concerns"] = compiled_list(_concerns)
        result["audits_in_progress"] = compiled_list(_in_progress)
    elif access.is_auditor(user):
        result["audits_mine"] = list(selectors.agency_audits_to_do(user.agency_id).only(*MINE_FIELDS))
        if user.has_role(Role.AGENCY_LEAD):
            result["audits_to_acknowledge"] = list(selectors.concerns_unacknowledged(user.agency_id)
                                                   .only(*TO_ACKNOWLEDGE_FIELDS))
    return result


# The oversight panel's two reads, each compiled once (`partnership.compiled`).
def _concerns():
    return selectors.concerns_unacknowledged().only(*CONCERN_FIELDS)


def _in_progress():
    return selectors.audits_in_progress().only(*IN_PROGRESS_FIELDS)
