"""A submission and an answer (or figure) saved at the same moment: the parent is locked by both, so the return is
either submitted complete or refused, and an answer saved after submission is refused (PostgreSQL row locks)."""
import pytest

from partnership import history
from partnership.services.errors import ServiceError
from section11.models import Answer, Return
from section11.services import returns as services
from tests.concurrency import needs_postgresql, run_together

from .conftest import answer_all

pytestmark = [needs_postgresql, pytest.mark.django_db(transaction=True)]
ROUNDS = 6


def _ready(ret):
    history.update(Return.objects.filter(pk=ret.pk), status=Return.Status.IN_PROGRESS, submitted_at=None,
                   submitted_by=None, senior_officer_name="Dana Director",
                   senior_officer_email="director@police.example.org")
    answer_all(ret)
    return Return.objects.get(pk=ret.pk)


def test_an_answer_cleared_while_the_lead_submits_never_leaves_a_submitted_return_incomplete(
        police_return, agency_lead, contributor):
    outcomes = set()
    for _ in range(ROUNDS):
        ret = _ready(police_return)
        answer = Answer.objects.select_related("ret").filter(ret=ret).first()
        submit, clear = run_together([
            lambda r=ret: services.return_submit(ret=r, by=agency_lead),
            lambda a=answer: services.answer_save(answer=a, by=contributor, expected_version=a.version,
                                         rating=None, not_applicable=False, not_applicable_reason="", narrative="",
                                         impact=""),
        ], expected=[ServiceError])
        ret.refresh_from_db()
        missing = services.missing_answers(ret)
        if ret.status == Return.Status.SUBMITTED:
            assert not missing, "submitted with unanswered criteria"
            assert isinstance(clear, ServiceError) and "has been submitted" in clear.message
            outcomes.add("submitted first")
        else:
            assert isinstance(submit, ServiceError) and missing
            outcomes.add("cleared first")
    assert outcomes  # each round ended one of the two consistent ways


def test_an_answer_saved_on_a_stale_page_after_submission_is_refused(police_return, agency_lead, contributor):
    ret = _ready(police_return)
    answer = Answer.objects.select_related("ret").filter(ret=ret).first()  # read while still in progress
    services.return_submit(ret=ret, by=agency_lead)
    with pytest.raises(ServiceError, match="has been submitted"):
        services.answer_save(answer=answer, by=contributor, expected_version=answer.version, rating=None,
                             not_applicable=False, not_applicable_reason="", narrative="", impact="")
