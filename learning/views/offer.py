"""The signed-in side of the training offer: courses, sessions, bookings, attendance, charges.

Everyone signed in sees the offer. L&D coordinators (and the business unit) manage it. Agency leads see
their own agency's bookings and charges. A trainer with an account may mark attendance for their session.
"""
import datetime

from crispy_forms_gds.layout import Field
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET

from partnership.access import get_visible_or_404, require
from partnership.csv import csv_response
from partnership.forms import GDSForm, date_field
from partnership.rate_limits import SHEET, asks_for_csv, limited
from partnership.services.errors import ServiceError
from partnership.views.confirm import button_step, form_step
from partnership.views.conflicts import edits_versioned
from partnership.views.mixins import button_view, confirm_view, form_status, form_view, inline_form_view, paginate

from .. import access, figures, selectors
from ..forms.manage import AttendanceForm, CourseForm, SessionForm, TrainerForm
from ..models import Booking, Course, Session
from ..services import bookings as booking_services
from ..services import evaluation
from ..services import offer as services


@login_required
@require_GET
def course_list(request):
    """The offer: every course with its next session. A fixed number of queries."""
    courses = selectors.courses_listed(request.user)
    return render(request, "learning/course_list.html", {
        "courses": courses, "can_manage": access.is_manager(request.user),
        "sees_bookings": access.sees_bookings(request.user), "sees_figures": access.sees_figures(request.user)})


@login_required
@require_GET
def course_detail(request, pk):
    course = get_visible_or_404(selectors.course_for_page(request.user), pk=pk)
    sessions = list(course.sessions.order_by("-starts_at"))
    counts = booking_services.session_counts([s.pk for s in sessions])
    rows = [{"session": s, **counts[s.pk]} for s in sessions]
    return render(request, "learning/course_detail.html", {
        "course": course, "rows": rows, "can_manage": access.is_manager(request.user),
        "sees_figures": access.sees_figures(request.user)})


@form_view(CourseForm)
@edits_versioned(Course)
def course_edit(request, pk=None):
    require(access.is_manager(request.user))
    course = get_object_or_404(Course, pk=pk) if pk else None
    form = CourseForm(request.POST if request.method == "POST" else None, instance=course)
    return form_step(request, form, save=lambda f: services.course_save(
        course=course, by=request.user, expected_version=f.expected_version, outcomes=f.outcome_lines(), **f.values()),
                     success="Course saved.", template="learning/course_form.html", context={"course": course})


@login_required
@require_GET
def session_manage(request, pk):
    """A session for staff: details, trainers, and (for those who may) its bookings and attendance."""
    return _session_page(request, pk)


def _session_page(request, pk, trainer_form=None, status=200):
    session = get_visible_or_404(selectors.sessions_with_course("trainers__agency"), pk=pk)
    bookings = access.visible_bookings(request.user).filter(session=session).select_related("agency")
    counts = booking_services.session_counts([session.pk])[session.pk]
    return render(request, "learning/session_manage.html", {
        "session": session, "course": session.course, "counts": counts,
        "bookings": list(bookings) if access.sees_bookings(request.user) else None,
        "can_manage": access.is_manager(request.user),
        "show_joining": access.sees_joining_details(request.user, session),
        "can_mark": access.can_mark_attendance(request.user, session) and session.has_started,
        "trainer_form": (trainer_form or TrainerForm()) if access.is_manager(request.user) else None}, status=status)


@form_view(SessionForm)
@edits_versioned(Session)
def session_edit(request, pk=None):
    require(access.is_manager(request.user))
    session = get_object_or_404(Session, pk=pk) if pk else None
    initial = {"course": request.GET.get("course")} if session is None else None
    form = SessionForm(request.POST if request.method == "POST" else None, instance=session, initial=initial,
                       joining=access.sees_joining_details(request.user, session))
    if session and request.method == "POST" and "confirmed" not in request.POST and form.is_valid():
        # Before a change people must be told about: a page that says what changes and how many will be emailed.
        changes = services.session_changes(session=session, **form.values())
        counts = services.session_told_counts(session)
        if changes and counts["total"]:
            posted = [(key, request.POST.getlist(key)) for key in request.POST if key != "csrfmiddlewaretoken"]
            return render(request, "learning/session_change_confirm.html", {
                "session": session, "course": session.course, "changes": changes, "counts": counts,
                "posted": posted})
    return form_step(request, form, save=lambda f: services.session_save(
        session=session, by=request.user, expected_version=f.expected_version, **f.values()),
                     success="Session saved.", template="learning/session_form.html", context={"session": session},
                     to=lambda saved: ("learning:session-manage", saved.pk))


@inline_form_view(TrainerForm)
def trainer_add(request, pk):
    require(access.is_manager(request.user))
    session = get_object_or_404(Session, pk=pk)
    form = TrainerForm(request.POST)
    if not form.is_valid():  # the page again, the form open with its errors by the fields
        return _session_page(request, pk, trainer_form=form, status=400)
    services.trainer_add(session=session, **form.cleaned_data)
    messages.success(request, "Trainer added.")
    return redirect("learning:session-manage", session.pk)


@confirm_view("a confirmation button: nothing typed")
def session_cancel(request, pk):
    """GET: a page that says how many people will be emailed; POST: cancel, and email each of them."""
    require(access.is_manager(request.user))
    session = get_visible_or_404(selectors.sessions_with_course(), pk=pk)
    if request.method == "GET":
        return render(request, "learning/session_cancel_confirm.html", {
            "session": session, "course": session.course, "counts": services.session_told_counts(session)})
    told = services.session_told_counts(session)["total"]
    return button_step(request, lambda: services.session_cancel(session=session, by=request.user),
                       f"Session cancelled; {told} {'person has' if told == 1 else 'people have'} been emailed.",
                       "learning:session-manage", session.pk)


@button_view("a button: nothing typed")
def booking_cancel(request, pk):
    require(access.is_manager(request.user))
    booking = get_object_or_404(Booking, pk=pk)
    return button_step(request, lambda: booking_services.cancel_by_coordinator(booking_id=booking.pk, by=request.user),
                       f"Booking of {booking.name} cancelled.", "learning:session-manage", booking.session_id)


@form_view(AttendanceForm)
def attendance(request, pk):
    """Mark everyone at once. Queries do not grow with the number of delegates."""
    session = get_visible_or_404(selectors.sessions_with_course("trainers"), pk=pk)
    require(access.can_mark_attendance(request.user, session))
    bookings = list(session.bookings.exclude(status=Booking.Status.WAITING).exclude(
        status=Booking.Status.DECLINED).select_related("agency").order_by("name", "pk"))
    everyone = request.method == "POST" and "everyone_attended" in request.POST
    form = AttendanceForm(request.POST if request.method == "POST" and not everyone else None, bookings=bookings,
                          everyone_attended=everyone)
    error = None
    if everyone:  # nothing saved yet: everyone booked is shown as attended; change the exceptions, then save
        messages.info(request, "Everyone with a place is marked as attended below. Change those who did not "
                               "come, then save the attendance.")
    elif request.method == "POST" and form.is_valid():
        try:
            changed = evaluation.mark_attendance(session=session, marks=form.marks(), by=request.user)
        except ServiceError as exc:
            error = exc.message
        else:
            messages.success(request, f"Attendance saved ({changed} changed). Delegates who attended have been "
                                      "invited to evaluate.")
            return redirect("learning:attendance", session.pk)
    return render(request, "learning/attendance.html", {"session": session, "course": session.course,
                                                        "form": form, "error": error},
                  status=400 if error else form_status(form))


class PeriodForm(GDSForm, forms.Form):
    start = date_field("From")
    end = date_field("To")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_helper(Field("start"), Field("end"))


def _period(request) -> tuple[datetime.date, datetime.date, PeriodForm]:
    today = timezone.localdate()
    default_start = datetime.date(today.year if today.month >= 4 else today.year - 1, 4, 1)
    form = PeriodForm(request.GET or None, initial={"start": default_start, "end": today})
    if request.GET and form.is_valid() and form.cleaned_data["start"] <= form.cleaned_data["end"]:
        return form.cleaned_data["start"], form.cleaned_data["end"], form
    return default_start, today, form


@login_required
@limited(SHEET, when=asks_for_csv)
@require_GET
def charges(request):
    """No-show charges by agency for a period: coordinators see all, agency leads their own."""
    require(access.sees_bookings(request.user))
    start, end, form = _period(request)
    agency_id = None if access.is_manager(request.user) else request.user.agency_id
    rows = figures.no_show_charges(start=start, end=end, agency_id=agency_id)
    if request.GET.get("format") == "csv":
        return csv_response(f"no-show-charges-{start}-{end}.csv",
                            ["Agency", "Half-day no-shows", "Full-day no-shows", "Other no-shows", "Charge (GBP)"],
                            ([r["agency"], r["half_day"], r["full_day"], r["other"], r["total"]] for r in rows))
    from django.conf import settings

    return render(request, "learning/charges.html", {
        "rows": rows, "start": start, "end": end, "form": form, "total": sum(r["total"] for r in rows),
        "prices": settings.LEARNING_NO_SHOW_CHARGES, "query": request.GET.urlencode()}, status=form_status(form))


@login_required
@require_GET
def booking_list(request):
    """Bookings the person may see (all for coordinators, their agency's for leads), newest sessions first."""
    require(access.sees_bookings(request.user))
    qs = (access.visible_bookings(request.user).select_related("session__course", "agency")
          .order_by("-session__starts_at", "name", "pk"))
    return render(request, "learning/booking_list.html", {"page": paginate(request, qs)})


urlpatterns = [
    path("", course_list, name="courses"),
    path("courses/new/", course_edit, name="course-create"),
    path("courses/<int:pk>/", course_detail, name="course"),
    path("courses/<int:pk>/edit/", course_edit, name="course-edit"),
    path("manage/sessions/new/", session_edit, name="session-create"),
    path("manage/sessions/<int:pk>/", session_manage, name="session-manage"),
    path("manage/sessions/<int:pk>/edit/", session_edit, name="session-edit"),
    path("manage/sessions/<int:pk>/trainers/", trainer_add, name="trainer-add"),
    path("manage/sessions/<int:pk>/cancel/", session_cancel, name="session-cancel"),
    path("manage/sessions/<int:pk>/attendance/", attendance, name="attendance"),
    path("manage/bookings/", booking_list, name="bookings"),
    path("manage/bookings/<int:pk>/cancel/", booking_cancel, name="booking-cancel-staff"),
    path("charges/", charges, name="charges"),
]
