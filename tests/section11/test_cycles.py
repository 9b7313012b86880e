"""Cycles: setting one up, launching it, the live completion tracker, reminders, and who may do what."""
import datetime
import re

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from partnership import history
from partnership.models import ReminderLog, Role, Sector
from partnership.services.reminders import reminder_record
from partnership.views import mixins
from section11.models import Answer, Cycle, Framework, RatingLevel, Return
from tests.factories import AgencyFactory, UserFactory
from tests.section11.conftest import answer_all, make_cycle, make_framework

TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def field_error(response, field: str) -> str:
    """The GOV.UK error message shown next to `field` ('' when there is none)."""
    html = response.content.decode()
    match = re.search(
        rf'id="id_{field}_\d+_error" class="govuk-error-message">\s*'
        r'<span class="govuk-visually-hidden">Error:</span>(.*?)</(?:span|p)>',
        html, re.S,
    )
    return " ".join(match.group(1).split()) if match else ""


def error_summary(response) -> str:
    match = re.search(r'<div class="govuk-error-summary".*?</ul>', response.content.decode(), re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", match.group(0)).split()) if match else ""


def text(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def checked_agencies(response) -> set[int]:
    html = response.content.decode()
    return {int(v) for v in re.findall(r'name="agencies"[^>]*value="(\d+)"\s*checked', html)}


def listed_agencies(response) -> set[int]:
    return {int(v) for v in re.findall(r'name="agencies"[^>]*value="(\d+)"', response.content.decode())}


def row(response, agency) -> str:
    """The text of an agency's row in the tracker."""
    match = re.search(rf'<tr class="govuk-table__row" id="agency-{agency.pk}">(.*?)</tr>', response.content.decode(),
                      re.S)
    assert match, f"no tracker row for {agency}"
    return " ".join(re.sub(r"<[^>]+>", " ", match.group(1)).split())


def date_fields(name: str, day: datetime.date) -> dict:
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}


def cycle_data(framework, agencies, **overrides) -> dict:
    data = {"name": "Section 11 2027", "framework": str(framework.pk), "cycle_length_months": "24",
            **date_fields("opens_on", TODAY), **date_fields("deadline", TODAY + datetime.timedelta(days=60)),
            "agencies": [str(a.pk) for a in agencies]}
    data.update(overrides)
    return data


CREATE = reverse("section11:cycle-create")


# --- Setting up a cycle ------------------------------------------------------------------------------------------
def test_business_unit_sets_up_a_draft_cycle_with_the_ticked_agencies(client_for, business_unit, framework, police,
                                                                      outsider_agency):
    response = client_for(business_unit).post(CREATE, cycle_data(framework, [police, outsider_agency]))

    cycle = Cycle.objects.get(name="Section 11 2027")
    assert response.status_code == 302
    assert response["Location"] == cycle.get_absolute_url()
    assert cycle.status == Cycle.Status.DRAFT
    assert set(cycle.agencies.all()) == {police, outsider_agency}
    assert not Return.objects.filter(cycle=cycle).exists()


def test_deadline_before_the_opening_date_is_shown_next_to_the_deadline(client_for, business_unit, framework, police):
    data = cycle_data(framework, [police], **date_fields("deadline", TODAY - datetime.timedelta(days=1)))

    response = client_for(business_unit).post(CREATE, data)

    assert response.status_code == 400
    assert field_error(response, "deadline") == "The deadline must be on or after the opening date"
    assert "The deadline must be on or after the opening date" in error_summary(response)
    assert not Cycle.objects.exists()


def test_a_cycle_without_agencies_is_refused_with_a_message(client_for, business_unit, framework):
    response = client_for(business_unit).post(CREATE, cycle_data(framework, []))

    assert response.status_code == 400
    assert "Choose at least one agency to take part" in error_summary(response)
    assert not Cycle.objects.exists()


def test_ticked_agencies_and_typed_values_are_kept_when_the_form_is_invalid(client_for, business_unit, framework,
                                                                           police, outsider_agency):
    data = cycle_data(framework, [police, outsider_agency], name="", cycle_length_months="lots")

    response = client_for(business_unit).post(CREATE, data)

    assert response.status_code == 400
    assert "Enter a name for the cycle" in error_summary(response)
    assert checked_agencies(response) == {police.pk, outsider_agency.pk}
    assert 'value="lots"' in response.content.decode()


def test_changing_the_filter_keeps_ticked_agencies_and_what_was_typed(client_for, business_unit, framework, police,
                                                                      outsider_agency):
    data = cycle_data(framework, [outsider_agency], sector=Sector.POLICE, update_list="1", name="Typed name")

    response = client_for(business_unit).post(CREATE, data)

    assert response.status_code == 200
    assert error_summary(response) == ""
    assert listed_agencies(response) == {police.pk, outsider_agency.pk}  # the filter's, plus the one ticked before
    assert checked_agencies(response) == {outsider_agency.pk}
    assert 'value="Typed name"' in response.content.decode()
    assert not Cycle.objects.exists()


def test_get_filter_lists_only_matching_agencies(client_for, business_unit, framework, police, outsider_agency):
    client = client_for(business_unit)

    by_sector = client.get(CREATE, {"sector": Sector.POLICE})
    statutory = client.get(CREATE, {"statutory": "1"})
    everyone = client.get(CREATE)

    assert listed_agencies(by_sector) == {police.pk}
    assert listed_agencies(statutory) == {police.pk}
    assert {police.pk, outsider_agency.pk} <= listed_agencies(everyone)


def test_tick_all_ticks_every_agency_the_filter_lists(client_for, business_unit, framework, police, outsider_agency):
    data = cycle_data(framework, [], section11="on", tick_all="1")

    response = client_for(business_unit).post(CREATE, data)

    assert response.status_code == 200
    assert {police.pk, outsider_agency.pk} <= checked_agencies(response)


def test_only_active_frameworks_are_offered(client_for, business_unit, framework, rag_scale):
    retired = make_framework(rag_scale, code="old", version="2019")
    Framework.objects.filter(pk=retired.pk).update(active=False)

    response = client_for(business_unit).get(CREATE)

    assert list(response.context["form"].fields["framework"].queryset) == [framework]


# --- Launching ----------------------------------------------------------------------------------------------------
@pytest.fixture
def draft(framework, police, outsider_agency):
    cycle = Cycle.objects.create(name="Section 11 2027", framework=framework, opens_on=TODAY,
                                 deadline=TODAY + datetime.timedelta(days=60))
    cycle.agencies.set([police, outsider_agency])
    return cycle


def launch(client, cycle, **data):
    return client.post(reverse("section11:cycle-launch", args=[cycle.pk]), data)


def test_launch_creates_a_return_per_agency_with_an_answer_per_criterion_and_emails_each_lead_once(
        client_for, business_unit, draft, agency_lead, outsider, contributor, django_capture_on_commit_callbacks):
    client = client_for(business_unit)

    with django_capture_on_commit_callbacks(execute=True):
        response = launch(client, draft)

    draft.refresh_from_db()
    assert response.status_code == 302
    assert draft.status == Cycle.Status.OPEN and draft.launched_by == business_unit
    returns = Return.objects.filter(cycle=draft)
    assert sorted(r.agency.name for r in returns) == sorted(a.name for a in draft.agencies.all())
    assert all(r.answers.count() == 6 for r in returns)
    assert sorted(m.to[0] for m in mail.outbox) == sorted([agency_lead.email, outsider.email])  # not the contributor
    police_mail = next(m for m in mail.outbox if m.to == [agency_lead.email])
    police_return = returns.get(agency=agency_lead.agency)
    assert reverse("section11:return-detail", args=[police_return.pk]) in police_mail.body


def test_launching_twice_is_refused(client_for, business_unit, draft, agency_lead,
                                    django_capture_on_commit_callbacks):
    client = client_for(business_unit)
    with django_capture_on_commit_callbacks(execute=True):
        launch(client, draft)
    sent = len(mail.outbox)

    with django_capture_on_commit_callbacks(execute=True):
        response = launch(client, draft)

    assert response.status_code == 302
    assert "This cycle has already been launched." in text(client.get(response["Location"]))
    assert Return.objects.filter(cycle=draft).count() == 2
    assert len(mail.outbox) == sent


def test_launch_page_lists_the_agencies_and_offers_copying_only_with_a_previous_cycle(client_for, business_unit,
                                                                                      draft, framework, police):
    client = client_for(business_unit)
    url = reverse("section11:cycle-launch", args=[draft.pk])

    without = client.get(url)
    draft.previous = make_cycle(framework, [police], name="Section 11 2025", status=Cycle.Status.CLOSED)
    draft.save()
    with_previous = client.get(url)

    assert "Outsider Youth Club" in text(without) and police.name in text(without)
    assert "Outsider Youth Club: no agency lead with an account to email" in text(without)
    assert "copy_previous" not in without.content.decode()
    assert 'name="copy_previous"' in with_previous.content.decode()
    assert "Section 11 2025" in text(with_previous)


def test_launch_copying_the_previous_cycle_marks_answers_for_checking(client_for, business_unit, draft, framework,
                                                                      police):
    previous = make_cycle(framework, [police], name="Section 11 2025", status=Cycle.Status.CLOSED,
                          opens_on=TODAY - datetime.timedelta(days=800), deadline=TODAY - datetime.timedelta(days=700))
    answer_all(Return.objects.get(cycle=previous))
    draft.previous = previous
    draft.save()

    launch(client_for(business_unit), draft, copy_previous="on")

    answers = Answer.objects.filter(ret__cycle=draft, ret__agency=police)
    assert answers.count() == 6
    assert all(a.needs_check and a.narrative == "We audit this yearly." for a in answers)
    assert not Answer.objects.filter(ret__cycle=draft, ret__agency__name="Outsider Youth Club", needs_check=True)


def test_after_launching_with_copied_answers_the_tracker_counts_none_answered_and_says_how_many_to_check(
        client_for, business_unit, agency_lead, draft, framework, police):
    """Issue 16: the tracker said "Not started · 6 of 6" (copied answers are not answered until confirmed: the
    submission refuses them). The one wording ({% return_progress %}) is on the tracker, the return list and the
    lead's home page, and the return page agrees."""
    previous = make_cycle(framework, [police], name="Section 11 2025", status=Cycle.Status.CLOSED,
                          opens_on=TODAY - datetime.timedelta(days=800), deadline=TODAY - datetime.timedelta(days=700))
    answer_all(Return.objects.get(cycle=previous))
    draft.previous = previous
    draft.save()
    launch(client_for(business_unit), draft, copy_previous="on")
    ret = Return.objects.get(cycle=draft, agency=police)

    police_row = row(client_for(business_unit).get(draft.get_absolute_url()), police)
    assert "Not started" in police_row and "0 of 6" in police_row and "6 copied from the last return, to check" \
        in police_row and "6 of 6" not in police_row
    lead = client_for(agency_lead)
    for page in (reverse("section11:return-list"), reverse("home")):
        assert "0 of 6 6 copied from the last return, to check" in text(lead.get(page)), page
    detail = text(lead.get(ret.get_absolute_url()))
    assert "0 of 6 criteria answered; 6 copied from the last return, to check." in detail

    answer = ret.answers.order_by("pk").first()
    history.update(Answer.objects.filter(pk=answer.pk), needs_check=False)  # one confirmed
    police_row = row(client_for(business_unit).get(draft.get_absolute_url()), police)
    assert "1 of 6" in police_row and "5 copied from the last return, to check" in police_row


def test_launch_without_copying_leaves_answers_blank(client_for, business_unit, draft, framework, police):
    previous = make_cycle(framework, [police], name="Section 11 2025", status=Cycle.Status.CLOSED,
                          opens_on=TODAY - datetime.timedelta(days=800), deadline=TODAY - datetime.timedelta(days=700))
    answer_all(Return.objects.get(cycle=previous))
    draft.previous = previous
    draft.save()

    launch(client_for(business_unit), draft)  # the box unticked

    assert not Answer.objects.filter(ret__cycle=draft).exclude(narrative="").exists()


# --- The tracker --------------------------------------------------------------------------------------------------
@pytest.fixture
def late_cycle(framework, police, outsider_agency):
    """Deadline passed yesterday, with agencies in every state."""
    submitted, signed, returned = (AgencyFactory(name=n) for n in ("Submitted Trust", "Signed Council", "Returned CIC"))
    cycle = make_cycle(framework, [police, outsider_agency, submitted, signed, returned],
                       opens_on=TODAY - datetime.timedelta(days=60), deadline=TODAY - datetime.timedelta(days=1))
    police_return = Return.objects.get(cycle=cycle, agency=police)
    level = RatingLevel.objects.get(scale=framework.scale, code="green")
    history.update(Answer.objects.filter(pk__in=list(police_return.answers.values_list("pk", flat=True)[:2])),
                   rating=level)
    history.update(Return.objects.filter(pk=police_return.pk), status=Return.Status.IN_PROGRESS)
    history.update(Return.objects.filter(cycle=cycle, agency=submitted), status=Return.Status.SUBMITTED)
    history.update(Return.objects.filter(cycle=cycle, agency=signed), status=Return.Status.SIGNED_OFF)
    history.update(Return.objects.filter(cycle=cycle, agency=returned), status=Return.Status.RETURNED)
    cycle.others = {"submitted": submitted, "signed": signed, "returned": returned}
    return cycle


def test_tracker_shows_each_agency_state_including_late_and_the_last_reminder(client_for, business_unit, late_cycle,
                                                                             police, outsider_agency, agency_lead):
    reminder_record(person=agency_lead, item=Return.objects.get(cycle=late_cycle, agency=police), stage="manual",
                    on=TODAY)
    others = late_cycle.others

    response = client_for(business_unit).get(late_cycle.get_absolute_url())

    assert response.status_code == 200
    police_row = row(response, police)
    assert "In progress" in police_row and "Late" in police_row and "2 of 6" in police_row
    assert timezone.localtime(ReminderLog.objects.get().sent_at).strftime("%-d %b %Y") in police_row
    assert "Send reminder" in police_row
    outsider_row = row(response, outsider_agency)
    assert "Not started" in outsider_row and "Late" in outsider_row and "None sent" in outsider_row
    assert "No agency lead has an account" in outsider_row and "Send reminder" not in outsider_row
    assert "Submitted" in row(response, others["submitted"]) and "Late" not in row(response, others["submitted"])
    assert "Signed off" in row(response, others["signed"])
    assert "Returned for clarification" in row(response, others["returned"])
    summary = response.context["summary"]
    assert (summary["submitted"], summary["in_progress"], summary["not_started"], summary["late"]) == (2, 1, 1, 3)
    assert "2 of 5 submitted (40%)" in text(response)


def test_submitted_returns_have_no_reminder_button(client_for, business_unit, late_cycle):
    submitted = late_cycle.others["submitted"]
    UserFactory(agency=submitted, roles=[Role.AGENCY_LEAD])

    response = client_for(business_unit).get(late_cycle.get_absolute_url())

    assert "Send reminder" not in row(response, submitted)


def test_tracker_shows_a_page_of_agencies_counts_them_all_and_a_reminder_returns_to_its_page(
        client_for, business_unit, late_cycle, monkeypatch):
    monkeypatch.setattr(mixins, "LIST_PAGE_SIZE", 2)
    returned = late_cycle.others["returned"]
    UserFactory(agency=returned, roles=[Role.AGENCY_LEAD])
    client = client_for(business_unit)

    first = client.get(late_cycle.get_absolute_url())
    second = client.get(late_cycle.get_absolute_url() + "?page=2")

    assert len(first.context["page"].object_list) == 2 and first.context["page"].paginator.count == 5
    assert "2 of 5 submitted (40%)" in text(first) and "2 of 5 submitted (40%)" in text(second)  # every agency
    assert 'aria-label="Pagination"' in first.content.decode()
    assert f'id="agency-{returned.pk}"' not in first.content.decode()
    assert "Returned for clarification" in row(second, returned)
    remind = reverse("section11:return-remind", args=[late_cycle.pk, Return.objects.get(cycle=late_cycle,
                                                                                         agency=returned).pk])
    assert f'action="{remind}?page=2"' in second.content.decode()
    response = client.post(remind + "?page=2")
    assert response["Location"] == f"{late_cycle.get_absolute_url()}?page=2#agency-{returned.pk}"


def test_cycle_list_shows_every_cycle_newest_first_with_its_completion_rate(client_for, qa_member, late_cycle,
                                                                            framework, police):
    older = make_cycle(framework, [police], name="Section 11 2024", status=Cycle.Status.CLOSED,
                       opens_on=TODAY - datetime.timedelta(days=800), deadline=TODAY - datetime.timedelta(days=700))
    answer_all(Return.objects.get(cycle=older))
    history.update(Return.objects.filter(cycle=older), status=Return.Status.SIGNED_OFF)

    response = client_for(qa_member).get(reverse("section11:cycle-list"))

    rows = response.context["rows"]
    assert [r["cycle"] for r in rows] == [late_cycle, older]
    assert (rows[0]["submitted"], rows[0]["returns"], rows[0]["submitted_pct"]) == (2, 5, 40)
    assert (rows[1]["submitted_pct"], rows[1]["answered_pct"]) == (100, 100)
    assert "2 of 5 (40%)" in text(response)


# --- Reminders ----------------------------------------------------------------------------------------------------
def test_reminder_is_sent_once_per_lead_per_day_and_the_second_click_says_so(
        client_for, business_unit, police_return, agency_lead, django_capture_on_commit_callbacks):
    second_lead = UserFactory(agency=agency_lead.agency, roles=[Role.AGENCY_LEAD])
    client = client_for(business_unit)
    url = reverse("section11:return-remind", args=[police_return.cycle_id, police_return.pk])

    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(url, follow=True)
    with django_capture_on_commit_callbacks(execute=True):
        second = client.post(url, follow=True)

    assert sorted(m.to[0] for m in mail.outbox) == sorted([agency_lead.email, second_lead.email])
    assert "A reminder has been emailed" in text(first)
    assert "already reminded today, so nothing more was sent" in text(second)
    assert ReminderLog.objects.count() == 2


def test_reminding_a_submitted_return_is_refused(client_for, business_unit, police_return, agency_lead):
    history.update(Return.objects.filter(pk=police_return.pk), status=Return.Status.SUBMITTED)
    url = reverse("section11:return-remind", args=[police_return.cycle_id, police_return.pk])

    response = client_for(business_unit).post(url, follow=True)

    assert "nothing to remind about" in text(response)
    assert mail.outbox == []


def test_reminding_a_return_of_another_cycle_is_not_found(client_for, business_unit, police_return, framework,
                                                          police):
    other = make_cycle(framework, [police], name="Other cycle")

    response = client_for(business_unit).post(reverse("section11:return-remind", args=[other.pk, police_return.pk]))

    assert response.status_code == 404


# --- Closing ------------------------------------------------------------------------------------------------------
def test_business_unit_closes_an_open_cycle(client_for, business_unit, cycle):
    response = client_for(business_unit).post(reverse("section11:cycle-close", args=[cycle.pk]))

    cycle.refresh_from_db()
    assert response.status_code == 302
    assert cycle.status == Cycle.Status.CLOSED


# --- Who may do what ----------------------------------------------------------------------------------------------
def cycle_pages(cycle):
    return [reverse("section11:cycle-list"), reverse("section11:cycle-create"), cycle.get_absolute_url(),
            reverse("section11:cycle-launch", args=[cycle.pk])]


@pytest.mark.parametrize("persona", ["agency_lead", "contributor", "chair", "reader", "outsider"])
def test_people_outside_the_business_unit_and_qa_get_403_on_cycle_pages(persona, request, client_for, cycle):
    client = client_for(request.getfixturevalue(persona))

    assert [client.get(url).status_code for url in cycle_pages(cycle)] == [403, 403, 403, 403]


def test_qa_member_may_read_the_list_and_tracker(client_for, qa_member, cycle):
    client = client_for(qa_member)

    tracker = client.get(cycle.get_absolute_url())

    assert client.get(reverse("section11:cycle-list")).status_code == 200
    assert tracker.status_code == 200
    assert "Send reminder" not in tracker.content.decode()
    assert "Close the cycle" not in tracker.content.decode()


def test_qa_member_cannot_set_up_launch_remind_or_close(client_for, qa_member, cycle, draft, police_return,
                                                         agency_lead):
    client = client_for(qa_member)

    assert client.get(reverse("section11:cycle-create")).status_code == 403
    assert launch(client, draft).status_code == 403
    assert client.post(reverse("section11:return-remind", args=[cycle.pk, police_return.pk])).status_code == 403
    assert client.post(reverse("section11:cycle-close", args=[cycle.pk])).status_code == 403
    draft.refresh_from_db()
    cycle.refresh_from_db()
    assert (draft.status, cycle.status) == (Cycle.Status.DRAFT, Cycle.Status.OPEN)
    assert mail.outbox == []


def test_get_to_post_only_cycle_actions_answers_405(client_for, business_unit, cycle, police_return):
    client = client_for(business_unit)

    assert client.get(reverse("section11:return-remind", args=[cycle.pk, police_return.pk])).status_code == 405
    assert client.get(reverse("section11:cycle-close", args=[cycle.pk])).status_code == 405


# --- Queries ------------------------------------------------------------------------------------------------------
def _tracker_queries(client, framework, n: int, name: str) -> int:
    agencies = [AgencyFactory(name=f"{name} agency {i}") for i in range(n)]
    for agency in agencies[::2]:
        UserFactory(agency=agency, roles=[Role.AGENCY_LEAD])
    cycle = make_cycle(framework, agencies, name=name)
    for ret in Return.objects.filter(cycle=cycle)[::3]:
        reminder_record(person=ret.agency.users.first() or UserFactory(agency=ret.agency), item=ret, stage="manual",
                        on=TODAY)
    client.get(cycle.get_absolute_url())  # warm the session
    with CaptureQueriesContext(connection) as queries:
        response = client.get(cycle.get_absolute_url())
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == n
    return len(queries)


def test_tracker_queries_do_not_grow_with_the_number_of_agencies(client_for, business_unit, framework):
    client = client_for(business_unit)

    few = _tracker_queries(client, framework, 5, "Few")
    many = _tracker_queries(client, framework, 40, "Many")

    assert few == many
    assert many <= 10


def test_cycle_list_queries_do_not_grow_with_the_number_of_cycles(client_for, business_unit, framework, police,
                                                                  django_assert_max_num_queries):
    client = client_for(business_unit)
    for i in range(12):
        make_cycle(framework, [police], name=f"Cycle {i}")
    client.get(reverse("section11:cycle-list"))

    with django_assert_max_num_queries(8):
        response = client.get(reverse("section11:cycle-list"))

    assert len(response.context["rows"]) == 12
