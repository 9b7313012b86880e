"""Complete history: the kernel's history-aware writes, the guard against writes that skip history, the
baseline migration, and the services that used to skip history (a Section 11 launch, copying answers)."""
import datetime
import importlib

import pytest
from django.apps import apps
from django.db.models import F, Value
from django.db.models.functions import Concat
from django.urls import reverse
from django.utils import timezone

from partnership import history
from partnership.models import Action, ActionUpdate, Agency, Sector
from section11.models import Answer, Cycle, Return
from section11.services.returns import copy_answers_from
from tests.factories import ActionFactory, AgencyFactory
from tests.section11.conftest import answer_all, cycle, framework, make_cycle, rag_scale  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db

LAST_YEAR = timezone.make_aware(datetime.datetime(2025, 9, 30, 17, 0))


def new_actions(agency, n=2):
    return [Action(title=f"Action {i}", description="d", owner_agency=agency, due_date=datetime.date(2027, 1, 1))
            for i in range(n)]


def history_of(model, rows):
    return model.history.filter(id__in=[r.pk for r in rows]).order_by("id", "history_date")


# --- The guard


@pytest.mark.parametrize("write", [
    lambda agency: Action.objects.filter(owner_agency=agency).update(title="Changed"),
    lambda agency: Action.objects.bulk_create(new_actions(agency)),
    lambda agency: Action.objects.bulk_update(list(Action.objects.all()), ["title"]),
    lambda agency: agency.actions.update(title="Changed"),  # a related manager delegates to QuerySet.update
], ids=["update", "bulk_create", "bulk_update", "related-manager-update"])
def test_the_guard_refuses_writes_that_skip_history_on_a_tracked_model(write):
    action = ActionFactory()
    with pytest.raises(AssertionError, match=r"partnership\.Action: QuerySet\.\w+\(\) writes no history row.*"
                                             r"Use partnership\.history\.\w+\(\)"):
        write(action.owner_agency)
    assert Action.objects.get().title == action.title and Action.objects.count() == 1


def test_the_guard_allows_those_writes_on_untracked_models_and_on_history_rows():
    Agency.objects.bulk_create([Agency(name="Untracked One", sector=Sector.VOLUNTARY)])
    assert Agency.objects.filter(name="Untracked One").update(short_name="U1") == 1
    action = ActionFactory()
    ActionUpdate.objects.bulk_create([ActionUpdate(action=action, note="A note")])
    assert Action.history.filter(id=action.pk).update(history_change_reason="backfilled") == 1


def test_the_guard_is_on_for_the_whole_test_session():
    assert getattr(type(Action.objects.all()).update, "__wrapped__", None) is not None


# --- The kernel's writes


def test_bulk_create_leaves_one_dated_creation_row_per_row():
    agency = AgencyFactory()
    made = history.bulk_create(new_actions(agency, 3), date=LAST_YEAR)
    rows = list(history_of(Action, made))
    assert [(r.history_type, r.history_date, r.title) for r in rows] == [
        ("+", LAST_YEAR, "Action 0"), ("+", LAST_YEAR, "Action 1"), ("+", LAST_YEAR, "Action 2")]


def test_bulk_create_can_date_each_row_from_the_row():
    agency = AgencyFactory()
    objs = new_actions(agency, 2)
    for days, obj in enumerate(objs):
        obj.due_date = datetime.date(2025, 10, 1 + days)
    made = history.bulk_create(objs, date=lambda a: timezone.make_aware(
        datetime.datetime.combine(a.due_date, datetime.time(9))))
    assert [r.history_date.date() for r in history_of(Action, made)] == [datetime.date(2025, 10, 1),
                                                                         datetime.date(2025, 10, 2)]


def test_bulk_update_leaves_one_change_row_per_row_with_the_new_values(business_unit):
    made = history.bulk_create(new_actions(AgencyFactory(), 2))
    for obj in made:
        obj.title = f"{obj.title} (revised)"
    history.bulk_update(made, ["title"], date=LAST_YEAR, user=business_unit)
    changes = history_of(Action, made).filter(history_type="~")
    assert [(r.title, r.history_date, r.history_user) for r in changes] == [
        ("Action 0 (revised)", LAST_YEAR, business_unit), ("Action 1 (revised)", LAST_YEAR, business_unit)]


def test_update_writes_a_change_row_per_matched_row_read_back_after_the_update(business_unit):
    first, second, untouched = ActionFactory(), ActionFactory(), ActionFactory()
    changed = history.update(Action.objects.filter(pk__in=[first.pk, second.pk]), user=business_unit,
                             title=Concat(F("title"), Value(" (merged)")))
    assert changed == 2
    rows = history_of(Action, [first, second, untouched]).filter(history_type="~")
    assert [(r.id, r.title, r.history_user) for r in rows] == [
        (first.pk, f"{first.title} (merged)", business_unit), (second.pk, f"{second.title} (merged)", business_unit)]


def test_update_of_no_rows_writes_no_history():
    ActionFactory()
    before = Action.history.count()
    assert history.update(Action.objects.none(), title="x") == 0
    assert Action.history.count() == before


def test_save_dated_dates_the_history_row_of_a_save():
    action = ActionFactory.build(owner_agency=AgencyFactory())
    history.save_dated(action, LAST_YEAR)
    action.status = Action.Status.IN_PROGRESS
    history.save_dated(action, LAST_YEAR + datetime.timedelta(days=30))
    assert [(r.history_type, r.status, r.history_date) for r in history_of(Action, [action])] == [
        ("+", Action.Status.AGREED, LAST_YEAR),
        ("~", Action.Status.IN_PROGRESS, LAST_YEAR + datetime.timedelta(days=30))]
    assert not hasattr(action, "_history_date"), "a later plain save() is dated now again"


def test_create_dated_sets_the_creation_time_on_the_row_and_its_history():
    action = ActionFactory.build(owner_agency=AgencyFactory())
    history.create_dated(action, LAST_YEAR)
    action.refresh_from_db()
    assert action.created_at == LAST_YEAR
    assert [(r.history_type, r.history_date, r.created_at) for r in history_of(Action, [action])] == [
        ("+", LAST_YEAR, LAST_YEAR)]
    assert Action.history.as_of(LAST_YEAR).filter(pk=action.pk).exists()
    assert not Action.history.as_of(LAST_YEAR - datetime.timedelta(seconds=1)).filter(pk=action.pk).exists()


def test_inside_dated_every_history_row_and_creation_carries_the_date(business_unit):
    with history.dated(LAST_YEAR):
        action = ActionFactory()  # a plain create, as a service makes it
        history.save_versioned(action, expected_version=action.version, fields=["title"], by=business_unit)
        history.update(Action.objects.filter(pk=action.pk), status=Action.Status.IN_PROGRESS)
    action.refresh_from_db()
    assert action.created_at == LAST_YEAR
    assert [(r.history_type, r.history_date, r.created_at) for r in history_of(Action, [action])] == [
        ("+", LAST_YEAR, LAST_YEAR), ("~", LAST_YEAR, LAST_YEAR), ("~", LAST_YEAR, LAST_YEAR)]
    action.save()
    assert history_of(Action, [action]).last().history_date > LAST_YEAR, "outside, history is dated now again"


def test_a_record_saved_twice_in_the_same_instant_is_read_once_as_it_was_last(business_unit):
    from partnership.snapshots import state_at

    with history.dated(LAST_YEAR):
        action = ActionFactory(title="First")
        action.title = "Second"
        action.save()
    rows = list(state_at(Action, LAST_YEAR + datetime.timedelta(days=1)).filter(id=action.pk))
    assert [r.title for r in rows] == ["Second"]


# --- The baseline migration


def test_the_baseline_migration_gives_each_row_without_history_one_dated_creation_row():
    migration = importlib.import_module("partnership.migrations.0008_history_baselines")
    kept, bare = ActionFactory(), ActionFactory(title="Written by an old bulk_create")
    history.update(Action.objects.filter(pk=bare.pk), created_at=LAST_YEAR)
    Action.history.filter(id=bare.pk).delete()
    kept_rows = list(Action.history.filter(id=kept.pk).values_list("history_id", flat=True))

    migration.add_history_baselines(apps, None)

    assert list(Action.history.filter(id=kept.pk).values_list("history_id", flat=True)) == kept_rows
    baseline = Action.history.get(id=bare.pk)
    assert (baseline.history_type, baseline.history_date, baseline.history_user, baseline.title) == (
        "+", LAST_YEAR, None, "Written by an old bulk_create")
    migration.add_history_baselines(apps, None)
    assert Action.history.filter(id=bare.pk).count() == 1, "running it again adds nothing"


def test_the_baseline_migration_dates_rows_without_a_creation_time_now(cycle):  # noqa: F811
    migration = importlib.import_module("partnership.migrations.0008_history_baselines")
    answer = Answer.objects.filter(ret__cycle=cycle).first()
    Answer.history.filter(id=answer.pk).delete()
    before = timezone.now()
    migration.add_history_baselines(apps, None)
    assert Answer.history.get(id=answer.pk).history_date >= before


# --- Services that used to skip history


@pytest.fixture
def draft(framework, police, outsider_agency):  # noqa: F811
    made = Cycle.objects.create(name="Section 11 2027", framework=framework, opens_on=timezone.localdate(),
                                deadline=timezone.localdate() + datetime.timedelta(days=60))
    made.agencies.set([police, outsider_agency])
    return made


def test_launching_a_cycle_leaves_history_for_every_return_and_answer(client_for, business_unit, draft):
    before = timezone.now()
    client_for(business_unit).post(reverse("section11:cycle-launch", args=[draft.pk]), {})

    returns = Return.objects.filter(cycle=draft)
    assert returns.count() == 2
    assert Return.history.as_of(timezone.now()).filter(cycle=draft).count() == 2
    assert not Return.history.as_of(before).filter(cycle=draft).exists()
    answers = Answer.objects.filter(ret__cycle=draft)
    assert answers.count() == 12
    assert set(Answer.history.filter(ret__cycle=draft).values_list("history_type", "history_user")) == {
        ("+", business_unit.pk)}
    assert Answer.history.filter(ret__cycle=draft).count() == 12


def test_copying_answers_from_the_last_return_leaves_a_change_row_for_each(framework, police):  # noqa: F811
    previous = make_cycle(framework, [police], name="Section 11 2024", status=Cycle.Status.CLOSED,
                          opens_on=datetime.date(2024, 9, 16), deadline=datetime.date(2024, 11, 29))
    answer_all(Return.objects.get(cycle=previous))
    current = make_cycle(framework, [police], previous=previous)
    ret = Return.objects.get(cycle=current)

    assert copy_answers_from(ret=ret, source=Return.objects.get(cycle=previous)) == 6

    state = Answer.history.as_of(timezone.now()).filter(ret=ret)
    assert sorted((a.needs_check, a.narrative) for a in state) == [(True, "We audit this yearly.")] * 6
    assert Return.history.as_of(timezone.now()).get(pk=ret.pk).copied_from_id == previous.returns.get().pk


def test_starting_a_return_leaves_a_history_row_with_who_started_it(cycle, police, agency_lead):  # noqa: F811
    from section11.services.returns import answer_save

    ret = Return.objects.get(cycle=cycle, agency=police)
    answer = ret.answers.first()
    answer_save(answer=answer, by=agency_lead, expected_version=answer.version, rating=None, not_applicable=False,
                not_applicable_reason="", narrative="A draft.", impact="")
    latest = Return.history.filter(id=ret.pk).latest()
    assert (latest.status, latest.completed_by_id, latest.history_user) == (
        Return.Status.IN_PROGRESS, agency_lead.pk, agency_lead)


def test_no_tracked_model_clears_a_key_without_its_history_row():
    """Django's SET_NULL clears a key with a bare QuerySet.update: on a history-tracked model that change has no
    history row (and the guard refuses it, so deleting a user or an action failed). Every such key uses
    partnership.history.SET_NULL_KEEPING_HISTORY instead."""
    from django.apps import apps
    from django.db import models

    from partnership.history import is_tracked

    bare = [f"{model._meta.label}.{field.name}" for model in apps.get_models() if is_tracked(model)
            for field in model._meta.get_fields()
            if isinstance(field, models.ForeignKey) and field.remote_field.on_delete is models.SET_NULL]
    assert not bare, f"use on_delete=SET_NULL_KEEPING_HISTORY on: {bare}"


def test_deleting_a_person_clears_their_name_from_an_action_with_a_history_row(db, police):
    from partnership.models import Action
    from tests.factories import ActionFactory, UserFactory

    owner = UserFactory(email="leaver@police.example.org", agency=police)
    action = ActionFactory(owner_agency=police, owner=owner)
    before = action.history.count()

    owner.delete()

    action = Action.objects.get(pk=action.pk)
    assert action.owner_id is None
    assert action.history.count() == before + 1 and action.history.first().owner_id is None
