"""A change of due date is a request the business unit agrees (issue 16): the agency asks, the action keeps its date
until agreed, the business unit is told and decides, the person who asked is emailed at once (outbox), and every
request stays on record."""
import datetime
import re
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from partnership.models import Action, DueDateRequest, EmailMessage
from partnership.services import actions as services
from partnership.services.errors import ServiceError
from tests.factories import ActionFactory

TODAY = timezone.localdate()
S = Action.Status


def due_fields(name: str, date: datetime.date) -> dict:
    return {f"{name}_0": str(date.day), f"{name}_1": str(date.month), f"{name}_2": str(date.year)}


def field_error(response, field: str) -> str:
    match = re.search(rf'id="id_{field}_\d+_error" class="govuk-error-message">\s*'
                      r'<span class="govuk-visually-hidden">Error:</span>(.*?)</(?:span|p)>',
                      response.content.decode(), re.S)
    return unescape(" ".join(match.group(1).split())) if match else ""


def words(response) -> str:
    return unescape(" ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split()))


@pytest.fixture
def action(police, agency_lead):
    return ActionFactory(title="Police referral form review", owner_agency=police, owner=agency_lead,
                         status=S.AGREED, due_date=TODAY + datetime.timedelta(days=10))


def ask(client, action, to_date, reason="The audit tool arrives late."):
    return client.post(reverse("partnership:action-due-date-request", args=[action.pk]),
                       {**due_fields("to_date", to_date), "reason": reason})


def test_the_agency_asks_and_the_business_unit_agrees_and_the_asker_is_emailed(client_for, agency_lead,
                                                                              business_unit, action):
    old, new = action.due_date, TODAY + datetime.timedelta(days=40)
    lead = client_for(agency_lead)
    assert "Ask to change" in words(lead.get(action.get_absolute_url()))

    response = ask(lead, action, new)

    assert response.status_code == 302
    action.refresh_from_db()
    assert action.due_date == old  # kept until agreed
    request = DueDateRequest.objects.get()
    assert (request.status, request.from_date, request.to_date, request.requested_by) == (
        DueDateRequest.Status.PENDING, old, new, agency_lead)
    told = EmailMessage.objects.get(to=business_unit.email)
    assert reverse("partnership:action-detail", args=[action.pk]) in told.body_text
    assert "The audit tool" not in told.body_text  # a link, never the text
    page = words(lead.get(action.get_absolute_url()))
    assert f"It stays {old.day} {old:%B %Y} until the business unit agrees." in page

    bu = client_for(business_unit)
    decide = reverse("partnership:action-due-date-decide", args=[action.pk])
    assert "The audit tool arrives late." in words(bu.get(decide))
    assert bu.post(decide, {"decision": "agree"}).status_code == 302

    action.refresh_from_db()
    request.refresh_from_db()
    assert action.due_date == new and action.version == 2
    assert request.status == DueDateRequest.Status.AGREED and request.decided_by == business_unit
    email = EmailMessage.objects.get(to=agency_lead.email)
    assert "agreed to move the due date" in email.body_text and action.reference in email.body_text
    assert reverse("partnership:action-detail", args=[action.pk]) in email.body_text
    assert request.history.count() == 2 and action.history.first().history_user == business_unit
    page = words(lead.get(action.get_absolute_url()))
    assert "Changes of due date" in page and "Agreed" in page


def test_a_decline_needs_a_reason_keeps_the_date_and_tells_the_asker(client_for, agency_lead, business_unit, action):
    old = action.due_date
    ask(client_for(agency_lead), action, TODAY + datetime.timedelta(days=40))
    bu = client_for(business_unit)
    decide = reverse("partnership:action-due-date-decide", args=[action.pk])

    refused = bu.post(decide, {"decision": "decline"})
    assert refused.status_code == 400
    assert field_error(refused, "note") == "Say why the due date stays, so the agency knows what to do."
    assert DueDateRequest.objects.get().status == DueDateRequest.Status.PENDING

    assert bu.post(decide, {"decision": "decline", "note": "The board expects it by then."}).status_code == 302
    action.refresh_from_db()
    assert action.due_date == old
    assert DueDateRequest.objects.get().status == DueDateRequest.Status.DECLINED
    assert "declined to move the due date" in EmailMessage.objects.get(to=agency_lead.email).body_text
    assert bu.get(decide).status_code == 404  # nothing waits now


def test_the_agency_can_no_longer_move_the_date_itself(client_for, agency_lead, action):
    old = action.due_date
    edit = client_for(agency_lead).get(reverse("partnership:action-edit", args=[action.pk]))
    assert 'name="due_date_0"' not in edit.content.decode()
    assert reverse("partnership:action-due-date-request", args=[action.pk]) in edit.content.decode()
    with pytest.raises(ServiceError) as refused:
        services.action_update_details(action=action, by=agency_lead, expected_version=action.version,
                                       due_date=old + datetime.timedelta(days=60))
    assert refused.value.field == "due_date"
    action.refresh_from_db()
    assert action.due_date == old


def test_the_business_unit_moves_a_date_directly(business_unit, action):
    new = TODAY + datetime.timedelta(days=70)
    services.action_update_details(action=action, by=business_unit, expected_version=action.version, due_date=new)
    action.refresh_from_db()
    assert action.due_date == new


def test_requests_refused_with_reasons_next_to_the_field(client_for, agency_lead, action):
    lead = client_for(agency_lead)
    past = ask(lead, action, TODAY - datetime.timedelta(days=1))
    assert field_error(past, "to_date") == "The new due date must be today or in the future."
    same = ask(lead, action, action.due_date)
    assert "is the due date already" in field_error(same, "to_date")
    no_reason = ask(lead, action, TODAY + datetime.timedelta(days=20), reason="")
    assert field_error(no_reason, "reason") == "Say why the due date needs to move"
    assert not DueDateRequest.objects.exists()

    assert ask(lead, action, TODAY + datetime.timedelta(days=20)).status_code == 302
    again = lead.get(reverse("partnership:action-due-date-request", args=[action.pk]))
    assert "is already waiting for the business unit" in words(again)
    assert ask(lead, action, TODAY + datetime.timedelta(days=30)).status_code == 200
    assert DueDateRequest.objects.count() == 1


@pytest.mark.parametrize("persona, asks, decides", [
    ("outsider", 404, 404), ("reader", 403, 403), ("chair", 403, 403), ("contributor", 302, 403),
    ("agency_lead", 302, 403), ("qa_member", 302, 403),
])
def test_who_may_ask_and_who_may_decide(request, client_for, persona, asks, decides, action, business_unit):
    client = client_for(request.getfixturevalue(persona))
    assert ask(client, action, TODAY + datetime.timedelta(days=20)).status_code == asks
    if not DueDateRequest.objects.exists():
        services.due_date_request(action=action, by=request.getfixturevalue("agency_lead"),
                                  to_date=TODAY + datetime.timedelta(days=20), reason="Late supplier.")
    response = client.post(reverse("partnership:action-due-date-decide", args=[action.pk]), {"decision": "agree"})
    assert response.status_code == decides
    assert DueDateRequest.objects.get().status == DueDateRequest.Status.PENDING
