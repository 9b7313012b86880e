"""This app's panel on the home dashboard: context for templates/reviews/includes/dashboard_panel.html.

Reviews group: the statutory clocks breached or due within 5 working days (case references only).
Agency leads: the agency summaries asked of their agency and not yet submitted (one query).
Partner agency staff: a link to refer a case (no query). Everyone else: nothing, and no query.
"""
from django.utils import timezone

from . import access, clocks

# What the panel shows of each summary asked of the lead's agency: its due date and its case reference (not the rapid
# review's long texts).
SUMMARY_FIELDS = ("due_on", "rapid_review__notification__case_reference")


def panel(user) -> dict:
    if access.is_reviews_user(user):
        due = [c for c in clocks.open_clocks(timezone.localdate()) if c.working_days_left <= 5]
        if due:  # case references shown: a read, like the clocks page
            access.log_listing(None, access.CLOCKS, user=user)
        return {"reviews_clocks": due[:10], "reviews_clocks_more": max(0, len(due) - 10)}
    result = {"reviews_can_refer": access.can_refer(user)}
    summaries = access.summaries_for_lead(user)
    if not summaries.query.is_empty():
        result["reviews_summaries"] = list(summaries.filter(submitted_on__isnull=True)
                                           .select_related("rapid_review__notification").only(*SUMMARY_FIELDS)
                                           .order_by("due_on"))
    return result
