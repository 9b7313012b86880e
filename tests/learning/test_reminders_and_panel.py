"""due_items for the daily digest, and the home-page panel: only for the people it concerns, few queries."""
import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from learning.dashboard import panel
from learning.models import SessionTrainer
from learning.reminders import due_items
from tests.factories import UserFactory

from .conftest import book, make_session

pytestmark = pytest.mark.django_db


def past(session, days):
    session.starts_at -= datetime.timedelta(days=days)
    session.ends_at -= datetime.timedelta(days=days)
    session.save()


def test_attendance_due_for_coordinator_and_trainer(course, ld_coordinator, agency_lead, police,
                                                    django_assert_max_num_queries):
    today = timezone.localdate()
    trainer = UserFactory(email="t@police.example.org", full_name="Tam Trainer", agency=police)
    sessions = []
    for i in range(3):
        s = make_session(course, today + datetime.timedelta(days=10 + i))
        book(s, f"p{i}@school.example.org")
        sessions.append(s)
    past(sessions[0], 10)  # today: its delegates need marking
    # It began at midnight, so it is not also 'soon' when the test runs before 9:30 in the morning.
    sessions[0].starts_at = timezone.make_aware(datetime.datetime.combine(today, datetime.time()))
    sessions[0].save()
    past(sessions[1], 14)
    SessionTrainer.objects.create(session=sessions[1], name="Tam Trainer", user=trainer)
    with django_assert_max_num_queries(2):  # the person's roles (then cached), and the sessions
        items = due_items(ld_coordinator, today)
    assert {i.key for i in items} == {f"learning.session:{sessions[0].pk}", f"learning.session:{sessions[1].pk}"}
    stages = {i.key: i.stage for i in items}
    assert stages == {f"learning.session:{sessions[0].pk}": "due-today",
                      f"learning.session:{sessions[1].pk}": "overdue"}
    assert all(i.app == "learning" for i in items)
    assert items[0].url == reverse("learning:attendance", args=[items[0].key.split(":")[1]])
    assert [i.key for i in due_items(trainer, today)] == [f"learning.session:{sessions[1].pk}"]
    assert due_items(agency_lead, today) == []
    with django_assert_max_num_queries(2):
        context = panel(ld_coordinator)
    assert len(context["learning_to_mark"]) == 2 and context["learning_soon"]["n"] == 1
    assert panel(agency_lead) == {}
