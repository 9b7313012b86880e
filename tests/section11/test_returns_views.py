"""The agency's pages: access, answering with and without JavaScript, conflicts, uploads, submission."""
import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from partnership import history
from section11.models import Answer, Evidence, RatingLevel, Return
from tests.section11.conftest import answer_all, make_cycle, make_framework

pytestmark = pytest.mark.django_db
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _post_data(answer, **values):
    prefix = f"a{answer.pk}-"
    data = {prefix + "version": answer.version, prefix + "narrative": "", prefix + "impact": "",
            prefix + "not_applicable_reason": ""}
    data.update({prefix + k: v for k, v in values.items()})
    return data


def _save_url(answer):
    return reverse("section11:answer-save", args=[answer.ret_id, answer.pk])


def test_agency_lead_sees_own_return_and_its_task_list(client_for, agency_lead, police_return):
    response = client_for(agency_lead).get(police_return.get_absolute_url())
    assert response.status_code == 200
    assert b"Standard 1 title" in response.content and b"Not started" in response.content


@pytest.mark.parametrize("persona", ["outsider", "chair", "reader"])
def test_return_pages_are_not_found_for_people_outside_the_agency(request, client_for, persona, police_return):
    client = client_for(request.getfixturevalue(persona))
    answer = police_return.answers.first()
    for url in (police_return.get_absolute_url(), reverse("section11:standard", args=[police_return.pk, 1]),
                reverse("section11:return-submit", args=[police_return.pk])):
        assert client.get(url).status_code == 404, url
    response = client.post(_save_url(answer), _post_data(answer, narrative="Sneaky"))
    assert response.status_code == 404
    answer.refresh_from_db()
    assert answer.narrative == ""


def test_saving_an_answer_without_javascript_redirects_back_to_the_criterion(client_for, contributor, police_return):
    answer = police_return.answers.first()
    green = RatingLevel.objects.get(code="green", scale=police_return.cycle.framework.scale)
    response = client_for(contributor).post(_save_url(answer), _post_data(answer, rating=green.pk,
                                                                          narrative="We audit yearly"))
    assert response.status_code == 302
    assert response["Location"].endswith(f"#c-{answer.pk}")
    answer.refresh_from_db()
    assert answer.rating == green and answer.narrative == "We audit yearly"


def test_saving_with_htmx_returns_just_the_criterion(client_for, contributor, police_return):
    answer = police_return.answers.first()
    response = client_for(contributor).post(_save_url(answer), _post_data(answer, narrative="Draft"),
                                            HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert b"has been saved" in response.content
    assert b"<html" not in response.content
    assert f'id="c-{answer.pk}"'.encode() in response.content


def test_invalid_answer_shows_the_error_next_to_the_field_and_keeps_what_was_typed(client_for, contributor,
                                                                                   police_return):
    answer = police_return.answers.first()
    response = client_for(contributor).post(_save_url(answer), _post_data(
        answer, rating="na", narrative="Typed words that must not be lost"))
    assert response.status_code == 400
    body = response.content.decode()
    assert "There is a problem" in body
    assert "Explain why this does not apply to your agency" in body
    assert "Typed words that must not be lost" in body


def test_a_stale_save_is_refused_with_a_conflict_and_keeps_the_typed_text(client_for, agency_lead, contributor,
                                                                          police_return):
    answer = police_return.answers.first()
    stale = _post_data(answer, narrative="Contributor's version")
    client_for(agency_lead).post(_save_url(answer), _post_data(answer, narrative="Lead's version"))
    response = client_for(contributor).post(_save_url(answer), stale)
    assert response.status_code == 409
    assert "Someone else changed this record" in response.content.decode()
    assert "Contributor&#x27;s version" in response.content.decode()
    answer.refresh_from_db()
    assert answer.narrative == "Lead's version"


def test_a_refused_upload_keeps_the_typed_answer(client_for, contributor, police_return):
    answer = police_return.answers.first()
    data = _post_data(answer, narrative="Our audit shows it")
    data[f"a{answer.pk}-evidence_file"] = SimpleUploadedFile("audit.pdf", b"not really a pdf")
    response = client_for(contributor).post(_save_url(answer), data)
    assert response.status_code == 400
    assert "The file must be" in response.content.decode()
    answer.refresh_from_db()
    assert answer.narrative == "Our audit shows it"
    assert not Evidence.objects.exists()


def test_evidence_is_served_only_to_people_who_can_see_the_return(client_for, contributor, outsider, chair,
                                                                  business_unit, police_return):
    answer = police_return.answers.first()
    data = _post_data(answer, narrative="See policy")
    data[f"a{answer.pk}-evidence_file"] = SimpleUploadedFile("Policy 2025.pdf", PDF_BYTES)
    assert client_for(contributor).post(_save_url(answer), data).status_code == 302
    evidence = Evidence.objects.get()
    url = evidence.get_absolute_url()
    response = client_for(contributor).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert "attachment" in response["Content-Disposition"]
    assert client_for(business_unit).get(url).status_code == 200
    assert client_for(outsider).get(url).status_code == 404
    assert client_for(chair).get(url).status_code == 404


def test_post_only_views_refuse_get(client_for, agency_lead, police_return):
    answer = police_return.answers.first()
    client = client_for(agency_lead)
    assert client.get(_save_url(answer)).status_code == 405
    assert client.get(reverse("section11:return-start-from-last", args=[police_return.pk])).status_code == 405


def test_submit_page_lists_what_is_missing_then_submits(client_for, agency_lead, contributor, police_return):
    url = reverse("section11:return-submit", args=[police_return.pk])
    assert client_for(contributor).get(url).status_code == 403
    response = client_for(agency_lead).get(url)
    assert b"still need" in response.content and b"1.1" in response.content
    answer_all(police_return)
    # never the submitter herself
    history.update(Return.objects.filter(pk=police_return.pk), senior_officer=contributor)
    response = client_for(agency_lead).post(url)
    assert response.status_code == 302
    police_return.refresh_from_db()
    assert police_return.status == Return.Status.SUBMITTED


def test_submit_shows_check_your_answers_and_nudges_where_not_met_has_no_action(client_for, agency_lead, contributor,
                                                                               police_return):
    """Issue 16: a check-your-answers summary before submission (GOV.UK pattern), and a nudge, not a refusal, where
    a "Not met" criterion has no improvement action."""
    from partnership.models import Action
    from section11.services.returns import answer_add_action

    answer_all(police_return)
    red = RatingLevel.objects.get(scale=police_return.cycle.framework.scale, code="red")
    history.update(Answer.objects.filter(ret=police_return, criterion__code__in=["1.2", "2.3"]), rating=red)
    history.update(Return.objects.filter(pk=police_return.pk), senior_officer=contributor)
    with_action = police_return.answers.get(criterion__code="2.3")
    answer_add_action(answer=with_action, by=agency_lead, title="Audit supervision", description="Each quarter.",
                      owner=None, due_date=timezone.localdate() + datetime.timedelta(days=60))
    url = reverse("section11:return-submit", args=[police_return.pk])

    response = client_for(agency_lead).get(url)

    html = response.content.decode()
    words = " ".join(re.sub(r"<[^>]+>", " ", html).split())
    assert "Check your answers before submitting your return" in words
    assert "1 criterion is rated not met with no improvement action." in words
    not_met = police_return.answers.get(criterion__code="1.2")
    assert reverse("section11:answer-action-add", args=[police_return.pk, not_met.pk]) in html
    assert reverse("section11:answer-action-add", args=[police_return.pk, with_action.pk]) not in html
    row = re.search(r'id="check-2.3">(.*?)</div>', html, re.S).group(1)
    assert "Red: not met" in row and "1 improvement action" in row and "No evidence file" in row
    assert f'{reverse("section11:standard", args=[police_return.pk, 1])}#c-{not_met.pk}' in html  # Change
    assert "Now submit your return" in words and f"we email {contributor.full_name}" in words
    assert Action.objects.count() == 1

    assert client_for(agency_lead).post(url).status_code == 302  # a nudge, not a refusal
    police_return.refresh_from_db()
    assert police_return.status == Return.Status.SUBMITTED


def test_sign_off_is_for_the_named_senior_officer_only(client_for, agency_lead, contributor, business_unit,
                                                      police_return):
    answer_all(police_return)
    history.update(Return.objects.filter(pk=police_return.pk),
                   senior_officer=contributor, status=Return.Status.SUBMITTED)
    url = reverse("section11:return-sign-off", args=[police_return.pk])
    assert client_for(agency_lead).get(url).status_code == 403
    assert client_for(business_unit).get(url).status_code == 403  # sees the return, may not sign it off
    assert client_for(contributor).get(url).status_code == 200
    assert client_for(contributor).post(url).status_code == 302
    police_return.refresh_from_db()
    assert police_return.status == Return.Status.SIGNED_OFF


def test_business_unit_sends_a_submitted_return_back_with_a_message(client_for, business_unit, qa_member,
                                                                    agency_lead, police_return):
    history.update(Return.objects.filter(pk=police_return.pk), status=Return.Status.SUBMITTED)
    url = reverse("section11:return-send-back", args=[police_return.pk])
    assert client_for(qa_member).get(url).status_code == 403
    response = client_for(business_unit).post(url, {"message": ""})
    assert b"Tell the agency what needs clarifying" in response.content
    client_for(business_unit).post(url, {"message": "Please add evidence for 2.1"})
    response = client_for(agency_lead).get(police_return.get_absolute_url())
    assert b"Please add evidence for 2.1" in response.content


def test_standard_page_queries_do_not_grow_with_criteria(client_for, agency_lead, police,
                                                         django_assert_max_num_queries, rag_scale):
    counts = []
    for criteria in (5, 60):
        framework = make_framework(rag_scale, standards=1, criteria=criteria, code=f"q{criteria}")
        cycle = make_cycle(framework, [police], name=f"Cycle {criteria}")
        ret = Return.objects.get(cycle=cycle)
        client = client_for(agency_lead)
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            response = client.get(reverse("section11:standard", args=[ret.pk, 1]))
        assert response.status_code == 200
        assert response.content.count(b'class="app-criterion"') == criteria
        counts.append(len(ctx))
    assert counts[0] == counts[1], counts


def test_queries_of_the_task_list_do_not_grow_with_standards(client_for, agency_lead, police, rag_scale):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for standards in (2, 9):
        framework = make_framework(rag_scale, standards=standards, criteria=4, code=f"t{standards}")
        ret = Return.objects.get(cycle=make_cycle(framework, [police], name=f"T{standards}"))
        with CaptureQueriesContext(connection) as ctx:
            assert client_for(agency_lead).get(ret.get_absolute_url()).status_code == 200
        counts.append(len(ctx))
    assert counts[0] == counts[1], counts


def test_agency_list_shows_only_own_agency_returns(client_for, agency_lead, police_return, outsider_return):
    response = client_for(agency_lead).get(reverse("section11:return-list"))
    assert police_return.get_absolute_url().encode() in response.content
    assert outsider_return.get_absolute_url().encode() not in response.content


def test_answer_ids_from_another_return_are_not_found(client_for, agency_lead, police_return, outsider_return):
    foreign = outsider_return.answers.first()
    url = reverse("section11:answer-save", args=[police_return.pk, foreign.pk])
    assert client_for(agency_lead).post(url, _post_data(foreign, narrative="x")).status_code == 404
    assert Answer.objects.get(pk=foreign.pk).narrative == ""


def test_an_answer_posted_by_a_browser_with_no_ended_session_is_not_kept(client, contributor, police_return):
    """Nobody's session ended on this browser (the cookie expired, or it never signed in): there is nobody to
    keep the text for, and whoever signs in next must not see it (partnership.kept_forms)."""
    answer = police_return.answers.first()
    response = client.post(_save_url(answer), _post_data(answer, narrative="Typed by whom?"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("partnership:sign-in"))
    client.force_login(contributor)
    client.get(reverse("section11:answer-kept", args=[police_return.pk, answer.pk]))
    page = client.get(reverse("section11:standard", args=[police_return.pk, 1])).content.decode()
    assert "Typed by whom?" not in page and "We kept what you typed" not in page


def test_an_expired_session_during_an_htmx_save_redirects_the_whole_page(client, police_return):
    answer = police_return.answers.first()
    response = client.post(_save_url(answer), _post_data(answer, narrative="x"), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response["HX-Redirect"].startswith(reverse("partnership:sign-in"))


def test_an_answer_typed_when_the_idle_timeout_has_passed_is_kept_through_signing_in(client, contributor,
                                                                                     police_return, monkeypatch):
    from partnership import middleware

    now = [1_900_000_000.0]
    monkeypatch.setattr(middleware, "clock", lambda: now[0])
    client.force_login(contributor)
    assert client.get(reverse("section11:standard", args=[police_return.pk, 1])).status_code == 200
    now[0] += 31 * 60  # the server ends the session after 30 minutes without activity
    answer = police_return.answers.first()
    response = client.post(_save_url(answer), _post_data(answer, narrative="Typed for 31 minutes"),
                           HTTP_HX_REQUEST="true")
    assert response["HX-Redirect"].startswith(reverse("partnership:sign-in"))
    assert "kept" in response["HX-Redirect"]
    sign_in_page = client.get(response["HX-Redirect"]).content.decode()
    assert "You were signed out after 30 minutes without activity" in sign_in_page
    client.force_login(contributor)
    client.get(reverse("section11:answer-kept", args=[police_return.pk, answer.pk]))
    page = client.get(reverse("section11:standard", args=[police_return.pk, 1])).content.decode()
    assert "Typed for 31 minutes" in page
