"""The clocks dashboard, referrals, screening and notifications. Reviews group only; everyone else 404."""
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from partnership.dates import day_words, working_days_left
from partnership.selectors import as_saved
from partnership.services.errors import ServiceError
from partnership.views.conflicts import edits_versioned, refusal_status
from partnership.views.mixins import paginate

from .. import access, clocks, selectors, services
from ..forms import ChildForm, NotificationForm, NotificationSubmitForm, ReferralForm, ScreeningForm
from ..models import Notification, Referral, ReviewAccessLog
from . import case_log_url, form_page, log_action


@login_required
def home(request):
    """Every open clock with working days left, breaches first, and what is due this week."""
    access.require_reviews_logged(request, access.CLOCKS)
    today = timezone.localdate()
    all_clocks = clocks.open_clocks(today)
    return render(request, "reviews/home.html", {
        "breached": [c for c in all_clocks if c.breached],
        "this_week": [c for c in all_clocks if 0 <= c.working_days_left <= 5],
        "later": [c for c in all_clocks if c.working_days_left > 5],
        "today": today, "is_business_unit": access.is_business_unit(request.user),
    })


@login_required
def referral_list(request):
    access.require_reviews_logged(request, Referral._meta.label_lower)
    referrals = selectors.referrals_listed()
    return render(request, "reviews/referral_list.html", {"page": paginate(request, referrals, 50),
                                                          "is_business_unit": access.is_business_unit(request.user)})


@login_required
@require_http_methods(["GET", "POST"])
def referral_create(request):
    access.require_reviews(request.user)
    form = ReferralForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            referral = services.referral_create(by=request.user, case_reference=data["case_reference"],
                                                referring_agency=data["referring_agency"],
                                                referred_on=data["referred_on"], summary=data["summary"])
        except ServiceError as error:
            form.add_service_error(error)
        else:
            access.log_access(request, referral, ReviewAccessLog.Action.CREATE)
            messages.success(request, f"Referral {referral.case_reference} recorded.")
            return redirect(referral)
    return form_page(request, form, title="Record a referral", back_url="/reviews/referrals/",
                     button="Record the referral",
                     intro="Any partner can refer a case for the three partners to consider.")


@login_required
def referral_detail(request, pk):
    referral = access.get_logged_or_404(
        request, selectors.referral_for_page(), pk=pk)
    return render(request, "reviews/referral_detail.html", {
        "referral": referral, "screening": getattr(referral, "screening", None),
        "notification": selectors.notification_of(referral),
    })


@login_required
@require_http_methods(["GET", "POST"])
def screening_record(request, pk):
    referral = access.get_logged_or_404(request, Referral, pk=pk, action=log_action(request))
    form = ScreeningForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.screening_record(by=request.user, referral=referral, notifiable=data["notifiable"],
                                      rationale=data["rationale"], decided_on=data["decided_on"])
        except ServiceError as error:
            form.add_service_error(error)
        else:
            messages.success(request, "Screening decision recorded.")
            return redirect(referral)
    return form_page(request, form, title="Record the screening decision", caption=referral.case_reference,
                     back_url=referral.get_absolute_url(), button="Record the decision")


@login_required
@require_http_methods(["GET", "POST"])
def notification_create(request, pk):
    referral = access.get_logged_or_404(request, Referral, pk=pk, action=log_action(request))
    form = NotificationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        data.pop("version", None)
        try:
            notification = services.notification_create(by=request.user, referral=referral, **data)
        except ServiceError as error:
            form.add_service_error(error)
        else:
            messages.success(request, f"Notification started. Notify by {day_words(notification.due_on)}.")
            return redirect(notification)
    return form_page(request, form, title="Start the notification", caption=referral.case_reference,
                     back_url=referral.get_absolute_url(), button="Save the notification")


NOTIFICATION_FIELDS = ["pseudonym", "nature", "incident_on", "became_aware_on", "location", "suspected_suicide",
                       "media_interest", "parallel_processes", "rules_version"]


@login_required
@require_http_methods(["GET", "POST"])
@edits_versioned(Notification)
def notification_edit(request, pk):
    notification = access.get_logged_or_404(request, selectors.notifications("agencies"), pk=pk,
                                            action=log_action(request))
    form = NotificationForm(request.POST or None, initial=_notification_initial(notification))
    status = 200
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version") or 0
        try:
            services.notification_update(by=request.user, notification=notification, expected_version=version,
                                         **data)
        except ServiceError as error:
            if refusal_status(form, error, current=lambda: as_saved(notification),
                              saved_form=lambda saved: NotificationForm(initial=_notification_initial(saved))) == 409:
                status = 409
        else:
            messages.success(request, f"Notification updated. Notify by {day_words(notification.due_on)}.")
            return redirect(notification)
    return form_page(request, form, title="Change the notification", caption=notification.case_reference,
                     back_url=notification.get_absolute_url(), button="Save the changes", status=status)


def _notification_initial(notification: Notification) -> dict:
    return {"version": notification.version, "agencies": list(notification.agencies.all()),
            **{f: getattr(notification, f) for f in NOTIFICATION_FIELDS}}


@login_required
def notification_list(request):
    access.require_reviews_logged(request, Notification._meta.label_lower)
    notifications = selectors.notifications_listed()
    return render(request, "reviews/notification_list.html", {
        "page": paginate(request, notifications, 50), "is_business_unit": access.is_business_unit(request.user)})


@login_required
def notification_detail(request, pk):
    notification = access.get_logged_or_404(request, selectors.notifications("agencies", "children"),
                                            pk=pk)
    today = timezone.localdate()
    return render(request, "reviews/notification_detail.html", {
        "n": notification, "rapid_review": getattr(notification, "rapid_review", None),
        "days_left": working_days_left(notification.due_on, today),
        "can_add_child": notification.children.count() < 4,
        "log_url": case_log_url(request, notification),
    })


@login_required
@require_http_methods(["GET", "POST"])
def notification_add_child(request, pk):
    notification = access.get_logged_or_404(request, Notification, pk=pk, action=log_action(request))
    form = ChildForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        data.pop("version", None)
        try:
            services.notification_add_child(by=request.user, notification=notification, **data)
        except ServiceError as error:
            form.add_service_error(error)
        else:
            messages.success(request, "Child added.")
            return redirect(notification)
    return form_page(request, form, title="Add a child", caption=notification.case_reference,
                     back_url=notification.get_absolute_url(), button="Add the child",
                     intro="Up to four children per notification. No names or dates of birth.")


@login_required
@require_http_methods(["GET", "POST"])
@edits_versioned(Notification)
def notification_submit(request, pk):
    notification = access.get_logged_or_404(request, Notification, pk=pk, action=log_action(request))
    form = NotificationSubmitForm(request.POST or None, initial={"version": notification.version})
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.notification_submit(by=request.user, notification=notification, notified_on=data["notified_on"],
                                         partners_told_on=data["partners_told_on"],
                                         panel_reference=data["panel_reference"], late_reason=data["late_reason"],
                                         expected_version=data["version"] or 0)
        except ServiceError as error:
            if refusal_status(form, error, current=lambda: as_saved(notification)) == 409:
                status = 409
        else:
            messages.success(request, "Notification recorded as sent.")
            return redirect(notification)
    return form_page(request, form, title="Record the notification as sent", caption=notification.case_reference,
                     back_url=notification.get_absolute_url(), button="Record as sent",
                     intro=f"Due by {day_words(notification.due_on)} (5 working days after the local authority "
                           "became aware).", status=status)


@login_required
def access_log(request):
    """The business unit reads who looked at what. Nobody can change it."""
    access.require_business_unit(request.user)
    entries = selectors.access_log_entries()
    person, record = request.GET.get("person", "").strip(), request.GET.get("record", "").strip()
    if person:
        entries = entries.filter(user__email__icontains=person) | entries.filter(user__full_name__icontains=person)
    if record:
        entries = entries.filter(case_reference__icontains=record)
    return render(request, "reviews/access_log.html", {
        "page": paginate(request, entries, 50), "person": person, "record": record,
        "query": urlencode({"person": person, "record": record}), "is_business_unit": True})


urlpatterns = [
    path("", home, name="home"),
    path("referrals/", referral_list, name="referral-list"),
    path("referrals/new/", referral_create, name="referral-create"),
    path("referrals/<int:pk>/", referral_detail, name="referral-detail"),
    path("referrals/<int:pk>/screening/", screening_record, name="screening-record"),
    path("referrals/<int:pk>/notify/", notification_create, name="notification-create"),
    path("notifications/", notification_list, name="notification-list"),
    path("notifications/<int:pk>/", notification_detail, name="notification-detail"),
    path("notifications/<int:pk>/edit/", notification_edit, name="notification-edit"),
    path("notifications/<int:pk>/children/new/", notification_add_child, name="notification-add-child"),
    path("notifications/<int:pk>/sent/", notification_submit, name="notification-submit"),
    path("access-log/", access_log, name="access-log"),
]
