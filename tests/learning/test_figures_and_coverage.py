"""The coverage map (kernel tagging, no app imports), the L&D figures page and the board-report section."""
import datetime
import subprocess

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from learning import coverage
from learning.models import Briefing, BriefingUse, Course
from learning.reports import board_section
from learning.services import evaluation
from partnership.dates import ReportPeriod, add_working_days
from partnership.models import InspectionCriterion, InspectionFramework, JourneyStage
from partnership.pdf import render_pdf

from .conftest import book, make_session

pytestmark = pytest.mark.django_db


@pytest.fixture
def taxonomy(db):
    stages = [JourneyStage.objects.get_or_create(code=c, defaults={"name": n, "order": i})[0]
              for i, (c, n) in enumerate([("early-help", "Early help"), ("front-door", "Front door / MASH"),
                                          ("care-leavers", "Care leavers")])]
    fw, _ = InspectionFramework.objects.get_or_create(code="jtai", defaults={"name": "JTAI", "kind": "inspection"})
    crit = InspectionCriterion.objects.create(framework=fw, code="T1", name="Identification of initial need and risk")
    other = InspectionCriterion.objects.create(framework=fw, code="T2", name="Neglect deep dive")
    return stages, crit, other


def test_discovers_every_tagged_model_without_importing_apps():
    labels = {m._meta.label_lower for m in coverage.tagged_models()}
    assert {"learning.course", "learning.briefing"} <= labels
    # Whatever other apps are installed and tag their records contribute too (section11, performance, ...).
    from django.apps import apps

    from partnership.models import Tagged

    expected = {m._meta.label_lower for m in apps.get_models() if issubclass(m, Tagged)}
    assert labels == expected


def test_counts_per_stage_and_criterion_and_shows_gaps(taxonomy, course, django_assert_max_num_queries):
    (early, front, leavers), crit, other = taxonomy
    second = Course.objects.create(title="Early help assessments", summary="s", level=course.level, audience="a")
    course.journey_stages.set([early, front])
    second.journey_stages.set([early])
    course.inspection_criteria.set([crit])
    models = coverage.tagged_models()
    with django_assert_max_num_queries(2 * len(models) + 2):
        result = coverage.coverage()
    col = [c["key"] for c in result["columns"]].index("learning.course")
    rows = {r["item"].code: r for r in result["stages"]}
    assert rows["early-help"]["cells"][col] == 2 and rows["front-door"]["cells"][col] == 1
    assert rows["care-leavers"]["gap"] and not rows["early-help"]["gap"]
    jtai = next(g for g in result["frameworks"] if g["framework"].code == "jtai")
    by_code = {r["item"].code: r for r in jtai["rows"]}
    assert by_code["T1"]["total"] == 1 and by_code["T2"]["gap"]


def test_coverage_page_for_any_signed_in_person(taxonomy, client_for, reader, outsider):
    for person in (reader, outsider):
        page = client_for(person).get(reverse("learning:coverage"))
        assert page.status_code == 200 and "No assurance" in page.content.decode()


def test_board_section_renders_into_a_pdf(course, ld_coordinator, police):
    today = timezone.localdate()
    empty = board_section(ReportPeriod.between(today - datetime.timedelta(days=400),
                                               today - datetime.timedelta(days=300)))
    assert empty["has_data"] is False
    session = make_session(course, add_working_days(today, 5))  # open for booking over bank holidays too
    b = book(session, "a@police.example.org", agency=police)
    shift = session.date - (today - datetime.timedelta(days=1))  # then it happened yesterday
    session.starts_at -= shift
    session.ends_at -= shift
    session.save()
    evaluation.mark_attendance(session=session, marks={b.pk: "no_show"}, by=ld_coordinator)
    briefing = Briefing.objects.create(title="Learning from Child Q", background="b", why_it_matters="w",
                                       key_points="k", what_to_do="d", reflection_questions="q",
                                       source_kind="national_review", status="published", published_on=today)
    BriefingUse.objects.create(briefing=briefing, agency=police, team="CAIT", used_on=today, attendees=12,
                               logged_by=ld_coordinator)
    context = board_section(ReportPeriod.between(today - datetime.timedelta(days=30), today))
    assert context["has_data"] and context["sessions"] == 1 and context["briefing_attendees"] == 12
    assert context["delivered"] == 0  # nobody attended: a no-show only

    def text_of(ctx):
        pdf = render_pdf("learning/pdf/board_section_document.html", ctx)
        out = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout
        return " ".join(out.decode().split())

    text = text_of(context)
    assert "Learning and development" in text and "Police" in text and "12 people" in text
    assert "1 filled of 10 offered" in text
    assert "No training sessions were scheduled" in text_of(empty)


def test_figures_page_and_query_count(course, ld_coordinator, client_for, police, django_assert_max_num_queries):
    today = timezone.localdate()
    for i in range(4):  # open for booking whatever day of the week the test runs (2 working days' cut-off)
        s = make_session(course, add_working_days(today, 3 + i))
        for j in range(3):
            book(s, f"p{i}{j}@police.example.org", agency=police)
    client = client_for(ld_coordinator)
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("learning:figures")).status_code == 200
    for i in range(4):
        s = make_session(course, today + datetime.timedelta(days=20 + i))
        for j in range(3):
            book(s, f"q{i}{j}@police.example.org", agency=police)
    with django_assert_max_num_queries(len(few)):
        assert client.get(reverse("learning:figures")).status_code == 200


def test_coverage_in_the_board_report_names_the_journey_stages_without_assurance(taxonomy, course):
    (early, front, leavers), crit, other = taxonomy
    today = timezone.localdate()
    assert coverage.board_section(ReportPeriod.between(today, today))["has_data"] is False  # nothing tagged yet
    course.journey_stages.set([early, front])
    section = coverage.board_section(ReportPeriod.between(today, today))
    assert section["has_data"] is True
    assert section["headlines"] == ["No assurance activity is tagged to 1 stage of the child's journey: Care leavers."]
    html = render_to_string("learning/pdf/coverage_section.html", section)
    assert "Care leavers" in html and "No assurance" in html and "Identification of initial need and risk" in html
