"""The action tracker's lifecycle and writes (partnership.services.actions)."""
import datetime

import pytest
from django.utils import timezone

from partnership.models import Action, ActionUpdate
from partnership.models.actions import sources_of
from partnership.services.actions import (
    AGENCY,
    SIGN_OFF,
    TRANSITIONS,
    action_add_update,
    action_create,
    action_transition,
    action_update_details,
    allowed_transitions,
)
from partnership.services.errors import ConflictError, ServiceError
from tests.factories import ActionFactory, PriorityFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Persona users are made with a password; the default hasher costs ~0.4 s each."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

S = Action.Status

# Who may make each kind of move, and who may not (persona fixture names from tests/conftest.py).
MAY = {
    AGENCY: ["agency_lead", "contributor", "business_unit", "qa_member"],
    SIGN_OFF: ["business_unit", "qa_member"],
}
MAY_NOT = {
    AGENCY: ["outsider", "chair", "reader", "reviews_member", "ld_coordinator"],
    SIGN_OFF: ["agency_lead", "contributor", "outsider", "chair", "reader", "reviews_member"],
}
# What each destination needs to be given (evidence or a reason).
INPUTS = {
    S.NOT_ACCEPTED: {"reason": "Already covered by the health action plan."},
    S.COMPLETED: {"evidence": "Referral form v3 in use since 1 May; audit of 20 referrals attached."},
    S.IMPACT_ASSURED: {"evidence": "Re-audit shows the child's voice recorded in 18 of 20 referrals."},
}


def make_action(agency, status=S.AGREED, **extra) -> Action:
    """An action in `status` with whatever evidence that status needs to satisfy the constraints."""
    fields = {}
    if status in (S.COMPLETED, S.IMPACT_ASSURED, S.CLOSED):
        fields.update(completion_evidence="Done.", completed_at=timezone.now())
    if status in (S.IMPACT_ASSURED, S.CLOSED):
        fields["impact_evidence"] = "Better for children."
    if status == S.NOT_ACCEPTED:
        fields["not_accepted_reason"] = "Duplicate."
    fields.update(extra)
    return ActionFactory(owner_agency=agency, status=status, **fields)


def inputs_for(src, dst) -> dict:
    if (src, dst) == (S.COMPLETED, S.IN_PROGRESS):
        return {"reason": "The evidence does not show the form is used by the night team."}
    return INPUTS.get(dst, {})


def allowed_cases():
    for (src, dst), who in TRANSITIONS.items():
        for persona in MAY[who]:
            yield pytest.param(src, dst, persona, id=f"{persona}:{src}->{dst}")


def refused_cases():
    for (src, dst), who in TRANSITIONS.items():
        for persona in MAY_NOT[who]:
            yield pytest.param(src, dst, persona, id=f"{persona}:{src}->{dst}")


# --- Every allowed move, by every persona allowed to make it


@pytest.mark.parametrize(("src", "dst", "persona"), list(allowed_cases()))
def test_allowed_transition_changes_status_and_records_update_and_history(request, police, src, dst, persona):
    user = request.getfixturevalue(persona)
    action = make_action(police, src)
    assert dst in allowed_transitions(user, action)

    action_transition(action=action, to=dst, by=user, expected_version=action.version, **inputs_for(src, dst))

    saved = Action.objects.get(pk=action.pk)
    assert saved.status == dst
    assert saved.version == 2
    update = ActionUpdate.objects.get(action=saved)
    assert update.author == user
    assert update.note.startswith(f"Status changed to {S(dst).label.lower()}.")
    latest = saved.history.order_by("-history_date", "-history_id").first()
    assert latest.status == dst
    assert latest.history_user == user
    assert latest.history_type == "~"


@pytest.mark.parametrize(("src", "dst", "persona"), list(refused_cases()))
def test_transition_refused_for_persona_without_the_right(request, police, src, dst, persona):
    user = request.getfixturevalue(persona)
    action = make_action(police, src)
    assert dst not in allowed_transitions(user, action)

    with pytest.raises(ServiceError):
        action_transition(action=action, to=dst, by=user, expected_version=action.version, **inputs_for(src, dst))

    saved = Action.objects.get(pk=action.pk)
    assert (saved.status, saved.version) == (src, 1)
    assert not ActionUpdate.objects.filter(action=saved).exists()
    assert saved.history.count() == 1  # only the creation


def test_agency_lead_of_owning_agency_cannot_sign_off_impact(police, agency_lead):
    action = make_action(police, S.COMPLETED)
    with pytest.raises(ServiceError, match="Only the business unit or QA subgroup"):
        action_transition(action=action, to=S.IMPACT_ASSURED, by=agency_lead, expected_version=1,
                          evidence="We think it helped.")
    action.refresh_from_db()
    assert action.status == S.COMPLETED
    assert action.impact_evidence == ""
    assert action.signed_off_by is None


def test_agency_contributor_cannot_sign_off_impact(police, contributor):
    action = make_action(police, S.COMPLETED)
    with pytest.raises(ServiceError, match="Only the business unit or QA subgroup"):
        action_transition(action=action, to=S.IMPACT_ASSURED, by=contributor, expected_version=1,
                          evidence="We think it helped.")


def test_qa_member_signing_off_impact_records_who_and_when(police, qa_member):
    action = make_action(police, S.COMPLETED)
    action_transition(action=action, to=S.IMPACT_ASSURED, by=qa_member, expected_version=1,
                      evidence="  Re-audit shows improvement.  ")
    action.refresh_from_db()
    assert action.signed_off_by == qa_member
    assert action.signed_off_at is not None
    assert action.impact_evidence == "Re-audit shows improvement."


def test_chair_is_told_they_cannot_change_the_action(police, chair):
    action = make_action(police, S.PROPOSED)
    with pytest.raises(ServiceError, match="You cannot change this action"):
        action_transition(action=action, to=S.AGREED, by=chair, expected_version=1)


# --- Evidence and reasons


def test_completion_requires_evidence(police, agency_lead):
    action = make_action(police, S.IN_PROGRESS)
    with pytest.raises(ServiceError) as error:
        action_transition(action=action, to=S.COMPLETED, by=agency_lead, expected_version=1, evidence="   ")
    assert error.value.field == "evidence"
    action.refresh_from_db()
    assert (action.status, action.version, action.completed_at) == (S.IN_PROGRESS, 1, None)


def test_completion_stores_evidence_and_time(police, contributor):
    action = make_action(police, S.AGREED)
    action_transition(action=action, to=S.COMPLETED, by=contributor, expected_version=1, evidence="Form v3 live.")
    action.refresh_from_db()
    assert action.completion_evidence == "Form v3 live."
    assert action.completed_at is not None


def test_impact_assured_requires_impact_evidence(police, business_unit):
    action = make_action(police, S.COMPLETED)
    with pytest.raises(ServiceError) as error:
        action_transition(action=action, to=S.IMPACT_ASSURED, by=business_unit, expected_version=1)
    assert error.value.field == "evidence"
    action.refresh_from_db()
    assert action.status == S.COMPLETED
    assert action.signed_off_by is None


def test_not_accepted_requires_a_reason(police, agency_lead):
    action = make_action(police, S.PROPOSED)
    with pytest.raises(ServiceError) as error:
        action_transition(action=action, to=S.NOT_ACCEPTED, by=agency_lead, expected_version=1, reason="")
    assert error.value.field == "reason"
    action.refresh_from_db()
    assert action.status == S.PROPOSED


def test_not_accepted_stores_the_reason(police, agency_lead):
    action = make_action(police, S.PROPOSED)
    action_transition(action=action, to=S.NOT_ACCEPTED, by=agency_lead, expected_version=1, reason="Duplicate.")
    action.refresh_from_db()
    assert action.not_accepted_reason == "Duplicate."
    assert "Duplicate." in action.updates.get().note


def test_sending_completed_back_to_in_progress_requires_a_reason(police, business_unit):
    action = make_action(police, S.COMPLETED)
    with pytest.raises(ServiceError) as error:
        action_transition(action=action, to=S.IN_PROGRESS, by=business_unit, expected_version=1)
    assert error.value.field == "reason"
    action.refresh_from_db()
    assert action.status == S.COMPLETED


@pytest.mark.parametrize(
    ("src", "dst"),
    [(S.PROPOSED, S.CLOSED), (S.PROPOSED, S.COMPLETED), (S.AGREED, S.IMPACT_ASSURED), (S.CLOSED, S.PROPOSED),
     (S.IN_PROGRESS, S.AGREED), (S.AGREED, S.AGREED)],
)
def test_invalid_move_refused_with_clear_message(police, business_unit, src, dst):
    action = make_action(police, src)
    message = f"This action cannot move from {S(src).label.lower()} to {S(dst).label.lower()}."
    with pytest.raises(ServiceError) as error:
        action_transition(action=action, to=dst, by=business_unit, expected_version=1,
                          evidence="Evidence.", reason="Reason.")
    assert error.value.message == message
    action.refresh_from_db()
    assert (action.status, action.version) == (src, 1)


def test_unknown_status_refused_with_service_error(police, business_unit):
    action = make_action(police, S.PROPOSED)
    with pytest.raises(ServiceError):
        action_transition(action=action, to="abandoned", by=business_unit, expected_version=1)


def test_full_lifecycle_to_closed(police, agency_lead, qa_member):
    action = make_action(police, S.PROPOSED)
    for to, by, extra in [
        (S.AGREED, agency_lead, {}),
        (S.IN_PROGRESS, agency_lead, {}),
        (S.COMPLETED, agency_lead, {"evidence": "Done."}),
        (S.IMPACT_ASSURED, qa_member, {"evidence": "Better."}),
        (S.CLOSED, qa_member, {}),
    ]:
        action = action_transition(action=action, to=to, by=by, expected_version=action.version, **extra)
    action.refresh_from_db()
    assert (action.status, action.version) == (S.CLOSED, 6)
    assert action.updates.count() == 5
    assert action.history.count() == 6
    assert allowed_transitions(qa_member, action) == []


# --- Optimistic locking


def test_transition_with_stale_version_raises_conflict_and_changes_nothing(police, agency_lead, contributor):
    action = make_action(police, S.AGREED)
    stale = Action.objects.get(pk=action.pk)
    action_update_details(action=action, by=contributor, expected_version=1, title="New title")

    with pytest.raises(ConflictError):
        action_transition(action=stale, to=S.COMPLETED, by=agency_lead, expected_version=1, evidence="Done.")

    saved = Action.objects.get(pk=action.pk)
    assert (saved.status, saved.version, saved.title) == (S.AGREED, 2, "New title")
    assert saved.completion_evidence == ""
    assert not saved.updates.exists()
    assert saved.history.count() == 2


def test_detail_edit_with_stale_version_raises_conflict_and_changes_nothing(police, agency_lead):
    action = make_action(police, S.AGREED, title="Original")
    action_transition(action=action, to=S.IN_PROGRESS, by=agency_lead, expected_version=1)

    with pytest.raises(ConflictError, match="Someone else changed this record"):
        action_update_details(action=Action.objects.get(pk=action.pk), by=agency_lead, expected_version=1,
                              title="Mine", description="Mine too")

    saved = Action.objects.get(pk=action.pk)
    assert (saved.title, saved.version, saved.status) == ("Original", 2, S.IN_PROGRESS)
    assert saved.description != "Mine too"
    assert saved.history.count() == 2


def test_detail_edit_saves_bumps_version_and_records_history(police, contributor):
    action = make_action(police, S.AGREED)
    owner = UserFactory(agency=police)
    priority = PriorityFactory()
    before = Action.objects.get(pk=action.pk).updated_at
    action_update_details(action=action, by=contributor, expected_version=1, title="Sharper title",
                          owner=owner, priority=priority)  # the due date: a request (test_due_date_requests)
    saved = Action.objects.get(pk=action.pk)
    assert (saved.title, saved.owner, saved.priority, saved.version) == ("Sharper title", owner, priority, 2)
    assert saved.updated_at > before
    latest = saved.history.order_by("-history_id").first()
    assert (latest.title, latest.history_user, latest.history_type) == ("Sharper title", contributor, "~")


def test_detail_edit_refuses_fields_outside_the_list(police, business_unit):
    action = make_action(police, S.AGREED)
    with pytest.raises(ServiceError, match="status"):
        action_update_details(action=action, by=business_unit, expected_version=1, status=S.CLOSED)
    assert Action.objects.get(pk=action.pk).status == S.AGREED


# --- Who may update and add progress


@pytest.mark.parametrize("persona", ["outsider", "chair", "reader", "reviews_member", "ld_coordinator"])
def test_persona_cannot_update_details(request, police, persona):
    action = make_action(police, S.AGREED, title="Original")
    with pytest.raises(ServiceError, match="You cannot change this action"):
        action_update_details(action=action, by=request.getfixturevalue(persona), expected_version=1,
                              title="Hijacked")
    saved = Action.objects.get(pk=action.pk)
    assert (saved.title, saved.version) == ("Original", 1)


@pytest.mark.parametrize("persona", ["outsider", "chair", "reader"])
def test_persona_cannot_add_progress(request, police, persona):
    action = make_action(police, S.IN_PROGRESS)
    with pytest.raises(ServiceError, match="You cannot add progress"):
        action_add_update(action=action, by=request.getfixturevalue(persona), note="Sneaky note.")
    assert not action.updates.exists()


def test_outsider_agency_lead_cannot_move_another_agencys_action(police, outsider):
    action = make_action(police, S.AGREED)
    with pytest.raises(ServiceError):
        action_transition(action=action, to=S.IN_PROGRESS, by=outsider, expected_version=1)
    assert Action.objects.get(pk=action.pk).status == S.AGREED


@pytest.mark.parametrize("persona", ["agency_lead", "contributor", "business_unit", "qa_member"])
def test_owning_agency_and_partnership_can_add_progress(request, police, persona):
    user = request.getfixturevalue(persona)
    action = make_action(police, S.IN_PROGRESS)
    update = action_add_update(action=action, by=user, note="  Training delivered to two teams. ")
    assert (update.action, update.author, update.note) == (action, user, "Training delivered to two teams.")


def test_empty_progress_note_refused(police, agency_lead):
    action = make_action(police, S.IN_PROGRESS)
    with pytest.raises(ServiceError) as error:
        action_add_update(action=action, by=agency_lead, note="   ")
    assert error.value.field == "note"


# --- Creating actions


def test_agency_lead_can_create_action_for_own_agency(police, agency_lead):
    action = action_create(by=agency_lead, title="Refresh training", description="SMART.", owner_agency=police,
                           owner=agency_lead, due_date=datetime.date(2030, 6, 30))
    action.refresh_from_db()
    assert (action.owner_agency, action.owner, action.created_by) == (police, agency_lead, agency_lead)
    assert (action.status, action.version, action.source_kind) == (S.PROPOSED, 1, "other")
    created = action.history.get()
    assert (created.history_type, created.history_user) == ("+", agency_lead)


def test_agency_lead_cannot_create_action_for_another_agency(outsider_agency, agency_lead):
    with pytest.raises(ServiceError) as error:
        action_create(by=agency_lead, title="T", description="D", owner_agency=outsider_agency,
                      due_date=datetime.date(2030, 6, 30))
    assert error.value.field == "owner_agency"
    assert not Action.objects.exists()


@pytest.mark.parametrize("persona", ["contributor", "chair", "reader", "reviews_member", "ld_coordinator"])
def test_persona_cannot_create_actions(request, police, persona):
    with pytest.raises(ServiceError, match="You cannot create actions"):
        action_create(by=request.getfixturevalue(persona), title="T", description="D", owner_agency=police,
                      due_date=datetime.date(2030, 6, 30))
    assert not Action.objects.exists()


def test_business_unit_can_create_action_for_any_agency(police, outsider_agency, business_unit):
    action = action_create(by=business_unit, title="T", description="D", owner_agency=outsider_agency,
                           due_date=datetime.date(2030, 6, 30), status=S.AGREED)
    assert (action.owner_agency, action.status) == (outsider_agency, S.AGREED)


def test_owner_must_belong_to_owning_agency_on_create(police, business_unit, outsider):
    with pytest.raises(ServiceError) as error:
        action_create(by=business_unit, title="T", description="D", owner_agency=police, owner=outsider,
                      due_date=datetime.date(2030, 6, 30))
    assert error.value.field == "owner"
    assert not Action.objects.exists()


def test_owner_must_belong_to_owning_agency_on_edit(police, business_unit, outsider):
    action = make_action(police, S.AGREED)
    with pytest.raises(ServiceError) as error:
        action_update_details(action=action, by=business_unit, expected_version=1, owner=outsider)
    assert error.value.field == "owner"
    saved = Action.objects.get(pk=action.pk)
    assert (saved.owner, saved.version) == (None, 1)


@pytest.mark.parametrize("status", [S.IN_PROGRESS, S.COMPLETED, S.CLOSED, S.NOT_ACCEPTED])
def test_new_action_must_start_proposed_or_agreed(police, business_unit, status):
    with pytest.raises(ServiceError, match="starts as proposed or agreed"):
        action_create(by=business_unit, title="T", description="D", owner_agency=police,
                      due_date=datetime.date(2030, 6, 30), status=status)


def test_action_created_from_a_priority_is_linked_both_ways(police, business_unit):
    priority = PriorityFactory(title="Neglect")
    action = action_create(by=business_unit, title="T", description="D", owner_agency=police,
                           due_date=datetime.date(2030, 6, 30), source=priority)
    assert action.source_kind == "priority"
    assert list(priority.actions.all()) == [action]
    assert sources_of(action) == [priority]
    assert sources_of(make_action(police)) == []
