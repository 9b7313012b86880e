"""A subgroup meeting in a real browser: the business unit builds the agenda from what is due, records who came,
and turns a decision into an action that the tracker then lists; a member reads the meeting. axe on every page."""
import datetime
import re

import pytest
from django.utils import timezone

from partnership.models import Action, Membership, Subgroup
from partnership.services import meetings
from tests.factories import ActionFactory

from .conftest import axe_check, expect, phone_width, screenshot


@pytest.fixture
def qa_subgroup(qa_member, agency_lead, police, partnership_unit):
    group = Subgroup.objects.create(name="Quality assurance subgroup", kind=Subgroup.Kind.QA,
                                    terms_of_reference="Scrutinise the partnership's quality assurance.")
    since = timezone.localdate() - datetime.timedelta(days=300)
    Membership.objects.create(subgroup=group, person=qa_member, agency=partnership_unit,
                              role=Membership.GroupRole.CHAIR, start_date=since)
    Membership.objects.create(subgroup=group, person=agency_lead, agency=police, start_date=since)
    return group


@pytest.fixture
def meeting(qa_subgroup, business_unit, police):
    ActionFactory(title="Refresh the referral form", owner_agency=police,
                  due_date=timezone.localdate() - datetime.timedelta(days=9))
    return meetings.meeting_create(subgroup=qa_subgroup, by=business_unit, place="Civic Centre, room 3",
                                   starts_at=timezone.now() - datetime.timedelta(hours=2))


def test_build_an_agenda_record_attendance_and_turn_a_decision_into_an_action(signed_in_page, business_unit,
                                                                              agency_lead, police, meeting):
    page = signed_in_page(business_unit)
    page.get_by_role("link", name="Meetings").first.click()
    page.get_by_role("link", name="Quality assurance subgroup").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Quality assurance subgroup")
    axe_check(page)
    page.get_by_role("link", name=re.compile(timezone.localtime(meeting.starts_at).strftime("%-d %B %Y"))).click()

    # The agenda: take what is due (an agency's overdue actions), add an item of our own, put it first.
    page.get_by_role("link", name="Build the agenda").click()
    due = page.get_by_role("table", name="Items due, not yet on the agenda")
    expect(due).to_contain_text(f"Overdue actions: {police.name}")
    axe_check(page)
    due.get_by_role("button", name=re.compile(f"^Add\\W+Overdue actions: {re.escape(police.name)}")).click()
    expect(page.get_by_text(f"‘Overdue actions: {police.name}’ has been added to the agenda.")).to_be_visible()
    expect(page.get_by_role("table", name="Items due, not yet on the agenda")).to_have_count(0)
    page.get_by_label("Item").fill("Welcome and apologies")
    page.get_by_role("button", name="Add the item").click()
    agenda = page.get_by_role("table", name="Agenda items in order")
    expect(agenda.get_by_role("row").nth(2)).to_contain_text("Welcome and apologies")
    agenda.get_by_role("button", name=re.compile(r"^Up\W+move Welcome and apologies up")).click()
    expect(page.get_by_role("table", name="Agenda items in order").get_by_role("row").nth(1)).to_contain_text(
        "1. Welcome and apologies")
    axe_check(page)
    with phone_width(page):
        axe_check(page)
    screenshot(page, "meeting-agenda")

    # Attendance: one GOV.UK radio group per member; a missing answer is shown by its field.
    page.get_by_role("link", name="Back to the meeting").first.click()
    page.get_by_role("link", name="Record attendance").click()
    page.get_by_role("group", name=re.compile("Quinn Auditor")).get_by_label("Present").check()
    page.get_by_role("button", name="Save attendance").click()
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.get_by_role("link", name="Choose whether Lee Lead attended")).to_be_visible()
    axe_check(page)
    page.get_by_role("group", name=re.compile("Lee Lead")).get_by_label("Deputy sent").check()
    page.get_by_label("Deputy for Lee Lead").fill("Dee Deputy")
    page.get_by_role("button", name="Save attendance").click()
    expect(page.get_by_text("Attendance has been recorded.")).to_be_visible()
    expect(page.locator("#attendance ~ div table")).to_contain_text("Deputy sent: Dee Deputy")

    # A decision on the overdue actions item becomes an action for the police lead.
    page.get_by_role("link", name=f"Record a decision on Overdue actions: {police.name}").click()
    page.get_by_label("Decision").fill("Police to report back on the referral form by next month.")
    page.get_by_label("Yes, make it an action in the tracker").check()
    page.get_by_label("Action title").fill("Report back on the referral form")
    page.get_by_label("Owning agency").select_option(label=police.name)
    page.get_by_role("button", name=re.compile("Show its people")).click()
    expect(page.get_by_label("Decision")).to_have_value("Police to report back on the referral form by next month.")
    owners = page.get_by_label("Named owner")
    expect(owners.locator("option")).to_have_count(2)  # "None" and the police lead: no one from other agencies
    owners.select_option(label=f"Lee Lead ({police.display_name})")
    due_on = timezone.localdate() + datetime.timedelta(days=30)
    page.get_by_label("Day").fill(str(due_on.day))
    page.get_by_label("Month").fill(str(due_on.month))
    page.get_by_label("Year").fill(str(due_on.year))
    axe_check(page)
    page.get_by_role("button", name="Record the decision").click()
    action = Action.objects.get(title="Report back on the referral form")
    expect(page.get_by_text(f"action {action.reference} is in the tracker")).to_be_visible()
    axe_check(page)
    screenshot(page, "meeting-detail")

    # The action is in the tracker, linked back to the meeting.
    page.goto(f"/actions/?owner_agency={police.pk}")
    page.get_by_role("link", name="Report back on the referral form").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Report back on the referral form")
    expect(page.get_by_role("link", name=str(meeting))).to_be_visible()
    assert action.owner == agency_lead and action.source_kind == "meeting"


def test_a_member_reads_their_meeting_from_home(signed_in_page, agency_lead, business_unit, qa_subgroup):
    meetings.meeting_create(subgroup=qa_subgroup, by=business_unit, place="Civic Centre, room 3",
                            starts_at=timezone.now() + datetime.timedelta(days=20))
    page = signed_in_page(agency_lead)
    page.get_by_role("link", name=re.compile("Quality assurance subgroup,")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Meeting on")
    expect(page.get_by_role("link", name="Build the agenda")).to_have_count(0)
    axe_check(page)
