"""The action tracker's pages: who sees what, who may change what, and what a bad request gets back."""
import csv
import datetime
import io
import re
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from partnership.models import Action
from tests.factories import ActionFactory, ActionUpdateFactory, PriorityFactory

S = Action.Status
TODAY = timezone.localdate()


def field_error(response, field: str) -> str:
    """The GOV.UK error message shown next to `field` ('' when there is none)."""
    match = re.search(
        rf'id="id_{field}_\d+_error" class="govuk-error-message">\s*'
        r'<span class="govuk-visually-hidden">Error:</span>(.*?)</(?:span|p)>',
        response.content.decode(), re.S,
    )
    return unescape(" ".join(match.group(1).split())) if match else ""


def error_summary(response) -> str:
    match = re.search(r'<div class="govuk-error-summary".*?</ul>', response.content.decode(), re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", match.group(0)).split()) if match else ""


def snapshot(action: Action) -> dict:
    action.refresh_from_db()
    return {
        "title": action.title, "description": action.description, "status": action.status,
        "version": action.version, "owner_agency": action.owner_agency_id, "owner": action.owner_id,
        "due_date": action.due_date, "created_by": action.created_by_id, "updates": action.updates.count(),
        "history": action.history.count(),
    }


def listed(response) -> list[str]:
    return [a.title for a in response.context["page"].object_list]


def due_fields(date: datetime.date) -> dict:
    return {"due_date_0": str(date.day), "due_date_1": str(date.month), "due_date_2": str(date.year)}


@pytest.fixture
def police_action(police, agency_lead):
    return ActionFactory(title="Police referral form review", owner_agency=police, owner=agency_lead,
                         status=S.AGREED)


@pytest.fixture
def other_action(outsider_agency, outsider):
    return ActionFactory(title="Youth club volunteer training", owner_agency=outsider_agency, owner=outsider,
                         status=S.AGREED)


def edit_data(action: Action, **extra) -> dict:
    return {"title": action.title, "description": action.description, "owner": action.owner_id or "",
            "priority": action.priority_id or "", "version": action.version, **due_fields(action.due_date), **extra}


# --- Lists ------------------------------------------------------------------------------------------------


def test_business_unit_sees_every_agencys_actions_on_the_all_actions_list(client_for, business_unit, police_action,
                                                                          other_action):
    response = client_for(business_unit).get(reverse("partnership:action-list"))
    assert response.status_code == 200
    assert set(listed(response)) == {police_action.title, other_action.title}
    assert "Add an action" in response.content.decode()


@pytest.mark.parametrize("persona", ["qa_member", "chair", "reader"])
def test_oversight_roles_read_the_all_actions_list(request, client_for, persona, police_action, other_action):
    response = client_for(request.getfixturevalue(persona)).get(reverse("partnership:action-list"))
    assert response.status_code == 200
    assert set(listed(response)) == {police_action.title, other_action.title}


def test_all_actions_list_is_ordered_by_due_date(client_for, business_unit, police):
    later = ActionFactory(title="Later", owner_agency=police, due_date=TODAY + datetime.timedelta(days=50))
    sooner = ActionFactory(title="Sooner", owner_agency=police, due_date=TODAY + datetime.timedelta(days=5))
    ActionUpdateFactory(action=later)
    response = client_for(business_unit).get(reverse("partnership:action-list"))
    assert listed(response) == [sooner.title, later.title]


@pytest.mark.parametrize("persona", ["agency_lead", "contributor"])
def test_agency_user_on_all_actions_list_is_redirected_to_their_agencys_list(request, client_for, persona,
                                                                             police_action, other_action):
    client = client_for(request.getfixturevalue(persona))
    response = client.get(reverse("partnership:action-list") + "?owner_agency=" + str(other_action.owner_agency_id))
    assert response.status_code == 302
    assert response.url == reverse("partnership:my-actions")
    response = client.get(response.url)
    html = response.content.decode()
    assert police_action.title in html
    assert other_action.title not in html


def test_agency_lead_my_actions_ignores_another_agency_in_the_query(client_for, agency_lead, police_action,
                                                                    other_action):
    response = client_for(agency_lead).get(
        reverse("partnership:my-actions"), {"owner_agency": other_action.owner_agency_id}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert police_action.title in html
    assert other_action.title not in html
    assert 'name="owner_agency"' not in html  # no agency filter on the agency's own list


def test_my_actions_for_business_unit_lists_only_the_partnership_units_actions(client_for, business_unit,
                                                                               partnership_unit, police_action):
    own = ActionFactory(title="Business unit's own action", owner_agency=partnership_unit)
    response = client_for(business_unit).get(reverse("partnership:my-actions"))
    assert listed(response) == [own.title]


@pytest.fixture
def filter_rows(police, outsider_agency):
    priority = PriorityFactory(code="voice", title="Voice of the child")
    match = ActionFactory(title="Referral form: voice of the child", owner_agency=police, status=S.IN_PROGRESS,
                          priority=priority, due_date=TODAY - datetime.timedelta(days=3), source_kind="audit")
    other = ActionFactory(title="Volunteer training plan", owner_agency=outsider_agency, status=S.AGREED,
                          due_date=TODAY + datetime.timedelta(days=30), source_kind="other")
    # Overdue by date but completed: never overdue.
    done = ActionFactory(title="Completed long ago", owner_agency=outsider_agency, status=S.COMPLETED,
                         completion_evidence="Done.", due_date=TODAY - datetime.timedelta(days=90),
                         source_kind="other")
    return {"priority": priority, "match": match, "other": other, "done": done}


@pytest.mark.parametrize("params", [
    lambda r: {"owner_agency": r["match"].owner_agency_id},
    lambda r: {"status": S.IN_PROGRESS},
    lambda r: {"priority": r["priority"].pk},
    lambda r: {"overdue": "on"},
    lambda r: {"source_kind": "audit"},
    lambda r: {"q": "VOICE of"},
], ids=["agency", "status", "priority", "overdue", "source", "q"])
def test_filters_narrow_the_all_actions_list(client_for, business_unit, filter_rows, params):
    client = client_for(business_unit)
    assert len(listed(client.get(reverse("partnership:action-list")))) == 3
    response = client.get(reverse("partnership:action-list"), params(filter_rows))
    assert response.status_code == 200
    assert listed(response) == [filter_rows["match"].title]
    assert "1 action." in response.content.decode()


def test_filters_combine_and_keep_their_query_in_the_csv_link(client_for, business_unit, filter_rows):
    response = client_for(business_unit).get(reverse("partnership:action-list"), {"status": S.AGREED, "q": "plan"})
    assert listed(response) == [filter_rows["other"].title]
    assert reverse("partnership:action-export") + "?status=agreed&amp;q=plan" in response.content.decode()


def test_a_nonsense_filter_value_is_ignored_not_an_error(client_for, business_unit, filter_rows):
    response = client_for(business_unit).get(reverse("partnership:action-list"), {"status": "bogus", "page": "x"})
    assert response.status_code == 200


# --- Detail -----------------------------------------------------------------------------------------------


def test_agency_lead_sees_their_actions_detail_with_the_buttons_they_may_use(client_for, agency_lead,
                                                                             police_action):
    ActionUpdateFactory(action=police_action, author=agency_lead, note="Two teams trained.")
    response = client_for(agency_lead).get(police_action.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert police_action.title in html
    assert "Two teams trained." in html
    assert reverse("partnership:action-edit", args=[police_action.pk]) in html
    assert reverse("partnership:action-transition", args=[police_action.pk]) in html
    assert reverse("partnership:action-add-update", args=[police_action.pk]) in html


@pytest.mark.parametrize("persona", ["chair", "reader"])
def test_read_only_roles_see_the_detail_without_change_buttons(request, client_for, persona, police_action):
    response = client_for(request.getfixturevalue(persona)).get(police_action.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert police_action.title in html
    assert reverse("partnership:action-edit", args=[police_action.pk]) not in html
    assert reverse("partnership:action-transition", args=[police_action.pk]) not in html
    assert reverse("partnership:action-add-update", args=[police_action.pk]) not in html


def _outsider_requests(action):
    return [
        ("get", reverse("partnership:action-detail", args=[action.pk]), {}),
        ("get", reverse("partnership:action-edit", args=[action.pk]), {}),
        ("post", reverse("partnership:action-edit", args=[action.pk]), edit_data(action, title="Hijacked")),
        ("get", reverse("partnership:action-transition", args=[action.pk]), {}),
        ("post", reverse("partnership:action-transition", args=[action.pk]),
         {"to": S.IN_PROGRESS, "version": action.version}),
        ("post", reverse("partnership:action-add-update", args=[action.pk]), {"note": "Not my agency's"}),
    ]


@pytest.mark.parametrize("index", range(6), ids=["detail", "edit-get", "edit-post", "status-get", "status-post",
                                                 "update-post"])
def test_outsider_agency_lead_cannot_see_or_change_another_agencys_action(client_for, outsider, police_action,
                                                                          index):
    before = snapshot(police_action)
    method, url, data = _outsider_requests(police_action)[index]
    response = getattr(client_for(outsider), method)(url, data)
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    assert snapshot(police_action) == before


@pytest.mark.parametrize("persona", ["chair", "reader"])
@pytest.mark.parametrize("index", range(1, 6), ids=["edit-get", "edit-post", "status-get", "status-post",
                                                    "update-post"])
def test_read_only_roles_cannot_change_an_action(request, client_for, persona, police_action, index):
    before = snapshot(police_action)
    method, url, data = _outsider_requests(police_action)[index]
    response = getattr(client_for(request.getfixturevalue(persona)), method)(url, data)
    assert response.status_code == 403
    assert "You cannot do this" in response.content.decode()
    assert snapshot(police_action) == before


def test_get_to_add_update_answers_405(client_for, agency_lead, police_action):
    response = client_for(agency_lead).get(reverse("partnership:action-add-update", args=[police_action.pk]))
    assert response.status_code == 405
    assert police_action.updates.count() == 0


@pytest.mark.parametrize("name,args", [
    ("partnership:action-list", []), ("partnership:my-actions", []), ("partnership:action-export", []),
    ("partnership:my-action-export", []), ("partnership:action-create", []), ("partnership:action-detail", [1]),
    ("partnership:action-edit", [1]), ("partnership:action-transition", [1]),
    ("partnership:action-add-update", [1]),
])
def test_anonymous_visitor_is_sent_to_sign_in(client, db, name, args):
    url = reverse(name, args=args)
    response = client.get(url)
    assert response.status_code == 302
    assert response.url == reverse("partnership:sign-in") + "?next=" + url


def test_anonymous_post_to_add_update_changes_nothing(client, police_action):
    response = client.post(reverse("partnership:action-add-update", args=[police_action.pk]), {"note": "x"})
    assert response.status_code == 302
    assert response.url.startswith(reverse("partnership:sign-in"))
    assert police_action.updates.count() == 0


# --- Create -----------------------------------------------------------------------------------------------


def test_agency_lead_creates_an_action_for_their_agency(client_for, agency_lead, police):
    client = client_for(agency_lead)
    assert client.get(reverse("partnership:action-create")).status_code == 200
    due = TODAY + datetime.timedelta(days=60)
    response = client.post(reverse("partnership:action-create"), {
        "title": "Audit strategy discussions", "description": "Check every strategy discussion has police.",
        "owner_agency": police.pk, "owner": agency_lead.pk, **due_fields(due),
    })
    action = Action.objects.get(title="Audit strategy discussions")
    assert response.status_code == 302
    assert response.url == action.get_absolute_url()
    assert (action.owner_agency, action.owner, action.due_date, action.status, action.created_by) == (
        police, agency_lead, due, S.PROPOSED, agency_lead)


def test_agency_lead_cannot_create_an_action_for_another_agency(client_for, agency_lead, outsider_agency):
    response = client_for(agency_lead).post(reverse("partnership:action-create"), {
        "title": "Someone else's job", "description": "x", "owner_agency": outsider_agency.pk,
        **due_fields(TODAY),
    })
    assert response.status_code == 400
    assert field_error(response, "owner_agency")
    assert not Action.objects.filter(title="Someone else's job").exists()


def test_create_ignores_posted_status_creator_source_and_version(client_for, agency_lead, police, chair):
    client_for(agency_lead).post(reverse("partnership:action-create"), {
        "title": "Mass assignment", "description": "x", "owner_agency": police.pk, **due_fields(TODAY),
        "status": S.CLOSED, "created_by": chair.pk, "source_kind": "audit", "version": 42,
        "completion_evidence": "Faked", "signed_off_by": chair.pk,
    })
    action = Action.objects.get(title="Mass assignment")
    assert (action.status, action.created_by, action.source_kind, action.version, action.completion_evidence,
            action.signed_off_by) == (S.PROPOSED, agency_lead, "other", 1, "", None)


def test_create_with_missing_fields_shows_errors_and_keeps_typed_text(client_for, agency_lead):
    response = client_for(agency_lead).post(reverse("partnership:action-create"), {
        "title": "", "description": "Typed description stays", "due_date_0": "31", "due_date_1": "2",
        "due_date_2": "2027",
    })
    assert response.status_code == 400
    assert "There is a problem" in error_summary(response)
    assert field_error(response, "title") == "Enter a short title for the action"
    assert field_error(response, "due_date")
    assert "Typed description stays" in response.content.decode()
    assert not Action.objects.exists()


def owner_choices(response) -> set[int]:
    match = re.search(r'<select name="owner".*?</select>', response.content.decode(), re.S)
    return {int(v) for v in re.findall(r'value="(\d+)"', match.group(0))}


def test_business_unit_lists_only_the_owning_agencys_people_once_it_is_chosen(client_for, business_unit, police,
                                                                           agency_lead, contributor, outsider):
    """Issue 16: "Named owner" listed every user of every agency. "Show its people" narrows it (nothing saved,
    nothing typed lost), and the server refuses an owner from another agency next to the field."""
    client = client_for(business_unit)
    assert outsider.pk in owner_choices(client.get(reverse("partnership:action-create")))  # no agency chosen yet

    shown = client.post(reverse("partnership:action-create"), {
        "title": "Typed title stays", "description": "x", "owner_agency": police.pk, "show": "people"})
    assert shown.status_code == 200 and not Action.objects.exists()
    assert owner_choices(shown) == {agency_lead.pk, contributor.pk}
    assert "Typed title stays" in shown.content.decode() and not error_summary(shown)

    refused = client.post(reverse("partnership:action-create"), {
        "title": "Wrong owner", "description": "x", "owner_agency": police.pk, "owner": outsider.pk,
        **due_fields(TODAY)})
    assert refused.status_code == 400 and not Action.objects.exists()
    assert field_error(refused, "owner") == "Choose a named owner who works for the owning agency, or choose None"


def test_the_form_refuses_an_owner_of_another_agency_whatever_list_it_came_from(business_unit, police, outsider):
    from partnership.forms import ActionForm

    form = ActionForm({"title": "t", "description": "d", "owner_agency": police.pk, "owner": outsider.pk,
                       **due_fields(TODAY)}, user=business_unit)
    form.fields["owner"].queryset = form.fields["owner"].queryset.model.objects.all()  # a list from anywhere
    assert not form.is_valid()
    assert form.errors["owner"] == [f"Choose a named owner who works for {police.display_name}, or choose None"]


@pytest.mark.parametrize("persona", ["chair", "reader", "contributor"])
def test_roles_that_cannot_create_actions_get_403(request, client_for, persona, police):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(reverse("partnership:action-create")).status_code == 403
    response = client.post(reverse("partnership:action-create"), {
        "title": "No", "description": "x", "owner_agency": police.pk, **due_fields(TODAY)})
    assert response.status_code == 403
    assert not Action.objects.exists()


# --- Edit -------------------------------------------------------------------------------------------------


def test_agency_lead_edits_their_action(client_for, agency_lead, police_action):
    client = client_for(agency_lead)
    assert client.get(reverse("partnership:action-edit", args=[police_action.pk])).status_code == 200
    new_due, old_due = TODAY + datetime.timedelta(days=90), police_action.due_date
    response = client.post(reverse("partnership:action-edit", args=[police_action.pk]),
                           edit_data(police_action, title="Renamed", **due_fields(new_due)))
    assert response.status_code == 302
    police_action.refresh_from_db()
    # The due date is not the agency's to move: it is a request the business unit agrees (test_due_date_requests)
    assert (police_action.title, police_action.due_date, police_action.version) == ("Renamed", old_due, 2)
    assert police_action.history.first().history_user == agency_lead


def test_contributor_edits_their_agencys_action(client_for, contributor, police_action):
    response = client_for(contributor).post(reverse("partnership:action-edit", args=[police_action.pk]),
                                            edit_data(police_action, title="Contributor's title"))
    assert response.status_code == 302
    police_action.refresh_from_db()
    assert police_action.title == "Contributor's title"


def test_stale_edit_answers_409_and_keeps_what_was_typed(client_for, agency_lead, contributor, police_action):
    stale = edit_data(police_action, title="My typed title", description="My typed description")
    client_for(contributor).post(reverse("partnership:action-edit", args=[police_action.pk]),
                                 edit_data(police_action, title="Contributor got there first"))
    response = client_for(agency_lead).post(reverse("partnership:action-edit", args=[police_action.pk]), stale)
    assert response.status_code == 409
    html = response.content.decode()
    assert "Someone else changed this" in html
    assert 'value="My typed title"' in html
    assert "My typed description" in html
    assert "Contributor got there first" in html  # what is saved now, to compare
    assert 'name="version" value="2"' in html  # saving again applies over the current version
    police_action.refresh_from_db()
    assert police_action.title == "Contributor got there first"
    # Submitting again from the conflict page works.
    again = client_for(agency_lead).post(reverse("partnership:action-edit", args=[police_action.pk]),
                                         {**stale, "version": 2})
    assert again.status_code == 302
    police_action.refresh_from_db()
    assert police_action.title == "My typed title"


def test_edit_with_a_nonsense_version_is_a_conflict_not_a_crash(client_for, agency_lead, police_action):
    response = client_for(agency_lead).post(reverse("partnership:action-edit", args=[police_action.pk]),
                                            edit_data(police_action, title="X", version="abc"))
    assert response.status_code == 409
    police_action.refresh_from_db()
    assert police_action.title != "X"


def test_edit_ignores_posted_status_agency_version_and_creator(client_for, agency_lead, chair, police_action,
                                                                outsider_agency):
    police_action.created_by = chair
    police_action.save()
    before = snapshot(police_action)
    response = client_for(agency_lead).post(reverse("partnership:action-edit", args=[police_action.pk]), edit_data(
        police_action, title="Only this changes", status=S.CLOSED, owner_agency=outsider_agency.pk,
        created_by=agency_lead.pk, completion_evidence="Faked", impact_evidence="Faked", signed_off_by=agency_lead.pk,
        source_kind="audit",
    ))
    assert response.status_code == 302
    police_action.refresh_from_db()
    assert police_action.title == "Only this changes"
    assert police_action.status == before["status"]
    assert police_action.owner_agency_id == before["owner_agency"]
    assert police_action.created_by_id == before["created_by"]
    assert police_action.version == before["version"] + 1
    assert (police_action.completion_evidence, police_action.impact_evidence, police_action.signed_off_by,
            police_action.source_kind) == ("", "", None, "other")


def test_edit_refuses_an_owner_from_another_agency(client_for, agency_lead, outsider, police_action):
    before = snapshot(police_action)
    response = client_for(agency_lead).post(reverse("partnership:action-edit", args=[police_action.pk]),
                                            edit_data(police_action, owner=outsider.pk))
    assert response.status_code == 400
    assert field_error(response, "owner")
    assert snapshot(police_action) == before


# --- Status -----------------------------------------------------------------------------------------------


def test_agency_lead_moves_their_action_to_in_progress(client_for, agency_lead, police_action):
    client = client_for(agency_lead)
    page = client.get(reverse("partnership:action-transition", args=[police_action.pk]))
    assert page.status_code == 200
    assert "Mark as in progress" in page.content.decode()
    response = client.post(reverse("partnership:action-transition", args=[police_action.pk]),
                           {"to": S.IN_PROGRESS, "version": police_action.version})
    assert response.status_code == 302
    police_action.refresh_from_db()
    assert police_action.status == S.IN_PROGRESS
    assert police_action.updates.get().author == agency_lead


def test_completing_without_evidence_shows_the_error_and_keeps_the_typed_reason(client_for, agency_lead,
                                                                                police_action):
    before = snapshot(police_action)
    response = client_for(agency_lead).post(reverse("partnership:action-transition", args=[police_action.pk]), {
        "to": S.COMPLETED, "evidence": "   ", "reason": "Typed reason is kept", "version": police_action.version,
    })
    assert response.status_code == 400
    assert "Describe the evidence" in field_error(response, "evidence")
    assert "Describe the evidence" in error_summary(response)
    html = response.content.decode()
    assert "Typed reason is kept" in html
    assert re.search(r'value="completed"[^>]*checked', html)
    assert snapshot(police_action) == before


def test_agency_lead_cannot_sign_off_their_own_completed_action(client_for, agency_lead, police_action):
    police_action.status, police_action.completion_evidence = S.COMPLETED, "Done."
    police_action.save()
    before = snapshot(police_action)
    response = client_for(agency_lead).post(reverse("partnership:action-transition", args=[police_action.pk]), {
        "to": S.IMPACT_ASSURED, "evidence": "Great", "version": police_action.version})
    assert response.status_code == 400
    assert "There is nothing you can change" in response.content.decode()
    assert snapshot(police_action) == before


def test_business_unit_signs_off_a_completed_action(client_for, business_unit, police_action):
    police_action.status, police_action.completion_evidence = S.COMPLETED, "Done."
    police_action.save()
    response = client_for(business_unit).post(reverse("partnership:action-transition", args=[police_action.pk]), {
        "to": S.IMPACT_ASSURED, "evidence": "Children's views are now recorded.", "version": police_action.version})
    assert response.status_code == 302
    police_action.refresh_from_db()
    assert (police_action.status, police_action.signed_off_by) == (S.IMPACT_ASSURED, business_unit)


def test_stale_status_change_answers_409_and_a_second_try_succeeds(client_for, agency_lead, contributor,
                                                                   police_action):
    stale = {"to": S.COMPLETED, "evidence": "Typed evidence", "version": police_action.version}
    police_action.title = "Changed meanwhile"
    police_action.version += 1
    police_action.save()
    client = client_for(agency_lead)
    response = client.post(reverse("partnership:action-transition", args=[police_action.pk]), stale)
    assert response.status_code == 409
    html = response.content.decode()
    assert "Someone else changed this" in html
    assert "Typed evidence" in html
    police_action.refresh_from_db()
    assert police_action.status == S.AGREED
    version = re.search(r'name="version" value="(\d+)"', html).group(1)
    again = client.post(reverse("partnership:action-transition", args=[police_action.pk]),
                        {**stale, "version": version})
    assert again.status_code == 302
    police_action.refresh_from_db()
    assert police_action.status == S.COMPLETED


# --- Progress updates -------------------------------------------------------------------------------------


def test_contributor_adds_a_progress_update(client_for, contributor, police_action):
    response = client_for(contributor).post(reverse("partnership:action-add-update", args=[police_action.pk]),
                                            {"note": "Briefed all sergeants."})
    assert response.status_code == 302
    assert response.url == police_action.get_absolute_url()
    update = police_action.updates.get()
    assert (update.note, update.author) == ("Briefed all sergeants.", contributor)


def test_empty_progress_update_shows_the_error_summary_and_the_message_by_the_field(client_for, agency_lead,
                                                                                   police_action):
    response = client_for(agency_lead).post(reverse("partnership:action-add-update", args=[police_action.pk]),
                                            {"note": "  "})
    assert response.status_code == 400
    assert "There is a problem" in error_summary(response)
    assert field_error(response, "note") == "Enter what has happened since the last update"
    assert '<a href="#id_note">' in response.content.decode()
    assert police_action.updates.count() == 0


# --- CSV --------------------------------------------------------------------------------------------------


def read_csv(response) -> list[list[str]]:
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment;")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_csv_export_lists_every_action_for_the_business_unit(client_for, business_unit, police_action,
                                                              other_action):
    rows = read_csv(client_for(business_unit).get(reverse("partnership:action-export")))
    assert rows[0][:3] == ["Reference", "Title", "Agency"]
    assert {r[1] for r in rows[1:]} == {police_action.title, other_action.title}


def test_csv_export_guards_against_formula_injection(client_for, business_unit, police):
    ActionFactory(title='=HYPERLINK("http://x")', description="+SUM(A1)", owner_agency=police)
    rows = read_csv(client_for(business_unit).get(reverse("partnership:action-export")))
    assert rows[1][1] == '\'=HYPERLINK("http://x")'
    assert rows[1][-1] == "'+SUM(A1)"


@pytest.mark.parametrize("name", ["partnership:action-export", "partnership:my-action-export"])
def test_csv_export_for_an_agency_lead_holds_only_their_agencys_rows(client_for, agency_lead, police_action,
                                                                     other_action, name):
    rows = read_csv(client_for(agency_lead).get(reverse(name), {"owner_agency": other_action.owner_agency_id}))
    assert [r[1] for r in rows[1:]] == [police_action.title]


def test_csv_export_follows_the_lists_filters(client_for, business_unit, filter_rows):
    rows = read_csv(client_for(business_unit).get(reverse("partnership:action-export"), {"overdue": "on"}))
    assert [r[1] for r in rows[1:]] == [filter_rows["match"].title]
    assert rows[1][8] == "Yes"


# --- Queries do not grow with rows ------------------------------------------------------------------------
