"""Who may see and change performance records."""
from django.db.models import Q, QuerySet

from partnership.models import Role

from .models import DataReturn, Value

AGENCY_EDITORS = (Role.AGENCY_LEAD, Role.AGENCY_CONTRIBUTOR)


def can_manage(user) -> bool:
    """Define indicators, open data returns, validate and query: the business unit only."""
    return user.is_authenticated and user.has_role(Role.BUSINESS_UNIT)


def is_agency_editor(user, agency_id: int) -> bool:
    return (user.is_authenticated and user.has_role(*AGENCY_EDITORS) and user.agency_id is not None
            and user.agency_id == agency_id)


def visible_data_returns(user) -> QuerySet[DataReturn]:
    """The business unit sees every return; an agency's people their own agency's."""
    qs = DataReturn.objects.select_related("agency", "period")
    if can_manage(user):
        return qs
    if user.is_authenticated and user.agency_id and user.has_role(*AGENCY_EDITORS):
        return qs.filter(agency_id=user.agency_id)
    return qs.none()


def can_edit_data_return(user, data_return: DataReturn) -> bool:
    return data_return.is_editable and is_agency_editor(user, data_return.agency_id)


def can_submit_data_return(user, data_return: DataReturn) -> bool:
    return can_edit_data_return(user, data_return) and user.has_role(Role.AGENCY_LEAD)


def visible_values(user) -> QuerySet[Value]:
    """Everyone signed in sees validated figures; an agency also sees its own before validation."""
    validated = Q(data_return__status=DataReturn.Status.VALIDATED)
    qs = Value.objects.all()
    if not user.is_authenticated:
        return qs.none()
    if can_manage(user):
        return qs
    if user.agency_id and user.has_role(*AGENCY_EDITORS):
        return qs.filter(validated | Q(data_return__agency_id=user.agency_id))
    return qs.filter(validated)


def can_include_unvalidated(user) -> bool:
    """Who may choose to add figures not yet validated to what they read: the business unit (all of them) and an
    agency's lead and contributors (their own agency's)."""
    return can_manage(user) or bool(user.is_authenticated and user.agency_id and user.has_role(*AGENCY_EDITORS))


def reads_validated_figures(user) -> bool:
    """Whether `user` reads the validated figures (`scorecard_values` without the unvalidated): everyone signed in.
    The agenda's exceptions ask this rather than the queryset, to read those figures through a query compiled once."""
    return user.is_authenticated


def scorecard_values(user, *, include_unvalidated: bool = False) -> QuerySet[Value]:
    """The figures a scorecard, exception report or indicator page shows. Everyone sees the validated figures by
    default, so the scorecard reads the same whoever opens it; a person allowed to may ask to include the figures
    not yet validated that `visible_values` lets them see (each marked "Not yet validated")."""
    from .scorecard import validated_values  # the board pack's rule for "validated"

    if not reads_validated_figures(user):
        return Value.objects.none()
    if include_unvalidated and can_include_unvalidated(user):
        return visible_values(user)
    return validated_values()
