"""The retention schedule covers every model, and its newer classes do what the table in docs/retention.md says.

tests/partnership/test_retention.py holds the job's mechanics (bookings, accounts, holds, the page); this file
holds the schedule's coverage and the organisational, operational and security classes.
"""
import datetime
from importlib import import_module

import pytest
from axes.models import AccessAttempt, AccessLog
from django.apps import apps
from django.contrib.sessions.models import Session
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from partnership import history
from partnership import retention as registry
from partnership.models import Action, ActionUpdate, LegalHold, User
from partnership.retention import REMOVED
from partnership.services import retention
from section11.models import Answer, Evidence, Return
from tests.factories import UserFactory
from tests.section11.conftest import answer_all, framework, make_cycle, rag_scale  # noqa: F401 - fixtures

D = datetime.date


def test_every_model_has_a_retention_class_or_a_stated_reason_it_needs_none():
    assert registry.unclassified_models() == [], (
        "These models have no retention class and no exemption: add one to merton_qa/retention_policy.py")
    for label, reason in registry.exemptions().items():
        apps.get_model(label)  # a real model
        assert reason.strip()
    classified = {cls.model.lower() for cls in registry.retention_classes()}
    assert not classified & set(registry.exemptions()), "a model is both classified and exempted"


def test_a_new_model_without_a_decision_is_reported(monkeypatch):
    exempted = registry.exemptions()
    monkeypatch.setattr(registry, "_exempt", {k: v for k, v in exempted.items() if k != "learning.course"})
    assert registry.unclassified_models() == ["learning.course"]


def test_historical_models_follow_their_record():
    history = apps.get_model("learning", "HistoricalBooking")
    assert registry.is_historical(history) and not registry.is_historical(apps.get_model("learning", "Booking"))


@pytest.fixture
def old_cycle(framework, police):  # noqa: F811
    return make_cycle(framework, [police], name="Section 11 2018", opens_on=D(2018, 1, 8), deadline=D(2018, 3, 30))


def test_section11_free_text_contacts_and_evidence_go_six_years_after_the_cycle(old_cycle, police, settings):
    ret = Return.objects.get(cycle=old_cycle)
    history.update(Return.objects.filter(pk=ret.pk), dsl_name="Pat Example", deputy_email="deputy@school.example.org",
                   return_message="Please ask Sam about 3.2")
    answer_all(ret)
    answer = ret.answers.first()
    history.update(Answer.objects.filter(pk=answer.pk), impact="Jo in the team saw it", moderator_comment="Spoke to Jo")
    evidence = Evidence(answer=answer, stored_name="abc.pdf", original_name="policy.pdf",
                        content_type="application/pdf", size=4, sha256="0" * 64)
    evidence.file.save("abc.pdf", ContentFile(b"%PDF"), save=True)
    stored = evidence.file.name
    assert default_storage.exists(stored)

    inside = retention.retention_run(today=D(2024, 3, 30))  # exactly six years: still inside
    assert inside["section11-answer-text"] == inside["section11-evidence"] == 0
    with django_capture_commits():
        counts = retention.retention_run(today=D(2024, 3, 31))
    assert counts["section11-return-contacts"] == 1 and counts["section11-evidence"] == 1
    assert counts["section11-answer-text"] == ret.answers.count()
    ret.refresh_from_db()
    assert (ret.dsl_name, ret.deputy_email, ret.return_message, ret.governor_name) == (REMOVED, "", REMOVED, "")
    answer.refresh_from_db()
    assert (answer.narrative, answer.impact, answer.moderator_comment, answer.not_applicable_reason) == (
        REMOVED, REMOVED, REMOVED, ""), "written text is removed, empty fields stay empty"
    assert answer.rating.code == "green", "ratings are kept for the cycle's figures"
    assert not Evidence.objects.exists()
    assert not default_storage.exists(stored), "the stored file is deleted with its record"
    # Old versions held the same text: one version is left, anonymised, so the record is still there "as at"
    # any date since it was created (the board pack for a past quarter reads it).
    assert [(h.dsl_name, h.history_date) for h in ret.history.all()] == [(REMOVED, ret.created_at)]
    assert [h.impact for h in answer.history.all()] == [REMOVED]
    again = retention.retention_run(today=D(2024, 3, 31))
    assert again["section11-answer-text"] == again["section11-return-contacts"] == 0


class django_capture_commits:
    """Run on_commit callbacks at once inside a test transaction (pytest-django keeps one open)."""

    def __enter__(self):
        from django.db import connection

        self._connection = connection
        self._before = len(connection.run_on_commit)
        return self

    def __exit__(self, *exc):
        callbacks = self._connection.run_on_commit[self._before:]
        del self._connection.run_on_commit[self._before:]
        for _sids, callback, _robust in callbacks:
            callback()


def test_a_held_section11_answer_keeps_its_text(old_cycle, business_unit):
    ret = Return.objects.get(cycle=old_cycle)
    answer_all(ret)
    held = ret.answers.first()
    retention.legal_hold_place(by=business_unit, model=Answer, object_id=held.pk, reason="Inquiry")
    retention.retention_run(today=D(2024, 4, 1))
    held.refresh_from_db()
    assert held.narrative == "We audit this yearly."
    assert ret.answers.exclude(pk=held.pk).filter(narrative=REMOVED).count() == ret.answers.count() - 1
    history.update(LegalHold.objects.all(), released_at=timezone.now())
    retention.retention_run(today=D(2024, 4, 1))
    held.refresh_from_db()
    assert held.narrative == REMOVED


def test_completed_action_text_and_progress_notes_go_after_six_years(business_unit, police):
    action = Action.objects.create(title="Refresh the escalation policy", description="Ask Sam Example to lead",
                                   owner_agency=police, due_date=D(2019, 1, 31), created_by=business_unit,
                                   completion_evidence="Signed off by Sam", status=Action.Status.COMPLETED)
    history.update(Action.objects.filter(pk=action.pk), completed_at=timezone.make_aware(datetime.datetime(2019, 2, 1)))
    update = ActionUpdate.objects.create(action=action, author=business_unit, note="Sam is on leave")
    ActionUpdate.objects.filter(pk=update.pk).update(created_at=timezone.make_aware(datetime.datetime(2019, 1, 5)))
    open_action = Action.objects.create(title="Still open", description="Keep me", owner_agency=police,
                                        due_date=D(2019, 1, 31), created_by=business_unit)

    counts = retention.retention_run(today=D(2025, 2, 2))
    assert counts["action-text"] == 1 and counts["action-update"] == 1
    action.refresh_from_db()
    update.refresh_from_db()
    open_action.refresh_from_db()
    assert (action.title, action.description, action.completion_evidence, action.impact_evidence) == (
        "Refresh the escalation policy", REMOVED, REMOVED, "")
    assert update.note == REMOVED
    assert open_action.description == "Keep me", "an action not completed keeps its text"
    again = retention.retention_run(today=D(2025, 2, 2))
    assert again["action-text"] == again["action-update"] == 0, "a record once emptied is never touched again"


def test_expired_sessions_and_old_sign_in_records_are_deleted(db):
    now = timezone.now()
    Session.objects.create(session_key="old", session_data="x", expire_date=now - datetime.timedelta(days=3))
    Session.objects.create(session_key="live", session_data="x", expire_date=now + datetime.timedelta(hours=1))
    old = AccessAttempt.objects.create(username="a@example.org", ip_address="127.0.0.1", user_agent="x",
                                       get_data="", post_data="", failures_since_start=1)
    # The cutoff is a local midnight 90 days back: 91 days ago late in a UTC evening (BST then) is not past it.
    AccessAttempt.objects.filter(pk=old.pk).update(attempt_time=now - datetime.timedelta(days=92))
    recent = AccessAttempt.objects.create(username="b@example.org", ip_address="127.0.0.1", user_agent="x",
                                          get_data="", post_data="", failures_since_start=1)
    log = AccessLog.objects.create(username="a@example.org", ip_address="127.0.0.1", user_agent="x")
    AccessLog.objects.filter(pk=log.pk).update(attempt_time=now - datetime.timedelta(days=400))

    counts = retention.retention_run()
    assert counts["expired-session"] == 1 and counts["sign-in-attempts"] == 1 and counts["sign-in-log"] == 1
    assert list(Session.objects.values_list("session_key", flat=True)) == ["live"]
    assert list(AccessAttempt.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not AccessLog.objects.exists()


def test_closing_an_account_anywhere_starts_the_clock_and_reopening_clears_it(db):
    user = UserFactory()
    user.is_active = False
    user.save(update_fields=["is_active"])  # as the Django admin's change form might
    user.refresh_from_db()
    assert user.deactivated_at is not None
    user.is_active = True
    user.save()
    user.refresh_from_db()
    assert user.deactivated_at is None


def test_accounts_closed_before_the_clock_existed_get_a_closing_date(db):
    closed = UserFactory()
    User.objects.filter(pk=closed.pk).update(is_active=False, deactivated_at=None)
    active = UserFactory()
    migration = import_module("partnership.migrations.0004_closed_accounts_have_a_closing_date")
    migration.date_old_closures(apps, None)
    closed.refresh_from_db()
    active.refresh_from_db()
    assert closed.deactivated_at is not None and active.deactivated_at is None


def test_anonymising_a_closed_account_deletes_its_second_factor(db):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = UserFactory()
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    User.objects.filter(pk=user.pk).update(is_active=False, deactivated_at=timezone.now() - datetime.timedelta(
        days=6 * 366 + 2))
    retention.retention_run()
    assert not TOTPDevice.objects.filter(user=user).exists()
