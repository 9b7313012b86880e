"""The statutory duties the kernel's own records answer (partnership.contract.DutyReading), by check name.

Two duties are records the business unit keeps on the duty itself (`Duty.last_done_on`, with where the evidence
is): the published arrangements reviewed, and independent scrutiny in place. Each must have been done within
`months` (12 by default); within `warn_months` of that it is due, after it breached, and with no record at all
it is breached too (the register cannot show a duty met that nobody has recorded).
"""
import datetime

from . import yearly_duties
from .contract import BREACHED, DUE, MET, DutyReading, EvidenceItem, day_words
from .dates import add_months


def kept_by_hand(duty, today: datetime.date) -> DutyReading:
    months, warn = duty.parameter("months", 12), duty.parameter("warn_months", 1)
    items = (EvidenceItem(duty.evidence_note or "The evidence", duty.evidence_url),) if duty.evidence_url else ()
    if duty.last_done_on is None or duty.last_done_on > today:
        return DutyReading(BREACHED, "No date is recorded for when this was last done: the business unit records "
                                     "it on the duty in the admin.", items)
    due_on = add_months(duty.last_done_on, months)
    done = f"Last done on {day_words(duty.last_done_on)}"
    if today > due_on:
        return DutyReading(BREACHED, f"{done}; it was due again by {day_words(due_on)}.", items, due_on)
    if today >= add_months(due_on, -warn):
        return DutyReading(DUE, f"{done}; due again by {day_words(due_on)}.", items, due_on)
    return DutyReading(MET, f"{done}; next due by {day_words(due_on)} (every {months} months).", items, due_on)


CHECKS: dict = {
    "arrangements_reviewed": kept_by_hand,
    "independent_scrutiny": kept_by_hand,
    **yearly_duties.CHECKS,  # the yearly report published every 12 months and sent within 7 days
}
