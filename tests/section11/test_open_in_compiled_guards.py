"""Guards for `section11.analysis_reports.open_in` with a settled start (review rev7, of branch prio7): its cycles'
keys are SQL compiled once per process (`_open_between_settled`), which is right only while that SQL depends on the
period's days and the database's dialect, never on the data. Compiled before the data exists (as a process compiles
it once, at its first request, and then serves every later one), it must still choose what the rule built afresh
chooses after the data changes, and compile to the same SQL and parameters whatever the data."""
import datetime

import pytest
from django.db import connection
from django.utils import timezone

from partnership import history
from partnership.dates import Quarter, ReportPeriod
from section11 import analysis_reports
from section11.analysis_reports import open_in
from section11.models import Cycle, Return
from tests.factories import AgencyFactory
from tests.section11.conftest import make_cycle, make_framework

pytestmark = pytest.mark.django_db


def _names(queryset):
    return set(queryset.values_list("name", flat=True))


def _afresh(period):
    return _names(open_in(period, Cycle.objects.all()))


def test_compiled_before_the_data_it_chooses_what_the_rule_chooses_after_every_change(rag_scale, police):
    year = Quarter.containing(timezone.localdate()).financial_year
    periods = [ReportPeriod.for_financial_year(year), ReportPeriod.for_financial_year(year - 1)]
    compiled = [analysis_reports._open_between_settled(p.start, p.end, p.start_moment, connection.vendor)
                for p in periods]
    for period in periods:
        assert _names(open_in(period)) == set()  # compiled (or taken from the cache) with no cycle at all

    period = periods[0]
    before = period.start - datetime.timedelta(days=100)
    framework = make_framework(rag_scale, standards=1, criteria=1)
    with history.dated(period.start_moment - datetime.timedelta(days=90)):
        for name in ("Late", "Made", "Made after the start"):
            make_cycle(framework, [police], name=name, opens_on=before,
                       deadline=period.start - datetime.timedelta(days=10))
    history.update(Return.objects.filter(cycle__name="Made"), status=Return.Status.SUBMITTED,
                   date=period.start_moment - datetime.timedelta(days=1))
    history.update(Return.objects.filter(cycle__name="Made after the start"), status=Return.Status.SUBMITTED,
                   date=period.start_moment + datetime.timedelta(days=1))
    make_cycle(framework, [police], name="Current", opens_on=period.start + datetime.timedelta(days=1))
    make_cycle(framework, [police], name="Draft", opens_on=period.start, status=Cycle.Status.DRAFT)

    for each in periods:
        assert _names(open_in(each)) == _afresh(each), each
    assert _names(open_in(period)) == {"Late", "Made after the start", "Current"}

    # The data changes again (a return made now, a new agency's return still owed): the compiled rule follows.
    history.update(Return.objects.filter(cycle__name="Late"), status=Return.Status.SUBMITTED)
    Cycle.objects.filter(name="Current").update(status=Cycle.Status.DRAFT)  # not a history-aware write: the rule's
    assert _names(open_in(period)) == _afresh(period)  # live columns are read live
    other = AgencyFactory(name="Another agency")
    make_cycle(framework, [other], name="Another's late", opens_on=before,
               deadline=period.start - datetime.timedelta(days=5))
    assert _names(open_in(period)) == _afresh(period)

    # Whatever the data, the same SQL and parameters: what the cache keeps depends on the days and dialect alone.
    analysis_reports._open_between_settled.cache_clear()
    assert [analysis_reports._open_between_settled(p.start, p.end, p.start_moment, connection.vendor)
            for p in periods] == compiled


def test_the_compiled_rule_reads_no_row_when_it_is_compiled(django_assert_num_queries):
    """Compiling is building SQL: not one query (a query would be data it might keep)."""
    year = Quarter.containing(timezone.localdate()).financial_year - 3
    period = ReportPeriod.for_financial_year(year)
    analysis_reports._open_between_settled.cache_clear()
    with django_assert_num_queries(0):
        analysis_reports._open_between_settled(period.start, period.end, period.start_moment, connection.vendor)
