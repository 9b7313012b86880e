"""The yearly report's sections beyond the board pack's own: the subgroups' meetings, as the records stood at the
year's end, and each agency's attendance at them."""
import datetime

import pytest

from merton_qa import yearly_report
from partnership.dates import Quarter, ReportPeriod
from partnership.models import Attendance, Membership, Role, Subgroup
from partnership.services import meetings
from tests.factories import UserFactory
from tests.history import backdate_history, moment

pytestmark = pytest.mark.django_db


def last_year() -> int:
    return yearly_report.last_complete_year()


def words_of(blocks) -> str:
    return " ".join(getattr(b, "text", "") + " ".join(getattr(b, "items", ()))
                    + " ".join(" ".join(row) for row in getattr(b, "rows", ())) for b in blocks)


def _held(group, members, day, by, statuses, decisions=()):
    meeting = meetings.meeting_create(subgroup=group, starts_at=moment(day, 10), by=by, place="Civic Centre")
    meetings.attendance_record(meeting=meeting, by=by, rows=[(m, status, "Dee Deputy" if status == "deputy" else "")
                                                              for m, status in zip(members, statuses, strict=True)])
    for text, owner in decisions:
        meetings.decision_record(meeting=meeting, by=by, text=text, needs_action=owner is not None,
                                 owner_agency=owner, due_date=day + datetime.timedelta(days=30) if owner else None,
                                 tell=False)
    meeting.refresh_from_db()
    meetings.meeting_mark_held(meeting=meeting, by=by, expected_version=meeting.version)
    return meeting


def test_the_subgroups_meetings_are_counted_as_they_stood_at_the_years_end(business_unit, police, partnership_unit):
    year = last_year()
    quarter = Quarter(year, 2)
    group = Subgroup.objects.create(name="Quality assurance subgroup", kind=Subgroup.Kind.QA)
    chair = UserFactory(roles=[Role.QA_MEMBER], agency=partnership_unit)
    officer = UserFactory(roles=[Role.AGENCY_LEAD], agency=police)
    members = [Membership.objects.create(subgroup=group, person=person, agency=agency,
                                         start_date=datetime.date(year - 1, 1, 1))
               for person, agency in ((chair, partnership_unit), (officer, police))]
    present, apologies, deputy = Attendance.Status.PRESENT, Attendance.Status.APOLOGIES, Attendance.Status.DEPUTY
    _held(group, members, quarter.start + datetime.timedelta(days=10), business_unit, (present, apologies),
          decisions=(("Audit neglect cases again.", police), ("Note the scorecard.", None)))
    _held(group, members, quarter.start + datetime.timedelta(days=40), business_unit, (present, deputy))
    backdate_history(moment(quarter.start + datetime.timedelta(days=45)))
    # Held in the year but recorded as held only after it ended: not a meeting held as the records stood then.
    _held(group, members, Quarter(year, 4).end - datetime.timedelta(days=3), business_unit, (present, present))

    context = yearly_report.report_context(ReportPeriod.for_financial_year(year))
    [found] = context["meetings"]
    assert (found.subgroup, found.held, found.decisions, found.actions) == ("Quality assurance subgroup", 2, 2, 1)
    assert (found.attendance.expected, found.attendance.attended) == (4, 3)
    words = words_of(context["blocks"])
    assert "2 meetings held by 1 subgroup; 2 decisions made, 1 turned into tracker actions." in words
    assert "Members or their deputies filled 3 of 4 places at the meetings (75%)." in words
    [table] = [b for b in context["blocks"] if getattr(b, "caption", "") == "The subgroups' meetings in the year"]
    assert table.rows == (("Quality assurance subgroup", "2", "2", "1", "75%"),)
    # Each agency's attendance, read the same way.
    contributions = {r["agency"]: r for r in context["contributions"]}
    assert contributions[police.name]["meetings"].percent == 50
    assert contributions[partnership_unit.name]["meetings"].percent == 100
    [agencies] = [b for b in context["blocks"] if getattr(b, "caption", "") == "Each agency's contribution in the year"]
    assert agencies.header[-1] == "Meeting attendance"
    assert dict((row[0], row[-1]) for row in agencies.rows)[police.name] == "50%"


def test_the_packs_of_the_years_quarters_count_the_fourth_published_after_the_year(business_unit):
    from partnership.models import BoardPack, Meeting

    year = last_year()
    quarters = [Quarter(year, n) for n in (1, 2, 3, 4)]
    for quarter in quarters[:3]:
        BoardPack.objects.create(period_code=quarter.code, status=BoardPack.Status.PUBLISHED,
                                 published_at=moment(quarter.end + datetime.timedelta(days=30)))
    fourth = BoardPack.objects.create(period_code=quarters[3].code)  # drafted after the year: not yet published
    executive = Subgroup.objects.create(name="Partnership executive", kind=Subgroup.Kind.EXECUTIVE)
    board_day = datetime.date(year + 2, 1, 20)
    Meeting.objects.create(subgroup=executive, starts_at=moment(board_day), place="Civic Centre")
    period = ReportPeriod.for_financial_year(year)
    words = words_of(yearly_report.report_context(period)["blocks"])
    published_q1 = f"{quarters[0].label} on {quarters[0].end + datetime.timedelta(days=30):%-d %B %Y}"
    assert f"3 of the year's 4 quarterly assurance reports published to the board ({published_q1};" in words
    assert (f"{quarters[3].label}: the pack is drafted, waiting for the chair's approval; it is due at the "
            f"Partnership executive's meeting on {board_day:%-d %B %Y}.") in words
    # Published after the year's end (as a fourth quarter's pack always is): counted.
    published = moment(quarters[3].end + datetime.timedelta(days=40))
    fourth.status, fourth.published_at = BoardPack.Status.PUBLISHED, published
    fourth.save()
    assert "4 of the year's 4 quarterly assurance reports published" in words_of(
        yearly_report.report_context(period)["blocks"])
    # A report made before then said three: what a report says is what stood when it was made.
    before = yearly_report.packs_of_year(period, now=published - datetime.timedelta(days=1))
    assert [p.published_at is not None for p in before] == [True, True, True, False]
    assert "the pack is drafted" in before[3].words


def test_impact_compares_the_years_first_and_last_reported_quarters_and_grades_audits_by_quarter(police):
    from audits.management.commands.load_audit_tools import TOOLS_DIR, load_tool
    from audits.models import Programme
    from learning.models import Booking
    from tests.audits.conftest import agree_all, make_audit
    from tests.learning.conftest import make_course, make_session
    from tests.reports.conftest import add_validated, make_indicator, quarter_periods

    year = last_year()
    quarters = [Quarter(year, n) for n in (1, 2, 3, 4)]
    tool, programme = load_tool(TOOLS_DIR / "general-2025.yaml"), Programme.objects.create(year=f"{year}")
    first = make_audit(tool, programme, [police], theme="Neglect", cases=2,
                       meeting_date=quarters[0].start + datetime.timedelta(days=20))
    agree_all(first, {0: "outstanding", 1: "good"})
    backdate_history(moment(quarters[0].start + datetime.timedelta(days=21)))
    session = make_session(make_course(), quarters[1].start + datetime.timedelta(days=5))
    Booking.objects.create(session=session, name="Delegate", email="d@example.org", agency=police, role="Nurse",
                           status=Booking.Status.CONFIRMED, attendance=Booking.Attendance.ATTENDED)
    backdate_history(moment(quarters[1].start + datetime.timedelta(days=6)))
    third = make_audit(tool, programme, [police], theme="Exploitation", cases=3,
                       meeting_date=quarters[2].start + datetime.timedelta(days=20))
    agree_all(third, {0: "inadequate", 1: "good", 2: "inadequate"})
    backdate_history(moment(quarters[2].start + datetime.timedelta(days=21)))
    periods = quarter_periods()
    indicator = make_indicator(police, code="visits", title="Visits on time")
    for quarter, value in ((quarters[0], 60), (quarters[2], 90), (quarters[3], 85)):
        add_validated(indicator, periods[quarter], value)
    backdate_history(moment(quarters[3].start + datetime.timedelta(days=5)))

    context = yearly_report.report_context(ReportPeriod.for_financial_year(year))
    blocks = context["blocks"]
    words = words_of(blocks)
    # The year's first reported quarter against its last, said by name: 60% to 85% is better, though the last
    # quarter fell from the one before.
    [indicators] = [b for b in blocks if getattr(b, "caption", "").startswith("Indicators in")]
    assert indicators.caption == f"Indicators in {quarters[0].label} and {quarters[3].label}"
    assert indicators.header[1:3] == (quarters[0].label, quarters[3].label)
    assert indicators.rows == (("Visits on time", "60%", "85%", "Green", "Better"),)
    assert f"{quarters[3].label}, the last quarter of the year with validated figures, against " \
           f"{quarters[0].label}, the first" in words
    assert "quarter before" not in indicators.caption
    # Audit grades over time, from each quarter's audits section.
    [grades] = [b for b in blocks if getattr(b, "caption", "") == "Overall audit grades by quarter"]
    assert grades.header == ("Quarter", "Outstanding", "Good", "Inadequate", "Cases graded", "Good or better")
    assert grades.rows == ((quarters[0].label, "1", "1", "0", "2", "100%"),
                           (quarters[1].label, "0", "0", "0", "0", "None graded"),
                           (quarters[2].label, "0", "1", "2", "3", "33%"),
                           (quarters[3].label, "0", "0", "0", "0", "None graded"))
    # Training with no follow-up says there is no evidence of changed practice, rather than nothing.
    assert "no delegate was followed up in the year, so there is no evidence yet of a change in practice" in words


def test_priority_evidence_says_each_label_once_and_leaves_out_sources_with_nothing(db):
    from partnership.contract import BETTER_OFF, HOW_MUCH, HOW_WELL, NOT_ASSURED, PARTLY, Fact, PriorityEvidence
    from partnership.models import Priority

    priority = Priority.objects.create(code="p", title="Neglect", start_date=datetime.date(2020, 1, 1))
    evidence = [PriorityEvidence("Indicators", (Fact(HOW_MUCH, "Indicators: 4 indicators, 3 with a figure."),
                                                Fact(HOW_WELL, "Indicators: 2 green, 1 amber and 0 red.")), PARTLY),
                PriorityEvidence("Audits"),  # nothing tagged: no words at all
                PriorityEvidence("Review learning", (Fact(BETTER_OFF, "Review learning: 2 of 3 actions done."),),
                                 PARTLY)]
    finding = yearly_report.PriorityFinding(priority, evidence, PARTLY)
    empty = yearly_report.PriorityFinding(Priority(title="Exploitation"), [PriorityEvidence("Audits")], NOT_ASSURED,
                                          "Exploitation: nothing tagged.")
    [table] = [b for b in yearly_report._priorities({"findings": [finding, empty]})
               if getattr(b, "caption", "") == "Evidence of progress on each priority"]
    assert table.rows[0][1] == ("Indicators: 4 indicators, 3 with a figure. 2 green, 1 amber and 0 red. "
                                "Review learning: 2 of 3 actions done.")
    assert table.rows[1][1] == "Nothing tagged to it."
    words = " ".join(" ".join(row) for row in table.rows)
    assert "Indicators: Indicators" not in words and "Audits:" not in words


def test_the_agency_table_counts_the_self_assessments_the_section11_section_counts(police, partnership_unit):
    """A cycle still open in the year whose returns were made before it began: the section says 1 of 2 made, and
    so does the agency table (it once counted only returns made inside the year, and showed none). The duties
    area says what the register holds rather than "Nothing recorded"."""
    from django.core.management import call_command

    from section11.models import Return
    from tests.reports.conftest import _scale
    from tests.section11.conftest import answer_all, make_cycle, make_framework

    year = last_year()
    start = Quarter(year, 1).start
    cycle = make_cycle(make_framework(_scale()), [police, partnership_unit], name="Section 11 earlier",
                       opens_on=start - datetime.timedelta(days=60), deadline=start + datetime.timedelta(days=20))
    made = answer_all(Return.objects.get(cycle=cycle, agency=police))
    made.status, made.submitted_at = Return.Status.SUBMITTED, moment(start - datetime.timedelta(days=10))
    made.save()
    call_command("load_reference_data", stdout=open("/dev/null", "w"))
    backdate_history(moment(start - datetime.timedelta(days=5)))

    context = yearly_report.report_context(ReportPeriod.for_financial_year(year))
    words = words_of(context["blocks"])
    assert "Section 11 earlier: 1 of 2 agencies had made their self-assessment" in words
    [agencies] = [b for b in context["blocks"] if getattr(b, "caption", "") == "Each agency's contribution in the year"]
    assert agencies.header[1] == "Self-assessments made"
    made_by = {row[0]: row[1] for row in agencies.rows}
    assert made_by[police.name] == "1" and made_by.get(partnership_unit.name, "0") == "0"
    assert sum(int(n) for n in made_by.values()) == 1
    [did] = [b for b in context["blocks"] if getattr(b, "caption", "") == "What the partnership did, and how well"]
    duties = dict((row[0], row[1]) for row in did.rows)["Statutory duties"]
    assert duties.startswith("Statutory duties: 9 duties in the register, 9 of them read by their rule")
    assert "Nothing recorded." not in {row[1] for row in did.rows}


def test_an_audit_belongs_to_one_quarter_so_the_quarters_sum_to_the_year(police):
    """Met in one quarter and agreed its report in the next: in the first quarter's pack only (the meeting), and an
    audit with no meeting date recorded by the day its report was agreed."""
    from audits import reports
    from audits.management.commands.load_audit_tools import TOOLS_DIR, load_tool
    from audits.models import Programme
    from tests.audits.conftest import make_audit

    year = last_year()
    quarters = [Quarter(year, n) for n in (1, 2, 3, 4)]
    tool, programme = load_tool(TOOLS_DIR / "general-2025.yaml"), Programme.objects.create(year=f"{year}")
    make_audit(tool, programme, [police], theme="Neglect", meeting_date=quarters[0].end - datetime.timedelta(days=2),
               report_agreed_on=quarters[1].start + datetime.timedelta(days=20))
    make_audit(tool, programme, [police], theme="Exploitation",
               report_agreed_on=quarters[2].start + datetime.timedelta(days=3))
    backdate_history(moment(quarters[0].start))

    in_quarter = [[r["audit"].theme for r in reports.board_section(ReportPeriod.for_quarter(q))["rows"]]
                  for q in quarters]
    assert in_quarter == [["Neglect"], [], ["Exploitation"], []]
    year_rows = reports.board_section(ReportPeriod.for_financial_year(year))["rows"]
    assert len(year_rows) == sum(len(themes) for themes in in_quarter) == 2


def test_quarters_whose_packs_stand_alike_are_said_together():
    from merton_qa.yearly_figures import QuarterPack, packs_words

    q = [Quarter(2025, n) for n in (1, 2, 3, 4)]
    published = moment(datetime.date(2025, 7, 20))
    words = packs_words([QuarterPack(q[0], published, ""),
                         *(QuarterPack(quarter, None, "the pack has not been started; no board meeting is planned for "
                                                      "{them} yet.") for quarter in q[1:])])
    assert words == ("1 of the year's 4 quarterly assurance reports published to the board (2025-26 Q1 on 20 July "
                     "2025). 2025-26 Q2, 2025-26 Q3 and 2025-26 Q4: the packs have not been started; no board "
                     "meeting is planned for them yet.")
