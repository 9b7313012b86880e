"""The learning app's reads: what the offer's pages, the public booking pages, the dashboard panel and the digest
show, each named once with the select_related/prefetch its readers need (docs/architecture.md, "Where reads
live")."""
import datetime

from django.db.models import Count, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone

from . import access
from .models import Booking, Course, Session


def courses_listed(user):
    """The offer: every course (the active ones unless `user` manages it) with its level and `upcoming`, the
    scheduled sessions still to come."""
    courses = Course.objects.select_related("level").annotate(
        upcoming=Count("sessions", filter=Q(sessions__starts_at__gte=timezone.now(),
                                            sessions__status=Session.Status.SCHEDULED)))
    return courses if access.is_manager(user) else courses.filter(active=True)


def course_for_page(user):
    """Courses as their page shows them, with what they teach and are tagged to; the active ones unless `user`
    manages the offer."""
    qs = Course.objects.select_related("level").prefetch_related("outcomes", "prerequisites", "priorities",
                                                                 "journey_stages", "inspection_criteria__framework")
    return qs if access.is_manager(user) else qs.filter(active=True)


def course_with_level():
    return Course.objects.select_related("level")


def certificate_course(course_id):
    """The course a certificate names, with its level and outcomes."""
    return Course.objects.prefetch_related("outcomes").select_related("level").get(pk=course_id)


def course_bookings(course):
    """Every booking on any session of `course` (the impact figures)."""
    return Booking.objects.filter(session__course=course)


def sessions_with_course(*prefetch):
    """Sessions with their course (and its level), with `prefetch` prefetched."""
    return Session.objects.select_related("course__level").prefetch_related(*prefetch)


def sessions_upcoming():
    """Scheduled sessions still to come, with their course and level (the public list)."""
    return Session.objects.filter(status=Session.Status.SCHEDULED, starts_at__gte=timezone.now()
                                  ).select_related("course__level")


def public_session(pk):
    """A session of an active course as the public pages show it: what the course teaches and asks first."""
    return get_object_or_404(sessions_with_course("course__outcomes", "course__prerequisites"),
                             pk=pk, course__active=True)


def sessions_to_mark(person, today: datetime.date):
    """Past and today's scheduled sessions with confirmed delegates whose attendance is not marked (`unmarked`),
    soonest first: every one for the L&D coordinator, a trainer's own otherwise (the panel and the digest)."""
    end_of_today = timezone.make_aware(datetime.datetime.combine(today + datetime.timedelta(days=1), datetime.time()))
    qs = (Session.objects.filter(status=Session.Status.SCHEDULED, starts_at__lt=end_of_today)
          .annotate(unmarked=Count("bookings", filter=Q(bookings__status=Booking.Status.CONFIRMED,
                                                        bookings__attendance="")))
          .filter(unmarked__gt=0).select_related("course").order_by("starts_at"))
    if not access.is_manager(person):
        qs = qs.filter(trainers__user=person).distinct()
    return qs


def sessions_soon(now, days=14) -> dict:
    """How many sessions are scheduled in the next `days` days (`n`) and how many people wait for a place
    (`waiting`)."""
    return (Session.objects.filter(status=Session.Status.SCHEDULED, starts_at__gte=now,
                                   starts_at__lt=now + datetime.timedelta(days=days))
            .aggregate(n=Count("pk", distinct=True),
                       waiting=Count("bookings", filter=Q(bookings__status=Booking.Status.WAITING))))
