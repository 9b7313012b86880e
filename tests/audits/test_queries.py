"""Pages whose rows grow must not grow their queries: an audit of 8 cases x 6 agencies."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audits.models import Audit
from audits.services.concerns import concern_raise
from tests.audits.conftest import agree_all, make_audit, submit_all
from tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db


def count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


@pytest.fixture
def sizes(tool, programme, police, business_unit, contributor):
    small = make_audit(tool, programme, [police, AgencyFactory()], status=Audit.Status.IN_PROGRESS, cases=1,
                       theme="Small")
    agencies = [police, *(AgencyFactory() for _ in range(5))]
    big = make_audit(tool, programme, agencies, status=Audit.Status.IN_PROGRESS, cases=8, theme="Big")
    for audit in (small, big):
        concern_raise(case=audit.cases.first(), agency=police, by=contributor, description="Unsafe now.")
    return small, big


@pytest.mark.parametrize("persona", ["business_unit", "contributor", "chair"])
def test_audit_page_queries_do_not_grow(sizes, persona, request, client_for, django_assert_max_num_queries):
    client = client_for(request.getfixturevalue(persona))
    small, big = sizes
    few = count(client, reverse("audits:audit-detail", args=[small.pk]))
    many = count(client, reverse("audits:audit-detail", args=[big.pk]))
    assert many == few
    with django_assert_max_num_queries(30):
        client.get(reverse("audits:audit-detail", args=[big.pk]))


def test_list_report_and_home_queries_do_not_grow(sizes, business_unit, contributor, client_for):
    small, big = sizes
    bu = client_for(business_unit)
    for audit in sizes:
        submit_all(audit)
        agree_all(audit)
    assert count(bu, reverse("audits:report", args=[small.pk])) == count(bu, reverse("audits:report", args=[big.pk]))
    before = count(bu, reverse("audits:programme-list"))
    make_audit(small.tool, small.programme, [AgencyFactory()], status=Audit.Status.IN_PROGRESS, cases=3)
    assert count(bu, reverse("audits:programme-list")) == before
    mine = client_for(contributor)
    assert count(mine, reverse("audits:my-audits")) <= 15
