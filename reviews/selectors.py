"""The reviews app's reads: what its case pages, lists and clocks show, each named once with the
select_related/prefetch its readers need (docs/architecture.md, "Where reads live"). Every case page reads its
record through `access.get_logged_or_404(request, <one of these>, pk=...)`, so the read is logged."""
from collections import namedtuple

from django.db.models import Count, Q

from partnership.models.base import HasPage
from partnership.snapshots import compiled_rows

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


# What the statutory clocks read of each record (`reviews.clocks`): its dates, and its case reference and page, as
# plain rows. The records carry long texts (a rapid review's context, incident, learning...) that the clocks never show,
# and each query is built and compiled once per process (`snapshots.compiled_rows`): the business unit's home page
# reads the clocks at every request, and building five queries and 137 records cost more than running them.
class _Row:
    """A clock's row: the model's own page rule, so nothing about a record is said twice."""
    __slots__ = ()
    get_absolute_url = HasPage.get_absolute_url


def _clock_row(model, name: str, fields: tuple, **borrowed) -> type:
    """A named row of `fields` (the first is the pk) with `model`'s page and the predicates `borrowed` from it."""
    return type(name, (namedtuple(name, fields), _Row), {"__slots__": (), "url_name": model.url_name, **borrowed})


ClockNotification = _clock_row(Notification, "ClockNotification", ("pk", "case_reference", "due_on"))
ClockReview = _clock_row(
    RapidReview, "ClockReview",
    ("pk", "status", "anchor_on", "due_on", "summaries_requested_on", "panel_met_on",
     *(f"{key}_signed_at" for key, _ in RapidReview.PARTNERS), "case_reference"),
    PARTNERS=RapidReview.PARTNERS, is_open=RapidReview.is_open, all_signed=RapidReview.all_signed)
ClockLCSPR = _clock_row(
    LCSPR, "ClockLCSPR", ("pk", "stage", "decided_on", "planned_publication_on", "prepublication_notice_on",
                          "case_reference"),
    is_open=LCSPR.is_open, target_publication_on=LCSPR.target_publication_on)
ClockSummary = _clock_row(AgencySummary, "ClockSummary",
                          ("pk", "rapid_review_id", "due_on", "agency_name", "case_reference"))
ClockRecommendation = type(
    "ClockRecommendation",
    (namedtuple("ClockRecommendation", ("pk", "made_on", "rapid_review_id", "lcspr_id", "case_reference")),),
    {"__slots__": (), **{name: getattr(Recommendation, name) for name in (
        "get_absolute_url", "response_due_on", "action_plan_due_on", "impact_review_due_on")}})


def notifications_to_send_for_clocks() -> list:
    """[ClockNotification]: the notifications not yet sent, in their model's order."""
    return [ClockNotification(*row) for row in compiled_rows(_notifications_to_send, (), None)]


def rapid_reviews_and_lcsprs_open_for_clocks() -> tuple[list, list]:
    """([ClockReview], [ClockLCSPR]): the open rapid reviews and the open LCSPRs, each in its model's order, with
    their case reference and what their clocks read, in one query: the rapid reviews open or whose LCSPR is, each
    with its notification and LCSPR."""
    reviews, lcsprs = [], []
    width = len(ClockReview._fields) - 1
    for row in compiled_rows(_reviews_open, (), None):
        review = ClockReview(*row[:width], row[-1])
        if review.is_open:
            reviews.append(review)
        if row[width] is not None:
            lcspr = ClockLCSPR(*row[width:])
            if lcspr.is_open:
                lcsprs.append(lcspr)
    return reviews, sorted(lcsprs, key=lambda lcspr: (lcspr.decided_on, lcspr.pk))  # LCSPR's ordering


def summaries_outstanding() -> list:
    """[ClockSummary]: the agency summaries not yet submitted for the open rapid reviews, in their model's order,
    with their agency's name (its short name where it has one) and their case reference."""
    return [ClockSummary(pk, review_id, due_on, short_name or name, reference)
            for pk, review_id, due_on, name, short_name, reference in compiled_rows(_summaries_outstanding, (), None)]


def recommendations_since(day) -> list:
    """[ClockRecommendation]: the recommendations made from `day`, with their date, and the case reference and page
    of the rapid review or LCSPR they came from."""
    return [ClockRecommendation(pk, made_on, review_id, lcspr_id, lcspr_reference if lcspr_id else review_reference)
            for pk, made_on, review_id, lcspr_id, review_reference, lcspr_reference
            in compiled_rows(_recommendations_since, (day,), None)]


def _notifications_to_send(moment):
    return (Notification.objects.filter(status=Notification.Status.DRAFT)
            .values_list(*ClockNotification._fields))


def _reviews_open(moment):
    return (RapidReview.objects.filter(Q(status__in=RapidReview.OPEN) | Q(lcspr__stage__in=LCSPR.OPEN_STAGES))
            .values_list(*ClockReview._fields[:-1], *(f"lcspr__{name}" for name in ClockLCSPR._fields[:-1]),
                         "notification__case_reference"))


def _summaries_outstanding(moment):
    return (AgencySummary.objects.filter(rapid_review__status__in=RapidReview.OPEN, submitted_on__isnull=True)
            .values_list("pk", "rapid_review_id", "due_on", "agency__name", "agency__short_name",
                         "rapid_review__notification__case_reference"))


def _recommendations_since(day, moment):
    return (Recommendation.objects.filter(made_on__gte=day)
            .values_list("pk", "made_on", "rapid_review_id", "lcspr_id",
                         "rapid_review__notification__case_reference",
                         "lcspr__rapid_review__notification__case_reference"))


def summaries():
    """Agency summaries with their agency and their rapid review's notification."""
    return AgencySummary.objects.select_related("agency", "rapid_review__notification")


def lcsprs():
    """LCSPRs with their rapid review's notification (the case reference)."""
    return LCSPR.objects.select_related("rapid_review__notification")


def lcspr_for_page():
    """An LCSPR with its checks, delays and recommendations' actions (its page)."""
    return lcsprs().prefetch_related("checks", "delays", "recommendations__actions")


def recommendations():
    """Recommendations with the rapid review or LCSPR they came from, and its notification."""
    return Recommendation.objects.select_related("rapid_review__notification", "lcspr__rapid_review__notification")


def access_log_entries():
    return ReviewAccessLog.objects.select_related("user").order_by("-at", "-pk")
