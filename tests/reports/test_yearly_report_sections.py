"""The yearly report's sections beyond the board pack's own: the subgroups' meetings, as the records stood at the
year's end, and each agency's attendance at them."""
import datetime

import pytest

from merton_qa import yearly_report
from partnership.models import Attendance, Membership, Role, Subgroup
from partnership.periods import Quarter, ReportPeriod
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
