"""A form sent as the session ends is kept through signing in again, on any form (partnership.kept_forms)."""
import pytest
from django.test import Client
from django.urls import reverse

from partnership.models import ActionUpdate
from tests.factories import ActionFactory
from tests.partnership.test_sessions import PASSWORD, SIGN_IN, clock, sign_in  # noqa: F401 - fixture

KEPT = reverse("partnership:session-kept")
NOTE = "Training plan agreed with the named lead;\nsecond session booked for March."


@pytest.fixture
def action(agency_lead):
    return ActionFactory(owner_agency=agency_lead.agency, owner=agency_lead)


def expire_while_typing(client, clock, agency_lead, action, **extra):  # noqa: F811
    sign_in(client, agency_lead)
    clock.move(minutes=31)  # the idle limit passes while the person writes
    return client.post(reverse("partnership:action-add-update", args=[action.pk]), {"note": NOTE}, **extra)


def test_what_was_typed_survives_the_session_ending_and_signing_in_again(clock, agency_lead, action):  # noqa: F811
    client = Client()
    response = expire_while_typing(client, clock, agency_lead, action)
    assert response.status_code == 302 and response.url == f"{SIGN_IN}?next=%2Fsession%2Fkept%2F"
    assert not ActionUpdate.objects.exists(), "nothing is saved for a signed-out request"

    signed_in = client.post(f"{SIGN_IN}?next={KEPT}", {"username": agency_lead.email, "password": PASSWORD,
                                                        "next": KEPT})
    assert signed_in.status_code == 302 and signed_in.url == KEPT
    page = client.get(KEPT)
    html = page.content.decode()
    assert page.status_code == 200 and "Your changes were not saved" in html
    assert "Training plan agreed with the named lead;<br>second session booked for March." in html
    assert f'action="{reverse("partnership:action-add-update", args=[action.pk])}"' in html

    saved = client.post(reverse("partnership:action-add-update", args=[action.pk]), {"note": NOTE})
    assert saved.status_code == 302
    assert ActionUpdate.objects.get().note == NOTE
    assert client.get(KEPT).status_code == 302, "sent again: nothing is left to recover"


def test_kept_text_can_be_discarded(clock, agency_lead, action):  # noqa: F811
    client = Client()
    expire_while_typing(client, clock, agency_lead, action)
    sign_in(client, agency_lead)
    response = client.post(KEPT)
    assert response.status_code == 302 and response.url == reverse("partnership:action-add-update", args=[action.pk])
    assert client.get(KEPT).status_code == 302 and not ActionUpdate.objects.exists()


def test_a_forged_post_is_never_kept(clock, agency_lead, action):  # noqa: F811
    client = Client()
    sign_in(client, agency_lead)
    client.handler.enforce_csrf_checks = True  # from now on, as a browser: a POST from another site has no token
    clock.move(minutes=31)
    response = client.post(reverse("partnership:action-add-update", args=[action.pk]), {"note": NOTE})
    assert response.status_code == 403, "the CSRF check comes before keeping anything"
    session = client.session
    assert "kept_form" not in session


def test_kept_text_is_only_shown_to_someone_signed_in(client, db):
    response = client.get(KEPT)
    assert response.status_code == 302 and response.url.startswith(SIGN_IN)


def test_a_post_to_an_anonymous_session_without_a_timeout_is_not_kept(agency_lead, action):
    client = Client()  # never signed in: nothing ended, nothing to keep
    response = client.post(reverse("partnership:action-add-update", args=[action.pk]), {"note": NOTE})
    assert response.status_code == 302 and "kept" not in response.url
    assert "kept_form" not in client.session


def test_a_form_sent_from_another_tab_after_the_session_ended_is_kept_too(clock, agency_lead, action):  # noqa: F811
    client = Client()
    sign_in(client, agency_lead)
    clock.move(minutes=31)
    client.get(reverse("home"))  # one tab finds the session ended: signed out
    clock.move(minutes=5)
    response = client.post(reverse("partnership:action-add-update", args=[action.pk]), {"note": NOTE})
    assert response.status_code == 302 and response.url == f"{SIGN_IN}?next=%2Fsession%2Fkept%2F"
    sign_in(client, agency_lead)
    assert NOTE.split("\n")[0] in client.get(KEPT).content.decode()
    clock.move(minutes=31)
    client.get(reverse("home"))
    clock.move(minutes=61)  # an hour after that: a stale tab's form is not taken for one just typed
    late = client.post(reverse("partnership:action-add-update", args=[action.pk]), {"note": "Late"})
    assert "kept" not in late.url


def test_the_sign_in_form_and_public_forms_are_never_kept(clock, agency_lead):  # noqa: F811
    client = Client()
    sign_in(client, agency_lead)
    clock.move(minutes=31)
    client.get(reverse("home"))  # signed out by the idle limit: the browser's session remembers it ended
    response = client.post(SIGN_IN, {"username": agency_lead.email, "password": "a wrong password"})
    assert response.status_code == 200 and "kept_form" not in client.session
    reset = client.post(reverse("partnership:password-reset"), {"email": agency_lead.email})
    assert reset.status_code in (200, 302) and "kept_form" not in client.session


def test_every_page_behind_sign_in_keeps_what_was_typed():
    """Generated from the URL conf: each page outside the public allowlist is one whose form is kept (or that
    keeps typed text its own way), so a new signed-in page cannot lose what was typed."""
    from partnership.kept_forms import needs_sign_in
    from tests.security.test_anonymous import LEARNING_PUBLIC, PUBLIC_ANSWERING, SIGN_OUT, TOKEN_PUBLIC
    from tests.security.urlconf import walk

    not_kept = {name for name, pattern in walk()
                if not needs_sign_in(pattern.callback)
                and not getattr(pattern.callback, "keeps_typed_through_sign_in", False)}
    assert not_kept == PUBLIC_ANSWERING | LEARNING_PUBLIC | TOKEN_PUBLIC | {SIGN_OUT}  # Notify's callback: no person


def test_the_kept_page_names_each_field_by_its_label_and_each_choice_by_its_words(police, db):
    """The form is the one the path's view declares it posts (`@posts`). Choices show their words, a date its
    parts; a record from a list not everyone may read is never looked up by an id the person could have typed."""
    from audits.models import AuditCase
    from partnership.kept_forms import shown_fields
    from tests.factories import PriorityFactory

    priority = PriorityFactory(title="Neglect: earlier help")
    action = ActionFactory(owner_agency=police)
    kept = {"path": reverse("partnership:action-create"), "data": {
        "title": ["Joint training"], "description": ["Run it twice."], "owner_agency": [str(police.pk)],
        "owner": [str(action.owner_id or 1)], "priority": [str(priority.pk)], "due_date_0": ["31"],
        "due_date_1": ["3"], "due_date_2": ["2027"], "version": ["4"], "empty": [" "]}}
    assert shown_fields(kept) == [
        ("Title", ["Joint training"]), ("Description", ["Run it twice."]), ("Owning agency", [police.name]),
        ("Named owner", ["(a choice: it will be sent again as it was)"]),
        ("Partnership priority", [str(priority)]),
        ("Due date (day)", ["31"]), ("Due date (month)", ["3"]), ("Due date (year)", ["2027"])]

    case = {"path": reverse("audits:case-add", args=[1]),
            "data": {"named_by_inspectors": ["on"], "age_band": [AuditCase.AgeBand.choices[0][0]],
                     "agencies": [str(police.pk)], "case_reference": ["MA-2026-014"]}}
    shown = dict(shown_fields(case))
    assert shown["Named by the inspectors"] == ["Yes"] and shown["Age band"] == [AuditCase.AgeBand.choices[0][1]]
    assert shown["Agencies involved with the child"] == [police.name]
    assert shown["Case reference"] == ["MA-2026-014"]

    unknown = {"path": "/no/such/page/", "data": {"good_practice-12": ["x"]}}
    assert shown_fields(unknown) == [("Good practice 12", ["x"])]


def test_the_kept_page_finds_no_form_where_the_view_declares_none(db):
    """A view posting nothing typed (`@posts_no_form`) shows the names as they are: no form is guessed from its
    module, even one whose field names match."""
    from partnership.kept_forms import shown_fields

    kept = {"path": reverse("partnership:user-deactivate", args=[1]),  # its module's InviteUserForm has these
            "data": {"full_name": ["x"], "email": ["y"]}}
    assert shown_fields(kept) == [("Full name", ["x"]), ("Email", ["y"])]  # not "Work email address"


def test_the_kept_page_shows_the_forms_own_label(clock, agency_lead, action):  # noqa: F811
    client = Client()
    expire_while_typing(client, clock, agency_lead, action)
    sign_in(client, agency_lead)
    html = client.get(KEPT).content.decode()
    assert "Add a progress update" in html and ">Note<" not in html
