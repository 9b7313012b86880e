"""The action tracker's pages do not run more queries when there are more actions, updates or history."""
import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from partnership import history
from partnership.models import Action, ActionUpdate, Agency, ReportExport, Role, Sector, User
from tests.factories import ActionFactory, ActionUpdateFactory, AgencyFactory, PriorityFactory, UserFactory

S = Action.Status
TODAY = timezone.localdate()


@pytest.fixture
def police_action(police, agency_lead):
    return ActionFactory(title="Police referral form review", owner_agency=police, owner=agency_lead,
                         status=S.AGREED)


def make_actions(n: int, *, prefix: str = "") -> None:
    """n actions spread over 10 agencies (police and the partnership unit among them), 2 updates each."""
    agencies = list(Agency.objects.order_by("pk")[:10])
    while len(agencies) < 10:
        agencies.append(AgencyFactory(name=f"Agency {len(agencies)}", sector=Sector.HEALTH_ICB))
    owners = {}
    for agency in agencies:
        owners[agency.pk] = (
            User.objects.filter(agency=agency).order_by("pk").first()
            or UserFactory(agency=agency, roles=[Role.AGENCY_CONTRIBUTOR])
        )
    priorities = [PriorityFactory(code=f"p{i}") for i in range(3)]
    statuses = [S.PROPOSED, S.AGREED, S.IN_PROGRESS]
    actions = history.bulk_create([
        Action(title=f"{prefix}Action {i}", description="d", owner_agency=agencies[i % 10],
               owner=owners[agencies[i % 10].pk], priority=priorities[i % 3], status=statuses[i % 3],
               source_kind=["audit", "section11", "other"][i % 3],
               due_date=TODAY + datetime.timedelta(days=(i % 40) - 20))
        for i in range(n)
    ])
    ActionUpdate.objects.bulk_create([
        ActionUpdate(action=a, author=owners[a.owner_agency_id], note=f"Update {k}") for a in actions for k in (1, 2)
    ])


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
        assert response.status_code == 200
        if response.streaming:
            b"".join(response.streaming_content)
    return len(ctx.captured_queries)


@pytest.fixture
def everyone(business_unit, agency_lead, outsider, qa_member):
    return business_unit


# Measured on SQLite and PostgreSQL (each includes session, user, 2FA device and roles: 4 queries).
ACTION_LIST_QUERIES = 9
ACTION_CSV_QUERIES = 5
HOME_BU_QUERIES = 25  # each app panel on the home page adds its own (section11: 2, performance: 1, audits: 2,
# reviews: 5), the latest published board pack 1, open escalations 1, the next meeting and its due items 3
HOME_AGENCY_QUERIES = 17  # audits: 2, reviews: 1 (rapid review summaries asked of the agency), their meetings and
# the open actions from meetings 2
DETAIL_QUERIES = 9  # includes one query per ActionSource model of the action's kind (sources_of)


@pytest.mark.parametrize("url_name,persona,limit", [
    ("partnership:action-list", "business_unit", ACTION_LIST_QUERIES),
    ("partnership:action-export", "business_unit", ACTION_CSV_QUERIES),
    ("home", "business_unit", HOME_BU_QUERIES),
    ("home", "agency_lead", HOME_AGENCY_QUERIES),
], ids=["list", "csv", "home-business-unit", "home-agency-lead"])
def test_page_queries_do_not_grow_with_the_number_of_actions(request, client_for, everyone, url_name, persona, limit,
                                                             django_assert_max_num_queries):
    user = request.getfixturevalue(persona)
    ReportExport.objects.bulk_create([
        ReportExport(kind="actions-overdue", status=ReportExport.Status.READY, requested_by=user) for _ in range(6)
    ])
    client = client_for(user)
    url = reverse(url_name)
    make_actions(20)
    client.get(url)  # warm caches (content types, sessions)
    with_20 = count_queries(client, url)
    make_actions(180, prefix="More ")
    assert Action.objects.count() == 200 and ActionUpdate.objects.count() == 400
    with_200 = count_queries(client, url)
    assert with_20 == with_200
    with django_assert_max_num_queries(limit):
        response = client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)


def test_action_detail_queries_do_not_grow_with_updates_and_history(client_for, business_unit, agency_lead,
                                                                    contributor, police_action,
                                                                    django_assert_max_num_queries):
    authors = [business_unit, agency_lead, contributor]

    def add(n):
        for i in range(n):
            ActionUpdateFactory(action=police_action, author=authors[i % 3], note=f"Note {i}")
            police_action._history_user = authors[i % 3]
            police_action.title = f"Title {i}"
            police_action.save()

    client = client_for(business_unit)
    url = police_action.get_absolute_url()
    add(3)
    client.get(url)
    few = count_queries(client, url)
    add(27)
    assert police_action.updates.count() == 30 and police_action.history.count() >= 30
    many = count_queries(client, url)
    assert few == many
    with django_assert_max_num_queries(DETAIL_QUERIES):
        client.get(url)
