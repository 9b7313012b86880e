"""`partnership.compiled.compiled_list`: a live read built and compiled once per process, each call binding its own
values (a person's id, today's date) where the query was compiled with stand-ins, and reading the rows afresh into
what the queryset gives (model instances with their related rows, dicts, flat values). A build that computes with a
bound value, or drops one, is refused; and every build the project passes is found in the source and checked not to
hold the clock."""
import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from merton_qa import meetings as agenda
from partnership import compiled
from partnership.compiled import compiled_list
from partnership.models import Action, Subgroup
from partnership.services import meetings
from tests.factories import ActionFactory
from tests.partnership.builds_in_source import assert_same_sql_whatever_the_clock, builds_passed_to, recording

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 6, 15)


def _owned_overdue(person_id: int, today):
    return Action.objects.filter(owner_id=person_id, due_date__lt=today).select_related("owner_agency").order_by("pk")


def _by_agency(today):
    return Action.objects.filter(due_date__lt=today).values("owner_agency_id").order_by("owner_agency_id")


def _titles(person_id: int):
    return Action.objects.filter(owner_id=person_id).order_by("pk").values_list("title", flat=True)


def _a_day_later(today):
    return Action.objects.filter(due_date__lt=today + datetime.timedelta(days=1))


def _ignores_the_person(person_id: int):
    return Action.objects.all()


def _nothing():
    return Action.objects.filter(pk__in=[])


def test_each_call_binds_its_own_values_into_the_one_compiled_query(business_unit, agency_lead,
                                                                   django_assert_num_queries):
    mine = [ActionFactory(owner=business_unit, due_date=TODAY - datetime.timedelta(days=n)) for n in (1, 10)]
    theirs = ActionFactory(owner=agency_lead, due_date=TODAY - datetime.timedelta(days=3))
    ActionFactory(owner=agency_lead, due_date=TODAY + datetime.timedelta(days=3))
    compiled._prepared.cache_clear()
    earlier = TODAY - datetime.timedelta(days=5)
    for person, today in ((business_unit, TODAY), (agency_lead, TODAY), (business_unit, earlier)):
        with django_assert_num_queries(1):  # the related agency read with it, as select_related reads it
            found = compiled_list(_owned_overdue, (), (person.pk, today))
            names = [action.owner_agency.name for action in found]
        expected = list(_owned_overdue(person.pk, today))
        assert found == expected and names == [action.owner_agency.name for action in expected]
    assert [a.pk for a in compiled_list(_owned_overdue, (), (business_unit.pk, TODAY))] == [a.pk for a in mine]
    assert [a.pk for a in compiled_list(_owned_overdue, (), (agency_lead.pk, TODAY))] == [theirs.pk]
    assert compiled._prepared.cache_info().misses == 1  # built and compiled once for every person and day
    assert compiled_list(_by_agency, (), (TODAY,)) == list(_by_agency(TODAY))  # dicts
    assert compiled_list(_titles, (), (agency_lead.pk,)) == list(_titles(agency_lead.pk))  # flat values
    ActionFactory(owner=agency_lead, due_date=TODAY - datetime.timedelta(days=1))
    assert len(compiled_list(_owned_overdue, (), (agency_lead.pk, TODAY))) == 2  # rows written since: read


def test_a_build_that_computes_with_a_bound_value_or_drops_one_is_refused(business_unit):
    with pytest.raises(ValueError, match="computed from one"):  # would read as of the year 1111
        compiled_list(_a_day_later, (), (TODAY,))
    with pytest.raises(ValueError, match="missing"):
        compiled_list(_ignores_the_person, (), (business_unit.pk,))
    for value in (None, True, "a word"):
        with pytest.raises(TypeError):
            compiled_list(_titles, (), (value,))


def test_a_query_that_can_match_nothing_runs_none(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert compiled_list(_nothing) == []


def test_every_query_compiled_once_is_the_same_sql_whatever_the_clock(client_for, business_unit, qa_member, chair,
                                                                      reader, agency_lead, contributor,
                                                                      reviews_member, ld_coordinator, monkeypatch):
    """The class of defect `compiled_list` could bring: a build whose SQL holds the clock (a `timezone.now()`, a
    `localdate()`) would be compiled once and then read every later request as of that first one. Every build the
    project passes (found in the source, so a new caller is covered without being listed) is run here by the home
    page of every persona and a meeting's agenda, and compiled again with the clock a day and a year on: the same
    SQL and parameters."""
    group = Subgroup.objects.create(name="Quality assurance subgroup", kind=Subgroup.Kind.QA)
    meetings.meeting_create(subgroup=group, starts_at=timezone.now() + datetime.timedelta(days=30), by=business_unit,
                            place="Civic Centre")
    seen, real = recording(monkeypatch, compiled, "_prepared")
    for person in (business_unit, qa_member, chair, reader, agency_lead, contributor, reviews_member, ld_coordinator):
        assert client_for(person).get(reverse("home")).status_code == 200
    agenda.suggestions_for(group.meetings.get(), business_unit)
    assert {(build.__module__, build.__name__) for build, _, _ in seen} == builds_passed_to("compiled_list")

    def sql(build, args, kinds):
        prepared = real(build, args, kinds, "sqlite")
        return prepared and prepared[2:4]

    assert_same_sql_whatever_the_clock(seen, sql, monkeypatch)
