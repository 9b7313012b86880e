"""The cycle analysis page, its CSV and its PDF (section11.views.analysis)."""
import csv
import datetime
import io
import subprocess

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

import section11.analysis_reports  # noqa: F401 - registers the PDF export, as apps.py ready() will
from partnership import history
from partnership.models import Action, ReportExport, Sector
from section11.models import Answer, Criterion, Evidence, RatingLevel, Return
from tests.factories import ActionFactory, AgencyFactory
from tests.section11.conftest import answer_all, make_cycle, make_framework

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def url(cycle, name="section11:cycle-analysis", **query):
    from urllib.parse import urlencode

    return reverse(name, args=[cycle.pk]) + (f"?{urlencode(query)}" if query else "")


@pytest.fixture
def rated(cycle, police_return, outsider_return):
    answer_all(police_return, "green")
    answer_all(outsider_return, "red")
    return cycle


# --- Access ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("persona", ["business_unit", "qa_member", "chair", "reader"])
def test_partnership_roles_see_the_analysis(request, client_for, rated, persona):
    response = client_for(request.getfixturevalue(persona)).get(url(rated))

    assert response.status_code == 200
    assert b"Ratings by agency and standard" in response.content


@pytest.mark.parametrize("persona", ["agency_lead", "contributor", "outsider"])
def test_agency_people_are_refused_the_partnership_analysis(request, client_for, rated, persona):
    client = client_for(request.getfixturevalue(persona))

    assert client.get(url(rated)).status_code == 403
    assert client.get(url(rated, "section11:cycle-analysis-csv")).status_code == 403
    assert client.post(url(rated, "section11:cycle-analysis-pdf")).status_code == 403
    assert not ReportExport.objects.exists()


def test_anonymous_visitor_is_sent_to_sign_in(client, rated):
    response = client.get(url(rated))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("partnership:sign-in"))


def test_unknown_cycle_is_not_found(client_for, qa_member, rated):
    assert client_for(qa_member).get(reverse("section11:cycle-analysis", args=[rated.pk + 999])).status_code == 404


# --- The page -------------------------------------------------------------------------------------
def test_heat_map_is_an_accessible_table_with_text_labels_and_colour_classes(client_for, qa_member, rated, police):
    html = client_for(qa_member).get(url(rated)).content.decode()

    assert ('<caption class="govuk-table__caption govuk-table__caption--s">Average self-assessed rating by agency'
            in html)
    assert '<th scope="col" class="govuk-table__header app-heat-map__standard">Standard 1</th>' in html
    assert '<th scope="row" class="govuk-table__header">Partnership average</th>' in html
    assert police.display_name in html
    green = ('<td class="govuk-table__cell app-heat app-heat--green"><span class="app-heat__band">Green</span>'
             ' <span class="app-heat__score">3.0</span></td>')
    red = ('<td class="govuk-table__cell app-heat app-heat--red"><span class="app-heat__band">Red</span>'
           ' <span class="app-heat__score">1.0</span></td>')
    assert html.count(green) == 3 and html.count(red) == 3  # two standards and overall, each
    assert "average 2.5 to 3.0" in html  # the key says what each colour means


def test_moderated_toggle_shows_moderated_ratings(client_for, qa_member, rated, police_return):
    red = RatingLevel.objects.get(scale=rated.framework.scale, code="red")
    history.update(police_return.answers.all(), moderated_rating=red)

    own = client_for(qa_member).get(url(rated)).content.decode()
    moderated = client_for(qa_member).get(url(rated, ratings="moderated")).content.decode()

    green_cell = "govuk-table__cell app-heat app-heat--green"
    assert "Average self-assessed rating" in own and green_cell in own
    assert "Average moderated rating" in moderated
    assert green_cell not in moderated
    assert "govuk-table__cell app-heat app-heat--red" in moderated
    assert "Not moderated" in moderated  # the outsider's return has no moderated rating


def test_sector_filter_narrows_rows_and_persists_in_links(client_for, qa_member, rated, police, outsider_agency):
    response = client_for(qa_member).get(url(rated, sector=Sector.POLICE, ratings="moderated"))
    html = response.content.decode()

    assert police.display_name in html
    assert outsider_agency.display_name not in html
    assert '<option value="police" selected>Police</option>' in html
    csv_link = url(rated, "section11:cycle-analysis-csv") + "?sector=police&amp;ratings=moderated"
    assert csv_link in html
    assert '<input type="hidden" name="sector" value="police">' in html
    assert '<input type="hidden" name="ratings" value="moderated">' in html


def test_unknown_sector_shows_every_sector(client_for, qa_member, rated, outsider_agency):
    html = client_for(qa_member).get(url(rated, sector="<script>")).content.decode()

    assert outsider_agency.display_name in html
    assert "&lt;script&gt;" not in html and "<script>" not in html.split("</header>")[1].split("<script")[0]


def test_comparison_says_the_direction_of_travel_in_words(client_for, qa_member, framework, police):
    previous = make_cycle(framework, [police], name="Section 11 2024", opens_on=datetime.date(2024, 1, 8),
                          deadline=datetime.date(2024, 3, 29))
    current = make_cycle(framework, [police], previous=previous)
    answer_all(Return.objects.get(cycle=previous), "amber")
    answer_all(Return.objects.get(cycle=current), "green")

    html = client_for(qa_member).get(url(current)).content.decode()

    assert "Compared with the last cycle" in html
    assert '<strong class="govuk-tag govuk-tag--green">Better</strong>' in html
    assert "went from 2.0 to 3.0: <strong>Better</strong>" in html


def test_actions_link_to_the_tracker_filtered_by_section11_source(client_for, qa_member, rated, police_return,
                                                                  police):
    action = ActionFactory(owner_agency=police, due_date=timezone.localdate() - datetime.timedelta(days=5),
                           status=Action.Status.AGREED, source_kind="section11", title="Refresh the DBS policy")
    police_return.answers.first().actions.add(action)

    html = client_for(qa_member).get(url(rated)).content.decode()

    assert reverse("partnership:action-list") + "?source_kind=section11" in html
    assert reverse("partnership:action-list") + "?source_kind=section11&amp;overdue=on" in html
    assert "Refresh the DBS policy" in html
    assert action.get_absolute_url() in html


def test_evidence_files_are_never_linked(client_for, business_unit, rated, police_return):
    answer = police_return.answers.first()
    evidence = Evidence.objects.create(
        answer=answer, file=SimpleUploadedFile("policy.pdf", b"%PDF-1.4"), stored_name="abc.pdf",
        original_name="Safeguarding policy.pdf", content_type="application/pdf", size=8, sha256="0" * 64)

    html = client_for(business_unit).get(url(rated)).content.decode()

    assert evidence.get_absolute_url() not in html
    assert "Safeguarding policy.pdf" not in html
    assert "/evidence/" not in html


def test_chair_and_reader_see_agency_names_without_links_to_returns(client_for, chair, rated, police_return):
    html = client_for(chair).get(url(rated)).content.decode()

    assert police_return.get_absolute_url() not in html


# --- CSV ------------------------------------------------------------------------------------------
def read_csv(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8").lstrip("\ufeff")
    return list(csv.reader(io.StringIO(text)))


def test_csv_has_a_heat_map_row_per_agency(client_for, qa_member, rated, police):
    response = client_for(qa_member).get(url(rated, "section11:cycle-analysis-csv"))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="section11-analysis-section-11-2026.csv"' in response["Content-Disposition"]
    rows = read_csv(response)
    assert rows[0] == ["Agency", "Sector", "Status", "Standard 1: Standard 1 title", "Standard 2: Standard 2 title",
                       "Overall", "Overall rating"]
    assert ["Metropolitan Police (South West BCU)", "Police", "Not started", "3.0", "3.0", "3.0", "Green 3.0"] in rows
    assert ["Outsider Youth Club", "Voluntary and community", "Not started", "1.0", "1.0", "1.0", "Red 1.0"] in rows


def test_csv_follows_the_filters_and_defuses_formula_agency_names(client_for, qa_member, framework):
    sneaky = AgencyFactory(name='=HYPERLINK("http://evil.example","Click")', sector=Sector.POLICE)
    other = AgencyFactory(name="+Other Agency", sector=Sector.VOLUNTARY)
    cycle = make_cycle(framework, [sneaky, other])

    rows = read_csv(client_for(qa_member).get(url(cycle, "section11:cycle-analysis-csv", sector="police")))

    assert len(rows) == 2
    assert rows[1][0] == "'=HYPERLINK(\"http://evil.example\",\"Click\")"
    assert rows[1][3:] == ["", "", "", "Not rated yet"]


# --- PDF ------------------------------------------------------------------------------------------
def test_pdf_request_is_post_only(client_for, qa_member, rated):
    assert client_for(qa_member).get(url(rated, "section11:cycle-analysis-pdf")).status_code == 405


def test_reader_may_read_the_analysis_but_not_ask_for_a_pdf(client_for, reader, rated):
    client = client_for(reader)

    assert b"Make a PDF of this analysis" not in client.get(url(rated)).content
    assert client.post(url(rated, "section11:cycle-analysis-pdf")).status_code == 403


def test_pdf_export_runs_in_the_background_to_ready_with_the_heat_map(
        client_for, chair, rated, police, django_capture_on_commit_callbacks, tmp_path):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(chair).post(url(rated, "section11:cycle-analysis-pdf"),
                                          {"sector": "", "ratings": "self"})

    export = ReportExport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("partnership:export-detail", args=[export.pk])
    assert (export.kind, export.parameters) == ("section11-analysis",
                                                {"cycle_id": rated.pk, "sector": "", "ratings": "self"})
    assert export.status == ReportExport.Status.READY, export.error
    assert export.filename == "section11-analysis-section-11-2026.pdf"
    path = tmp_path / "analysis.pdf"
    with export.file.open("rb") as handle:
        path.write_bytes(handle.read())
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "Section 11 analysis: Section 11 2026" in text
    assert "Ratings by agency and standard" in text
    assert police.display_name in text
    assert "Green 3.0" in text and "Red 1.0" in text and "Amber 2.0" in text  # police, outsider, partnership


def test_pdf_keeps_the_sector_and_moderated_filters(client_for, qa_member, rated, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client_for(qa_member).post(url(rated, "section11:cycle-analysis-pdf"),
                                   {"sector": "police", "ratings": "moderated"})

    export = ReportExport.objects.get()
    assert export.parameters == {"cycle_id": rated.pk, "sector": "police", "ratings": "moderated"}
    assert export.status == ReportExport.Status.READY, export.error
    assert export.filename == "section11-analysis-section-11-2026-police-moderated.pdf"


# --- Speed ----------------------------------------------------------------------------------------
def big_cycle(scale, agencies: int, *, code: str):
    """A cycle (with a previous one) of `agencies` agencies × 9 standards × 7 criteria, rated in bulk."""
    framework = make_framework(scale, standards=9, criteria=7, code=code)
    members = AgencyFactory.create_batch(agencies, sector=Sector.VOLUNTARY)
    previous = make_cycle(framework, members, name=f"{code} 2024", opens_on=datetime.date(2024, 1, 8),
                          deadline=datetime.date(2024, 3, 29))
    cycle = make_cycle(framework, members, name=f"{code} 2026", previous=previous)
    levels = {lvl.code: lvl for lvl in RatingLevel.objects.filter(scale=scale)}
    for c in (previous, cycle):
        answers = Answer.objects.filter(ret__cycle=c)
        history.update(answers.filter(criterion__order__in=[1, 2, 3]),
                       rating=levels["green"], moderated_rating=levels["amber"])
        history.update(answers.filter(criterion__order__in=[4, 5]), rating=levels["amber"])
        history.update(answers.filter(criterion__order=6), rating=levels["red"])
        history.update(answers.filter(criterion__order=7, ret__agency__in=members[::2]),
                       not_applicable=True, not_applicable_reason="Not a service we run.")
    history.update(Return.objects.filter(cycle=cycle, agency__in=members[::3]), status=Return.Status.SUBMITTED)
    for agency in members[:3]:
        action = ActionFactory(owner_agency=agency, source_kind="section11",
                               due_date=timezone.localdate() - datetime.timedelta(days=2))
        Answer.objects.filter(ret__cycle=cycle, ret__agency=agency).first().actions.add(action)
    assert Criterion.objects.filter(standard__framework=framework).count() == 63
    return cycle


def test_analysis_page_runs_the_same_number_of_queries_for_60_agencies_as_for_6(
        client_for, qa_member, rag_scale, django_assert_num_queries):
    client = client_for(qa_member)
    large = big_cycle(rag_scale, 60, code="large")
    client.get(url(large))  # warm the session and caches, as a second visit would be
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url(large))
    assert response.status_code == 200
    assert response.content.decode().count("app-heat-map__agency") == 60
    # Session, user, 2FA device and roles; then the cycle, scale, standards, heat map (with each return's progress,
    # and the last cycle's answers by agency and standard in the same GROUP BY), returns, criteria, distribution,
    # action counts and overdue actions. The sectors for the filter come from the returns read (no sector chosen).
    measured = len(queries)
    assert measured == 13

    small = big_cycle(rag_scale, 6, code="small")
    client.get(url(small))
    with django_assert_num_queries(measured):
        assert client.get(url(small)).status_code == 200


def test_pdf_asked_for_from_the_reports_page_analyses_the_latest_launched_cycle(rated):
    from section11.analysis_reports import analysis_pdf

    filename, content = analysis_pdf({})

    assert filename == "section11-analysis-section-11-2026.pdf"
    assert content.startswith(b"%PDF")


def test_the_heat_map_and_the_comparison_by_agency_page_on_their_own(client_for, qa_member, rag_scale, monkeypatch):
    """Two lists of agencies on one page, each with its pagination: moving one keeps the other where it was (they
    once shared `?page=`, so the comparison's "next" moved the heat map too)."""
    from partnership.views import mixins

    monkeypatch.setattr(mixins, "LIST_PAGE_SIZE", 2)
    cycle = big_cycle(rag_scale, 6, code="paged")
    client = client_for(qa_member)

    response = client.get(url(cycle, agency_page=2))
    assert response.context["page"].number == 1
    assert response.context["agency_page"].number == 2
    html = response.content.decode()
    heat_nav, comparison_nav = (html.split(f'aria-label="{label}"')[1].split("</nav>")[0]
                                for label in ("Pages of the heat map", "Pages of the comparison by agency"))
    # The heat map's links keep the comparison on its page 2; the comparison's move only its own number.
    assert "?agency_page=2&amp;page=2#heat-map" in heat_nav
    assert "?agency_page=3#comparison" in comparison_nav and "page=2#heat-map" not in comparison_nav

    response = client.get(url(cycle, page=3, agency_page=2))
    assert (response.context["page"].number, response.context["agency_page"].number) == (3, 2)
    comparison_nav = response.content.decode().split('aria-label="Pages of the comparison by agency"')[1]
    assert "?page=3&amp;agency_page=1#comparison" in comparison_nav  # back to the first: the number left out
    assert "?page=3&amp;agency_page=3#comparison" in comparison_nav
