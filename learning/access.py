"""Who may see and change what in learning and development. Views and templates ask these, nothing else.

L&D coordinators and the business unit manage everything. Agency leads see their own agency's bookings,
attendance and charges (other agencies' answer 404). Everyone signed in sees the offer, the briefings
and the coverage map. Anonymous people reach only the public booking, evaluation and certificate pages.
"""
from django.db.models import Q, QuerySet

from partnership.models import Role

from .models import Booking, Briefing, Session

MANAGERS = (Role.LD_COORDINATOR, Role.BUSINESS_UNIT)
FIGURE_READERS = (Role.LD_COORDINATOR, Role.BUSINESS_UNIT, Role.QA_MEMBER, Role.CHAIR, Role.READER)
BRIEFING_LOGGERS = (Role.AGENCY_LEAD, Role.AGENCY_CONTRIBUTOR)


def is_manager(user) -> bool:
    return user.is_authenticated and user.has_role(*MANAGERS)


def is_agency_lead(user) -> bool:
    return user.is_authenticated and user.has_role(Role.AGENCY_LEAD) and user.agency_id is not None


def sees_bookings(user) -> bool:
    """Booking lists and charges: managers (all agencies) and agency leads (their own)."""
    return is_manager(user) or is_agency_lead(user)


def visible_bookings(user) -> QuerySet[Booking]:
    qs = Booking.objects.all()
    if is_manager(user):
        return qs
    if is_agency_lead(user):
        return qs.filter(agency_id=user.agency_id)
    return qs.none()


def sees_joining_details(user, session: Session | None = None) -> bool:
    """The online link and joining instructions on staff pages (and in the session form): the L&D coordinator,
    and this session's own trainers with an account, because they deliver the session and must join it to run it.
    Not the business unit, who manages the offer but does not attend. Delegates see them on their own booking
    page once confirmed; nobody else anywhere (tests/security/test_joining_details.py)."""
    if not user.is_authenticated:
        return False
    if user.has_role(Role.LD_COORDINATOR):
        return True
    return session is not None and any(t.user_id == user.pk for t in session.trainers.all())


def can_mark_attendance(user, session: Session) -> bool:
    """The L&D coordinator (or business unit), or a trainer of this session who has an account."""
    if is_manager(user):
        return True
    return user.is_authenticated and any(t.user_id == user.pk for t in session.trainers.all())


def sees_figures(user) -> bool:
    return user.is_authenticated and user.has_role(*FIGURE_READERS)


def visible_briefings(user) -> QuerySet[Briefing]:
    qs = Briefing.objects.all()
    if is_manager(user):
        return qs
    return qs.filter(status=Briefing.Status.PUBLISHED)


def can_log_briefing_use(user) -> bool:
    return is_manager(user) or (user.is_authenticated and user.has_role(*BRIEFING_LOGGERS)
                                and user.agency_id is not None)


def visible_briefing_uses(user, briefing: Briefing):
    qs = briefing.uses.select_related("agency", "logged_by")
    if is_manager(user) or (user.is_authenticated and user.has_role(Role.QA_MEMBER, Role.CHAIR, Role.READER)):
        return qs
    if user.is_authenticated and user.agency_id:
        return qs.filter(Q(agency_id=user.agency_id))
    return qs.none()
