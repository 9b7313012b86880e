"""The coordinator's forms: courses (outcomes as lines), sessions (more places promote the waiting list),
briefings (publish, log use), and concurrent edits that are refused rather than overwritten."""
import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from learning.models import Booking, Briefing, BriefingUse, Course, Level, Session
from partnership import history

from .conftest import book, make_session

pytestmark = pytest.mark.django_db


def course_data(**extra):
    return {"title": "Working with fathers", "summary": "s", "level": Level.objects.get(number=3).pk,
            "audience": "All", "mode": "in_person", "duration": "half_day", "duration_hours": "",
            "outcomes_text": "Engage fathers in assessments\nRecord fathers' views", "active": "on", **extra}


def test_coordinator_adds_and_edits_a_course(client_for, ld_coordinator):
    client = client_for(ld_coordinator)
    response = client.post(reverse("learning:course-create"), course_data())
    course = Course.objects.get(title="Working with fathers")
    assert response.status_code == 302 and [o.text for o in course.outcomes.all()] == [
        "Engage fathers in assessments", "Record fathers' views"]
    edit = client.get(reverse("learning:course-edit", args=[course.pk]))
    assert f'name="version" value="{course.version}"' in edit.content.decode()
    client.post(reverse("learning:course-edit", args=[course.pk]),
                course_data(title="Working with fathers and male carers", version=course.version))
    course.refresh_from_db()
    assert course.title == "Working with fathers and male carers" and course.version == 2
    assert course.history.first().history_user == ld_coordinator


def test_stale_edit_is_refused_and_what_was_typed_is_kept(client_for, ld_coordinator, business_unit):
    first, second = client_for(ld_coordinator), client_for(business_unit)
    first.post(reverse("learning:course-create"), course_data())
    course = Course.objects.get()
    second.post(reverse("learning:course-edit", args=[course.pk]), course_data(title="Theirs", version=1))
    response = first.post(reverse("learning:course-edit", args=[course.pk]), course_data(title="Mine", version=1))
    body = response.content.decode()
    assert response.status_code == 409 and "Someone else changed this record" in body
    assert 'value="Mine"' in body and 'name="version" value="2"' in body
    assert "Theirs" in body  # what is saved now, beside what was typed
    course.refresh_from_db()
    assert course.title == "Theirs"


def test_more_places_promote_the_waiting_list(client_for, ld_coordinator, course):
    session = make_session(course, timezone.localdate() + datetime.timedelta(days=30), capacity=1)
    book(session, "a@school.example.org")
    waiting = book(session, "b@school.example.org")
    start = timezone.localtime(session.starts_at)
    data = {"course": course.pk, "day_0": start.day, "day_1": start.month, "day_2": start.year,
            "start_time": "09:30", "end_time": "16:00", "venue": "Civic Centre", "online_link": "",
            "joining_instructions": "", "capacity": "2", "booking_cutoff_days": "2", "cancellation_cutoff_days": "2",
            "version": session.version, "confirmed": "1"}  # the time and place change: confirmed, both told
    response = client_for(ld_coordinator).post(reverse("learning:session-edit", args=[session.pk]), data)
    assert response.status_code == 302
    waiting.refresh_from_db()
    assert waiting.status == Booking.Status.CONFIRMED
    assert Session.objects.get(pk=session.pk).capacity == 2


def test_capacity_below_bookings_refused(client_for, ld_coordinator, course):
    session = make_session(course, timezone.localdate() + datetime.timedelta(days=30), capacity=2)
    book(session, "a@school.example.org")
    book(session, "b@school.example.org")
    start = timezone.localtime(session.starts_at)
    data = {"course": course.pk, "day_0": start.day, "day_1": start.month, "day_2": start.year,
            "start_time": "09:30", "end_time": "16:00", "capacity": "1", "booking_cutoff_days": "2",
            "cancellation_cutoff_days": "2", "version": session.version, "confirmed": "1"}
    response = client_for(ld_coordinator).post(reverse("learning:session-edit", args=[session.pk]), data)
    assert response.status_code == 400 and "2 places are already booked" in response.content.decode()


def test_briefing_written_published_and_used(client_for, ld_coordinator, agency_lead, reader, police):
    manager = client_for(ld_coordinator)
    manager.post(reverse("learning:briefing-create"), {
        "title": "Neglect audit", "source_kind": "local_audit", "source_title": "Neglect MACA", "source_reference": "",
        "background": "b", "why_it_matters": "w", "key_points": "one\ntwo", "what_to_do": "do",
        "reflection_questions": "q1\nq2"})
    briefing = Briefing.objects.get()
    assert briefing.status == "draft"
    assert client_for(reader).get(reverse("learning:briefing", args=[briefing.pk])).status_code == 404
    manager.post(reverse("learning:briefing-publish", args=[briefing.pk]))
    briefing.refresh_from_db()
    assert briefing.status == "published" and briefing.key_point_list == ["one", "two"]
    lead = client_for(agency_lead)
    response = lead.post(reverse("learning:briefing-use", args=[briefing.pk]), {
        "agency": police.pk, "team": "CAIT", "used_on_0": "2", "used_on_1": "11", "used_on_2": "2026",
        "attendees": "11", "reflections": "r", "actions": ""})
    assert response.status_code == 302
    use = BriefingUse.objects.get()
    assert use.agency == police and use.logged_by == agency_lead
    pdf = client_for(reader).get(reverse("learning:briefing-pdf", args=[briefing.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_agency_lead_cannot_log_for_another_agency(client_for, agency_lead, outsider_agency, ld_coordinator):
    briefing = Briefing.objects.create(title="t", background="b", why_it_matters="w", key_points="k", what_to_do="d",
                                       reflection_questions="q", source_kind="theme", status="published")
    response = client_for(agency_lead).post(reverse("learning:briefing-use", args=[briefing.pk]), {
        "agency": outsider_agency.pk, "team": "x", "used_on_0": "2", "used_on_1": "11", "used_on_2": "2026",
        "attendees": "3"})
    assert response.status_code == 400 and not BriefingUse.objects.exists()


def test_trainer_with_an_account_marks_attendance(client_for, ld_coordinator, course, police):
    from learning.models import SessionTrainer
    from tests.factories import UserFactory

    trainer = UserFactory(email="trainer@police.example.org", full_name="Terry Trainer", agency=police)
    session = make_session(course, timezone.localdate() + datetime.timedelta(days=30))
    b = book(session, "a@school.example.org")
    client_for(ld_coordinator).post(reverse("learning:trainer-add", args=[session.pk]),
                                    {"name": "Terry Trainer", "agency": police.pk, "days": "1", "user": trainer.pk})
    assert SessionTrainer.objects.get().user == trainer
    history.update(Session.objects.filter(pk=session.pk), starts_at=session.starts_at - datetime.timedelta(days=31),
                   ends_at=session.ends_at - datetime.timedelta(days=31))
    response = client_for(trainer).post(reverse("learning:attendance", args=[session.pk]), {f"b{b.pk}": "no_show"})
    assert response.status_code == 302
    b.refresh_from_db()
    assert b.attendance == Booking.Attendance.NO_SHOW


def test_a_trainer_without_a_name_is_refused_on_the_session_page_with_the_error_by_the_field(
        client_for, ld_coordinator, course):
    from learning.models import SessionTrainer

    session = make_session(course, timezone.localdate() + datetime.timedelta(days=30))
    response = client_for(ld_coordinator).post(reverse("learning:trainer-add", args=[session.pk]),
                                               {"name": "", "days": "1"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "<title>Error: " in html
    assert 'class="govuk-error-summary' in html and "Enter the trainer&#x27;s name" in html
    assert "govuk-error-message" in html and '<details class="govuk-details" open>' in html
    assert not SessionTrainer.objects.exists()


def test_the_offer_services_take_values_not_forms(ld_coordinator, course):
    """A course, a session and a briefing are saved from keyword arguments (as a task or a command would save
    them), and an existing one only at the version the person started from."""
    from learning.services import offer
    from partnership.services.errors import ConflictError

    level = Level.objects.get(number=3)
    made = offer.course_save(course=None, by=ld_coordinator, outcomes=["Engage fathers", " ", "Record views "],
                             title="Working with fathers", summary="s", level=level, audience="All",
                             mode="in_person", duration="half_day", priorities=[])
    assert [o.text for o in made.outcomes.all()] == ["Engage fathers", "Record views"] and made.version == 1
    offer.course_save(course=made, by=ld_coordinator, expected_version=1, outcomes=["Engage fathers"],
                      title="Working with fathers and male carers")
    made.refresh_from_db()
    assert made.title == "Working with fathers and male carers" and made.version == 2
    with pytest.raises(ConflictError):  # someone saved meanwhile: nothing is written over theirs
        offer.course_save(course=made, by=ld_coordinator, expected_version=1, outcomes=["x"], title="Stale")
    with pytest.raises(ConflictError):  # no version at all counts as stale
        offer.course_save(course=made, by=ld_coordinator, outcomes=["x"], title="No version")
    with pytest.raises(ValueError):  # only the record's own editable fields
        offer.course_save(course=made, by=ld_coordinator, expected_version=2, outcomes=["x"], version=99)

    session = make_session(course, timezone.localdate() + datetime.timedelta(days=30), capacity=2)
    book(session, "a@school.example.org")
    later = session.starts_at + datetime.timedelta(days=1)
    assert offer.session_changes(session=session, starts_at=later, ends_at=session.ends_at + datetime.timedelta(
        days=1), venue=session.venue, online_link=session.online_link) == ["the date or start time"]
    saved = offer.session_save(session=session, by=ld_coordinator, expected_version=session.version,
                               starts_at=later, ends_at=session.ends_at + datetime.timedelta(days=1), capacity=3)
    assert saved.capacity == 3 and saved.starts_at == later and saved.version == 2

    briefing = offer.briefing_save(briefing=None, by=ld_coordinator, title="Neglect in adolescence",
                                   source_kind=Briefing.SourceKind.choices[0][0], background="What happened.",
                                   why_it_matters="Why.", key_points="One", what_to_do="Two",
                                   reflection_questions="Three?", journey_stages=[])
    assert Briefing.objects.get(pk=briefing.pk).title == "Neglect in adolescence"
