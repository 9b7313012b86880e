"""The demo's escalation ladder: the integrated care board on stage 1, with the business unit's letter dated last
month and a response due, because its latest data return has not come in (the performance demo leaves it
requested) and the profile as it stood on the letter's date said so. Invented; no person outside the demo's."""
import datetime

from django.utils import timezone

from partnership.dates import day_words
from partnership.demo_dates import at
from partnership.history import dated
from partnership.models import Escalation
from partnership.services import escalations
from performance.models import DataReturn

from . import agency_profiles

AGENCY = "SWL ICB"
RESPONSE_WEEKS = 6


def letter_day(today: datetime.date, due: datetime.date) -> datetime.date:
    """The 20th of last month, but never before the missing return was ten days late, nor after three days ago."""
    last_month = (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=20)
    return min(max(last_month, due + datetime.timedelta(days=10)), today - datetime.timedelta(days=3))


def seed(*, stdout, people: dict, agencies: dict) -> None:
    agency, manager = agencies[AGENCY], people["manager@example.org"]
    if Escalation.objects.filter(agency=agency).exists():
        return
    today = timezone.localdate()
    missing = (DataReturn.objects.filter(agency=agency, status=DataReturn.Status.REQUESTED, due_date__lt=today)
               .select_related("period").order_by("due_date").first())
    if missing is None:
        stdout.write("Escalations: none (the integrated care board has no late data return in this demo).")
        return
    day = letter_day(today, missing.due_date)
    profile = agency_profiles.profiles([agency], agency_profiles.period_for(day), manager)[agency.pk]
    reason = (f"The integrated care board's data return for {missing.period.label} was due on "
              f"{day_words(missing.due_date)} and has not been received, despite the reminders sent before and after "
              f"that date. Without it the partnership's scorecard has no health figures for the quarter, and the "
              f"board cannot be assured about initial health assessments for children coming into care.")
    with dated(at(day, 11)):
        escalation = escalations.escalation_raise(
            agency=agency, reason=reason, response_due=day + datetime.timedelta(weeks=RESPONSE_WEEKS),
            cited_facts=profile.cited(), by=manager, today=day)
    stdout.write(f"Escalations: {agency.display_name} on stage 1 ({escalation.reference}), letter dated "
                 f"{day_words(day)}, response due {day_words(escalation.response_due)}.")
