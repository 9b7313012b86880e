"""The feedback letter after a challenge session: what it says, and that it is a real, tagged PDF."""
import datetime
import subprocess

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from partnership import history
from partnership.models import Role
from section11.models import Answer, ChallengeSession, RatingLevel, Return
from section11.reports import feedback_letter_context
from section11.services.returns import answer_add_action
from tests.background_pdfs import made_in_background
from tests.factories import UserFactory
from tests.section11.conftest import answer_all, make_cycle, make_framework


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def level(ret, code) -> RatingLevel:
    return RatingLevel.objects.get(scale=ret.cycle.framework.scale, code=code)


def moderate(ret, code: str, moderated: str, comment: str = "") -> Answer:
    answer = ret.answers.get(criterion__code=code)
    history.update(Answer.objects.filter(pk=answer.pk),
                   moderated_rating=level(ret, moderated), moderator_comment=comment)
    return answer


def make_session(ret, by) -> ChallengeSession:
    return ChallengeSession.objects.create(
        ret=ret, held_on=datetime.date(2026, 5, 12), created_by=by, letter_signatory="Ann Chair, Independent Chair",
        panel_members="Ann Chair, independent chair\nBo Nurse, designated nurse",
        agency_attendees="Lee Lead, safeguarding lead", questions="How do you know training works?\nWho audits?",
        outcome="The panel accepted the self-assessment with one improvement action on supervision.",
    )


@pytest.fixture
def moderated(police_return, business_unit, agency_lead):
    """Police rated everything green; moderation agreed on 1.1, found 1.2 amber and 2.1 red."""
    answer_all(police_return, "green")
    history.update(Return.objects.filter(pk=police_return.pk),
                   status=Return.Status.SIGNED_OFF, senior_officer=agency_lead,
                   submitted_at=timezone.now())
    moderate(police_return, "1.1", "green", "Strong board oversight.")
    moderate(police_return, "1.2", "amber", "Supervision records are patchy.")
    moderate(police_return, "2.1", "red")
    answer = police_return.answers.get(criterion__code="1.2")
    answer_add_action(answer=answer, by=business_unit, title="Audit supervision records",
                      description="Audit a sample of supervision records each quarter.", owner=agency_lead,
                      due_date=timezone.localdate() + datetime.timedelta(days=90))
    return make_session(police_return, business_unit)


def test_letter_sorts_strengths_and_areas_for_development(moderated, agency_lead):
    context = feedback_letter_context(moderated)

    assert context["addressee"] == agency_lead
    assert [s["answer"].criterion.code for s in context["strengths"]] == ["1.1"]
    development = {d["answer"].criterion.code: d for d in context["development"]}
    assert set(development) == {"1.2", "2.1"}  # lower than the self rating; at the bottom of the scale
    assert development["1.2"]["has_action"] and not development["2.1"]["has_action"]
    assert [a["action"].title for a in context["actions"]] == ["Audit supervision records"]
    assert context["questions"] == ["How do you know training works?", "Who audits?"]
    standard_1 = context["summary"][0]
    assert (standard_1["agreed"], standard_1["compared"], standard_1["not_moderated"]) == (1, 2, 1)


def test_letter_is_addressed_to_the_agency_lead_when_no_senior_officer_is_named(police_return, business_unit,
                                                                                agency_lead):
    answer_all(police_return)
    history.update(Return.objects.filter(pk=police_return.pk), status=Return.Status.SUBMITTED)

    context = feedback_letter_context(make_session(police_return, business_unit))

    assert context["addressee"] == agency_lead


def _context_queries(framework, agency, by, name) -> int:
    cycle = make_cycle(framework, [agency], name=name)
    ret = Return.objects.get(cycle=cycle)
    answer_all(ret)
    history.update(Return.objects.filter(pk=ret.pk), status=Return.Status.SUBMITTED)
    for answer in ret.answers.all()[::2]:
        history.update(Answer.objects.filter(pk=answer.pk), moderated_rating=answer.rating)
        answer_add_action(answer=answer, by=by, title=f"Action for {answer.pk}", description="d", owner=None,
                          due_date=timezone.localdate())
    session = make_session(ret, by)
    with CaptureQueriesContext(connection) as queries:
        feedback_letter_context(session)
    return len(queries)


def test_letter_queries_do_not_grow_with_the_return(rag_scale, police, business_unit):
    small = _context_queries(make_framework(rag_scale, standards=2, criteria=2, code="small"), police, business_unit,
                             "Small")
    large = _context_queries(make_framework(rag_scale, standards=8, criteria=6, code="large"), police, business_unit,
                             "Large")

    assert small == large <= 6


def poppler(*args) -> str:
    return subprocess.run(args, check=True, capture_output=True, text=True, timeout=60).stdout


def test_feedback_letter_pdf_says_what_the_agency_needs_and_is_tagged(client_for, business_unit, moderated, tmp_path):
    UserFactory(agency=moderated.ret.agency, roles=[Role.AGENCY_LEAD])

    pdf = made_in_background(client_for(business_unit), reverse("section11:feedback-letter", args=[moderated.pk]),
                             {"confirm": "yes"})  # 3 of 6 moderated: confirmed (test_moderation.py)

    path = tmp_path / "letter.pdf"
    path.write_bytes(pdf)
    text = " ".join(poppler("pdftotext", str(path), "-").split())
    assert "Metropolitan Police (South West BCU)" in text
    assert "Section 11 2026" in text
    assert "Standard 1 title" in text
    assert "The panel accepted the self-assessment with one improvement action on supervision." in text
    assert "Amber: partly met" in text and "Red: not met" in text  # ratings are named, never colour alone
    assert "Audit supervision records" in text
    assert "Ann Chair, Independent Chair" in text
    assert "Dear Lee Lead" in text
    assert "Page 1 of" in text
    assert "Tagged: yes" in " ".join(poppler("pdfinfo", str(path)).split())
