"""Who may see the reviews app: the reviews group and the business unit, nobody else (404 for everyone else).

The one exception is narrow: an agency lead writes their own agency's summary for a rapid review
through `summary-write`, which shows only the review's reference, the due date and their own form.
Every detail page of a case goes through `get_logged_or_404`, which writes the access log.
"""
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from partnership import net, security_log
from partnership.models import Role

from .models import AgencySummary, ReviewAccessLog
from .roles import REVIEWS_ROLES, is_business_unit, is_reviews_user  # noqa: F401 - the page rules are asked here


def require_reviews(user) -> None:
    """Anyone outside the reviews group learns nothing, not even that the page exists."""
    if not is_reviews_user(user):
        raise Http404


PARTNER_REFERRER_ROLES = (Role.AGENCY_LEAD, Role.AGENCY_CONTRIBUTOR)


def can_refer(user) -> bool:
    """Any partner agency's staff may refer a case for consideration (they see nothing else in this app).
    The reviews group records referrals on its own fuller form."""
    return bool(user.is_authenticated and user.agency_id and user.has_role(*PARTNER_REFERRER_ROLES)
                and not is_reviews_user(user))


def require_referrer(user) -> None:
    if not can_refer(user):
        raise Http404


def require_business_unit(user) -> None:
    if not is_business_unit(user):
        raise Http404


def client_ip(request) -> str | None:
    return net.client_ip(request)


def log_access(request, obj, action: str = ReviewAccessLog.Action.VIEW) -> ReviewAccessLog:
    security_log.event(f"serious-incident-{action}", request, outcome="success", obj=obj)
    return ReviewAccessLog.objects.create(
        user=request.user, model_label=obj._meta.label_lower, object_pk=obj.pk,
        case_reference=getattr(obj, "case_reference", "")[:40], action=action,
        path=request.path[:300], ip_address=client_ip(request),
    )


CLOCKS = "reviews.clocks"  # what the clocks page and the dashboard panel list: every open case's clocks


def log_listing(request, listed: str, *, user=None) -> ReviewAccessLog:
    """A page that lists cases (a list, the clocks, the dashboard panel) is a read of every case it shows:
    logged with the kind listed (a model label, or CLOCKS) and no single record. `user` when there is no
    request (the dashboard panel is built from the user alone)."""
    user = user or request.user
    security_log.event("serious-incident-list", request, outcome="success", reference=listed, actor=str(user.pk))
    return ReviewAccessLog.objects.create(
        user=user, model_label=listed[:60], object_pk=0, action=ReviewAccessLog.Action.VIEW,
        path=request.path[:300] if request is not None else "", ip_address=client_ip(request) if request else None,
    )


def require_reviews_logged(request, listed: str) -> None:
    """The one way a reviews list page starts: reviews group only (else 404), and the listing is logged."""
    require_reviews(request.user)
    log_listing(request, listed)


def get_logged_or_404(request, queryset: QuerySet | type, *, action: str = ReviewAccessLog.Action.VIEW, **lookup):
    """The one way a case page reads its record (from the model, or a queryset of `selectors`): reviews group only
    (else 404), and every read is logged."""
    require_reviews(request.user)
    obj = get_object_or_404(queryset, **lookup)
    log_access(request, obj, action)
    return obj


def summaries_for_lead(user) -> QuerySet[AgencySummary]:
    """The agency summaries this person may write: their own agency's, as its designated (agency) lead."""
    if not (user.is_authenticated and user.agency_id and user.has_role(Role.AGENCY_LEAD)):
        return AgencySummary.objects.none()
    return AgencySummary.objects.filter(agency_id=user.agency_id)


def can_write_summary(user, summary: AgencySummary) -> bool:
    return summary.submitted_on is None and (
        is_reviews_user(user) or (user.has_role(Role.AGENCY_LEAD) and user.agency_id == summary.agency_id)
    )
