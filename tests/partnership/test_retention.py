"""Retention: the nightly job anonymises what is past retention, skips legal holds, never touches case records."""
import datetime

import pytest
from django.contrib.auth import authenticate
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from learning.models import Booking, BookingToken, FollowUp, PostCourseEvaluation
from partnership.models import EmailMessage, LegalHold, User
from partnership.retention import REMOVED, retention_classes
from partnership.services import retention
from partnership.tasks import apply_retention
from reviews.models import Notification
from tests.factories import UserFactory
from tests.learning.conftest import make_course, make_session
from tests.reviews.conftest import health, notification, referral, screened  # noqa: F401 - fixtures

D = datetime.date
SESSION_DAY = D(2024, 3, 1)


@pytest.fixture
def old_session(db):
    return make_session(make_course(), SESSION_DAY)


def make_booking(session, email="alex@nursery.example.org", **extra):
    return Booking.objects.create(session=session, name="Alex Example", email=email, role="Key worker",
                                  other_agency_name="Example Nursery", manager_email="boss@nursery.example.org",
                                  status=Booking.Status.CONFIRMED, attendance=Booking.Attendance.ATTENDED, **extra)


@pytest.fixture
def booking(old_session):
    b = make_booking(old_session)
    PostCourseEvaluation.objects.create(booking=b, quality=5, relevance=4, comments="Sam in my team said the same.")
    FollowUp.objects.create(booking=b, practice_changed=True, practice_change="I ask earlier",
                            examples="Child J, aged 4", impact_on_children="Better")
    BookingToken.objects.create(booking=b, purpose=BookingToken.Purpose.MANAGE, token_hash="x" * 64)
    return b


PAST = D(2026, 3, 2)  # two years and a day after the session
INSIDE = D(2026, 3, 1)  # exactly two years: still inside


def test_booking_past_retention_is_anonymised_with_its_free_text(booking):
    counts = retention.retention_run(today=PAST)
    booking.refresh_from_db()
    assert counts["learning-booking"] == 1
    assert (booking.name, booking.role, booking.manager_email, booking.other_agency_name) == (REMOVED, REMOVED, "", "")
    assert booking.email == f"removed-{booking.pk}@removed.invalid"
    assert booking.status == Booking.Status.CONFIRMED and booking.attendance == Booking.Attendance.ATTENDED
    evaluation, follow_up = PostCourseEvaluation.objects.get(booking=booking), FollowUp.objects.get(booking=booking)
    assert (evaluation.comments, evaluation.quality, evaluation.relevance) == ("", 5, 4)  # scores kept for figures
    assert (follow_up.practice_change, follow_up.examples, follow_up.impact_on_children) == ("", "", "")
    assert follow_up.practice_changed is True
    assert not BookingToken.objects.filter(booking=booking).exists()
    assert not booking.history.filter(name="Alex Example").exists()  # no old version keeps the name


def test_booking_just_inside_retention_is_untouched(booking):
    counts = retention.retention_run(today=INSIDE)
    booking.refresh_from_db()
    assert counts["learning-booking"] == 0
    assert booking.name == "Alex Example" and booking.email == "alex@nursery.example.org"
    assert PostCourseEvaluation.objects.get(booking=booking).comments


def test_booking_under_legal_hold_is_untouched_until_the_hold_is_released(booking, business_unit):
    hold = retention.legal_hold_place(by=business_unit, model=Booking, object_id=booking.pk, reason="Claim")
    assert retention.retention_run(today=PAST)["learning-booking"] == 0
    booking.refresh_from_db()
    assert booking.name == "Alex Example"
    retention.legal_hold_release(by=business_unit, hold=hold)
    assert retention.retention_run(today=PAST)["learning-booking"] == 1
    booking.refresh_from_db()
    assert booking.name == REMOVED
    hold.refresh_from_db()
    assert hold.released_by == business_unit and hold.history.count() == 2  # placed, released


def test_running_twice_changes_nothing_the_second_time(booking, old_session):
    other = make_booking(old_session, email="sam@school.example.org")
    first = retention.retention_run(today=PAST)
    snapshot = list(Booking.objects.order_by("pk").values())
    history = Booking.history.count()
    second = retention.retention_run(today=PAST)
    assert first["learning-booking"] == 2 and second["learning-booking"] == 0
    assert list(Booking.objects.order_by("pk").values()) == snapshot and Booking.history.count() == history
    assert Booking.objects.get(pk=other.pk).email != Booking.objects.get(pk=booking.pk).email


def closed_user() -> User:
    user = UserFactory(email="gone@police.example.org", full_name="Gina Gone", job_title="DS")
    user.set_password("a-long-password-1")
    user.is_active = False
    user.deactivated_at = timezone.make_aware(datetime.datetime(2020, 1, 10, 12))
    user.save()
    return user


@pytest.mark.django_db
def test_closed_account_past_retention_is_anonymised_never_deleted_and_cannot_sign_in():
    user = closed_user()  # closed on 10 January 2020
    active = UserFactory(email="here@police.example.org", full_name="Harry Here")
    assert retention.retention_run(today=D(2026, 1, 10))["closed-account"] == 0  # 6 years to the day: inside
    counts = retention.retention_run(today=D(2026, 1, 11))
    user.refresh_from_db()
    assert counts["closed-account"] == 1
    assert user.full_name == REMOVED and user.email == f"removed-{user.pk}@removed.invalid" and user.job_title == ""
    assert not user.has_usable_password() and not user.is_active
    request = RequestFactory().post("/sign-in/")
    for email in (user.email, "gone@police.example.org"):
        assert authenticate(request, username=email, password="a-long-password-1") is None
    active.refresh_from_db()
    assert active.full_name == "Harry Here"  # open accounts are never touched


@pytest.mark.django_db
def test_closing_an_account_starts_its_retention_clock(business_unit):
    from partnership.services.accounts import user_deactivate

    user = UserFactory(email="leaver@police.example.org")
    user_deactivate(by=business_unit, user=user)
    user.refresh_from_db()
    assert user.deactivated_at is not None and not user.is_active


def test_serious_incident_records_are_never_changed_only_listed_for_review(notification):  # noqa: F811
    before = Notification.objects.filter(pk=notification.pk).values().get()
    history = notification.history.count()
    far_future = D(2060, 1, 1)
    counts = retention.retention_run(today=far_future)
    assert counts["serious-incident-notification"] == 1  # due for review
    assert Notification.objects.filter(pk=notification.pk).values().get() == before
    assert notification.history.count() == history
    listed = dict((cls.key, records) for cls, records in retention.review_due(today=far_future))
    assert listed["serious-incident-notification"] == [notification]
    assert retention.retention_run(today=D(2040, 1, 1))["serious-incident-notification"] == 0


@pytest.mark.django_db
def test_sent_email_past_retention_is_emptied_but_kept_so_it_never_sends_twice():
    sent = EmailMessage.objects.create(to="alex@nursery.example.org", subject="Your booking for Alex",
                                       body_text="Dear Alex", key="booking-1", sent_at=timezone.now())
    unsent = EmailMessage.objects.create(to="sam@nursery.example.org", subject="s", body_text="b", key="k2")
    EmailMessage.objects.filter(pk__in=[sent.pk, unsent.pk]).update(
        created_at=timezone.make_aware(datetime.datetime(2020, 1, 1)))
    assert retention.retention_run(today=D(2026, 1, 1))["sent-email"] == 1
    sent.refresh_from_db()
    assert (sent.to, sent.subject, sent.body_text, sent.key) == (
        f"removed-{sent.pk}@removed.invalid", REMOVED, "", "booking-1")
    assert EmailMessage.objects.get(pk=unsent.pk).to == "sam@nursery.example.org"


def test_every_retention_class_names_a_real_model_and_clock():
    keys = [cls.key for cls in retention_classes()]
    assert len(keys) == len(set(keys)) and "learning-booking" in keys and "closed-account" in keys
    for cls in retention_classes():
        model = cls.model_class
        if cls.clock:
            cls.past_retention(D(2026, 1, 1)).query  # noqa: B018 - builds the lookup, raises if the clock is wrong
        assert model._meta.label_lower == cls.model.lower()


@pytest.mark.django_db
def test_the_nightly_task_applies_retention(booking):
    assert timezone.localdate() >= PAST  # the task runs for today: the 2024 session is past retention
    assert apply_retention()["learning-booking"] == 1


# --- The business unit's page


def test_only_the_business_unit_sees_the_retention_page(client_for, business_unit, qa_member, chair, reader,
                                                        agency_lead, reviews_member, ld_coordinator, outsider):
    url = reverse("partnership:retention")
    assert client_for(business_unit).get(url).status_code == 200
    assert url in client_for(business_unit).get(reverse("partnership:user-list")).content.decode()
    for user in (qa_member, chair, reader, agency_lead, reviews_member, ld_coordinator, outsider):
        assert client_for(user).get(url).status_code == 403, user
        form = {"kind": "learning.booking", "object_id": 1, "reason": "x"}
        assert client_for(user).post(url, form).status_code == 403


def test_business_unit_places_and_releases_a_hold_by_reference(client_for, business_unit, booking, agency_lead):
    client = client_for(business_unit)
    url = reverse("partnership:retention")
    response = client.post(url, {"kind": "learning.booking", "object_id": booking.pk, "reason": "Employment claim"})
    assert response.status_code == 302
    hold = LegalHold.objects.active().get()
    assert (hold.record, hold.set_by, hold.reason) == (booking, business_unit, "Employment claim")
    assert "Employment claim" in client.get(url).content.decode()
    release = reverse("partnership:legal-hold-release", args=[hold.pk])
    assert client_for(agency_lead).post(release).status_code == 403
    assert client.get(release).status_code == 405
    assert client.post(release).status_code == 302
    assert not LegalHold.objects.active().exists()


def test_a_hold_on_a_missing_record_is_refused(client_for, business_unit, db):
    response = client_for(business_unit).post(reverse("partnership:retention"),
                                              {"kind": "learning.booking", "object_id": 999999, "reason": "x"})
    assert response.status_code == 400
    assert "There is no booking with reference 999999" in response.content.decode()
    assert not LegalHold.objects.exists()


@pytest.mark.django_db
def test_a_delete_class_deletes_what_is_past_retention_except_held_records(monkeypatch, business_unit):
    from partnership import retention as registry

    monkeypatch.setitem(registry._registry, "unsent-email", registry.RetentionClass(
        key="unsent-email", label="Unsent email: 1 year", model="partnership.EmailMessage", action=registry.DELETE,
        clock="created_at", years=1, scope={"sent_at__isnull": True}))
    old, held, new = (EmailMessage.objects.create(to=f"{n}@x.example.org", subject="s", body_text="b", key=n)
                      for n in ("old", "held", "new"))
    EmailMessage.objects.filter(pk__in=[old.pk, held.pk]).update(
        created_at=timezone.make_aware(datetime.datetime(2024, 1, 1)))
    retention.legal_hold_place(by=business_unit, model=EmailMessage, object_id=held.pk, reason="Complaint")
    assert retention.retention_run(today=D(2026, 1, 1))["unsent-email"] == 1
    assert set(EmailMessage.objects.values_list("key", flat=True)) == {"held", "new"}
