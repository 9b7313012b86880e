"""Moderation of a submitted return, the challenge session, and who may download the feedback letter."""
import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from partnership import history
from partnership.models import ReportExport
from partnership.services.exports import export_run
from section11 import reports
from section11.models import Answer, ChallengeSession, Evidence, RatingLevel, Return
from tests.section11.conftest import answer_all


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def submitted(police_return):
    answer_all(police_return, "green")
    history.update(Return.objects.filter(pk=police_return.pk), status=Return.Status.SUBMITTED,
                   submitted_at=timezone.now())
    police_return.refresh_from_db()
    return police_return


def first_answer(ret) -> Answer:
    return ret.answers.select_related("criterion").order_by("criterion__standard__number", "criterion__order")[0]


def level(ret, code) -> RatingLevel:
    return RatingLevel.objects.get(scale=ret.cycle.framework.scale, code=code)


def moderate(client, ret, answer, *, rating=None, comment="", version=None):
    data = {f"m{answer.pk}-comment": comment, f"m{answer.pk}-version": answer.version if version is None else version}
    if rating is not None:
        data[f"m{answer.pk}-moderated_rating"] = str(rating.pk)
    return client.post(reverse("section11:moderate-answer", args=[ret.pk, answer.pk]), data)


def text(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def standard_url(ret, number=1):
    return reverse("section11:moderate-standard", args=[ret.pk, number])


# --- Moderating ---------------------------------------------------------------------------------------------------
def test_standard_page_shows_what_the_agency_said_beside_a_moderation_form(client_for, qa_member, submitted):
    answer = first_answer(submitted)
    history.update(Answer.objects.filter(pk=answer.pk), impact="Fewer missed referrals.")
    Evidence.objects.create(answer=answer, file="x/abc.pdf", stored_name="abc.pdf", original_name="Audit 2026.pdf",
                            content_type="application/pdf", size=10, sha256="0" * 64)

    response = client_for(qa_member).get(standard_url(submitted))

    page = text(response)
    assert response.status_code == 200
    assert "Green: fully met" in page and "We audit this yearly." in page and "Fewer missed referrals." in page
    assert "Audit 2026.pdf" in page
    assert f'name="m{answer.pk}-moderated_rating"' in response.content.decode()
    assert f'name="m{answer.pk}-version" value="{answer.version}"' in response.content.decode()


def test_business_unit_moderates_an_answer(client_for, business_unit, submitted):
    answer = first_answer(submitted)

    response = moderate(client_for(business_unit), submitted, answer, rating=level(submitted, "amber"),
                        comment="The policy is out of date.")

    answer.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"].endswith(f"#m-{answer.pk}")
    assert answer.moderated_rating.code == "amber"
    assert answer.moderator_comment == "The policy is out of date."
    assert answer.moderated_by == business_unit


def test_moderation_needs_a_rating_or_a_comment(client_for, qa_member, submitted):
    answer = first_answer(submitted)

    response = moderate(client_for(qa_member), submitted, answer)

    answer.refresh_from_db()
    assert response.status_code == 400
    assert "Choose a moderated rating for 1.1, or write a comment" in text(response)
    assert answer.moderated_rating is None


def test_stale_moderation_answers_409_and_keeps_the_typed_comment(client_for, business_unit, qa_member, submitted):
    answer = first_answer(submitted)
    read_version = answer.version
    moderate(client_for(qa_member), submitted, answer, rating=level(submitted, "red"), comment="Quinn's view.")

    response = moderate(client_for(business_unit), submitted, answer, rating=level(submitted, "amber"),
                        comment="My carefully typed comment.", version=read_version)

    answer.refresh_from_db()
    page = response.content.decode()
    assert response.status_code == 409
    assert "Someone else changed this record" in text(response)
    assert "My carefully typed comment." in page
    assert "Last moderated by Quinn Auditor" in text(response)
    assert answer.moderator_comment == "Quinn's view." and answer.moderated_rating.code == "red"
    assert f'name="m{answer.pk}-version" value="{answer.version}"' in page  # saving again is a deliberate choice


def test_a_stale_standard_moderation_answers_409_keeps_the_comment_and_carries_the_version(
        client_for, business_unit, qa_member, submitted):
    answer = first_answer(submitted)
    read_version = answer.version
    moderate(client_for(qa_member), submitted, answer, rating=level(submitted, "red"), comment="Quinn's view.")
    url = reverse("section11:moderate-standard-save", args=[submitted.pk, answer.criterion.standard.number])
    typed = {f"m{answer.pk}-comment": "My carefully typed comment.", f"m{answer.pk}-version": read_version,
             f"m{answer.pk}-moderated_rating": str(level(submitted, "amber").pk), "save": str(answer.pk)}
    client = client_for(business_unit)
    response = client.post(url, typed)
    answer.refresh_from_db()
    page = response.content.decode()
    assert response.status_code == 409 and "app-conflict" in page and "Quinn&#x27;s view." in page
    assert "My carefully typed comment." in page and answer.moderator_comment == "Quinn's view."
    assert f'name="m{answer.pk}-version" value="{answer.version}"' in page
    assert client.post(url, {**typed, f"m{answer.pk}-version": answer.version}).status_code == 302
    answer.refresh_from_db()
    assert answer.moderator_comment == "My carefully typed comment."


def test_summary_compares_self_and_moderated_rating_per_criterion(client_for, qa_member, submitted):
    answers = list(submitted.answers.order_by("criterion__standard__number", "criterion__order"))
    history.update(Answer.objects.filter(pk=answers[0].pk), moderated_rating=level(submitted, "amber"))
    history.update(Answer.objects.filter(pk=answers[1].pk), moderated_rating=level(submitted, "green"))

    response = client_for(qa_member).get(reverse("section11:moderation-summary", args=[submitted.pk]))

    page = text(response)
    assert response.status_code == 200
    assert "2 of 6 criteria moderated" in page
    assert "Lower than self rating" in page and "Agrees" in page and "not moderated yet" in page
    assert response.context["counts"]["lower"] == 1 and response.context["counts"]["same"] == 1


def test_summary_queries_do_not_grow_with_the_criteria(client_for, qa_member, submitted,
                                                       django_assert_max_num_queries):
    client = client_for(qa_member)
    client.get(reverse("section11:moderation-summary", args=[submitted.pk]))

    with django_assert_max_num_queries(6):
        client.get(reverse("section11:moderation-summary", args=[submitted.pk]))


# --- Who may moderate ---------------------------------------------------------------------------------------------
def test_outsider_gets_404_on_another_agencys_moderation(client_for, outsider, submitted):
    client = client_for(outsider)
    answer = first_answer(submitted)

    assert client.get(reverse("section11:moderation-summary", args=[submitted.pk])).status_code == 404
    assert client.get(standard_url(submitted)).status_code == 404
    assert moderate(client, submitted, answer, rating=level(submitted, "red")).status_code == 404


@pytest.mark.parametrize("persona", ["agency_lead", "contributor"])
def test_the_agencys_own_people_cannot_moderate_their_return(persona, request, client_for, submitted):
    client = client_for(request.getfixturevalue(persona))
    answer = first_answer(submitted)

    assert client.get(standard_url(submitted)).status_code == 403
    assert client.get(reverse("section11:moderation-summary", args=[submitted.pk])).status_code == 403
    assert moderate(client, submitted, answer, rating=level(submitted, "red")).status_code == 403


@pytest.mark.parametrize("persona", ["chair", "reader"])
def test_chair_and_reader_do_not_see_individual_returns(persona, request, client_for, submitted):
    client = client_for(request.getfixturevalue(persona))

    assert client.get(standard_url(submitted)).status_code == 404


def test_a_return_still_in_progress_cannot_be_moderated(client_for, business_unit, police_return):
    assert client_for(business_unit).get(standard_url(police_return)).status_code == 403


def test_get_to_moderate_answer_answers_405(client_for, business_unit, submitted):
    answer = first_answer(submitted)

    response = client_for(business_unit).get(reverse("section11:moderate-answer", args=[submitted.pk, answer.pk]))

    assert response.status_code == 405


# --- The challenge session ----------------------------------------------------------------------------------------
def challenge_data(**overrides):
    held = timezone.localdate() - datetime.timedelta(days=2)
    data = {"held_on_0": str(held.day), "held_on_1": str(held.month), "held_on_2": str(held.year),
            "panel_members": "Ann Chair, independent chair\nBo Nurse, designated nurse",
            "agency_attendees": "Lee Lead, safeguarding lead", "questions": "How do you know training works?",
            "outcome": "The panel accepted the return with one action.", "letter_signatory": "Ann Chair"}
    data.update(overrides)
    return data


def test_qa_member_records_a_challenge_session(client_for, qa_member, submitted):
    response = client_for(qa_member).post(reverse("section11:challenge-record", args=[submitted.pk]),
                                          challenge_data())

    session = ChallengeSession.objects.get()
    assert response.status_code == 302
    assert session.ret == submitted and session.created_by == qa_member
    assert session.outcome == "The panel accepted the return with one action."


def test_challenge_session_without_a_date_is_refused_and_keeps_what_was_typed(client_for, business_unit, submitted):
    data = challenge_data(held_on_0="", held_on_1="", held_on_2="")

    response = client_for(business_unit).post(reverse("section11:challenge-record", args=[submitted.pk]), data)

    assert response.status_code == 400
    assert "Enter the date the session was held" in text(response)
    assert "The panel accepted the return with one action." in response.content.decode()
    assert not ChallengeSession.objects.exists()


def test_challenge_session_form_starts_from_the_cycles_last_panel(client_for, business_unit, submitted,
                                                                   outsider_return):
    ChallengeSession.objects.create(ret=outsider_return, held_on=timezone.localdate(), panel_members="Same panel",
                                    agency_attendees="x", questions="q", outcome="o", letter_signatory="Ann Chair")

    response = client_for(business_unit).get(reverse("section11:challenge-record", args=[submitted.pk]))

    assert response.context["form"].initial == {"panel_members": "Same panel", "letter_signatory": "Ann Chair"}


def test_challenge_needs_a_submitted_return(client_for, business_unit, police_return):
    response = client_for(business_unit).get(reverse("section11:challenge-record", args=[police_return.pk]))

    assert response.status_code == 403


@pytest.mark.parametrize("persona, status", [("outsider", 404), ("agency_lead", 403), ("chair", 404)])
def test_only_oversight_records_challenge_sessions(persona, status, request, client_for, submitted):
    client = client_for(request.getfixturevalue(persona))

    response = client.post(reverse("section11:challenge-record", args=[submitted.pk]), challenge_data())

    assert response.status_code == status
    assert not ChallengeSession.objects.exists()


# --- The oversight links on the return page and the letter download ----------------------------------------------
@pytest.fixture
def session(submitted, business_unit):
    return ChallengeSession.objects.create(ret=submitted, held_on=timezone.localdate(), panel_members="Ann Chair",
                                           agency_attendees="Lee Lead", questions="Why?", outcome="Accepted.",
                                           created_by=business_unit)


def test_return_page_links_to_moderation_challenge_and_letters_for_oversight(client_for, qa_member, session):
    response = client_for(qa_member).get(session.ret.get_absolute_url())

    html = response.content.decode()
    assert reverse("section11:moderation-summary", args=[session.ret.pk]) in html
    assert reverse("section11:challenge-record", args=[session.ret.pk]) in html
    assert reverse("section11:feedback-letter", args=[session.pk]) in html


def test_agency_lead_sees_the_letter_link_but_not_the_oversight_links(client_for, agency_lead, contributor, session):
    lead_page = client_for(agency_lead).get(session.ret.get_absolute_url()).content.decode()
    contributor_page = client_for(contributor).get(session.ret.get_absolute_url()).content.decode()

    assert reverse("section11:feedback-letter", args=[session.pk]) in lead_page
    assert reverse("section11:moderation-summary", args=[session.ret.pk]) not in lead_page
    assert reverse("section11:feedback-letter", args=[session.pk]) not in contributor_page


@pytest.mark.parametrize("persona, status", [
    ("business_unit", 302), ("qa_member", 302), ("agency_lead", 302), ("contributor", 403), ("outsider", 404),
    ("chair", 404), ("reader", 404),
])
def test_feedback_letter_is_asked_for_by_oversight_and_the_agencys_lead(persona, status, request, client_for,
                                                                       session, monkeypatch):
    """Asking for it queues a background export (test_feedback_letter.py renders it); only they may ask."""
    monkeypatch.setattr(reports, "feedback_letter_pdf", lambda session: b"%PDF-1.7 fake")
    client = client_for(request.getfixturevalue(persona))
    letter = reverse("section11:feedback-letter", args=[session.pk])

    assert client.get(letter).status_code == 405  # an old bookmark: a GET starts nothing
    response = client.post(letter, {"confirm": "yes"})  # none moderated: confirmed (the test below)

    assert response.status_code == status
    exports = ReportExport.objects.all()
    if status != 302:
        assert not exports.exists()
        return
    export = exports.get()
    assert response["Location"] == export.get_absolute_url()
    assert (export.kind, export.parameters, export.requested_by) == (
        reports.FEEDBACK_LETTER_KIND, {"session_id": session.pk}, request.getfixturevalue(persona))
    made = export_run(export_id=export.pk)
    assert made.status == "ready" and made.filename.startswith("section11-feedback-metropolitan-police-south-west-bcu-")
    download = client.get(reverse("partnership:export-download", args=[export.pk]))
    assert b"".join(download.streaming_content) == b"%PDF-1.7 fake"
    for other in ("chair", "business_unit", "qa_member"):  # a private report: only the person who asked sees it
        if other != persona:
            assert client_for(request.getfixturevalue(other)).get(
                reverse("partnership:export-download", args=[export.pk])).status_code == 404


def test_feedback_letter_with_criteria_not_moderated_says_how_many_and_asks_first(client_for, business_unit,
                                                                                  session, monkeypatch):
    """Issue 16: the letter could be made with 5 of 42 criteria moderated, with no warning."""
    monkeypatch.setattr(reports, "feedback_letter_pdf", lambda session: b"%PDF-1.7 fake")
    ret = session.ret
    level = RatingLevel.objects.get(scale=ret.cycle.framework.scale, code="green")
    first_two = list(ret.answers.order_by("pk").values_list("pk", flat=True)[:2])
    history.update(Answer.objects.filter(pk__in=first_two), moderated_rating=level)
    client = client_for(business_unit)
    letter = reverse("section11:feedback-letter", args=[session.pk])

    page = client.get(ret.get_absolute_url()).content.decode()
    assert "2 of 6 criteria moderated so far." in " ".join(re.sub(r"<[^>]+>", " ", page).split())
    response = client.post(letter)
    assert response.status_code == 200 and not ReportExport.objects.exists()
    words = " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())
    assert "2 of 6 criteria have been moderated." in words
    assert "it will show 4 criteria as not moderated" in words
    assert 'name="confirm" value="yes"' in response.content.decode()
    assert reverse("section11:moderation-summary", args=[ret.pk]) in response.content.decode()

    confirmed = client.post(letter, {"confirm": "yes"})
    assert confirmed.status_code == 302 and ReportExport.objects.count() == 1

    history.update(ret.answers.all(), moderated_rating=level)  # every criterion moderated: no question asked
    assert client.post(letter).status_code == 302 and ReportExport.objects.count() == 2
    assert "criteria moderated so far" not in client.get(ret.get_absolute_url()).content.decode()
