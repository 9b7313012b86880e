"""Shared-kernel models: database constraints, computed overdue, the ActionSource pattern."""
import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from partnership import history
from partnership.models import Action, OutboxMessage, ReminderLog
from partnership.models.actions import source_models, sources_of
from tests.factories import ActionFactory, AgencyFactory, PriorityFactory, UserFactory

pytestmark = pytest.mark.django_db

S = Action.Status
TODAY = datetime.date(2026, 3, 16)
YESTERDAY = TODAY - datetime.timedelta(days=1)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# --- Database constraints hold even when the services are bypassed


def test_not_accepted_action_without_reason_is_refused_by_database():
    agency = AgencyFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Action.objects.create(title="T", description="D", owner_agency=agency, due_date=TODAY,
                              status=S.NOT_ACCEPTED, not_accepted_reason="")
    assert not Action.objects.exists()


@pytest.mark.parametrize("status", [S.COMPLETED, S.IMPACT_ASSURED, S.CLOSED])
def test_completed_action_without_completion_evidence_is_refused_by_database(status):
    agency = AgencyFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Action.objects.create(title="T", description="D", owner_agency=agency, due_date=TODAY, status=status,
                              completion_evidence="", impact_evidence="Better.")
    assert not Action.objects.exists()


@pytest.mark.parametrize("status", [S.IMPACT_ASSURED, S.CLOSED])
def test_impact_assured_action_without_impact_evidence_is_refused_by_database(status):
    agency = AgencyFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Action.objects.create(title="T", description="D", owner_agency=agency, due_date=TODAY, status=status,
                              completion_evidence="Done.", impact_evidence="")
    assert not Action.objects.exists()


def test_update_to_not_accepted_without_reason_is_refused_by_database():
    action = ActionFactory(status=S.PROPOSED)
    with pytest.raises(IntegrityError), transaction.atomic():
        history.update(Action.objects.filter(pk=action.pk), status=S.NOT_ACCEPTED)
    assert Action.objects.get(pk=action.pk).status == S.PROPOSED


def test_actions_with_their_evidence_satisfy_the_constraints():
    agency = AgencyFactory()
    Action.objects.create(title="T", description="D", owner_agency=agency, due_date=TODAY,
                          status=S.NOT_ACCEPTED, not_accepted_reason="Duplicate.")
    Action.objects.create(title="T", description="D", owner_agency=agency, due_date=TODAY, status=S.CLOSED,
                          completion_evidence="Done.", impact_evidence="Better.")
    assert Action.objects.count() == 2


def test_reminder_log_is_unique_per_person_item_stage_and_date():
    person = UserFactory()
    ReminderLog.objects.create(person=person, item="partnership.action:1", stage="overdue", date=TODAY)
    with pytest.raises(IntegrityError), transaction.atomic():
        ReminderLog.objects.create(person=person, item="partnership.action:1", stage="overdue", date=TODAY)


def test_outbox_dedup_key_is_unique_but_may_be_empty():
    OutboxMessage.objects.create(task="t", dedup_key="k")
    OutboxMessage.objects.create(task="t", dedup_key=None)
    OutboxMessage.objects.create(task="t", dedup_key=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        OutboxMessage.objects.create(task="t", dedup_key="k")


# --- Overdue is computed from the due date and status, never stored


def make(status, due, **extra):
    if status in (S.COMPLETED, S.IMPACT_ASSURED, S.CLOSED):
        extra.setdefault("completion_evidence", "Done.")
    if status in (S.IMPACT_ASSURED, S.CLOSED):
        extra.setdefault("impact_evidence", "Better.")
    if status == S.NOT_ACCEPTED:
        extra.setdefault("not_accepted_reason", "Duplicate.")
    return ActionFactory(status=status, due_date=due, **extra)


@pytest.mark.parametrize("status", [S.PROPOSED, S.AGREED, S.IN_PROGRESS])
def test_open_action_past_due_is_overdue(status):
    action = make(status, YESTERDAY)
    assert list(Action.objects.overdue(today=TODAY)) == [action]
    assert Action.objects.with_overdue(today=TODAY).get().is_overdue is True


@pytest.mark.parametrize("status", [S.COMPLETED, S.IMPACT_ASSURED, S.CLOSED, S.NOT_ACCEPTED])
def test_finished_action_past_due_is_not_overdue(status):
    action = make(status, YESTERDAY - datetime.timedelta(days=300))
    assert not Action.objects.overdue(today=TODAY).exists()
    assert Action.objects.with_overdue(today=TODAY).get().is_overdue is False
    assert action.overdue is False


def test_action_due_today_is_not_yet_overdue():
    make(S.IN_PROGRESS, TODAY)
    assert not Action.objects.overdue(today=TODAY).exists()
    assert Action.objects.with_overdue(today=TODAY).get().is_overdue is False


def test_overdue_property_uses_todays_date():
    today = timezone.localdate()
    late = make(S.AGREED, today - datetime.timedelta(days=1))
    on_time = make(S.AGREED, today)
    done = make(S.COMPLETED, today - datetime.timedelta(days=1))
    assert (late.overdue, on_time.overdue, done.overdue) == (True, False, False)
    assert list(Action.objects.overdue()) == [late]


def test_overdue_property_prefers_the_annotation():
    late = make(S.AGREED, timezone.localdate() - datetime.timedelta(days=1))
    annotated = Action.objects.with_overdue(today=late.due_date).get()  # as seen on its due date
    assert annotated.is_overdue is False
    assert annotated.overdue is False


def test_overdue_becomes_false_when_the_action_is_completed():
    action = make(S.IN_PROGRESS, YESTERDAY)
    assert Action.objects.overdue(today=TODAY).exists()
    history.update(Action.objects.filter(pk=action.pk), status=S.COMPLETED, completion_evidence="Done.")
    assert not Action.objects.overdue(today=TODAY).exists()


def test_open_excludes_finished_statuses():
    open_ = [make(s, TODAY) for s in (S.PROPOSED, S.AGREED, S.IN_PROGRESS)]
    for s in (S.COMPLETED, S.IMPACT_ASSURED, S.CLOSED, S.NOT_ACCEPTED):
        make(s, TODAY)
    assert set(Action.objects.open()) == set(open_)


def test_reference_is_padded_pk():
    action = ActionFactory()
    assert action.reference == f"A-{action.pk:04d}"


# --- ActionSource: any model that produces actions


def test_priority_is_an_action_source():
    from partnership.models import Priority

    assert Priority in source_models()
    assert Priority.action_source_kind == "priority"


def test_sources_of_finds_the_records_that_produced_an_action():
    action = ActionFactory(source_kind="priority")  # as action_create(source=priority) sets it
    first, second, unrelated = PriorityFactory(), PriorityFactory(), PriorityFactory()
    first.actions.add(action)
    second.actions.add(action)
    unrelated.actions.add(ActionFactory(source_kind="priority"))
    assert set(sources_of(action)) == {first, second}
    assert list(first.actions.all()) == [action]
