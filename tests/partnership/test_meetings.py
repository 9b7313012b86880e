"""Subgroups and meetings: the services' rules, who may read and change what, the agenda builder's suggestions,
attendance rates, emails, and pages whose queries do not grow with their rows."""
import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from merton_qa import composition, selectors
from merton_qa import meetings as builder
from partnership import access
from partnership.contract import AgendaSuggestion
from partnership.dates import ReportPeriod
from partnership.models import (
    Action,
    AgendaItem,
    Attendance,
    EmailMessage,
    Meeting,
    Membership,
    Role,
    Subgroup,
)
from partnership.models.actions import sources_of
from partnership.services import meetings as services
from partnership.services.errors import ConflictError, ServiceError
from tests.audits.conftest import audit, programme, tool  # noqa: F401 (fixtures)
from tests.factories import ActionFactory, AgencyFactory, PriorityFactory, UserFactory
from tests.performance.conftest import indicator, police_data_return, quarters  # noqa: F401 (fixtures)
from tests.reviews.conftest import health, notification, notified, referral, screened  # noqa: F401 (fixtures)
from tests.section11.conftest import cycle, framework, rag_scale  # noqa: F401 (fixtures)

TODAY = timezone.localdate()
NOW = timezone.now()


def at(days: int, hour: int = 14) -> datetime.datetime:
    day = TODAY + datetime.timedelta(days=days)
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=timezone.get_current_timezone())


@pytest.fixture
def subgroup(db, agency_lead, police, qa_member, partnership_unit):
    group = Subgroup.objects.create(name="Quality assurance subgroup", kind=Subgroup.Kind.QA,
                                    terms_of_reference="Scrutinise the partnership's quality assurance.")
    Membership.objects.create(subgroup=group, person=qa_member, agency=partnership_unit,
                              role=Membership.GroupRole.CHAIR, start_date=TODAY - datetime.timedelta(days=400))
    Membership.objects.create(subgroup=group, person=agency_lead, agency=police,
                              start_date=TODAY - datetime.timedelta(days=400))
    return group


@pytest.fixture
def past_meeting(subgroup, business_unit):
    return services.meeting_create(subgroup=subgroup, starts_at=at(-2), by=business_unit, place="Civic Centre")


@pytest.fixture
def next_meeting(subgroup, business_unit):
    return services.meeting_create(subgroup=subgroup, starts_at=at(40), by=business_unit, place="Civic Centre")


def fresh(meeting):
    return Meeting.objects.get(pk=meeting.pk)


# --- Services


def test_only_the_business_unit_plans_meetings(subgroup, qa_member, agency_lead):
    for person in (qa_member, agency_lead):
        with pytest.raises(ServiceError):
            services.meeting_create(subgroup=subgroup, starts_at=at(10), by=person, place="Civic Centre")


def test_a_meeting_needs_a_place_or_a_link(subgroup, business_unit):
    with pytest.raises(ServiceError) as refused:
        services.meeting_create(subgroup=subgroup, starts_at=at(10), by=business_unit)
    assert refused.value.field == "place"


def test_unfinished_items_are_carried_over_once(subgroup, business_unit, past_meeting):
    done = services.agenda_add(meeting=past_meeting, by=business_unit, title="Scorecard")
    open_item = services.agenda_add(meeting=past_meeting, by=business_unit, title="Neglect audit report")
    services.item_minutes(item=open_item, by=business_unit, minutes="Ran out of time.", finished=False)
    services.meeting_mark_held(meeting=past_meeting, by=business_unit, expected_version=past_meeting.version)
    later = services.meeting_create(subgroup=subgroup, starts_at=at(30), by=business_unit, place="Civic Centre")
    carried = list(later.items.all())
    assert [(i.title, i.kind, i.carried_over_from_id) for i in carried] == [
        ("Neglect audit report", "Carried over", open_item.pk)]
    assert services.carry_over(later) == []
    assert done.pk not in {i.carried_over_from_id for i in carried}


def test_an_agenda_takes_a_suggestion_once_and_reorders(next_meeting, business_unit):
    suggestion = AgendaSuggestion(key="audits:report:9", kind="Audit report", title="Audit: neglect",
                                  url="/audits/9/report/")
    first = services.agenda_add_suggestion(meeting=next_meeting, by=business_unit, suggestion=suggestion)
    with pytest.raises(ServiceError):
        services.agenda_add_suggestion(meeting=next_meeting, by=business_unit, suggestion=suggestion)
    second = services.agenda_add(meeting=next_meeting, by=business_unit, title="Any other business")
    services.agenda_move(item=second, by=business_unit, direction=services.UP)
    assert list(next_meeting.items.values_list("title", flat=True)) == ["Any other business", "Audit: neglect"]
    services.agenda_move(item=second, by=business_unit, direction=services.UP)  # already first: nothing moves
    assert list(next_meeting.items.values_list("pk", flat=True)) == [second.pk, first.pk]
    services.agenda_remove(item=first, by=business_unit)
    assert list(next_meeting.items.values_list("pk", flat=True)) == [second.pk]


def test_attendance_and_rates(past_meeting, business_unit, subgroup, police, partnership_unit, outsider_agency):
    chair_m, police_m = list(subgroup.memberships.order_by("pk"))
    with pytest.raises(ServiceError) as refused:
        services.attendance_record(meeting=past_meeting, by=business_unit,
                                   rows=[(police_m, Attendance.Status.DEPUTY, "")])
    assert refused.value.field == f"m{police_m.pk}_deputy"
    services.attendance_record(meeting=past_meeting, by=business_unit, rows=[
        (chair_m, Attendance.Status.PRESENT, ""), (police_m, Attendance.Status.DEPUTY, "Dee Deputy")])
    services.meeting_mark_held(meeting=past_meeting, by=business_unit, expected_version=past_meeting.version)
    second = services.meeting_create(subgroup=subgroup, starts_at=at(-1, 9), by=business_unit, place="Online")
    services.attendance_record(meeting=second, by=business_unit, rows=[
        (chair_m, Attendance.Status.PRESENT, ""), (police_m, Attendance.Status.APOLOGIES, "")])
    services.meeting_mark_held(meeting=second, by=business_unit, expected_version=second.version)
    period = ReportPeriod.between(TODAY - datetime.timedelta(days=30), TODAY)
    with CaptureQueriesContext(connection) as ctx:
        rates = services.attendance_rates([police, partnership_unit, outsider_agency], period)
    assert len(ctx.captured_queries) == 1
    assert (rates[police.pk].expected, rates[police.pk].attended, rates[police.pk].percent) == (2, 1, 50)
    assert rates[partnership_unit.pk].percent == 100
    assert outsider_agency.pk not in rates  # no place at any meeting: no figure, not zero


def test_attendance_waits_for_the_meeting(next_meeting, business_unit, subgroup):
    with pytest.raises(ServiceError):
        services.attendance_record(meeting=next_meeting, by=business_unit,
                                   rows=[(subgroup.memberships.first(), Attendance.Status.PRESENT, "")])


def test_a_decision_that_needs_doing_becomes_an_action_and_tells_its_owner(past_meeting, business_unit, police,
                                                                          agency_lead, outsider,
                                                                          django_capture_on_commit_callbacks):
    item = services.agenda_add(meeting=past_meeting, by=business_unit, title="Overdue actions: police")
    with pytest.raises(ServiceError) as refused:
        services.decision_record(meeting=past_meeting, by=business_unit, text="Police to report back.", item=item,
                                 needs_action=True, owner_agency=police, owner=outsider,
                                 due_date=TODAY + datetime.timedelta(days=30))
    assert refused.value.field == "owner"
    decision = services.decision_record(meeting=past_meeting, by=business_unit, text="Police to report back.",
                                        item=item, needs_action=True, owner_agency=police, owner=agency_lead,
                                        due_date=TODAY + datetime.timedelta(days=30))
    action = decision.action
    assert action.source_kind == "meeting" and action.status == Action.Status.AGREED
    assert sources_of(action) == [past_meeting]
    email = EmailMessage.objects.get(key=f"meeting-action:{action.pk}:{agency_lead.pk}")
    assert email.to == agency_lead.email and action.get_absolute_url() in email.body_text
    assert "report back" not in email.body_text  # a link, not the decision's words
    recorded_only = services.decision_record(meeting=past_meeting, by=business_unit, text="Noted the scorecard.")
    assert recorded_only.action is None


def test_moving_or_cancelling_tells_members(next_meeting, business_unit, agency_lead, qa_member):
    services.meeting_update(meeting=next_meeting, by=business_unit, expected_version=next_meeting.version,
                            starts_at=at(41), place="Civic Centre", joining_link="")
    moved = EmailMessage.objects.filter(key__startswith=f"meeting-moved:{next_meeting.pk}:")
    assert {e.to for e in moved} == {agency_lead.email, qa_member.email}
    with pytest.raises(ConflictError):
        services.meeting_cancel(meeting=next_meeting, by=business_unit, expected_version=1, reason="Not quorate")
    meeting = fresh(next_meeting)
    services.meeting_cancel(meeting=meeting, by=business_unit, expected_version=meeting.version, reason="Strike")
    assert EmailMessage.objects.filter(key__startswith=f"meeting-cancelled:{meeting.pk}:").count() == 2
    assert fresh(meeting).history.count() == 3  # created, moved, cancelled


# --- The agenda builder


def test_suggestions_come_from_the_apps_and_leave_out_what_is_taken(next_meeting, business_unit, police):
    ActionFactory(owner_agency=police, due_date=TODAY - datetime.timedelta(days=3))
    found = builder.suggestions_for(next_meeting, business_unit)
    key = f"actions:overdue:{police.pk}"
    assert key in {s.key for s in found}
    services.agenda_add_suggestion(meeting=next_meeting, by=business_unit, suggestion=builder.find(found, key))
    assert key not in {s.key for s in builder.suggestions_for(next_meeting, business_unit)}


def test_a_thematic_subgroup_sees_what_is_tagged_to_its_priorities(business_unit, monkeypatch):
    neglect, exploitation = PriorityFactory(code="neglect"), PriorityFactory(code="exploitation")
    group = Subgroup.objects.create(name="Neglect subgroup", kind=Subgroup.Kind.THEMATIC)
    group.priorities.add(neglect)
    meeting = services.meeting_create(subgroup=group, starts_at=at(20), by=business_unit, place="Online")
    offered = [AgendaSuggestion("a", "Audit report", "Neglect audit", priority_ids=(neglect.pk,)),
               AgendaSuggestion("b", "Audit report", "Exploitation audit", priority_ids=(exploitation.pk,)),
               AgendaSuggestion("c", "Overdue actions", "Untagged")]
    monkeypatch.setattr(builder, "all_suggestions", lambda today, user: offered)
    assert [s.key for s in builder.suggestions_for(meeting, business_unit)] == ["a"]
    assert [s.key for s in builder.suggestions_for(meeting, business_unit, everything=True)] == ["a", "b", "c"]


def test_the_subgroups_performance_pack_is_offered_as_a_paper(next_meeting, business_unit, subgroup):
    priority = PriorityFactory(code="neglect")
    subgroup.scorecard_priority = priority
    subgroup.save()
    meeting = fresh(next_meeting)
    pack = builder.papers_for(meeting, business_unit)[0]
    assert pack.key == f"performance:pack:{subgroup.pk}"
    assert pack.url == reverse("performance:scorecard") + f"?priority={priority.pk}"


# --- Access


def test_who_reads_and_who_changes(client_for, next_meeting, business_unit, qa_member, chair, agency_lead,
                                   contributor, outsider, reader):
    detail = reverse("meeting-detail", args=[next_meeting.pk])
    agenda = reverse("meeting-agenda", args=[next_meeting.pk])
    for person in (business_unit, qa_member, chair, agency_lead):  # agency_lead is a member
        assert client_for(person).get(detail).status_code == 200, person
    for person in (contributor, outsider, reader):  # not members, not the partnership's overseers
        assert client_for(person).get(detail).status_code == 404, person
    for person in (qa_member, chair, agency_lead):
        assert client_for(person).get(agenda).status_code == 403, person
        assert client_for(person).post(agenda, {"add": "own", "title": "Mine"}).status_code == 403, person
    assert client_for(outsider).get(agenda).status_code == 404
    assert not AgendaItem.objects.filter(title="Mine").exists()


def test_an_agency_member_sees_only_their_subgroups(client_for, subgroup, agency_lead, outsider, business_unit):
    other = Subgroup.objects.create(name="Partnership executive", kind=Subgroup.Kind.EXECUTIVE)
    page = client_for(agency_lead).get(reverse("subgroup-list"))
    assert subgroup.name in page.content.decode() and other.name not in page.content.decode()
    assert client_for(agency_lead).get(reverse("subgroup-detail", args=[other.pk])).status_code == 404
    assert list(access.visible_subgroups(outsider)) == []
    deputy = UserFactory(agency=agency_lead.agency, roles=[Role.AGENCY_CONTRIBUTOR])
    membership = Membership.objects.get(person=agency_lead)
    membership.deputy = deputy
    membership.save()
    assert list(access.visible_subgroups(deputy)) == [subgroup]


# --- Pages


def test_the_agenda_page_adds_a_suggestion_by_its_key_only(client_for, next_meeting, business_unit, police):
    ActionFactory(owner_agency=police, due_date=TODAY - datetime.timedelta(days=3))
    client = client_for(business_unit)
    url = reverse("meeting-agenda", args=[next_meeting.pk])
    assert client.post(url, {"key": "made:up", "title": "Injected"}).status_code == 302
    assert not next_meeting.items.exists()
    client.post(url, {"key": f"actions:overdue:{police.pk}"})
    item = next_meeting.items.get()
    assert item.title == f"Overdue actions: {police.name}" and item.kind == "Overdue actions"


def test_attendance_and_decision_pages(client_for, past_meeting, business_unit, subgroup, police, agency_lead):
    client = client_for(business_unit)
    chair_m, police_m = list(subgroup.memberships.order_by("pk"))
    url = reverse("meeting-attendance", args=[past_meeting.pk])
    response = client.post(url, {f"m{chair_m.pk}": "present"})
    assert response.status_code == 400 and "Choose whether Lee Lead attended" in response.content.decode()
    client.post(url, {f"m{chair_m.pk}": "present", f"m{police_m.pk}": "apologies"})
    assert dict(past_meeting.attendance.values_list("person_id", "status")) == {
        chair_m.person_id: "present", police_m.person_id: "apologies"}
    decide = reverse("decision-create", args=[past_meeting.pk])
    shown = client.post(decide, {"text": "Kept", "needs_action": "yes", "owner_agency": police.pk, "show": "people"})
    body = shown.content.decode()
    assert shown.status_code == 200 and "Lee Lead" in body and "Quinn Auditor" not in body and "Kept" in body
    client.post(decide, {"text": "Police to audit custody records.", "needs_action": "yes",
                         "owner_agency": police.pk, "owner": agency_lead.pk, "due_date_0": "1", "due_date_1": "3",
                         "due_date_2": str(TODAY.year + 1)})
    action = past_meeting.decisions.get().action
    assert action.owner == agency_lead and action.due_date == datetime.date(TODAY.year + 1, 3, 1)


def test_papers_upload_through_the_upload_rules(client_for, next_meeting, business_unit, agency_lead):
    client = client_for(business_unit)
    url = reverse("meeting-papers", args=[next_meeting.pk])
    refused = client.post(url, {"add": "upload", "file": SimpleUploadedFile("paper.pdf", b"MZ not a pdf")})
    assert refused.status_code == 400 and not next_meeting.papers.exists()
    client.post(url, {"add": "upload", "title": "Chair's report",
                      "file": SimpleUploadedFile("report.pdf", b"%PDF-1.4 a report")})
    paper = next_meeting.papers.get()
    assert paper.title == "Chair's report" and paper.stored_name != "report.pdf"
    download = client_for(agency_lead).get(reverse("paper-download", args=[next_meeting.pk, paper.pk]))
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"


def test_the_minutes_pdf(client_for, past_meeting, business_unit):
    services.agenda_add(meeting=past_meeting, by=business_unit, title="Scorecard exceptions")
    response = client_for(business_unit).get(reverse("minutes-pdf", args=[past_meeting.pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def _busy_meeting(subgroup, business_unit, police, agency_lead, n: int):
    meeting = services.meeting_create(subgroup=subgroup, starts_at=at(-3 - n), by=business_unit, place="Online")
    for i in range(n):
        item = services.agenda_add(meeting=meeting, by=business_unit, title=f"Item {i}", presenter="Chair")
        services.decision_record(meeting=meeting, by=business_unit, text=f"Decision {i}", item=item,
                                 needs_action=True, owner_agency=police, owner=agency_lead,
                                 due_date=TODAY + datetime.timedelta(days=30))
        services.paper_attach(meeting=meeting, by=business_unit,
                              paper=builder.SystemPaper(f"k{i}", f"Paper {i}", "/"))
        agency = AgencyFactory(name=f"Member agency {n}-{i}")
        person = UserFactory(agency=agency)
        membership = Membership.objects.create(subgroup=subgroup, person=person, agency=agency,
                                               start_date=TODAY - datetime.timedelta(days=400))
        services.attendance_record(meeting=meeting, by=business_unit,
                                   rows=[(membership, Attendance.Status.PRESENT, "")])
    return meeting


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_pages_do_not_grow_with_their_rows(client_for, subgroup, business_unit, police, agency_lead):
    client = client_for(business_unit)
    small = _busy_meeting(subgroup, business_unit, police, agency_lead, 2)
    counts_small = [_queries(client, reverse(name, args=[small.pk]))
                    for name in ("meeting-detail", "meeting-agenda", "meeting-attendance", "meeting-papers")]
    list_small = _queries(client, reverse("subgroup-list"))
    detail_small = _queries(client, reverse("subgroup-detail", args=[subgroup.pk]))
    big = _busy_meeting(subgroup, business_unit, police, agency_lead, 8)
    for i in range(5):
        Subgroup.objects.create(name=f"Thematic {i}", kind=Subgroup.Kind.THEMATIC)
    counts_big = [_queries(client, reverse(name, args=[big.pk]))
                  for name in ("meeting-detail", "meeting-agenda", "meeting-attendance", "meeting-papers")]
    assert counts_big == counts_small
    assert _queries(client, reverse("subgroup-list")) == list_small
    assert _queries(client, reverse("subgroup-detail", args=[subgroup.pk])) == detail_small


# --- Home dashboards


def test_home_shows_the_next_meeting_and_members_their_meetings_and_actions(client_for, subgroup, business_unit,
                                                                           next_meeting, past_meeting, police,
                                                                           agency_lead, contributor):
    ActionFactory(owner_agency=police, due_date=TODAY - datetime.timedelta(days=3))
    services.decision_record(meeting=past_meeting, by=business_unit, text="Police to audit custody records.",
                             needs_action=True, owner_agency=police, owner=agency_lead,
                             due_date=TODAY + datetime.timedelta(days=20), action_title="Custody records audit")
    home = client_for(business_unit).get(reverse("home")).content.decode()
    assert reverse("meeting-detail", args=[next_meeting.pk]) in home
    due = len(builder.suggestions_for(next_meeting, business_unit))
    assert due >= 1 and f"{due} item{'s' if due > 1 else ''} due for its agenda" in home
    lead_home = client_for(agency_lead).get(reverse("home")).content.decode()
    assert "Your meetings" in lead_home and reverse("meeting-detail", args=[next_meeting.pk]) in lead_home
    assert "Open actions from your meetings" in lead_home and "Custody records audit" in lead_home
    assert "Your meetings" not in client_for(contributor).get(reverse("home")).content.decode()


def test_the_next_meeting_and_mine_in_one_query_are_each_read_alone(subgroup, business_unit, partnership_unit):
    """The business unit's home reads the next meeting of any subgroup and their own next five together: each is what
    its own query answers, whether the first meeting is theirs or not, with more than five of theirs to come."""
    other = Subgroup.objects.create(name="Learning and improvement subgroup", kind=Subgroup.Kind.QA,
                                    terms_of_reference="Learn from reviews.")
    for days in (3, 10, 10, 20, 30, 40, 50, 60):
        services.meeting_create(subgroup=subgroup, starts_at=at(days), by=business_unit, place="Civic Centre")
    services.meeting_create(subgroup=subgroup, starts_at=at(-2), by=business_unit, place="Civic Centre")

    def alone():
        return (selectors.meetings_upcoming().order_by("starts_at", "pk").first(),
                list(selectors.meetings_of(business_unit, TODAY)[:5]))

    def together():
        with CaptureQueriesContext(connection) as queries:
            found = selectors.next_meeting_and_mine(business_unit, TODAY, 5, fields=("starts_at", "subgroup__name"))
        assert len(queries.captured_queries) == 1
        return found

    assert together() == (alone()[0], []) and alone()[0].subgroup == subgroup  # not a member yet
    Membership.objects.create(subgroup=other, person=business_unit, agency=partnership_unit,
                              start_date=TODAY - datetime.timedelta(days=10))
    assert together() == (alone()[0], [])
    services.meeting_create(subgroup=other, starts_at=at(1), by=business_unit, place="Civic Centre")
    assert together() == alone() and len(alone()[1]) == 1  # the next is theirs
    Membership.objects.create(subgroup=subgroup, person=business_unit, agency=partnership_unit,
                              start_date=TODAY - datetime.timedelta(days=10))
    first, mine = together()
    assert (first, mine) == alone() and len(mine) == 5
    assert [m.subgroup.name for m in mine] == [m.subgroup.name for m in alone()[1]]


def test_a_terms_of_reference_file_follows_the_upload_rules(subgroup):
    from django.core.exceptions import ValidationError

    subgroup.terms_file = SimpleUploadedFile("terms.pdf", b"MZ\x90\x00 a program")
    with pytest.raises(ValidationError):
        subgroup.full_clean()
    subgroup.terms_file = SimpleUploadedFile("terms.pdf", b"%PDF-1.4 terms of reference")
    subgroup.full_clean()


def test_a_past_member_no_longer_reads_the_subgroups_meetings(client_for, next_meeting, agency_lead):
    membership = Membership.objects.get(person=agency_lead)
    membership.end_date = TODAY - datetime.timedelta(days=1)
    membership.save()
    assert client_for(agency_lead).get(reverse("meeting-detail", args=[next_meeting.pk])).status_code == 404


def test_links_from_the_system_are_shown_to_the_business_unit_only(client_for, next_meeting, business_unit,
                                                                    agency_lead):
    """An item or paper taken from the system links to a page a member may not be allowed to open."""
    services.agenda_add(meeting=next_meeting, by=business_unit, title="Statutory review clocks", url="/reviews/")
    services.paper_attach(meeting=next_meeting, by=business_unit,
                          paper=builder.SystemPaper("actions:board-pack:1", "Board pack", "/reports/board/packs/1/"))
    url = reverse("meeting-detail", args=[next_meeting.pk])
    assert 'href="/reviews/"' in client_for(business_unit).get(url).content.decode()
    member = client_for(agency_lead).get(url).content.decode()
    assert "Statutory review clocks" in member and 'href="/reviews/"' not in member
    assert "Board pack" in member and 'href="/reports/board/packs/1/"' not in member


def test_up_and_down_are_plain_form_posts(client_for, next_meeting, business_unit):
    """Reordering needs no JavaScript: each button posts its direction and the page comes back at the item."""
    first = services.agenda_add(meeting=next_meeting, by=business_unit, title="Scorecard")
    second = services.agenda_add(meeting=next_meeting, by=business_unit, title="Audit report")
    client = client_for(business_unit)
    response = client.post(reverse("agenda-move", args=[next_meeting.pk, second.pk]), {"direction": "up"})
    assert response.status_code == 302 and response["Location"].endswith(f"#item-{second.pk}")
    assert list(next_meeting.items.values_list("pk", flat=True)) == [second.pk, first.pk]
    client.post(reverse("agenda-move", args=[next_meeting.pk, second.pk]), {"direction": "sideways"})
    assert list(next_meeting.items.values_list("pk", flat=True)) == [second.pk, first.pk]
    assert client.get(reverse("agenda-move", args=[next_meeting.pk, second.pk])).status_code == 405
    client.post(reverse("agenda-remove", args=[next_meeting.pk, first.pk]))
    assert list(next_meeting.items.values_list("pk", flat=True)) == [second.pk]


def test_every_apps_agenda_hooks_answer_from_their_records(business_unit, qa_member, police_data_return,  # noqa: F811
                                                          audit, notification, cycle):  # noqa: F811
    """Late data returns (performance), an audit report agreed (audits), a statutory clock (reviews: a count, no
    case), returns past a cycle's deadline (Section 11), overdue actions (the tracker); and their papers."""
    from audits.models import Audit
    from partnership import history
    from performance.models import DataReturn
    from section11.models import Cycle

    history.update(DataReturn.objects.filter(pk=police_data_return.pk), due_date=TODAY - datetime.timedelta(days=5))
    history.update(Audit.objects.filter(pk=audit.pk), status=Audit.Status.AGREED,
                   report_agreed_on=TODAY - datetime.timedelta(days=3))
    Cycle.objects.filter(pk=cycle.pk).update(status=Cycle.Status.OPEN, deadline=TODAY - datetime.timedelta(days=1))
    ActionFactory(owner_agency=police_data_return.agency, due_date=TODAY - datetime.timedelta(days=2))
    with CaptureQueriesContext(connection) as ctx:
        found = builder.all_suggestions(TODAY, business_unit)
    kinds = {s.key.split(":")[0] + ":" + s.kind for s in found}
    assert {"performance:Late returns", "audits:Audit report", "actions:Overdue actions"} <= kinds, kinds
    assert any(s.kind == "Statutory clock" and "MSCP" not in s.title + s.detail for s in found)
    if cycle.returns.exists():
        assert "section11:Late returns" in kinds
    assert len(ctx.captured_queries) < 40
    papers = {p.key.split(":")[0] for part in composition.governance_parts() if part.papers
              for p in part.papers(qa_member)}
    assert {"audits"} <= papers


def test_the_homes_count_is_the_agendas_suggestions_by_the_same_rule(
        client_for, business_unit, subgroup, police_data_return, audit, notification, cycle,  # noqa: F811
        quarters, indicator):  # noqa: F811
    """Each app's `agenda_keys` answers exactly its `agenda_items`' keys and priorities (a scorecard exception, an
    audit report agreed, a statutory clock, late returns, overdue actions, the latest pack), so the home page's count
    of what is due for the next meeting (`due_count`) is the agenda's number of suggestions: for an open subgroup
    with one suggestion taken, and for a thematic one (only what is tagged to its priorities)."""
    from decimal import Decimal

    from audits.models import Audit
    from partnership import history
    from performance.models import DataReturn, Value
    from section11.models import Cycle

    neglect = PriorityFactory(code="neglect")
    history.update(DataReturn.objects.filter(pk=police_data_return.pk), due_date=TODAY - datetime.timedelta(days=5),
                   status=DataReturn.Status.VALIDATED)
    history.update(Audit.objects.filter(pk=audit.pk), status=Audit.Status.AGREED, priority=neglect,
                   report_agreed_on=TODAY - datetime.timedelta(days=3))
    Cycle.objects.filter(pk=cycle.pk).update(status=Cycle.Status.OPEN, deadline=TODAY - datetime.timedelta(days=1))
    ActionFactory(owner_agency=police_data_return.agency, due_date=TODAY - datetime.timedelta(days=2))
    history.update(type(indicator).objects.filter(pk=indicator.pk), priority=neglect)
    Value.objects.create(indicator=indicator, period=quarters[1], data_return=police_data_return,
                         value=Decimal("40"))  # red against its target of 80
    for part in composition.governance_parts():
        items = part.agenda_items(TODAY, business_unit)
        assert [(k.key, k.priority_ids) for k in part.agenda_keys(TODAY, business_unit)] == [
            (s.key, s.priority_ids) for s in items]
    found = builder.suggestions_for(
        services.meeting_create(subgroup=subgroup, starts_at=at(50), by=business_unit, place="Online"), business_unit)
    kinds = {s.kind for s in found}
    assert {"Scorecard exception", "Audit report", "Statutory clock", "Overdue actions"} <= kinds, kinds
    themed = Subgroup.objects.create(name="Neglect subgroup", kind=Subgroup.Kind.THEMATIC)
    themed.priorities.add(neglect)
    thematic = services.meeting_create(subgroup=themed, starts_at=at(30), by=business_unit, place="Online")
    assert 0 < len(builder.suggestions_for(thematic, business_unit)) < len(found)
    assert builder.due_count(thematic, business_unit) == len(builder.suggestions_for(thematic, business_unit))
    nearest = services.meeting_create(subgroup=subgroup, starts_at=at(10), by=business_unit, place="Online")
    services.agenda_add_suggestion(meeting=nearest, by=business_unit, suggestion=found[0])
    due = len(builder.suggestions_for(nearest, business_unit))
    assert due == len(found) - 1 == builder.due_count(nearest, business_unit)
    home = client_for(business_unit).get(reverse("home")).content.decode()
    assert f"{due} items due for its agenda" in home


def test_a_stale_cancellation_answers_409_keeps_the_reason_and_carries_the_version(client_for, next_meeting,
                                                                                   business_unit):
    read_version = next_meeting.version
    services.meeting_update(meeting=next_meeting, by=business_unit, expected_version=read_version,
                            starts_at=next_meeting.starts_at, place="Their room, saved first", joining_link="")
    client = client_for(business_unit)
    response = client.post(reverse("meeting-cancel", args=[next_meeting.pk]),
                           {"reason": "Typed and kept.", "version": read_version})
    body = response.content.decode()
    meeting = fresh(next_meeting)
    assert response.status_code == 409 and "Typed and kept." in body and "app-conflict" in body
    assert f'name="version" value="{meeting.version}"' in body and meeting.status != Meeting.Status.CANCELLED
    again = client.post(reverse("meeting-cancel", args=[next_meeting.pk]),
                        {"reason": "Typed and kept.", "version": meeting.version})
    assert again.status_code == 302 and fresh(next_meeting).status == Meeting.Status.CANCELLED
