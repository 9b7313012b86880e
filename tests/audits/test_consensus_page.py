"""The consensus page shows, for each domain, what each agency found (its grade, good practice, areas for
development and recommendations), not the grade alone: the meeting agrees the grade from the agencies' text."""
from django.urls import reverse

from audits.models import AgencyAuditAnswer, Audit
from partnership import history
from tests.audits.conftest import make_audit, submit_all


def test_the_consensus_page_shows_each_agencys_grade_and_text(tool, programme, police, health, business_unit,
                                                              client_for, django_assert_max_num_queries):
    audit = make_audit(tool, programme, [police, health], status=Audit.Status.MEETING)
    submit_all(audit, "good")
    case = audit.cases.order_by("pk").first()
    domain = tool.domains.first()
    police_answer = AgencyAuditAnswer.objects.get(agency_audit__case=case, agency_audit__agency=police, domain=domain)
    history.update(AgencyAuditAnswer.objects.filter(pk=police_answer.pk),
                   good_practice="The officer saw the child alone at every visit.",
                   areas_for_development="Checks on the adults in the home were late.",
                   recommendations="Add adult checks to the visit template.")
    with django_assert_max_num_queries(30):  # the answers come with the grades: no query per agency
        page = client_for(business_unit).get(reverse("audits:consensus", args=[case.pk])).content.decode()
    assert "The officer saw the child alone at every visit." in page
    assert "Checks on the adults in the home were late." in page
    assert "Add adult checks to the visit template." in page
    domains = tool.domains.count()
    assert page.count("What each agency found on") == domains  # a table of the agencies' findings per domain
    assert page.count(f'<th scope="row" class="govuk-table__header">{police.display_name}</th>') == domains
    assert "None recorded" in page  # health wrote nothing: said so, not left blank
    assert police.display_name in page and health.display_name in page


def test_before_any_agency_submits_the_page_says_so(tool, programme, police, business_unit, client_for):
    audit = make_audit(tool, programme, [police], status=Audit.Status.MEETING)
    case = audit.cases.first()
    page = client_for(business_unit).get(reverse("audits:consensus", args=[case.pk])).content.decode()
    assert "No agency has submitted its audit of this case yet." in page


def _consensus_post(case, **typed):
    """The page's form as it is sent: a grade, learning and version per domain, and the discussion notes."""
    domains = list(case.audit.tool.domains.order_by("pk"))
    grade = case.audit.tool.grades.order_by("pk").first()
    data = {"discussion_notes": ""}
    for d in domains:
        data.update({f"grade-{d.pk}": str(grade.pk), f"notes-{d.pk}": "", f"version-{d.pk}": "0"})
    return {**data, **typed}


def test_the_meeting_agrees_grades_and_learning(tool, programme, police, business_unit, client_for):
    audit = make_audit(tool, programme, [police], status=Audit.Status.MEETING)
    case = audit.cases.first()
    domain = tool.domains.order_by("pk").first()
    response = client_for(business_unit).post(reverse("audits:consensus", args=[case.pk]), _consensus_post(
        case, **{f"notes-{domain.pk}": "  Share the plan with the school.  ", "discussion_notes": "Agreed."}))
    assert response.status_code == 302
    agreed = case.consensus.get(domain=domain)
    assert agreed.grade == tool.grades.order_by("pk").first() and agreed.notes == "Share the plan with the school."
    assert case.consensus.count() == tool.domains.count()
    case.refresh_from_db()
    assert case.discussion_notes == "Agreed."


def test_each_refusal_is_beside_its_box_and_what_was_typed_is_kept(tool, programme, police, business_unit,
                                                                   client_for):
    """The page is read through audits.forms.ConsensusForm, like every form: the personal-data check and the
    input rules on its text boxes, a grade only from the scale, each refusal beside the box it is about."""
    audit = make_audit(tool, programme, [police], status=Audit.Status.MEETING)
    case = audit.cases.first()
    first, second = tool.domains.order_by("pk")[:2]
    response = client_for(business_unit).post(reverse("audits:consensus", args=[case.pk]), _consensus_post(
        case, **{f"notes-{first.pk}": "Her son Jayden Smith was not seen alone",
                 f"notes-{second.pk}": "Seen\x00 at school", f"grade-{second.pk}": "999999",
                 "discussion_notes": "The panel agreed the plan."}))
    page = response.content.decode()
    assert response.status_code == 400 and not case.consensus.exists()
    assert "Remove the child&#x27;s name" in page and f'id="notes-{first.pk}-error"' in page
    assert f'id="notes-{second.pk}-error"' in page  # a hidden character, beside its box
    assert f'id="grade-{second.pk}-error"' in page  # a grade not on the scale is refused, not left ungraded
    assert f'href="#grade-{second.pk}-{tool.grades.order_by("pk").first().pk}"' in page  # the summary links to it
    assert "Her son Jayden Smith was not seen alone" in page and "The panel agreed the plan." in page


def test_a_refused_page_keeps_the_versions_it_was_opened_at(tool, programme, police, business_unit, client_for):
    """Someone saves meanwhile, then a refused save (a name in a box) is corrected: the corrected save is still
    refused as stale, not written over theirs."""
    audit = make_audit(tool, programme, [police], status=Audit.Status.MEETING)
    case = audit.cases.first()
    domain = tool.domains.order_by("pk").first()
    client = client_for(business_unit)
    url = reverse("audits:consensus", args=[case.pk])
    assert client.post(url, _consensus_post(case, **{f"notes-{domain.pk}": "Theirs."})).status_code == 302
    stale = _consensus_post(case, **{f"notes-{domain.pk}": "Baby Amelia Jones"})  # opened before their save
    refused = client.post(url, stale)
    assert refused.status_code == 400
    assert f'name="version-{domain.pk}" value="0"' in refused.content.decode()
    assert client.post(url, {**stale, f"notes-{domain.pk}": "Mine."}).status_code == 409
    assert case.consensus.get(domain=domain).notes == "Theirs."
