"""Rapid reviews: the 15-working-day clock, content, decision, sign-off, sending, the Panel's reply,
and the agency summaries (the one page an agency lead outside the reviews group can reach: their own)."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from partnership.dates import day_words, working_days_left
from partnership.input_rules import as_id
from partnership.selectors import as_saved
from partnership.services.errors import ServiceError
from partnership.views.confirm import button_step
from partnership.views.conflicts import edits_versioned, refusal_status
from partnership.views.mixins import paginated

from .. import access, selectors, services
from ..forms import ContentForm, DecisionForm, PanelResponseForm, SendForm, SummaryForm
from ..models import AgencySummary, Notification, RapidReview, ReviewAccessLog
from . import case_log_url, form_page, log_action, post_only


@login_required
@post_only
def rapid_review_create(request, pk):
    notification = access.get_logged_or_404(request, Notification, pk=pk,
                                            action=ReviewAccessLog.Action.CREATE)
    try:
        review = services.rapid_review_create(by=request.user, notification=notification)
    except ServiceError as error:
        messages.error(request, error.message)
        return redirect(notification)
    summaries = list(review.summaries.select_related("agency"))
    asked = (f" Each agency's lead has been emailed today for its summary, due by {day_words(summaries[0].due_on)}."
             if summaries else "")
    messages.success(request, f"Rapid review started: due by {day_words(review.due_on)}.{asked}")
    return redirect(review)


@login_required
def rapid_review_list(request):
    access.require_reviews_logged(request, RapidReview._meta.label_lower)
    reviews = selectors.rapid_reviews_listed()
    return render(request, "reviews/rapid_review_list.html", {
        **paginated(request, reviews), "today": timezone.localdate(),
        "is_business_unit": access.is_business_unit(request.user)})


@login_required
def rapid_review_detail(request, pk):
    review = access.get_logged_or_404(request, selectors.rapid_review_for_page(), pk=pk)
    return render(request, "reviews/rapid_review_detail.html", {
        "review": review, "milestones": services.milestones(review), "n": review.notification,
        "days_left": working_days_left(review.due_on) if review.is_open else None,
        "log_url": case_log_url(request, review),
        "lcspr": getattr(review, "lcspr", None),
        "can_commission": review.decided_to_commission_lcspr and not hasattr(review, "lcspr"),
    })


def _review_form(request, pk, form_class, *, title, button, initial=None, save, open_when, closed_message):
    """A form on one stage of the review. Asked for when its stage has passed (a bookmark, the back button), it
    sends the reader to the review with the reason; a form already posted still gets the service's refusal on
    the page, with what was typed kept."""
    review = access.get_logged_or_404(request, selectors.rapid_reviews(), pk=pk, action=log_action(request))
    if request.method == "GET" and not open_when(review):
        messages.info(request, closed_message)
        return redirect(review)
    def initial_of(record):
        return {"version": record.version, **(initial(record) if initial else {})}

    form = form_class(request.POST or None, initial=initial_of(review))
    status = 200
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version") or 0
        try:
            save(review, data, version)
        except ServiceError as error:
            if refusal_status(form, error, current=lambda: selectors.rapid_reviews().get(pk=review.pk),
                              saved_form=lambda saved: form_class(initial=initial_of(saved))) == 409:
                status = 409
        else:
            messages.success(request, "Saved.")
            return redirect(review)
    return form_page(request, form, title=title, caption=review.case_reference, back_url=review.get_absolute_url(),
                     button=button, status=status)


CONTENT_FIELDS = ["context", "incident", "practice_episodes", "strengths", "learning", "immediate_actions",
                  "parallel_processes_note", "panel_met_on"]


@login_required
@require_http_methods(["GET", "POST"])
@edits_versioned(RapidReview)
def rapid_review_edit(request, pk):
    return _review_form(
        request, pk, ContentForm, title="Rapid review content", button="Save the content",
        initial=lambda r: {**{f: getattr(r, f) for f in CONTENT_FIELDS},
                           "journey_stages": list(r.journey_stages.all()),
                           "inspection_criteria": list(r.inspection_criteria.all())},
        save=lambda r, d, v: services.rapid_review_update_content(by=request.user, review=r, expected_version=v, **d),
        open_when=lambda r: r.can_change_content, closed_message=services.CONTENT_CLOSED)


@login_required
@require_http_methods(["GET", "POST"])
@edits_versioned(RapidReview)
def rapid_review_decide(request, pk):
    def save(review, data, version):
        services.rapid_review_decide(by=request.user, review=review, expected_version=version, **data)

    return _review_form(
        request, pk, DecisionForm, title="Decision: commission a local review?", button="Record the decision",
        initial=lambda r: {"criterion_a": r.criterion_a, "criterion_b": r.criterion_b, "criterion_c": r.criterion_c,
                           "criterion_d": r.criterion_d, "rationale": r.decision_rationale, "outcome": r.outcome,
                           "decided_on": r.decided_on},
        save=save, open_when=lambda r: r.can_change_content, closed_message=services.DECISION_CLOSED)


@login_required
@post_only
def rapid_review_sign_off(request, pk):
    review = access.get_logged_or_404(request, selectors.rapid_reviews(), pk=pk, action=ReviewAccessLog.Action.UPDATE)
    return button_step(request, lambda: services.rapid_review_sign_off(
        by=request.user, review=review, partner=request.POST.get("partner", ""),
        expected_version=as_id(request.POST.get("version")) or 0), "Sign-off recorded.", review)


@login_required
@require_http_methods(["GET", "POST"])
@edits_versioned(RapidReview)
def rapid_review_send(request, pk):
    return _review_form(request, pk, SendForm, title="Record the review as sent to the Panel", button="Record as sent",
                        save=lambda r, d, v: services.rapid_review_send(by=request.user, review=r, expected_version=v,
                                                                        **d),
                        open_when=lambda r: r.can_be_sent, closed_message=services.SEND_CLOSED)


@login_required
@require_http_methods(["GET", "POST"])
@edits_versioned(RapidReview)
def rapid_review_response(request, pk):
    return _review_form(request, pk, PanelResponseForm, title="Record the Panel's response", button="Record",
                        save=lambda r, d, v: services.rapid_review_panel_response(
                            by=request.user, review=r, expected_version=v, **d),
                        open_when=lambda r: r.awaits_panel_response, closed_message=services.RESPONSE_CLOSED)


SUMMARY_FIELDS = ("involvement", "analysis", "learning", "immediate_actions")


@login_required
@require_http_methods(["GET", "POST"])
@edits_versioned(AgencySummary)
def summary_write(request, pk):
    """An agency's summary. Its agency lead sees the reference, the due date and this form, nothing else."""
    user = request.user
    if access.is_reviews_user(user):
        summary = access.get_logged_or_404(request, selectors.summaries(), pk=pk, action=log_action(request))
    else:
        summary = get_object_or_404(access.summaries_for_lead(user).select_related(
            "agency", "rapid_review__notification"), pk=pk)
        access.log_access(request, summary, log_action(request))
    if not access.can_write_summary(user, summary) and request.method == "POST":
        raise Http404
    def initial_of(record):
        return {"version": record.version, **{f: getattr(record, f) for f in SUMMARY_FIELDS}}

    form = SummaryForm(request.POST or None, initial=initial_of(summary))
    status = 200
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version") or 0
        try:
            services.summary_submit(by=user, summary=summary, expected_version=version,
                                    submit="submit" in request.POST, **data)
        except ServiceError as error:
            if refusal_status(form, error, current=lambda: as_saved(summary),
                              saved_form=lambda saved: SummaryForm(initial=initial_of(saved))) == 409:
                status = 409
        else:
            messages.success(request, "Summary submitted." if "submit" in request.POST else "Draft saved.")
            return redirect("reviews:summary-write", summary.pk)
    return render(request, "reviews/summary_write.html", {
        "summary": summary, "form": form, "reference": summary.rapid_review.case_reference,
        "can_write": access.can_write_summary(user, summary), "is_reviews": access.is_reviews_user(user),
    }, status=status)


@login_required
def my_summaries(request):
    """The agency lead's list of summaries asked of their agency (only reference and due date)."""
    summaries = access.summaries_for_lead(request.user).select_related("rapid_review__notification")
    if not summaries.exists():
        raise Http404
    return render(request, "reviews/my_summaries.html", {"summaries": summaries})


urlpatterns = [
    path("rapid-reviews/", rapid_review_list, name="rapid-review-list"),
    path("notifications/<int:pk>/rapid-review/", rapid_review_create, name="rapid-review-create"),
    path("rapid-reviews/<int:pk>/", rapid_review_detail, name="rapid-review-detail"),
    path("rapid-reviews/<int:pk>/content/", rapid_review_edit, name="rapid-review-edit"),
    path("rapid-reviews/<int:pk>/decision/", rapid_review_decide, name="rapid-review-decide"),
    path("rapid-reviews/<int:pk>/sign-off/", rapid_review_sign_off, name="rapid-review-sign-off"),
    path("rapid-reviews/<int:pk>/sent/", rapid_review_send, name="rapid-review-send"),
    path("rapid-reviews/<int:pk>/panel-response/", rapid_review_response, name="rapid-review-response"),
    path("summaries/", my_summaries, name="my-summaries"),
    path("summaries/<int:pk>/", summary_write, name="summary-write"),
]
