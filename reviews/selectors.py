"""The reviews app's reads: what its case pages, lists and clocks show, each named once with the
select_related/prefetch its readers need (docs/architecture.md, "Where reads live"). Every case page reads its
record through `access.get_logged_or_404(request, <one of these>, pk=...)`, so the read is logged."""
from django.db.models import Count, Q

from .models import LCSPR, AgencySummary, Notification, RapidReview, Recommendation, Referral, ReviewAccessLog


def referrals_listed():
    """Every referral with what the list shows of its screening and notification, latest first."""
    return (Referral.objects.select_related("referring_agency", "screening", "notification",
                                            "notification__rapid_review").order_by("-referred_on", "-pk"))


def referral_for_page():
    return Referral.objects.select_related("referring_agency", "referred_by", "screening__decided_by")


def notification_of(referral):
    """The notification started from `referral`, or None."""
    return Notification.objects.filter(referral=referral).first()


def notifications_listed():
    """Every notification with its rapid review and `child_count`, latest first."""
    return (Notification.objects.select_related("rapid_review").annotate(child_count=Count("children"))
            .order_by("-became_aware_on", "-pk"))


def notifications(*related):
    """Notifications, with the many-to-many and reverse relations `related` prefetched."""
    return Notification.objects.prefetch_related(*related)


def rapid_reviews():
    """Rapid reviews with their notification and the people who decided and signed them off."""
    return RapidReview.objects.select_related("notification", "decided_by", "la_signed_by", "police_signed_by",
                                              "health_signed_by")


def rapid_review_for_page():
    """A rapid review with its agency summaries and its recommendations' actions (its page)."""
    return rapid_reviews().prefetch_related("summaries__agency", "recommendations__actions")


def rapid_reviews_with_notification():
    return RapidReview.objects.select_related("notification")


def rapid_reviews_listed():
    return rapid_reviews_with_notification().order_by("-anchor_on", "-pk")


def rapid_reviews_open():
    return RapidReview.objects.filter(status__in=RapidReview.OPEN).select_related("notification")


# What the statutory clocks read of each record (`reviews.clocks`): its dates, and its case reference and page. The
# records carry long texts (a rapid review's context, incident, learning...) that the clocks never show.
CLOCK_FIELDS = {
    "notification": ("case_reference", "due_on"),
    "rapid_review": ("anchor_on", "due_on", "summaries_requested_on", "panel_met_on",
                     *(f"{key}_signed_at" for key, _ in RapidReview.PARTNERS), "notification__case_reference"),
    "summary": ("rapid_review", "due_on", "agency__name", "agency__short_name"),
    "lcspr": ("stage", "decided_on", "planned_publication_on", "prepublication_notice_on"),
}


def notifications_to_send_for_clocks():
    """The notifications not yet sent, with what their clock reads."""
    return Notification.objects.filter(status=Notification.Status.DRAFT).only(*CLOCK_FIELDS["notification"])


def rapid_reviews_and_lcsprs_open_for_clocks() -> tuple[list, list]:
    """(the open rapid reviews, the open LCSPRs, each in its model's order), with their case reference and what their
    clocks read, in one query: the rapid reviews open or whose LCSPR is, each with its notification and LCSPR (an
    LCSPR's rapid review is the one read with it)."""
    found = list(RapidReview.objects.filter(Q(status__in=RapidReview.OPEN) | Q(lcspr__stage__in=LCSPR.OPEN_STAGES))
                 .select_related("notification", "lcspr")
                 .only("status", *CLOCK_FIELDS["rapid_review"], *(f"lcspr__{name}" for name in CLOCK_FIELDS["lcspr"])))
    lcsprs = [review.lcspr for review in found if hasattr(review, "lcspr") and review.lcspr.is_open]
    return ([review for review in found if review.is_open],
            sorted(lcsprs, key=lambda lcspr: (lcspr.decided_on, lcspr.pk)))  # LCSPR's ordering


def summaries():
    """Agency summaries with their agency and their rapid review's notification."""
    return AgencySummary.objects.select_related("agency", "rapid_review__notification")


def summaries_outstanding(reviews: list):
    """The agency summaries not yet submitted for `reviews` (rapid reviews in hand, with their notification): each
    with its agency's names, and its rapid review taken from `reviews` rather than joined again (the clocks: what
    their clock reads)."""
    by_pk = {review.pk: review for review in reviews}
    found = list(AgencySummary.objects.filter(rapid_review_id__in=list(by_pk), submitted_on__isnull=True)
                 .select_related("agency").only(*CLOCK_FIELDS["summary"]))
    for summary in found:
        summary.rapid_review = by_pk[summary.rapid_review_id]
    return found


def lcsprs():
    """LCSPRs with their rapid review's notification (the case reference)."""
    return LCSPR.objects.select_related("rapid_review__notification")


def lcspr_for_page():
    """An LCSPR with its checks, delays and recommendations' actions (its page)."""
    return lcsprs().prefetch_related("checks", "delays", "recommendations__actions")


def recommendations():
    """Recommendations with the rapid review or LCSPR they came from, and its notification."""
    return Recommendation.objects.select_related("rapid_review__notification", "lcspr__rapid_review__notification")


def recommendations_since(day):
    """The recommendations made from `day`, with only what their clocks read: the date, and the case reference and
    page of the rapid review or LCSPR they came from (a join of five tables, so no other column)."""
    return recommendations().filter(made_on__gte=day).only(
        "made_on", "rapid_review__notification__case_reference", "lcspr__rapid_review__notification__case_reference")


def access_log_entries():
    return ReviewAccessLog.objects.select_related("user").order_by("-at", "-pk")
