"""Performance's panel on the home dashboard: data returns due. Constant queries."""
from . import access, selectors
from .models import DataReturn


def panel(user) -> dict:
    result: dict = {}
    if user.agency_id and user.has_role(*access.AGENCY_EDITORS):
        result["perf_due"] = list(
            access.visible_data_returns(user).filter(status__in=DataReturn.EDITABLE).order_by("due_date")[:10]
        )
    if access.can_manage(user):
        result["perf_periods"] = list(selectors.periods_to_chase())
    return result
