"""The quarterly board report: the PDF's content and quality, reproducible figures, the command, query counts."""
import datetime
import re

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from merton_qa import board_report, composition
from partnership import history
from partnership import reports as action_reports
from partnership.contract import (
    ASSURED,
    HOW_MUCH,
    NO_EVIDENCE,
    NOT_ASSURED,
    PARTLY,
    Fact,
    overall_status,
    share_status,
)
from partnership.dates import Quarter, QuarterError, ReportPeriod, end_of_day
from partnership.models import Action
from section11.models import Answer, Criterion, Cycle, Return
from tests.factories import AgencyFactory
from tests.reports.conftest import (
    GREEN_INDICATOR,
    RED_INDICATOR,
    backdate_history,
    current_quarter,
    make_action,
    make_board_data,
    moment,
    past_quarter,
    poppler,
)

SECTION_HEADINGS = {
    "priorities": "Partnership priorities",
    "performance": "Performance scorecard: ",
    "section11": "Section 11 and schools' safeguarding self-assessments",
    "audits": "Multi-agency case audits",
    "reviews": "Serious incidents and practice reviews",
    "learning": "Learning and development",
    "actions": "Action tracker",
    "coverage": "Coverage of assurance",
    "duties": "Statutory duties",
}
EARLY = Quarter(2019, 1)  # long before any data the fixtures make
REVIEW_CASE_REF, REVIEW_PSEUDONYM = "MSCP-BOARD-77", "Child Quill"
REVIEW_SUMMARY = "Toddler admitted with unexplained fractures."


def make_review_case(quarter):
    """A case notified in the quarter, through the reviews services (as the reviews group would)."""
    from partnership.models import Role
    from reviews import services
    from reviews.models import Notification
    from tests.factories import UserFactory

    member = UserFactory(roles=[Role.REVIEWS_MEMBER])
    agency = AgencyFactory(name="Board Review Health Trust")
    day = quarter.start + datetime.timedelta(days=14)
    referral = services.referral_create(by=member, case_reference=REVIEW_CASE_REF, referring_agency=agency,
                                        referred_on=day, summary=REVIEW_SUMMARY)
    services.screening_record(by=member, referral=referral, notifiable=True, rationale="Criteria met.",
                              decided_on=day)
    notification = services.notification_create(by=member, referral=referral, pseudonym=REVIEW_PSEUDONYM,
                                                incident_on=day, became_aware_on=day,
                                                nature=Notification.Nature.SERIOUS_HARM, agencies=[agency],
                                                parallel_processes=["police"])
    services.notification_add_child(by=member, notification=notification, age_band="under_1", sex="male",
                                    legal_status="none")
    services.notification_submit(by=member, notification=notification, notified_on=day + datetime.timedelta(days=2),
                                 partners_told_on=day + datetime.timedelta(days=2), panel_reference="P-77",
                                 expected_version=notification.version)


# Every test may touch the database: a test selected on its own must still get the test database created.
pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def pdfs(django_db_setup, django_db_blocker, tmp_path_factory):
    """The last complete quarter's report with data in every built app, and a quarter before any data.

    Rendered once for the module (a few seconds each), inside a transaction rolled back afterwards.
    """
    folder = tmp_path_factory.mktemp("board-report")
    with django_db_blocker.unblock(), transaction.atomic():
        data = make_board_data()
        make_review_case(data.quarter)
        backdate_history(moment(data.quarter.start + datetime.timedelta(days=20)))  # the case was made then
        past, early = folder / "past.pdf", folder / "early.pdf"
        past.write_bytes(board_report.render(data.quarter))
        early.write_bytes(board_report.render(EARLY))
        transaction.set_rollback(True)
    return {"past": past, "early": early, "quarter": data.quarter,
            "refs": {key: action.reference for key, action in data.actions.items()}}


@pytest.fixture(scope="module")
def pages(pdfs) -> list[str]:
    return poppler("pdftotext", "-layout", str(pdfs["past"]), "-").split("\f")


@pytest.fixture(scope="module")
def text(pages) -> str:
    return re.sub(r"\s+", " ", " ".join(pages))


def squash(value: str) -> str:
    return re.sub(r"\s+", " ", value)


def page_starting_with(pages, heading) -> int:
    """The 1-based page whose body (after the running header) begins with the heading."""
    for number, page in enumerate(pages, start=1):
        body = [line.strip() for line in page.splitlines() if line.strip()][1:2]
        if body and body[0].startswith(heading):
            return number
    raise AssertionError(f"no page starts with {heading!r}")


# --- The document -------------------------------------------------------------------------------------
def test_cover_has_the_title_partnership_period_and_one_moment(pages, pdfs, settings):
    quarter = pdfs["quarter"]
    cover = squash(pages[0])
    assert "Quality assurance report to the partnership board" in cover
    assert settings.PARTNERSHIP_NAME in cover
    assert f"{quarter.label}: {quarter.start:%-d %B %Y} to {quarter.end:%-d %B %Y}" in cover
    assert "Figures as at" in cover
    assert f"{quarter.end:%-d %B %Y}, 23:59 (the end of the quarter)" in cover
    assert "Every figure in" in cover and "as it stood at that moment." in cover
    assert "not over" not in cover  # a past quarter is complete
    assert "No child is named in this report." in cover


def test_no_page_reads_its_figures_at_another_moment(text):
    """One "as at" for the whole pack: nothing says "today", "as it stands" or "when this report was made"."""
    for words in ("as they stand today", "as it stands today", "when this report was made", "held today"):
        assert words not in text


def test_cover_has_no_running_header_but_later_pages_do(pages, pdfs):
    header = f"QA board report · {pdfs['quarter'].label}"
    assert header not in pages[0]
    assert all(header in page for page in pages[1:] if page.strip())


OPENING = {"The quarter on one page": "The quarter on one page",
           "The partnership's five assurances": "The partnership's five assurances",
           "The chair's narrative and what the board is asked to do": "The chair's narrative"}


def test_contents_lists_the_opening_pages_and_every_section_with_the_page_it_starts_on(pages):
    contents = pages[1]
    assert "Contents" in contents
    entries = dict(re.findall(r"\d+\. (.+?) \.{3,} (\d+)", contents))
    sources = composition.board_sections()
    assert list(entries) == list(OPENING) + [source.title for source in sources]
    first_heading = {**OPENING, **{source.title: SECTION_HEADINGS[source.key] for source in sources}}
    for title, page in entries.items():
        assert int(page) == page_starting_with(pages, first_heading[title]), title


def test_contents_says_what_each_section_answers(pages):
    contents = squash(pages[1])
    for source in composition.board_sections():
        assert source.question in contents


def test_the_quarter_on_one_page_answers_the_four_questions_in_words_with_their_numbers(pages, pdfs):
    page = squash(pages[page_starting_with(pages, "The quarter on one page") - 1])
    quarter = pdfs["quarter"]
    for question in ("How much did we do?", "How well did we do it?", "Is anyone better off?",
                     "What will we do next?"):
        assert question in page
    assert "Section 11 board test cycle: 1 of 2 agencies had made their self-assessment (50%)." in page
    assert f"Performance: 2 indicators reported for {quarter.label}." in page
    assert "Performance: 1 green, 0 amber and 1 red against target." in page
    assert "Reviews: 1 of 1 notification within 5 working days." in page
    assert f"Actions: 2 of 3 open actions overdue on {quarter.end:%-d %B %Y}." in page
    assert "Actions: 1 action signed off as done in the period." in page
    # The exceptions the board should see first
    assert f"1 indicator rated red in {quarter.label}: {RED_INDICATOR}." in page
    assert GREEN_INDICATOR not in page
    assert "Section 11 board test cycle: 1 of 2 agencies had made their self-assessment; 1 was late." in page


def test_the_five_assurances_each_have_a_status_in_words_and_their_evidence(pages):
    page = squash(pages[page_starting_with(pages, "The partnership's five assurances") - 1])
    for title in ("Meeting its statutory duties", "Achieving its priorities", "Ensuring quality across the",
                  "Setting the right priorities", "Holding partners and board"):
        assert title in page
    assert "Section 11 board test cycle (section 11): 1 of 2 returns made; 1 return late." in page
    assert "Statutory clocks: 1 of 1 notification within 5 working days." in page
    assert "Action tracker: 2 of 3 open actions overdue" in page
    statuses = re.findall(r"(Not assured|Partly assured|Assured|No evidence)", page)
    assert len(statuses) >= 5


def test_a_draft_of_the_figures_says_it_has_no_narrative_yet(pages):
    page = squash(pages[page_starting_with(pages, "The chair's narrative") - 1])
    assert "No narrative has been written for this report yet" in page
    assert "Nothing has been put to the board yet." in page


def test_every_section_has_its_heading_on_a_page_of_its_own(pages):
    starts = [page_starting_with(pages, heading) for heading in SECTION_HEADINGS.values()]
    assert starts == sorted(starts)
    assert len(set(starts)) == len(starts)


def test_sections_show_the_figures_of_the_quarter(text, pdfs):
    quarter, refs = pdfs["quarter"], pdfs["refs"]
    assert f"Exception report: {quarter.label}" in text
    # The exception's summary is one sentence (issue 21: a lighter pack), no longer a three-row table.
    assert f"{RED_INDICATOR} {quarter.label}: 55% against a target of 80%. Red" in text
    assert "Returns made (submitted or" in text and "50% (1 of 2)" in text
    assert "Open actions 3 Overdue 2 (33% of open actions on time) Signed off this quarter 1" in text
    assert refs["overdue"] in text and refs["overdue_too"] in text and refs["signed_off"] in text
    assert refs["on_track"] not in text  # open and not overdue: counted, not listed


def test_reviews_section_counts_the_case_and_the_pack_holds_no_case_detail(pages, text):
    """Reviews are counts and deadlines only: no case reference, pseudonym or summary anywhere in the pack."""
    page = squash(pages[page_starting_with(pages, SECTION_HEADINGS["reviews"]) - 1])
    assert "Notified within 5 working days 1 of 1 (100%)" in page
    for secret in (REVIEW_CASE_REF, REVIEW_PSEUDONYM, REVIEW_SUMMARY):
        assert secret not in text


def test_sections_with_nothing_for_the_quarter_say_so(pages):
    for key in ("audits", "learning", "coverage"):
        page = squash(pages[page_starting_with(pages, SECTION_HEADINGS[key]) - 1])
        assert page.count("No ") >= 1, key


def test_a_quarter_before_any_data_says_so_plainly_in_each_section(pdfs):
    text = squash(poppler("pdftotext", str(pdfs["early"]), "-"))
    assert "No validated quarterly performance figures had been recorded by the end of this quarter." in text
    assert "No self-assessment cycle was open during this period." in text
    assert f"No action had been recorded in the tracker by {EARLY.end:%-d %B %Y}." in text
    assert text.count("Nothing reported for this question in the period.") == 4
    assert text.count("Nothing in this period's evidence speaks to it.") == 5
    assert RED_INDICATOR not in text


def test_pdf_is_a4_tagged_titled_with_the_quarter_and_several_pages(pdfs, settings):
    info = poppler("pdfinfo", str(pdfs["past"]))
    fields = dict(line.split(":", 1) for line in info.splitlines() if ":" in line)
    fields = {key.strip(): value.strip() for key, value in fields.items()}
    assert int(fields["Pages"]) > 3
    assert pdfs["quarter"].label in fields["Title"]
    assert fields["Title"].startswith("Quality assurance report to the partnership board")
    assert settings.PARTNERSHIP_NAME in fields["Title"]
    assert fields["Tagged"] == "yes"
    assert "(A4)" in fields["Page size"]


def test_every_page_is_a4_and_numbered(pdfs, pages):
    sizes = poppler("pdfinfo", "-f", "1", "-l", "999", str(pdfs["past"]))
    page_sizes = [line for line in sizes.splitlines() if re.match(r"Page\s+\d+ size", line)]
    assert page_sizes and all("(A4)" in line for line in page_sizes)
    total = len([page for page in pages if page.strip()])
    for number in range(2, total + 1):
        assert f"Page {number} of {total}" in pages[number - 1]


# --- Sections and the contract --------------------------------------------------------------------------
def test_the_board_order_holds_exactly_the_apps_sections():
    offered = [section.key for app in composition.APPS for section in app.board_sections]
    assert sorted(offered) == sorted(composition.BOARD_ORDER)
    assert len(set(offered)) == len(offered)


def test_a_section_without_data_adds_nothing_to_the_opening_pages_even_if_its_app_gives_some(db):
    source = composition.board_sections()[0]
    section = board_report.Section(source, context={"has_data": False, "headlines": ["x"],
                                                    "facts": [Fact(HOW_MUCH, "x")], "evidence": ["x"]})
    assert (section.headlines, section.facts, section.evidence) == ([], [], [])


def test_an_assurance_is_as_strong_as_its_weakest_evidence():
    assert overall_status([ASSURED, PARTLY, ASSURED]) == PARTLY
    assert overall_status([ASSURED, NOT_ASSURED]) == NOT_ASSURED
    assert overall_status([ASSURED]) == ASSURED
    assert overall_status([]) == NO_EVIDENCE
    assert [share_status(9, 10), share_status(6, 10), share_status(5, 10), share_status(0, 0)] == [
        ASSURED, PARTLY, NOT_ASSURED, NO_EVIDENCE]


def test_the_board_report_export_names_the_file_by_quarter(db, monkeypatch):
    monkeypatch.setattr(board_report, "render", lambda quarter, **kw: b"%PDF-" + quarter.code.encode())
    assert board_report.board_report_pdf({"period": "2026-Q2"}) == ("board-report-2026-27-q2.pdf", b"%PDF-2026-Q2")


def test_the_board_report_export_refuses_a_bad_period(db):
    with pytest.raises(QuarterError):
        board_report.board_report_pdf({"period": "summer"})
    with pytest.raises(QuarterError):
        board_report.board_report_pdf({})


def test_current_quarter_is_read_now_and_a_past_one_at_its_last_moment(db):
    context = board_report.report_context(current_quarter(), sources=())
    assert context["in_progress"] is True
    assert abs((context["as_at"] - timezone.now()).total_seconds()) < 60
    past = board_report.report_context(past_quarter(), sources=())
    assert past["in_progress"] is False
    assert past["as_at"] == end_of_day(past_quarter().end)
    assert timezone.localtime(past["as_at"]).time() == datetime.time.max


# --- Reproducible figures: the action tracker as it stood at the end of the period -------------------------
def tracker_figures(quarter: Quarter) -> dict:
    section = action_reports.board_section(ReportPeriod.for_quarter(quarter))
    return {
        "open": section["open"], "overdue": sorted(a.reference for a in section["overdue"]),
        "signed_off": sorted(a.reference for a in section["signed_off"]),
        "by_agency": sorted((r["agency"].name, r["open"], r["overdue"], r["signed_off"]) for r in section["by_agency"]),
        "headlines": section["headlines"],
    }


def test_past_quarter_tracker_figures_do_not_change_with_later_edits(board_data):
    past = board_data.quarter
    before = tracker_figures(past)
    actions = board_data.actions
    assert before["open"] == 3
    assert before["overdue"] == sorted([actions["overdue"].reference, actions["overdue_too"].reference])
    assert before["signed_off"] == [actions["signed_off"].reference]

    # Today, after the quarter ended: close one, move a due date, delete one, reopen one, add one.
    on_track = actions["on_track"]
    on_track.status, on_track.completion_evidence, on_track.impact_evidence = (
        Action.Status.CLOSED, "Done.", "Staff quiz scores up.")
    on_track.signed_off_at = timezone.now()
    on_track.save()
    actions["overdue"].due_date = timezone.localdate() + datetime.timedelta(days=60)
    actions["overdue"].save()
    actions["overdue_too"].delete()
    signed_off = actions["signed_off"]
    signed_off.status, signed_off.signed_off_at = Action.Status.IN_PROGRESS, None
    signed_off.save()
    make_action(board_data.agencies[0], title="Added after the quarter", due=past.start)

    assert tracker_figures(past) == before


def test_current_quarter_tracker_figures_reflect_the_edits(board_data):
    actions = board_data.actions
    on_track = actions["on_track"]
    on_track.status, on_track.completion_evidence, on_track.impact_evidence = (
        Action.Status.CLOSED, "Done.", "Staff quiz scores up.")
    on_track.signed_off_at = timezone.now()
    on_track.save()
    actions["overdue"].due_date = timezone.localdate() + datetime.timedelta(days=60)
    actions["overdue"].save()
    deleted = actions["overdue_too"].reference
    actions["overdue_too"].delete()
    added = make_action(board_data.agencies[0], title="Added after the quarter", due=board_data.quarter.start)

    now = tracker_figures(current_quarter())

    assert now["open"] == 2  # the moved one and the added one
    assert now["overdue"] == [added.reference]
    assert deleted not in now["overdue"]
    assert now["signed_off"] == [on_track.reference]  # the one signed off in an earlier quarter is not this one's


def test_tracker_as_at_a_day_inside_the_history(board_data):
    """An action made (by its history) after a quarter ended is not in that quarter's figures."""
    past = board_data.quarter
    # the first moment after the quarter (not its midday: on a quarter's first morning that is still to come)
    late = make_action(board_data.agencies[0], title="Made after the quarter", due=past.start,
                       created=moment(past.end + datetime.timedelta(days=1), hour=0))
    assert late.reference not in tracker_figures(past)["overdue"]
    assert late.reference in tracker_figures(current_quarter())["overdue"]


# --- The command ------------------------------------------------------------------------------------------
def test_command_writes_a_pdf_for_the_period(db, tmp_path):
    output = tmp_path / "report.pdf"
    call_command("board_report", "--period", EARLY.code, "--output", str(output), stdout=(out := _Out()))
    assert output.read_bytes().startswith(b"%PDF-")
    info = poppler("pdfinfo", str(output))
    assert EARLY.label in info
    assert f"Wrote the board report for {EARLY}" in out.text


@pytest.mark.parametrize("period", ["2026-Q5", "last quarter", "2026-28 Q1"])
def test_command_refuses_a_bad_period(db, tmp_path, period):
    output = tmp_path / "report.pdf"
    with pytest.raises(CommandError):
        call_command("board_report", "--period", period, "--output", str(output))
    assert not output.exists()


class _Out:
    def __init__(self):
        self.text = ""

    def write(self, value):
        self.text += value

    def flush(self):
        pass


# --- Queries ------------------------------------------------------------------------------------------
def grow(data, *, agencies: int, actions: int) -> None:
    """More agencies (each with a Section 11 return in the cycle) and more actions, some overdue."""
    cycle = Cycle.objects.get()
    criteria = list(Criterion.objects.filter(standard__framework=cycle.framework))
    created = moment(data.quarter.start + datetime.timedelta(days=3))
    new = [AgencyFactory(name=f"Grown agency {n:02d}") for n in range(agencies)]
    cycle.agencies.add(*new)
    for agency in new:
        ret = Return.objects.create(cycle=cycle, agency=agency)
        history.bulk_create([Answer(ret=ret, criterion=c) for c in criteria])
    for n in range(actions):
        make_action(new[n % len(new)], title=f"Grown action {n}", due=data.quarter.start + datetime.timedelta(days=n),
                    created=created, owner=None)


def count_queries(quarter) -> int:
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()  # the tags' history looks up content types once a process: count it each time
    with CaptureQueriesContext(connection) as queries:
        board_report.report_context(quarter)
    return len(queries)


def test_report_context_queries_do_not_grow_with_agencies_and_actions(board_data):
    small = count_queries(board_data.quarter)
    grow(board_data, agencies=8, actions=30)
    large = count_queries(board_data.quarter)
    assert large == small, f"{small} queries with 2 agencies, {large} with 10"


def test_report_context_queries_do_not_grow_with_the_length_of_history(board_data):
    small = count_queries(board_data.quarter)
    action = board_data.actions["on_track"]
    for n in range(15):  # a long history: every save writes a history row
        action.title = f"Train front desk staff, take {n}"
        action.save()
    backdate_history(moment(board_data.quarter.start + datetime.timedelta(days=40)))
    assert count_queries(board_data.quarter) == small


def test_current_quarter_report_context_queries_do_not_grow_either(board_data):
    small = count_queries(current_quarter())
    grow(board_data, agencies=6, actions=20)
    assert count_queries(current_quarter()) == small


def test_report_context_queries_do_not_depend_on_how_long_it_takes(board_data, monkeypatch):
    """On a busy machine a report takes longer than `changed_since` remembers an answer (a second): inside the
    report's one reading it still asks once per moment, so its queries do not depend on the clock."""
    from partnership import snapshots

    small = count_queries(current_quarter())
    monkeypatch.setattr(snapshots, "FRESH_SECONDS", 0.0)  # every remembered answer already stale
    assert count_queries(current_quarter()) == small


# --- Section 11 in the board report ----------------------------------------------------------------------------
def section11(quarter):
    from section11 import analysis_reports

    return analysis_reports.board_section(ReportPeriod.for_quarter(quarter))


def test_section11_headline_counts_late_returns_in_good_english(board_data):
    [line] = section11(board_data.quarter)["headlines"]
    assert line == "Section 11 board test cycle: 1 of 2 agencies had made their self-assessment; 1 was late."


def test_past_quarter_section11_figures_do_not_change_when_a_return_is_submitted_later(board_data):
    quarter = board_data.quarter
    before = section11(quarter)["cycles"][0]["completion"]["submitted"]
    late = Return.objects.get(agency=board_data.agencies[1])
    late.status, late.submitted_at = Return.Status.SUBMITTED, timezone.now()
    late.save()
    after = section11(quarter)["cycles"][0]["completion"]["submitted"]
    assert (before, after) == (1, 1)
    assert section11(current_quarter())["cycles"][0]["completion"]["submitted"] == 2
