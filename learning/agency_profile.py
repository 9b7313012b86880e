"""This app's lines of each agency's accountability profile (partnership.contract.AgencyFact): the training places
its staff used in the period's sessions, its no-shows and late cancellations, and the trainer days it lent, as the
bookings stood at the period's moment (from their history). Two queries."""
from collections import defaultdict
from decimal import Decimal

from partnership.contract import ASSURED, NO_EVIDENCE, AgencyFact, plural, share_status
from partnership.profile_facts import Tally, by_agency
from partnership.snapshots import state_at

from .models import Booking, Session, SessionTrainer

HEADING = "Training"
MISSED = (Booking.Attendance.NO_SHOW, Booking.Attendance.LATE_CANCELLATION)


def facts(agencies, period, user) -> dict:
    """{agency_id: [AgencyFact, ...]} for every agency given, in a fixed number of queries."""
    ids, found = by_agency(agencies)
    sessions = (state_at(Session, period.as_at).filter(starts_at__gte=period.start_moment, starts_at__lte=period.as_at)
                .exclude(status=Session.Status.CANCELLED).values("id"))  # a subquery of the two below
    tally = Tally()
    for agency_id, attendance in (state_at(Booking, period.as_at).filter(session_id__in=sessions, agency_id__in=ids)
                                  .values_list("agency_id", "attendance")):
        if attendance == Booking.Attendance.ATTENDED:
            tally[agency_id]["attended"] += 1
        elif attendance in MISSED:
            tally[agency_id]["missed"] += 1
    days = defaultdict(Decimal)
    for agency_id, given in SessionTrainer.objects.filter(session_id__in=sessions, agency_id__in=ids).values_list(
            "agency_id", "days"):
        days[agency_id] += given
    for pk in ids:
        attended, missed = tally[pk]["attended"], tally[pk]["missed"]
        found[pk].append(AgencyFact(HEADING, "Training places used", plural(attended, "place"),
                                    ASSURED if attended else NO_EVIDENCE))
        if attended or missed:
            status = share_status(attended, attended + missed)
            found[pk].append(AgencyFact(HEADING, "No-shows and late cancellations",
                                        f"{missed} of {plural(attended + missed, 'place')} booked and not used",
                                        status))
        given = days[pk]
        found[pk].append(AgencyFact(HEADING, "Trainer days given to the partnership",
                                    f"{given.normalize():f} day{'s' if given != 1 else ''}" if given else "None",
                                    ASSURED if given else NO_EVIDENCE))
    return found


