"""Performance's panel on the home dashboard: data returns due. Constant queries."""
from . import access, selectors
from .models import DataReturn

# What the panel shows of each data return due: its period, due date and whether it is late or queried.
DUE_FIELDS = ("status", "due_date", "period__label")


def panel(user) -> dict:
    result: dict = {}
    if user.agency_id and user.has_role(*access.AGENCY_EDITORS):
        result["perf_due"] = list(
            access.visible_data_returns(user).filter(status__in=DataReturn.EDITABLE).select_related(None)
            .select_related("period").only(*DUE_FIELDS).order_by("due_date")[:10]
        )
    if access.can_manage(user):
        result["perf_periods"] = list(selectors.periods_to_chase())
    return result
