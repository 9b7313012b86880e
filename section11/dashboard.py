"""Section 11's panel on the home dashboard: what needs this person now. Constant queries."""
from partnership.compiled import compiled_list

from . import access, selectors
from .models import Cycle

# What the panel's table shows of each of the agency's open returns (with `with_progress`): no other column is read.
MY_RETURN_FIELDS = ("status", "cycle__name", "cycle__deadline")
# And of each return for this person to sign off: its agency, cycle and when it was submitted.
SIGN_OFF_FIELDS = ("submitted_at", "agency__name", "cycle__name")


def panel(user) -> dict:
    result: dict = {}
    if user.agency_id and user.has_role(*access.AGENCY_EDITORS):
        result["s11_my_returns"] = list(
            access.visible_returns(user).filter(cycle__status=Cycle.Status.OPEN).select_related(None)
            .select_related("cycle").only(*MY_RETURN_FIELDS).with_progress().order_by("cycle__deadline")
        )
    result["s11_to_sign_off"] = (compiled_list(_to_sign_off, (), (user.pk,)) if user.is_authenticated else [])
    if access.is_oversight(user):
        result["s11_open_cycles"] = list(selectors.cycles_open_with_counts())
    return result


def _to_sign_off(person_id: int):
    """What the panel reads of the returns for this person to sign off (compiled once: `partnership.compiled`)."""
    return selectors.returns_to_sign_off(person_id).only(*SIGN_OFF_FIELDS)
