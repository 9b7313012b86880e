"""The kernel's reads that every app's views share (docs/architecture.md, "Where reads live").

Each app's own reads are in its `selectors.py`; a view asks there, never `Model.objects` itself."""
import functools
import operator
from typing import TypeVar

from django.db import models
from django.db.models import Count, Min, Q

from . import access
from .compiled import compiled_list
from .models import Action, ActionFile, EmailMessage, Feedback, LegalHold, Priority, Role, User
from .request_memo import once_per_request

M = TypeVar("M", bound=models.Model)


def as_saved(record: M) -> M:
    """`record` as saved now, read again from the database: what a conflict page shows beside what was typed."""
    return type(record)._default_manager.get(pk=record.pk)


def agency_leads(agency_ids) -> models.QuerySet[User]:
    """The agencies' leads: the people the partnership writes to for an agency (a launch, a reminder, a summary
    requested, an escalation letter, a challenge letter's addressee): its active accounts with the agency lead role
    and an address, by name. The one rule; `agency_leads_by_agency` groups it."""
    return (User.objects.filter(agency_id__in=list(agency_ids), is_active=True, roles__role=Role.AGENCY_LEAD)
            .exclude(email="").distinct().order_by("full_name", "pk"))


def agency_leads_by_agency(agency_ids) -> dict[int, list[User]]:
    """{agency id: its leads, by name} (`agency_leads`), for the agencies that have any: one query."""
    leads: dict[int, list[User]] = {}
    for user in agency_leads(agency_ids):
        leads.setdefault(user.agency_id, []).append(user)
    return leads


def people_listed():
    """Every account with its agency and roles, by agency and name (the business unit's list)."""
    return User.objects.select_related("agency").prefetch_related("roles").order_by("agency__name", "full_name")


def person_for_page():
    return User.objects.select_related("agency").prefetch_related("roles")


def emails_to(person):
    """Every email the service wrote to `person`'s address (any case)."""
    return EmailMessage.objects.filter(to__iexact=person.email)


def action_files(user):
    """The evidence files on the actions `user` may read."""
    return ActionFile.objects.filter(action__in=access.visible_actions(user))


def feedback_listed():
    return Feedback.objects.select_related("priority", "action")


def priorities_in_order():
    return Priority.objects.order_by("order", "title")


def actions_by_title():
    return Action.objects.order_by("title", "pk")


def legal_holds():
    """Every legal hold with what it is on and who set and released it."""
    return LegalHold.objects.select_related("content_type", "set_by", "released_by")


def actions_by_agency(today) -> list[dict]:
    """Each agency with actions (`owner_agency_id`, `owner_agency__name`): how many are open (`open_count`), of
    those overdue (`overdue_count`: due before `today`, as `Action.objects.overdue`) and the oldest overdue due date
    (`oldest_overdue`), and how many await sign-off (`awaiting_sign_off`: completed) or have their impact assured
    (`impact_assured`); most overdue first, then by name. Every action has an owning agency, so the sums are the
    partnership's. One query, read once per page: the home page's figures and agencies with overdue actions, and the
    next meeting's agenda (`partnership.agenda`), all ask."""
    return once_per_request(("partnership.actions_by_agency", today),
                            lambda: compiled_list(_actions_by_agency, (), (today,)))


def _actions_by_agency(today):
    open_ = Q(status__in=Action.OPEN_STATUSES)
    overdue = open_ & Q(due_date__lt=today)
    return Action.objects.values("owner_agency_id", "owner_agency__name").annotate(
        open_count=Count("pk", filter=open_), overdue_count=Count("pk", filter=overdue),
        oldest_overdue=Min("due_date", filter=overdue),
        awaiting_sign_off=Count("pk", filter=Q(status=Action.Status.COMPLETED)),
        impact_assured=Count("pk", filter=Q(status=Action.Status.IMPACT_ASSURED)),
    ).order_by("-overdue_count", "owner_agency__name")


def first_of_each(queryset: models.QuerySet, lists: dict[str, models.Q], limit: int) -> dict[str, list]:
    """{name: the first `limit` rows of `queryset` (in its model's ordering, which ends with the pk) that meet
    `lists[name]`}, for several short lists of one table in one query, not one each (the home page's action tables).
    Each condition is on the row's own columns or its to-one relations (across a to-many relation a row's key
    would come back once per related row: tests/partnership/test_first_of_each_guards.py).

    Each list's first `limit` are found by a subquery of its own (its keys, ordered and limited), and the rows read
    once in the model's ordering, each flagged with the lists it meets. A list's rows are then its flagged rows in
    that order, up to `limit`: every one of its first `limit` was read, and a row of the list beyond them was read
    only for another list and comes after them. (Ranking each list with a window function and filtering on the
    rank asks the same of the database, but Django takes several times longer to write that query.)"""
    return firsts_split(list(firsts_query(queryset, lists, limit)), lists, limit)


def firsts_query(queryset: models.QuerySet, lists: dict[str, models.Q], limit: int) -> models.QuerySet:
    """`first_of_each`'s one query: the rows of `queryset` among the first `limit` of any list, in the model's
    ordering, each flagged (`in_<name>`) with the lists it meets."""
    ordering = queryset.model._meta.ordering
    keys = queryset.values("pk").order_by(*ordering)
    firsts = functools.reduce(operator.or_, (models.Q(pk__in=keys.filter(condition)[:limit])
                                             for condition in lists.values()))
    flags = {f"in_{name}": models.ExpressionWrapper(condition, output_field=models.BooleanField())
             for name, condition in lists.items()}
    # Every row read meets a list's condition too: said again, so the database looks up only those rows by their
    # indexes and checks each against the lists' first rows, rather than checking every row of the queryset.
    return (queryset.filter(functools.reduce(operator.or_, lists.values()), firsts).annotate(**flags)
            .order_by(*ordering))


def firsts_split(rows: list, names, limit: int) -> dict[str, list]:
    """`firsts_query`'s rows, each list's flagged rows in their order, up to `limit`."""
    return {name: [row for row in rows if getattr(row, f"in_{name}")][:limit] for name in names}
