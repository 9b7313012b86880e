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
