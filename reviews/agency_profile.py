"""This app's lines of each agency's accountability profile (partnership.contract.AgencyFact): its summaries for
rapid reviews due in the period, on time or not, as they stood at the period's moment (from the summaries'
history). Counts and deadlines only, never a case's reference or text; a link only for the reviews group (as the
board pack does). One query."""
from django.urls import reverse

from partnership.contract import AgencyFact, day_words
from partnership.profile_facts import Tally, by_agency, timeliness
from partnership.snapshots import state_at

from . import access
from .models import AgencySummary

HEADING = "Practice reviews"  # not the review's kind: outside the reviews group no page names it


def facts(agencies, period, user) -> dict:
    """{agency_id: [AgencyFact, ...]} for every agency given, in a fixed number of queries."""
    ids, found = by_agency(agencies)
    day = period.as_at_date
    tally, next_due = Tally(), {}
    for agency_id, due_on, submitted_on in (state_at(AgencySummary, period.as_at).filter(agency_id__in=ids)
                                            .values_list("agency_id", "due_on", "submitted_on")):
        if submitted_on is None and due_on >= day:
            next_due[agency_id] = min(next_due.get(agency_id, due_on), due_on)
            tally[agency_id]["pending"] += 1
            continue
        if not (period.start <= due_on < day):
            continue
        if submitted_on is None:
            tally[agency_id]["missing"] += 1
        else:
            tally[agency_id]["late" if submitted_on > due_on else "on_time"] += 1
    url = reverse("reviews:rapid-review-list") if access.is_reviews_user(user) else ""
    for pk in ids:
        found[pk].append(timeliness(HEADING, "Agency summaries due in the period", "summary", tally[pk],
                                    url=url, nouns="summaries", nothing="None asked for in the period"))
        if tally[pk]["pending"]:
            value = f"{tally[pk]['pending']} not yet due; the next is due {day_words(next_due[pk])}"
            found[pk].append(AgencyFact(HEADING, "Summaries being written", value, url=url))
    return found
