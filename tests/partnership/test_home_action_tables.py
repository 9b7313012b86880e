"""The home page's action tables, read in one query (`merton_qa.dashboard.action_tables`), are each exactly the
first ten of their own rule, read alone: with more than ten actions in every table and actions in several tables at
once, for an agency lead and for the business unit (who reads every agency's actions)."""
import datetime

from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from merton_qa import dashboard
from partnership import access
from partnership.models import Action
from partnership.selectors import first_of_each
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



def test_each_list_has_only_its_own_rows_and_its_first_in_order(agency_lead, police):
    """`first_of_each` reads the lists' first rows together: a row read for one list is not listed in another it
    does not meet, a row meeting two lists is in both, and ties of due date keep the model's order (by pk)."""
    unowned = [ActionFactory(owner=None, owner_agency=police, due_date=TODAY, source_kind="other") for _ in range(3)]
    own = ActionFactory(owner=agency_lead, owner_agency=police, due_date=TODAY - datetime.timedelta(days=1))
    visible = access.visible_actions(agency_lead).open().for_table()
    lists = {"mine": Q(owner=agency_lead), "unowned": Q(owner__isnull=True), "agency": Q(owner_agency_id=police.pk)}
    with CaptureQueriesContext(connection) as queries:
        found = first_of_each(visible, lists, 2)
    assert len(queries.captured_queries) == 1
    assert {name: [a.pk for a in rows] for name, rows in found.items()} == {
        "mine": [own.pk], "unowned": [a.pk for a in unowned[:2]], "agency": [own.pk, unowned[0].pk]}
    found = first_of_each(visible, lists, 4)
    assert [a.pk for a in found["unowned"]] == [a.pk for a in unowned]  # not `own`, read for the other lists
    assert [a.pk for a in found["agency"]] == [own.pk, *(a.pk for a in unowned)]
    assert first_of_each(visible, {"none": Q(pk__in=[])}, 2) == {"none": []}


def test_an_agency_leads_tables_never_hold_another_agencys_actions(agency_lead, outsider, police, outsider_agency):
    """The tables' query is compiled once and each person's ids bound at each call (`partnership.compiled`): read
    for one agency's lead and then another's, each sees their own agency's actions only, whichever read first."""
    theirs = {agency: {ActionFactory(owner=None, owner_agency=agency, due_date=TODAY + datetime.timedelta(days=3),
                                     source_kind="meeting").pk for _ in range(3)}
              for agency in (police, outsider_agency)}
    for user, agency, other in ((agency_lead, police, outsider_agency), (outsider, outsider_agency, police),
                                (agency_lead, police, outsider_agency)):
        tables = dashboard.action_tables(user, TODAY, is_agency_user=True)
        seen = {action.pk for rows in tables.values() for action in rows}
        assert seen == theirs[agency] and not seen & theirs[other], user
