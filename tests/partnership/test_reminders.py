"""The sent-reminder log (partnership.services.reminders): one reminder per person, item, stage and date."""
import datetime

import pytest

from partnership.models import ReminderLog
from partnership.services.reminders import item_key, last_reminder, reminder_already_sent, reminder_record
from tests.factories import ActionFactory, UserFactory

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 3, 16)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def person():
    return UserFactory()


@pytest.fixture
def action():
    return ActionFactory()


def test_item_key_is_app_label_model_and_pk(action):
    assert item_key(action) == f"partnership.action:{action.pk}"


def test_same_reminder_is_recorded_once(person, action):
    assert reminder_record(person=person, item=action, stage="overdue", on=DAY) is True
    assert reminder_record(person=person, item=action, stage="overdue", on=DAY) is False
    assert ReminderLog.objects.count() == 1


def test_model_and_its_key_are_the_same_item(person, action):
    assert reminder_record(person=person, item=action, stage="overdue", on=DAY) is True
    assert reminder_record(person=person, item=item_key(action), stage="overdue", on=DAY) is False


def test_duplicate_inside_a_transaction_leaves_it_usable(person, action):
    reminder_record(person=person, item=action, stage="due-today", on=DAY)
    assert reminder_record(person=person, item=action, stage="due-today", on=DAY) is False
    # The refused insert must not have broken the surrounding transaction (PostgreSQL would say so).
    assert ReminderLog.objects.filter(person=person).count() == 1


@pytest.mark.parametrize(
    "change",
    [{"stage": "due-in-7-days"}, {"on": DAY + datetime.timedelta(days=1)}, {"person": "other"}, {"item": "other"}],
    ids=["another stage", "another date", "another person", "another item"],
)
def test_a_different_stage_date_person_or_item_records_again(person, action, change):
    reminder_record(person=person, item=action, stage="overdue", on=DAY)
    args = {"person": person, "item": action, "stage": "overdue", "on": DAY, **change}
    if change.get("person") == "other":
        args["person"] = UserFactory()
    if change.get("item") == "other":
        args["item"] = ActionFactory()
    assert reminder_record(**args) is True
    assert ReminderLog.objects.count() == 2


def test_already_sent_reflects_the_log(person, action):
    assert reminder_already_sent(person=person, item=action, stage="overdue", on=DAY) is False
    reminder_record(person=person, item=action, stage="overdue", on=DAY)
    assert reminder_already_sent(person=person, item=action, stage="overdue", on=DAY) is True
    assert reminder_already_sent(person=person, item=action, stage="overdue", on=DAY.replace(day=17)) is False


def test_last_reminder_is_the_newest_for_the_item(person, action):
    assert last_reminder(action) is None
    reminder_record(person=person, item=action, stage="due-in-7-days", on=DAY)
    newest_person = UserFactory()
    reminder_record(person=newest_person, item=action, stage="due-today", on=DAY + datetime.timedelta(days=7))
    reminder_record(person=person, item=ActionFactory(), stage="overdue", on=DAY + datetime.timedelta(days=8))
    latest = last_reminder(action)
    assert (latest.person, latest.stage) == (newest_person, "due-today")
    assert last_reminder(item_key(action)) == latest


def test_last_reminder_breaks_ties_on_sent_at_by_insertion_order(person, action):
    reminder_record(person=person, item=action, stage="due-in-7-days", on=DAY)
    reminder_record(person=person, item=action, stage="due-today", on=DAY)
    ReminderLog.objects.update(sent_at=datetime.datetime(2026, 3, 16, 7, 0, tzinfo=datetime.UTC))
    assert last_reminder(action).stage == "due-today"
