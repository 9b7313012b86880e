"""Section 11's panel on the home dashboard: what needs this person now. Constant queries."""
from django.db.models import Count, Q

from . import access
from .models import Cycle, Return


def panel(user) -> dict:
    result: dict = {}
    if user.agency_id and user.has_role(*access.AGENCY_EDITORS):
        result["s11_my_returns"] = list(
            access.visible_returns(user).filter(cycle__status=Cycle.Status.OPEN).with_progress()
            .order_by("cycle__deadline")
        )
    result["s11_to_sign_off"] = list(
        Return.objects.filter(senior_officer=user, status=Return.Status.SUBMITTED).select_related("cycle", "agency")
    ) if user.is_authenticated else []
    if access.is_oversight(user):
        result["s11_open_cycles"] = list(
            Cycle.objects.filter(status=Cycle.Status.OPEN).annotate(
                total=Count("returns"),
                done=Count("returns", filter=Q(returns__status__in=Return.FINISHED)),
                awaiting_moderation=Count("returns", filter=Q(returns__status=Return.Status.SUBMITTED)),
            ).order_by("deadline")
        )
    return result
