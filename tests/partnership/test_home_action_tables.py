"""The home page's action tables, read in one query (`merton_qa.dashboard.action_tables`), are each exactly the
first ten of their own rule, read alone: with more than ten actions in every table and actions in several tables at
once, for an agency lead and for the business unit (who reads every agency's actions)."""
import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from merton_qa import dashboard
from partnership import access
from partnership.models import Action
from tests.factories import ActionFactory

TODAY = timezone.localdate()


def each_alone(user, *, agency_user: bool) -> dict:
    """The tables as the home page read them before, one query each."""
    visible = access.visible_actions(user).open().for_list()
    owned = visible.filter(owner=user) | visible.filter(owner_agency_id=user.agency_id)
    tables = {
        "my_overdue": visible.filter(owner=user, due_date__lt=TODAY),
        "my_due_soon": visible.filter(owner=user, due_date__gte=TODAY,
                                      due_date__lte=TODAY + datetime.timedelta(days=28)),
        "meeting_actions": owned.filter(source_kind="meeting"),
    }
    if agency_user:
        tables["agency_open"] = visible.filter(owner_agency_id=user.agency_id)
    return {name: list(rows[:10]) for name, rows in tables.items()}


def test_the_tables_in_one_query_are_each_tables_first_ten(agency_lead, business_unit, police, partnership_unit):
    for days in range(-30, 40, 2):  # overdue, due soon and later; the same due date twice (ordered by pk then)
        for owner, agency in ((agency_lead, police), (None, police), (business_unit, partnership_unit)):
            ActionFactory(owner=owner, owner_agency=agency, due_date=TODAY + datetime.timedelta(days=days),
                          source_kind="meeting" if days % 4 == 0 else "other")
            ActionFactory(owner=owner, owner_agency=agency, due_date=TODAY + datetime.timedelta(days=days),
                          status=Action.Status.COMPLETED, completion_evidence="Done.")  # in no table
    for user, agency_user in ((agency_lead, True), (business_unit, False)):
        assert user.role_set  # the roles are read once per person, before
        with CaptureQueriesContext(connection) as queries:
            tables = dashboard.action_tables(user, TODAY, is_agency_user=agency_user)
        assert len(queries.captured_queries) == 1
        alone = each_alone(user, agency_user=agency_user)
        assert {name: [a.pk for a in rows] for name, rows in tables.items()} == {
            name: [a.pk for a in rows] for name, rows in alone.items()}
        assert all(len(rows) == 10 for rows in tables.values())
        assert [a.is_overdue for a in tables["my_overdue"]] == [True] * 10
