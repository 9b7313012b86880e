"""LCSPRs (stages, checks, delays, publication) and recommendations with their tracker actions."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_http_methods

from partnership.dates import day_words
from partnership.services.errors import ServiceError
from partnership.views.conflicts import edits_versioned, refusal_status

from .. import access, selectors, services
from ..forms import ActionForm, LCSPRCheckForm, LCSPRDelayForm, LCSPRMoveForm, RecommendationForm
from ..models import LCSPR, ReviewAccessLog
from . import case_log_url, form_page, log_action, post_only


@login_required
@post_only
def lcspr_commission(request, pk):
    review = access.get_logged_or_404(request, selectors.rapid_reviews_with_notification(), pk=pk,
                                      action=ReviewAccessLog.Action.CREATE)
    try:
        lcspr = services.lcspr_commission(by=request.user, review=review)
    except ServiceError as error:
        messages.error(request, error.message)
        return redirect(review)
    messages.success(request, "LCSPR commissioned.")
    return redirect(lcspr)


@login_required
def lcspr_list(request):
    access.require_reviews_logged(request, LCSPR._meta.label_lower)
    return render(request, "reviews/lcspr_list.html", {"lcsprs": selectors.lcsprs().order_by("-decided_on", "-pk"),
                                                       "is_business_unit": access.is_business_unit(request.user)})


@login_required
def lcspr_detail(request, pk):
    lcspr = access.get_logged_or_404(request, selectors.lcspr_for_page(), pk=pk)
    return render(request, "reviews/lcspr_detail.html", {
        "lcspr": lcspr, "next_stages": [LCSPR.Stage(s) for s in services.LCSPR_NEXT.get(lcspr.stage, [])],
        "notice_days": services.prepublication_working_days(), "log_url": case_log_url(request, lcspr),
    })


@login_required
@require_http_methods(["GET", "POST"])
@edits_versioned(LCSPR)
def lcspr_move(request, pk):
    lcspr = access.get_logged_or_404(request, selectors.lcsprs(), pk=pk, action=log_action(request))
    def form_of(record, data=None):
        return LCSPRMoveForm(data, choices=services.LCSPR_NEXT.get(record.stage, []),
                             initial={"version": record.version, "reviewer_name": record.reviewer_name,
                                      "terms_of_reference": record.terms_of_reference})

    form = form_of(lcspr, request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version") or 0
        try:
            services.lcspr_move(by=request.user, lcspr=lcspr, expected_version=version,
                                **{k: (v if v is not None else ("" if k not in ("on", "planned_publication_on")
                                                                else None)) for k, v in data.items()})
        except ServiceError as error:
            if refusal_status(form, error, current=lambda: selectors.lcsprs().get(pk=lcspr.pk),
                              saved_form=form_of) == 409:
                status = 409
        else:
            messages.success(request, f"Moved to “{lcspr.get_stage_display()}”.")
            return redirect(lcspr)
    return form_page(request, form, title="Move the LCSPR to its next stage", caption=lcspr.case_reference,
                     back_url=lcspr.get_absolute_url(), button="Move", status=status)


def _lcspr_row(request, pk, form_class, service, title):
    lcspr = access.get_logged_or_404(request, selectors.lcsprs(), pk=pk, action=log_action(request))
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("version", None)
        try:
            service(by=request.user, lcspr=lcspr, **data)
        except ServiceError as error:
            form.add_service_error(error)
        else:
            messages.success(request, "Recorded.")
            return redirect(lcspr)
    return form_page(request, form, title=title, caption=lcspr.case_reference, back_url=lcspr.get_absolute_url(),
                     button="Record")


@login_required
@require_http_methods(["GET", "POST"])
def lcspr_check(request, pk):
    return _lcspr_row(request, pk, LCSPRCheckForm, services.lcspr_add_check,
                      "Record a progress or quality check, or a written request")


@login_required
@require_http_methods(["GET", "POST"])
def lcspr_delay(request, pk):
    return _lcspr_row(request, pk, LCSPRDelayForm, services.lcspr_add_delay, "Record a delay and its reason")


def _recommendation_add(request, parent, **source):
    form = RecommendationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("version", None)
        try:
            services.recommendation_add(by=request.user, **source, **data)
        except ServiceError as error:
            form.add_service_error(error)
        else:
            messages.success(request, "Recommendation added.")
            return redirect(parent)
    kind = "the LCSPR" if "lcspr" in source else "the rapid review"
    return form_page(request, form, title=f"Add a recommendation to {kind}", caption=parent.case_reference,
                     back_url=parent.get_absolute_url(), button="Add")


@login_required
@require_http_methods(["GET", "POST"])
def rapid_review_recommendation(request, pk):
    review = access.get_logged_or_404(request, selectors.rapid_reviews_with_notification(), pk=pk,
                                      action=log_action(request))
    return _recommendation_add(request, review, rapid_review=review)


@login_required
@require_http_methods(["GET", "POST"])
def lcspr_recommendation(request, pk):
    lcspr = access.get_logged_or_404(request, selectors.lcsprs(), pk=pk, action=log_action(request))
    return _recommendation_add(request, lcspr, lcspr=lcspr)


@login_required
@require_http_methods(["GET", "POST"])
def recommendation_action(request, pk):
    rec = access.get_logged_or_404(request, selectors.recommendations(), pk=pk, action=log_action(request))
    parent = rec.lcspr or rec.rapid_review
    form = ActionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("version", None)
        try:
            services.recommendation_add_action(by=request.user, recommendation=rec, **data)
        except ServiceError as error:
            form.add_service_error(error)
        else:
            messages.success(request, "Action added to the tracker.")
            return redirect(parent)
    return form_page(request, form, title="Add an action for this recommendation", caption=parent.case_reference,
                     back_url=parent.get_absolute_url(), button="Add the action",
                     intro=f"Response due {day_words(rec.response_due_on)}; action plan due "
                           f"{day_words(rec.action_plan_due_on)}; impact review {day_words(rec.impact_review_due_on)}.")


urlpatterns = [
    path("lcsprs/", lcspr_list, name="lcspr-list"),
    path("rapid-reviews/<int:pk>/lcspr/", lcspr_commission, name="lcspr-commission"),
    path("lcsprs/<int:pk>/", lcspr_detail, name="lcspr-detail"),
    path("lcsprs/<int:pk>/stage/", lcspr_move, name="lcspr-move"),
    path("lcsprs/<int:pk>/checks/new/", lcspr_check, name="lcspr-check"),
    path("lcsprs/<int:pk>/delays/new/", lcspr_delay, name="lcspr-delay"),
    path("lcsprs/<int:pk>/recommendations/new/", lcspr_recommendation, name="lcspr-recommendation"),
    path("rapid-reviews/<int:pk>/recommendations/new/", rapid_review_recommendation,
         name="rapid-review-recommendation"),
    path("recommendations/<int:pk>/actions/new/", recommendation_action, name="recommendation-action"),
]
