"""The rules of a return: answering, evidence, submission, sign-off, sending back, copying forward."""
import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from partnership import history
from partnership.services.errors import ConflictError, ServiceError
from section11.models import Answer, Evidence, RatingLevel, Return
from section11.services import returns as services
from tests.section11.conftest import answer_all, make_cycle

pytestmark = pytest.mark.django_db

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _green(ret):
    return RatingLevel.objects.get(scale=ret.cycle.framework.scale, code="green")


def _save(answer, by, **overrides):
    values = {"rating": _green(answer.ret), "not_applicable": False, "not_applicable_reason": "",
              "narrative": "Policy reviewed in 2025.", "impact": "Staff refer earlier."}
    values.update(overrides)
    return services.answer_save(answer=answer, by=by, expected_version=answer.version, **values)


def test_saving_an_answer_starts_the_return_and_marks_the_answer_done(police_return, contributor):
    answer = police_return.answers.first()
    _save(answer, contributor)
    answer.refresh_from_db()
    police_return.refresh_from_db()
    assert answer.status == Answer.Status.DONE
    assert answer.version == 2
    assert police_return.status == Return.Status.IN_PROGRESS
    assert police_return.completed_by == contributor


def test_two_colleagues_cannot_overwrite_each_other(police_return, agency_lead, contributor):
    first = police_return.answers.first()
    second_copy = Answer.objects.get(pk=first.pk)
    _save(first, agency_lead, narrative="Lead's words")
    with pytest.raises(ConflictError):
        _save(second_copy, contributor, narrative="Contributor's words")
    first.refresh_from_db()
    assert first.narrative == "Lead's words"


def test_not_applicable_needs_a_reason_and_clears_the_rating(police_return, agency_lead):
    answer = police_return.answers.first()
    with pytest.raises(ServiceError) as refused:
        _save(answer, agency_lead, not_applicable=True, not_applicable_reason=" ")
    assert refused.value.field == "not_applicable_reason"
    _save(answer, agency_lead, not_applicable=True, not_applicable_reason="We do not employ staff directly.")
    answer.refresh_from_db()
    assert answer.not_applicable and answer.rating is None and answer.status == Answer.Status.DONE


def test_database_refuses_not_applicable_without_reason(police_return):
    with pytest.raises(IntegrityError), transaction.atomic():
        history.update(police_return.answers.filter(pk=police_return.answers.first().pk), not_applicable=True)


def test_rating_from_another_scale_is_refused(police_return, agency_lead, rag_scale):
    from section11.models import RatingScale

    other = RatingScale.objects.create(code="other", name="Other")
    level = RatingLevel.objects.create(scale=other, code="x", label="X", score=1, colour="red")
    with pytest.raises(ServiceError):
        _save(police_return.answers.first(), agency_lead, rating=level)


def test_outsider_and_reader_cannot_answer(police_return, outsider, reader):
    for person in (outsider, reader):
        with pytest.raises(ServiceError):
            _save(police_return.answers.first(), person)


def test_contributor_cannot_submit_and_lead_can_only_when_complete(police_return, agency_lead, contributor):
    with pytest.raises(ServiceError, match="Only your agency lead"):
        services.return_submit(ret=police_return, by=contributor)
    with pytest.raises(ServiceError, match="still need"):
        services.return_submit(ret=police_return, by=agency_lead)
    answer_all(police_return)
    with pytest.raises(ServiceError, match="senior officer"):
        services.return_submit(ret=police_return, by=agency_lead)
    history.update(Return.objects.filter(pk=police_return.pk), senior_officer=agency_lead)
    with pytest.raises(ServiceError, match="someone else's work"):  # she would sign off her own submission
        services.return_submit(ret=police_return, by=agency_lead)
    history.update(Return.objects.filter(pk=police_return.pk), senior_officer=contributor)
    submitted = services.return_submit(ret=police_return, by=agency_lead)
    assert submitted.status == Return.Status.SUBMITTED and submitted.submitted_by == agency_lead


def _submitted(ret, lead, officer):
    answer_all(ret)
    history.update(Return.objects.filter(pk=ret.pk), senior_officer=officer)
    return services.return_submit(ret=ret, by=lead)


def test_submitted_return_cannot_be_edited_until_sent_back(police_return, agency_lead, contributor, business_unit):
    ret = _submitted(police_return, agency_lead, contributor)
    answer = ret.answers.first()
    with pytest.raises(ServiceError, match="submitted"):
        _save(answer, agency_lead)
    with pytest.raises(ServiceError):
        services.return_send_back(ret=ret, by=agency_lead, message="Please")
    with pytest.raises(ServiceError) as empty:
        services.return_send_back(ret=ret, by=business_unit, message="  ")
    assert empty.value.field == "message"
    sent_back = services.return_send_back(ret=ret, by=business_unit, message="Add evidence for 1.2")
    assert sent_back.status == Return.Status.RETURNED
    _save(Answer.objects.get(pk=answer.pk), agency_lead, narrative="Now with evidence")


def test_only_the_named_senior_officer_signs_off(police_return, agency_lead, contributor, business_unit):
    ret = _submitted(police_return, agency_lead, contributor)
    for person in (agency_lead, business_unit):
        with pytest.raises(ServiceError):
            services.return_sign_off(ret=ret, by=person)
    signed = services.return_sign_off(ret=ret, by=contributor)
    assert signed.status == Return.Status.SIGNED_OFF and signed.signed_off_by == contributor


def test_evidence_type_is_decided_by_content_not_name(police_return, agency_lead):
    answer = police_return.answers.first()
    fake = SimpleUploadedFile("policy.pdf", b"MZ\x90\x00 this is an executable", content_type="application/pdf")
    with pytest.raises(ServiceError) as refused:
        services.evidence_add(answer=answer, by=agency_lead, upload=fake)
    assert refused.value.field == "evidence_file"
    real = SimpleUploadedFile("policy.pdf", PDF_BYTES, content_type="application/octet-stream")
    evidence = services.evidence_add(answer=answer, by=agency_lead, upload=real)
    assert evidence.content_type == "application/pdf"
    assert evidence.stored_name != "policy.pdf" and evidence.stored_name.endswith(".pdf")
    assert evidence.file.read() == PDF_BYTES


def test_oversized_evidence_is_refused(police_return, agency_lead, monkeypatch):
    monkeypatch.setattr("partnership.uploads.MAX_UPLOAD_BYTES", 10)
    big = SimpleUploadedFile("big.pdf", PDF_BYTES)
    from partnership import uploads

    with pytest.raises(uploads.UploadRefused, match="smaller than"):
        uploads.check_upload(big, max_bytes=10)


def test_start_from_last_copies_answers_and_evidence_marked_for_checking(framework, police, agency_lead):
    today = timezone.localdate()
    old_cycle = make_cycle(framework, [police], name="2024", opens_on=today - datetime.timedelta(days=800),
                           deadline=today - datetime.timedelta(days=700))
    old = Return.objects.get(cycle=old_cycle)
    answer_all(old, "amber")
    old_answer = old.answers.first()
    Evidence.objects.create(answer=old_answer, file="section11/evidence/x.pdf", stored_name="x.pdf",
                            original_name="Policy.pdf", content_type="application/pdf", size=10, sha256="0" * 64)
    new_cycle = make_cycle(framework, [police], name="2026", previous=old_cycle)
    new = Return.objects.get(cycle=new_cycle)

    copied = services.return_start_from_last(ret=new, by=agency_lead)

    assert copied == old.answers.count()
    assert all(a.needs_check and a.rating.code == "amber" for a in new.answers.select_related("rating"))
    assert Evidence.objects.filter(answer__ret=new, original_name="Policy.pdf").count() == 1
    assert len(services.missing_answers(new)) == copied  # each must be confirmed before submitting
    answer = new.answers.get(criterion=old_answer.criterion)
    _save(answer, agency_lead, rating=answer.rating, confirm_still_holds=True)
    answer.refresh_from_db()
    assert not answer.needs_check and answer.status == Answer.Status.DONE


def test_improvement_action_goes_into_the_shared_tracker(police_return, agency_lead):
    answer = police_return.answers.first()
    action = services.answer_add_action(answer=answer, by=agency_lead, title="Refresh the policy",
                                        description="Refresh and publish", owner=agency_lead,
                                        due_date=timezone.localdate() + datetime.timedelta(days=60))
    assert action.owner_agency == police_return.agency and action.source_kind == "section11"
    assert list(answer.actions.all()) == [action]


def test_every_saved_answer_is_kept_in_history_with_who_saved_it(police_return, agency_lead, contributor):
    answer = police_return.answers.first()
    _save(answer, agency_lead, narrative="First")
    _save(answer, contributor, narrative="Second")
    records = list(answer.history.order_by("history_date").values_list("narrative", "history_user"))
    assert records[-2:] == [("First", agency_lead.pk), ("Second", contributor.pk)]
