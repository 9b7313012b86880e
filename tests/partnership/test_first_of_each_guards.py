"""Guards for `partnership.selectors.first_of_each` (review rev7): each list's first rows found by a LIMITed subquery
of its own, the rows read once and flagged. What makes it right, checked against the plain query of each list alone
for random data (many ties of due date, owners missing, lists that overlap) and several limits:

- the model's ordering ends with the pk, so the subquery's first rows and the outer query's order are one total
  order (no tie left to the database to break two ways);
- every condition is on the row's own columns or a to-one relation, so neither the subquery nor the flags meet a
  row twice (a condition across a to-many relation would let a LIMITed subquery return a key twice: see the last
  test, which documents that limit of the function's contract)."""
import datetime
import random

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from partnership import access
from partnership.models import Action
from partnership.selectors import first_of_each
from tests.factories import ActionFactory, ActionUpdateFactory, AgencyFactory

TODAY = timezone.localdate()
pytestmark = pytest.mark.django_db


def test_the_models_ordering_is_a_total_order_ending_with_the_pk():
    """`first_of_each` orders the subqueries and the rows read by the model's ordering: ties broken by the pk."""
    assert Action._meta.ordering[-1] in ("pk", "-pk", "id", "-id")


def _lists(user, other_agency):
    return {
        "mine": Q(owner=user),
        "unowned": Q(owner__isnull=True),
        "overdue": Q(due_date__lt=TODAY),
        "soon": Q(due_date__gte=TODAY, due_date__lte=TODAY + datetime.timedelta(days=7)),
        "meeting_not_mine": Q(source_kind="meeting") & ~Q(owner=user),  # a negation over a nullable column
        "other_agency": Q(owner_agency__name=other_agency.name),  # a to-one relation's column
        "none": Q(pk__in=[]),
        "all": ~Q(pk__in=[]),
    }


def test_each_list_is_its_plain_querys_first_rows_for_random_data_and_limits(agency_lead, police):
    rng = random.Random(7)
    other = AgencyFactory(name="Other agency", short_name="Other")
    for _ in range(60):
        ActionFactory(owner=rng.choice([agency_lead, None, None]), owner_agency=rng.choice([police, other]),
                      due_date=TODAY + datetime.timedelta(days=rng.randint(-5, 10)),  # many ties of due date
                      source_kind=rng.choice(["meeting", "other"]))
    visible = access.visible_actions(agency_lead).open().for_table()
    lists = _lists(agency_lead, other)
    for limit in (1, 2, 3, 5, 10, 40, 100):
        with CaptureQueriesContext(connection) as queries:
            found = first_of_each(visible, lists, limit)
        assert len(queries.captured_queries) == 1
        alone = {name: [a.pk for a in visible.filter(condition).order_by(*Action._meta.ordering)[:limit]]
                 for name, condition in lists.items()}
        assert {name: [a.pk for a in rows] for name, rows in found.items()} == alone, limit
        assert found["all"] and not found["none"]
    # a subset of the lists, each alone
    for name, condition in lists.items():
        only = first_of_each(visible, {name: condition}, 4)
        assert [a.pk for a in only[name]] == [a.pk for a in visible.filter(condition)[:4]], name


def test_no_rows_the_reader_may_not_see():
    """The subqueries are of the reader's queryset: a list's condition cannot reach past what they may read."""
    stranger_agency = AgencyFactory(name="Stranger")
    ActionFactory(owner_agency=stranger_agency, due_date=TODAY)
    assert first_of_each(Action.objects.none(), {"any": ~Q(pk__in=[])}, 5) == {"any": []}
    assert first_of_each(Action.objects.exclude(owner_agency=stranger_agency), {"any": ~Q(pk__in=[])}, 5) == {
        "any": []}


@pytest.mark.xfail(strict=True, reason="first_of_each's conditions must be on the row's own columns or to-one "
                                       "relations: across a to-many relation a key comes back once per related row")
def test_a_list_across_a_to_many_relation_still_has_its_first_rows(police):
    """Not a condition any caller uses (the home page's lists are on the action's own columns): it documents that the
    LIMITed subquery counts joined rows, not actions."""
    first, second, third = (ActionFactory(owner_agency=police, due_date=TODAY + datetime.timedelta(days=d))
                            for d in (1, 2, 3))
    for _ in range(3):
        ActionUpdateFactory(action=first)
    ActionUpdateFactory(action=second)
    ActionUpdateFactory(action=third)
    found = first_of_each(Action.objects.all(), {"updated": Q(updates__isnull=False)}, 3)
    assert [a.pk for a in found["updated"]] == [first.pk, second.pk, third.pk]
