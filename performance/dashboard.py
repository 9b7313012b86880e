"""Performance's panel on the home dashboard: data returns due. Constant queries."""
from django.db.models import Count, Q

from . import access
from .models import DataReturn


def panel(user) -> dict:
    result: dict = {}
    if user.agency_id and user.has_role(*access.AGENCY_EDITORS):
        result["perf_due"] = list(
            access.visible_data_returns(user).filter(status__in=DataReturn.EDITABLE).order_by("due_date")[:10]
        )
    if access.can_manage(user):
        result["perf_periods"] = list(
            DataReturn.objects.values("period__label", "period_id", "period__start").annotate(
                total=Count("pk"),
                waiting=Count("pk", filter=Q(status=DataReturn.Status.SUBMITTED)),
                outstanding=Count("pk", filter=Q(status__in=DataReturn.EDITABLE)),
            ).filter(Q(waiting__gt=0) | Q(outstanding__gt=0)).order_by("-period__start")[:4]
        )
    return result
