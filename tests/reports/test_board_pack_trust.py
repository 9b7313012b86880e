"""The board pack the board can trust: a past quarter made again is the same pack, every figure read at one moment,
every count that appears twice agrees, and every self-assessment cycle open in the quarter is in it."""
import dataclasses
import datetime
import re

import pytest
from django.utils import timezone
from django.utils.html import strip_tags

from audits.management.commands.load_audit_tools import TOOLS_DIR, load_tool
from audits.models import Audit, ConsensusGrade, Grade, Programme
from learning.models import Booking
from merton_qa import board_report, composition
from partnership import contract
from partnership.dates import ReportPeriod
from partnership.models import Action, JourneyStage, Priority
from performance.models import Indicator
from section11 import analysis_reports
from section11.models import Answer, Cycle, RatingLevel, Return
from tests.audits.conftest import agree_all, make_audit
from tests.factories import AgencyFactory
from tests.learning.conftest import make_course, make_session
from tests.reports.conftest import (
    backdate_history,
    current_quarter,
    make_action,
    make_board_data,
    moment,
)
from tests.reports.test_board_report import make_review_case
from tests.section11.conftest import answer_all, make_cycle, make_framework

pytestmark = pytest.mark.django_db


def _stage(code: str, name: str) -> JourneyStage:
    return JourneyStage.objects.get_or_create(code=code, defaults={"name": name, "order": 90})[0]


def make_full_quarter():
    """A past quarter with something in every section: figures, a Section 11 cycle, an audit that met, a review
    case, a training session with delegates, actions and tags; all made (by their history) inside the quarter."""
    data = make_board_data()
    quarter = data.quarter
    make_review_case(quarter)
    tool = load_tool(TOOLS_DIR / "general-2025.yaml")
    year = f"{quarter.financial_year}-{(quarter.financial_year + 1) % 100:02d}"
    audit = make_audit(tool, Programme.objects.get_or_create(year=year)[0], data.agencies,
                       status=Audit.Status.MEETING, meeting_date=quarter.start + datetime.timedelta(days=10))
    agree_all(audit, codes_by_case={1: "requires-improvement"})
    session = make_session(make_course(), quarter.start + datetime.timedelta(days=12))
    for n in range(4):
        Booking.objects.create(session=session, name=f"Delegate {n}", email=f"delegate{n}@example.org",
                               agency=data.agencies[n % 2], role="Social worker", status=Booking.Status.CONFIRMED,
                               attendance=Booking.Attendance.ATTENDED if n < 3 else Booking.Attendance.NO_SHOW)
    priority = Priority.objects.create(code="trust-exploitation", title="Exploitation and missing children",
                                       start_date=quarter.start)
    for action in (data.actions["overdue"], data.actions["signed_off"]):
        action.priority = priority
        action.save()
    indicator = Indicator.objects.get(code="rhi-72h")
    indicator.priority = priority
    indicator.save()
    indicator.journey_stages.add(_stage("trust-help", "Help and protection"))
    _stage("trust-early", "Early help")  # reference data, there before the quarter: only the tags change later
    backdate_history(moment(quarter.start + datetime.timedelta(days=20)))
    return data, audit, session, indicator


def change_everything(data, audit, session, indicator):
    """Everything a partnership changes after a quarter ends: answers and ratings, moderation, a late return,
    actions, audit grades, attendance and tags."""
    police, council = data.agencies
    red = RatingLevel.objects.get(code="red")
    for answer in Answer.objects.filter(ret__agency=police):
        answer.rating, answer.moderated_rating, answer.narrative = red, red, "Rewritten after the quarter."
        answer.save()
    late = Return.objects.get(agency=council)
    answer_all(late, "green")
    late.status, late.submitted_at = Return.Status.SUBMITTED, timezone.now()
    late.save()
    actions = data.actions
    actions["overdue"].status, actions["overdue"].completion_evidence = Action.Status.COMPLETED, "Done."
    actions["overdue"].save()
    actions["on_track"].due_date = data.quarter.start
    actions["on_track"].save()
    actions["overdue_too"].delete()
    make_action(police, title="An action made after the quarter", due=data.quarter.start)
    inadequate = Grade.objects.get(tool=audit.tool, code="inadequate")
    for grade in ConsensusGrade.objects.filter(case__audit=audit):
        grade.grade = inadequate
        grade.save()
    for booking in Booking.objects.filter(session=session):
        booking.attendance = Booking.Attendance.NO_SHOW
        booking.save()
    indicator.journey_stages.clear()
    indicator.journey_stages.add(_stage("trust-early", "Early help"))


def pack_text(quarter) -> str:
    """The pack's text, less the one line that may differ: when it was made."""
    text = _pdftotext(board_report.render(quarter))
    return re.sub(r"Generated \d+ \w+ \d{4}, \d\d:\d\d", "Generated", text)


def _pdftotext(pdf: bytes) -> str:
    import subprocess

    return subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True,
                          timeout=120).stdout.decode()


def test_a_past_quarter_made_again_after_everything_changed_is_the_same_pack():
    data, audit, session, indicator = make_full_quarter()
    before = pack_text(data.quarter)
    now_before = board_report.report_context(current_quarter())
    change_everything(data, audit, session, indicator)

    assert pack_text(data.quarter) == before

    # The changes are real: the quarter under way sees them (so the test above could fail).
    now_after = board_report.report_context(current_quarter())
    assert _facts(now_after) != _facts(now_before)


def _facts(context) -> list[str]:
    return [text for q in context["one_page"] for _, text in q["facts"]]


def test_every_number_on_the_opening_pages_is_the_number_its_section_shows():
    """The executive pages are computed from the sections' own data: each number in a line lifted to the opening
    pages appears in the section that line comes from."""
    data, *_ = make_full_quarter()
    context = board_report.report_context(data.quarter)
    checked = 0
    for section in context["sections"]:
        shown = set(re.findall(r"\d+(?:\.\d+)?", strip_tags(section.html)))
        lines = [f.text for f in section.facts] + [e.text for e in section.evidence] + section.headlines
        for line in lines:
            for number in re.findall(r"\d+(?:\.\d+)?", line):
                assert number in shown, f"{section.key}: {number} in {line!r} is not in the section"
                checked += 1
    assert checked > 30


def test_the_same_count_agrees_wherever_the_pack_gives_it():
    data, *_ = make_full_quarter()
    context = board_report.report_context(data.quarter)
    sections = {s.key: s.context for s in context["sections"]}
    tracker, s11 = sections["actions"], sections["section11"]["cycles"][0]["completion"]
    one_page = " ".join(_facts(context))
    assert f"{tracker['overdue_count']} of {tracker['open']} open actions overdue" in one_page
    assert f"{s11['submitted']} of {s11['total']} agencies had made their self-assessment" in one_page
    reviews = sections["reviews"]
    assert f"{reviews['notified_on_time']} of {reviews['notified_total']} notification" in one_page
    audits = sections["audits"]
    rollup = audits["rows"][0]["rollup"]
    assert f"Audits: {rollup['good']} of {rollup['graded']} cases graded good or better overall." in one_page
    # "Achieving its priorities" gives each priority's judgement, in the priorities section's own words (its
    # actions are one source of it), and its status is theirs: no second count of a priority's actions there.
    [achieving] = [a for a in context["assurances"] if a["key"] == contract.PRIORITIES]
    rows = sections["priorities"]["rows"]
    assert [e["text"] for e in achieving["evidence"]] == [row.sentence for row in rows]
    [priority] = sections["actions"]["by_priority"]
    assert not any(f"of {priority['total']} actions done" in e["text"] for e in achieving["evidence"])
    learning = sections["learning"]
    assert f"{learning['rates']['post']} of {learning['rates']['attended']} delegates" in one_page or \
        learning["rates"]["attended"] == 0


# --- Every cycle, rightly named --------------------------------------------------------------------------------
def test_every_cycle_open_in_the_quarter_is_in_the_pack_each_under_its_own_statute(board_data):
    quarter = board_data.quarter
    police, council = board_data.agencies
    scale = RatingLevel.objects.get(code="green").scale
    schools_framework = make_framework(scale, code="test-kcsie")
    schools_framework.audience = schools_framework.Audience.SCHOOLS
    schools_framework.save()
    pilot = make_cycle(make_framework(scale, code="test-pilot"), [police], name="Pilot cycle",
                       opens_on=quarter.end - datetime.timedelta(days=5), deadline=quarter.end + datetime.timedelta(40))
    schools = make_cycle(schools_framework, [council], name="Schools audit",
                         opens_on=quarter.start - datetime.timedelta(days=200),
                         deadline=quarter.start - datetime.timedelta(days=30))  # late: still outstanding
    finished = make_cycle(schools_framework, [police], name="Finished before the quarter",
                          opens_on=quarter.start - datetime.timedelta(days=400),
                          deadline=quarter.start - datetime.timedelta(days=300))
    done = Return.objects.get(cycle=finished)
    done.status = Return.Status.SIGNED_OFF
    done.save()
    later = make_cycle(schools_framework, [police], name="Not opened yet",
                       opens_on=quarter.end + datetime.timedelta(days=10),
                       deadline=quarter.end + datetime.timedelta(days=90))
    backdate_history(moment(quarter.start - datetime.timedelta(days=1)))

    section = analysis_reports.board_section(ReportPeriod.for_quarter(quarter))
    names = [c["cycle"].name for c in section["cycles"]]
    assert set(names) == {"Section 11 board test cycle", "Pilot cycle", "Schools audit"}
    statutes = {c["cycle"].name: c["statute"] for c in section["cycles"]}
    assert statutes["Schools audit"] == "Education Act 2002, section 175/157, Keeping children safe in education"
    assert statutes["Pilot cycle"] == "Children Act 2004, section 11"
    schools_row = next(c for c in section["cycles"] if c["cycle"] == schools)
    assert schools_row["completion"]["late"] == 1
    assert pilot.pk in {c["cycle"].pk for c in section["cycles"]} and later.pk not in {
        c["cycle"].pk for c in section["cycles"]}
    assert Cycle.objects.count() == 5
    # A cycle whose returns are not yet due is no failure of the duty, and its line says why ("0 of 1 returns made"
    # beside "assured" read as a contradiction); one with a return overdue says how many.
    lines = {e.text: e.status for e in section["evidence"] if e.assurance == contract.DUTIES}
    assert lines[f"Pilot cycle (section 11): 0 of 1 returns made; none late (due by "
                 f"{contract.day_words(pilot.deadline)})."] == contract.ASSURED
    assert lines["Schools audit (section 175/157): 0 of 1 returns made; 1 return late."] == contract.NOT_ASSURED


# --- One name, one meaning: the report's period and a section's own ---------------------------------------------

def test_a_pack_whose_latest_figures_are_a_quarter_old_names_that_quarter_wherever_it_says_which():
    """Figures arrive after a quarter ends: the pack for the quarter just ended shows the quarter before, and says
    so. The note once named the report's own quarter (the pack's `period` took the place of the section's)."""
    from tests.reports.conftest import add_validated, make_indicator, past_quarter, quarter_periods

    agency = AgencyFactory(name="Merton Children's Social Care")
    periods = quarter_periods()
    shown = past_quarter().previous()
    add_validated(make_indicator(agency, code="V1", title="Visits on time"), periods[shown], 70)
    backdate_history(moment(shown.end + datetime.timedelta(days=10)))

    [section] = [s for s in board_report.report_context(past_quarter())["sections"] if s.key == "performance"]
    text = " ".join(strip_tags(section.html).split())
    assert f"this report shows the latest quarter with validated figures: {shown.label} " \
           f"({shown.start:%-d %B %Y} to {shown.end:%-d %B %Y})" in text
    assert f"Performance scorecard: {shown.label}" in text
    assert past_quarter().label not in text


def test_a_section_may_not_give_the_report_period_s_name_a_value_of_its_own():
    [source] = [s for s in composition.board_sections() if s.key == "performance"]
    period = ReportPeriod.for_quarter(current_quarter())
    clashing = dataclasses.replace(source, build=lambda p: {"has_data": True, "period": p.start})
    with pytest.raises(ValueError, match="performance section's context gives period a value of its own"):
        board_report.build_section(clashing, period)
    # The report's own period under the name is no clash (several sections pass it on).
    same = dataclasses.replace(source, build=lambda p: {"has_data": False, "period": p})
    assert board_report.build_section(same, period).context["period"] == period
