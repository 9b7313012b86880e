"""Issue 16: "Save and continue" saves every criterion changed on the standard, and only those: a colleague's newer
save of another criterion is not refused; a stale change answers 409 and keeps what was typed."""
import pytest
from django.urls import reverse

from partnership import history
from section11.forms.returns import fingerprint
from section11.models import Answer

from .test_returns_views import _post_data

pytestmark = pytest.mark.django_db


def _page_data(ret, changes: dict[str, dict]) -> dict:
    data = {}
    for answer in ret.answers.filter(criterion__standard__number=1).select_related("criterion"):
        served = fingerprint(answer.rating_id, answer.narrative, answer.impact, answer.not_applicable_reason)
        data.update(_post_data(answer, served=served, **changes.get(answer.criterion.code, {})))
    return data


def test_a_page_without_the_fingerprint_compares_with_the_answer_as_it_is(client_for, agency_lead, police_return):
    data = {k: v for k, v in _page_data(police_return, {"1.1": {"narrative": "Old page."}}).items()
            if not k.endswith("-served")}
    assert client_for(agency_lead).post(_url(police_return), data).status_code == 302
    assert police_return.answers.get(criterion__code="1.1").narrative == "Old page."


def _url(ret):
    return reverse("section11:standard-save", args=[ret.pk, 1])


def test_only_changed_criteria_are_saved_and_a_colleagues_newer_save_elsewhere_is_kept(client_for, agency_lead,
                                                                                        police_return):
    data = _page_data(police_return, {"1.1": {"narrative": "Policy reviewed."}, "1.3": {"impact": "Fewer delays."}})
    other = police_return.answers.get(criterion__code="1.2")
    history.update(Answer.objects.filter(pk=other.pk), narrative="A colleague's words.", version=other.version + 1)
    response = client_for(agency_lead).post(_url(police_return), {**data, "then": "next"})
    assert response.status_code == 302 and response["Location"].endswith("/standards/2/")
    saved = {a.criterion.code: a for a in police_return.answers.select_related("criterion")}
    assert saved["1.1"].narrative == "Policy reviewed." and saved["1.3"].impact == "Fewer delays."
    assert saved["1.2"].narrative == "A colleague's words."  # untouched, not refused


def test_a_stale_change_answers_409_and_keeps_what_was_typed(client_for, agency_lead, police_return):
    data = _page_data(police_return, {"1.1": {"narrative": "Mine."}, "1.2": {"narrative": "Also mine."}})
    first = police_return.answers.get(criterion__code="1.1")
    history.update(Answer.objects.filter(pk=first.pk), narrative="Theirs.", version=first.version + 1)
    response = client_for(agency_lead).post(_url(police_return), {**data, "then": "next"})
    body = response.content.decode()
    assert response.status_code == 409 and "Mine." in body
    assert police_return.answers.get(criterion__code="1.2").narrative == "Also mine."  # the rest is saved
    assert police_return.answers.get(criterion__code="1.1").narrative == "Theirs."


def test_nobody_else_can_save_the_standard(client_for, outsider, contributor, police_return):
    data = _page_data(police_return, {"1.1": {"narrative": "x"}})
    assert client_for(outsider).post(_url(police_return), data).status_code == 404
    assert client_for(contributor).get(_url(police_return)).status_code == 405
