"""The public pages: no account needed. They show only what a booker needs, never who else booked.

A booking is reached only through the random link emailed to the delegate (stored as a hash); a link
for one stage (before, after, follow-up) does nothing else, and answers once.
"""
import logging
import time

from django.conf import settings
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from partnership import form_time, rate_limits
from partnership.net import client_ip
from partnership.pdf import pdf_response, render_pdf
from partnership.rate_limits import limited_pdf
from partnership.services.errors import ServiceError
from partnership.views.mixins import form_status, list_page, post_only

from .. import selectors
from ..forms.public import BookingForm, ConfidenceForm, FollowUpForm, form_purpose
from ..models import BookingToken, Session
from ..services import bookings as services
from ..services import evaluation

log = logging.getLogger(__name__)

RATE_WINDOW = 3600
REFUSED_MESSAGE = "Something went wrong with the form. Check your answers and send it again."
REPLAYED_MESSAGE = ("This form was sent already: look for our email. If nothing arrives within a few minutes, "
                    "check your answers and send it again.")


@require_GET
def session_list(request):
    """Upcoming sessions, with places left, a page at a time. Four queries whatever the number of sessions."""
    today = timezone.localdate()
    page = list_page(request, selectors.sessions_upcoming().filter(course__active=True))
    sessions = Session.with_closures(list(page.object_list))
    counts = services.session_counts([s.pk for s in sessions])
    rows = [{"session": s, "left": max(s.capacity - counts[s.pk]["taken"], 0),
             "open": s.is_open_for_booking(today)} for s in sessions]
    return render(request, "learning/public/session_list.html", {"rows": rows, "page": page})


@require_GET
def session_detail(request, pk):
    session = selectors.public_session(pk)
    left = max(session.capacity - services.places_taken(session), 0)
    return render(request, "learning/public/session_detail.html", {
        "session": session, "course": session.course, "left": left,
        "open": session.is_open_for_booking(timezone.localdate()) and not session.has_started})


def _client_ip(request) -> str:
    return client_ip(request) or "unknown"


def _over_limit(key: str, limit: int) -> bool:
    """Count one more attempt under `key` (partnership.rate_limits: with the shared cache unreachable the form
    stays open; the honeypot and form-time checks still apply)."""
    return rate_limits.over(key, limit, RATE_WINDOW)


@require_http_methods(["GET", "POST"])
def book(request, pk):
    """The public form asks for a place; the address's owner confirms it from the email (`confirm`). Every
    accepted form gets the same answer, whether or not the address had booked before."""
    session = selectors.public_session(pk)
    needs_manager = session.course.requires_manager_approval
    context = {"session": session, "course": session.course}
    if not session.is_open_for_booking(timezone.localdate()) or session.has_started:
        return render(request, "learning/public/booking_closed.html", context, status=410
                      if session.has_started else 200)
    purpose = form_purpose(session.pk)
    if request.method == "GET":
        form = BookingForm(needs_manager=needs_manager, ticket=form_time.issue(request, purpose))
        return render(request, "learning/public/book.html", {**context, "form": form}, status=form_status(form))
    form = BookingForm(request.POST, needs_manager=needs_manager)
    verdict = form.verdict(request, session.pk)
    if not verdict.ok:
        # Say nothing useful to a bot; a person who was very quick, or sent the form twice, just tries again.
        log.info("booking form refused: %s", verdict.outcome)
        form.is_valid()
        form.add_error(None, REPLAYED_MESSAGE if verdict.outcome == form_time.REPLAYED else REFUSED_MESSAGE)
        form.renew_ticket(form_time.issue(request, purpose))
        return render(request, "learning/public/book.html", {**context, "form": form}, status=400)
    if _over_limit(f"learning:book:ip:{_client_ip(request)}", settings.LEARNING_BOOKING_RATE_LIMIT):
        return render(request, "learning/public/rate_limited.html", context, status=429)
    if form.is_valid():
        email = form.cleaned_data["email"]
        if _over_limit(f"learning:book:email:{services.mailbox(email)}", settings.LEARNING_BOOKING_EMAIL_RATE_LIMIT):
            return render(request, "learning/public/rate_limited.html", context, status=429)
        try:
            services.request_booking(
                session_id=session.pk, name=form.cleaned_data["name"], email=email,
                agency=form.agency_object(), other_agency_name=form.cleaned_data.get("other_agency_name", ""),
                role=form.cleaned_data["role"], manager_email=form.cleaned_data.get("manager_email", ""))
        except ServiceError as error:
            form.add_service_error(error)
        else:
            return redirect("learning:booked", session.pk)
    # The person already passed the timing check: the form shown again keeps the time it was first shown.
    form.renew_ticket(form_time.issue(request, purpose, at=time.time() - verdict.seconds))
    return render(request, "learning/public/book.html", {**context, "form": form}, status=400)


@require_GET
def booked(request, pk):
    """The one answer to every accepted booking form: check your email. Nothing personal, nothing that differs."""
    session = selectors.public_session(pk)
    return render(request, "learning/public/booked.html", {
        "session": session, "course": session.course, "hours": settings.LEARNING_BOOKING_CONFIRM_HOURS})


@require_http_methods(["GET", "POST"])
def confirm(request, token):
    """The emailed link: the address's owner confirms the booking (a button, so a mail scanner that follows
    links books nothing). Then the page says what they have: a place, the waiting list or the manager's approval."""
    found = services.find_request(token)
    if found is None:
        raise Http404
    context = {"session": found.session, "course": found.session.course, "email": found.email,
               "booking": found.booking if found.confirmed_at else None,
               "expired": found.confirmed_at is None and found.expires_at <= timezone.now()}
    if request.method == "POST" and context["booking"] is None and not context["expired"]:
        try:
            services.confirm_request(request_id=found.pk)
        except ServiceError as error:
            context["error"] = error.message
        else:
            return redirect(request.path)
    return render(request, "learning/public/confirm.html", context, status=400 if context.get("error") else 200)


@post_only
def resend(request, pk):
    """Send the booking link again: always the same answer, so nobody learns who booked."""
    session = selectors.public_session(pk)
    email = services.normalise_email(request.POST.get("email", ""))
    if email and not _over_limit(f"learning:resend:{_client_ip(request)}", settings.LEARNING_BOOKING_RATE_LIMIT) \
            and not _over_limit(f"learning:resend:email:{services.mailbox(email)}", 3):
        services.resend_link(session_id=session.pk, email=email)
    return render(request, "learning/public/resent.html", {"session": session, "course": session.course})


def _token_or_404(raw: str, *purposes) -> BookingToken:
    for purpose in purposes:
        token = services.find_token(raw, purpose)
        if token is not None:
            return token
    raise Http404


@require_GET
def booking(request, token):
    token = _token_or_404(token, BookingToken.Purpose.MANAGE)
    b = token.booking
    session = b.session
    today = timezone.localdate()
    return render(request, "learning/public/booking.html", {
        "booking": b, "session": session, "course": session.course, "token": request.resolver_match.kwargs["token"],
        "position": services.waiting_position(b),
        "show_joining": b.is_confirmed,
        "can_cancel": b.is_active and not session.has_started,
        "late": today > session.cancellation_closes_on,
        "certificate": evaluation.certificate_released(b)})


@require_http_methods(["GET", "POST"])
def booking_cancel(request, token):
    raw = token
    token = _token_or_404(raw, BookingToken.Purpose.MANAGE)
    b = token.booking
    context = {"booking": b, "session": b.session, "course": b.session.course, "token": raw,
               "late": timezone.localdate() > b.session.cancellation_closes_on}
    if request.method == "POST":
        try:
            services.cancel_by_booker(booking_id=b.pk)
        except ServiceError as error:
            context["error"] = error.message
        else:
            return redirect("learning:booking", raw)
    return render(request, "learning/public/booking_cancel.html", context)


@require_http_methods(["GET", "POST"])
def approve(request, token):
    raw = token
    token = _token_or_404(raw, BookingToken.Purpose.APPROVE)
    context = {"booking": token.booking, "session": token.booking.session, "course": token.booking.session.course,
               "answered": token.used_at is not None}
    if request.method == "POST" and not token.used_at:
        try:
            services.manager_decide(token=token, approve=request.POST.get("decision") == "approve")
        except ServiceError as error:
            context["error"] = error.message
        else:
            return redirect("learning:approve", raw)
    return render(request, "learning/public/approve.html", context)


def _stage(request, raw, purpose, *, template, can_answer, form_class, submit, **form_kwargs):
    token = _token_or_404(raw, purpose)
    b = token.booking
    course = b.session.course
    context = {"booking": b, "session": b.session, "course": course, "token": raw}
    if token.used_at or not can_answer(b):
        context["closed"] = True
        context["certificate"] = evaluation.certificate_released(b)
        return render(request, template, context)
    if callable(form_kwargs.get("outcomes")):
        form_kwargs["outcomes"] = form_kwargs["outcomes"](course)
    form = form_class(request.POST if request.method == "POST" else None, **form_kwargs)
    if request.method == "POST" and form.is_valid():
        try:
            submit(token, form)
        except ServiceError as error:
            form.add_service_error(error)
        else:
            return redirect(request.path)
    context["form"] = form
    return render(request, template, context, status=form_status(form))


def _outcomes(course):
    return list(course.outcomes.all())


@require_http_methods(["GET", "POST"])
def evaluate_pre(request, token):
    return _stage(request, token, BookingToken.Purpose.PRE, template="learning/public/evaluate_pre.html",
                  can_answer=evaluation.can_answer_pre, form_class=ConfidenceForm, outcomes=_outcomes,
                  submit=lambda t, f: evaluation.submit_pre(token=t, outcome_scores=f.scores()))


@require_http_methods(["GET", "POST"])
def evaluate_post(request, token):
    return _stage(request, token, BookingToken.Purpose.POST, template="learning/public/evaluate_post.html",
                  can_answer=evaluation.can_answer_post, form_class=ConfidenceForm, outcomes=_outcomes, post=True,
                  submit=lambda t, f: evaluation.submit_post(
                      token=t, quality=f.cleaned_data["quality"], relevance=f.cleaned_data["relevance"],
                      comments=f.cleaned_data["comments"], outcome_scores=f.scores()))


@require_http_methods(["GET", "POST"])
def evaluate_follow_up(request, token):
    return _stage(request, token, BookingToken.Purpose.FOLLOW_UP, template="learning/public/evaluate_follow_up.html",
                  can_answer=evaluation.can_answer_follow_up, form_class=FollowUpForm,
                  submit=lambda t, f: evaluation.submit_follow_up(token=t, **f.cleaned_data))


@require_GET
@limited_pdf
def certificate(request, token):
    """The certificate, once the post-course evaluation is done (reached by the booking or 'after' link)."""
    token = _token_or_404(token, BookingToken.Purpose.MANAGE, BookingToken.Purpose.POST)
    b = token.booking
    if not evaluation.certificate_released(b):
        raise Http404
    course = selectors.certificate_course(b.session.course_id)
    pdf = render_pdf("learning/pdf/certificate.html", {"booking": b, "session": b.session, "course": course,
                                                       "title": f"Certificate: {course.title}",
                                                       "SUPPORT_EMAIL": settings.SUPPORT_EMAIL})
    return pdf_response(pdf, f"certificate-{course.pk}-{b.session.date:%Y%m%d}.pdf")


urlpatterns = [
    path("sessions/", session_list, name="sessions"),
    path("sessions/<int:pk>/", session_detail, name="session"),
    path("sessions/<int:pk>/book/", book, name="book"),
    path("sessions/<int:pk>/booked/", booked, name="booked"),
    path("sessions/<int:pk>/resend/", resend, name="resend"),
    path("confirm/<str:token>/", confirm, name="confirm"),
    path("my/<str:token>/", booking, name="booking"),
    path("my/<str:token>/cancel/", booking_cancel, name="booking-cancel"),
    path("my/<str:token>/certificate/", certificate, name="certificate"),
    path("approve/<str:token>/", approve, name="approve"),
    path("before/<str:token>/", evaluate_pre, name="evaluate-pre"),
    path("after/<str:token>/", evaluate_post, name="evaluate-post"),
    path("follow-up/<str:token>/", evaluate_follow_up, name="evaluate-follow-up"),
]
