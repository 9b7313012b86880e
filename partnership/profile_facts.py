"""Small helpers for the apps' lines of an agency's accountability profile (partnership.contract.AgencyFact).

One rule for "on time" across the apps: the share of things due that came in by their date (`share_status`:
90% assured, 60% partly), with anything due and still not in counted as late.
"""
from collections import defaultdict

from .contract import NO_EVIDENCE, AgencyFact, plural, share_status


def by_agency(agencies) -> tuple[list[int], dict[int, list]]:
    """The agencies' ids and an empty list of facts for each (every agency given gets an answer)."""
    ids = [agency.pk for agency in agencies]
    return ids, {pk: [] for pk in ids}


class Tally(defaultdict):
    """Counts per agency: `tally[agency_id]["on_time"] += 1`."""

    def __init__(self):
        super().__init__(lambda: defaultdict(int))


def timeliness(heading: str, label: str, noun: str, counts: dict, *, url: str = "", nouns: str = "",
               nothing: str = "None due in the period") -> AgencyFact:
    """ "4 of 5 returns on time; 1 late; 1 due and not yet in", from counts of on_time, late (came in after
    the date) and missing (due, not in)."""
    on_time, late, missing = counts.get("on_time", 0), counts.get("late", 0), counts.get("missing", 0)
    whole = on_time + late + missing
    if not whole:
        return AgencyFact(heading, label, nothing, NO_EVIDENCE, url)
    parts = [f"{on_time} of {plural(whole, noun, nouns)} on time"]
    if late:
        parts.append(f"{late} late")
    if missing:
        parts.append(f"{missing} overdue and not yet in")
    return AgencyFact(heading, label, "; ".join(parts), share_status(on_time, whole), url)
