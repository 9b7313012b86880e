"""Progress on the partnership's priorities: every app's evidence (partnership.contract.PriorityEvidence), the one
rule for "little or no evidence of progress" (merton_qa.priorities), the pages and the board-pack section."""
import datetime

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audits.models import Audit, Finding
from learning.models import Booking, FollowUp
from merton_qa import composition, priorities
from partnership import history
from partnership.contract import (
    ASSURED,
    HOW_MUCH,
    NO_EVIDENCE,
    NOT_ASSURED,
    PARTLY,
    PRIORITIES,
    Fact,
    PriorityEvidence,
)
from partnership.dates import Quarter, ReportPeriod
from partnership.models import Action, JourneyStage
from performance.models import Value
from reviews import services as review_services
from section11.models import Criterion, Return
from tests.audits.conftest import agree_all, make_audit, programme, tool  # noqa: F401 - fixtures
from tests.factories import ActionFactory, PriorityFactory
from tests.learning.conftest import make_course, make_session
from tests.reports.conftest import _scale, add_validated, make_indicator, quarter_periods
from tests.reviews.conftest import (  # noqa: F401 - fixtures
    health,
    lcspr,
    notification,
    notified,
    rapid_review,
    referral,
    screened,
    sent_review,
)
from tests.section11.conftest import answer_all, make_cycle, make_framework

SOURCES = {"Indicators", "Audits", "Section 11 standards", "Training", "Review learning", "Actions"}


def year_so_far() -> ReportPeriod:
    return ReportPeriod.for_financial_year(Quarter.containing(timezone.localdate()).financial_year)


# --- The one rule ----------------------------------------------------------------------------------------------
def _ev(source, progress):
    return PriorityEvidence(source, (Fact(HOW_MUCH, f"{source}: 1 thing."),), progress)


def test_a_priority_with_at_most_one_source_showing_progress_has_little_or_no_evidence(db):
    priority = PriorityFactory(title="Early help")
    row = priorities.judge(priority, [_ev("Indicators", ASSURED), _ev("Audits", NOT_ASSURED),
                                      PriorityEvidence("Training")])
    assert row.little_or_none and row.status == NOT_ASSURED
    assert row.sentence == ("Little or no evidence of progress on Early help: progress only from Indicators; "
                            "no progress from Audits; no evidence from Training.")
    empty = priorities.judge(priority, [PriorityEvidence("Indicators"), PriorityEvidence("Actions")])
    assert empty.little_or_none and empty.status == NO_EVIDENCE
    assert "no source shows progress" in empty.sentence


def test_a_source_with_records_tagged_but_nothing_to_judge_them_by_never_reads_nothing_tagged(db):
    """Indicators tagged to a priority with no validated figure yet (an old quarter's pack): no evidence, and the
    words say so, where "Nothing tagged" stood beside the facts naming the four indicators tagged."""
    priority = PriorityFactory(title="Early help")
    tagged = PriorityEvidence("Indicators", (Fact(HOW_MUCH, "Indicators: 4 indicators, none with a validated "
                                                            "figure yet."),), NO_EVIDENCE)
    row = priorities.judge(priority, [_ev("Actions", PARTLY), tagged])
    [indicators] = [s for s in row.sources() if s["evidence"].source == "Indicators"]
    assert indicators["words"] == "No evidence"
    assert row.sentence == ("Little or no evidence of progress on Early help: progress only from Actions; "
                            "no evidence from Indicators.")
    section = {"has_data": True, "rows": [row], "period": year_so_far(), "headlines": [row.sentence]}
    html = render_to_string("reports/priorities_section.html", section)
    assert "Nothing tagged" not in html and "4 indicators, none with a validated figure yet." in html


def test_otherwise_a_priority_is_judged_by_the_share_of_its_sources_that_show_progress(db):
    priority = PriorityFactory(title="Think family")
    row = priorities.judge(priority, [_ev("Indicators", ASSURED), _ev("Actions", PARTLY), _ev("Audits", NOT_ASSURED),
                                      PriorityEvidence("Training")])
    assert not row.little_or_none and row.status == PARTLY and row.words == "Some progress"
    assert row.sentence == ("Think family: 2 of the 3 sources with evidence (Indicators and Actions) show progress; "
                            "no progress from Audits; no evidence from Training.")
    both = priorities.judge(priority, [_ev("Indicators", ASSURED), _ev("Actions", PARTLY), PriorityEvidence("Audits")])
    assert both.sentence == ("Think family: both sources with evidence (Indicators and Actions) show progress; "
                             "no evidence from Audits.")
    every = priorities.judge(priority, [_ev(s, ASSURED) for s in ("Indicators", "Actions", "Training")])
    assert every.sentence == ("Think family: all 3 sources with evidence (Indicators, Actions and Training) show "
                              "progress.")
    five = [_ev(s, ASSURED) for s in ("Indicators", "Actions", "Training", "Review learning")]
    assert priorities.judge(priority, five + [_ev("Audits", NOT_ASSURED)]).status == ASSURED
    assert priorities.judge(priority, [_ev("Indicators", PARTLY), _ev("Actions", PARTLY)] + [
        _ev(s, NOT_ASSURED) for s in ("Audits", "Training", "Review learning")]).status == NOT_ASSURED


# --- Every app's evidence, for many priorities at once -----------------------------------------------------------
@pytest.fixture
def world(db, tool, programme, police, health, sent_review, lcspr, reviews_member, business_unit):  # noqa: F811
    """What each priority gets: an indicator, an audit, a Section 11 criterion, a course, a recommendation, actions."""
    periods = quarter_periods()
    today = timezone.localdate()
    quarter = Quarter.containing(today)
    period = periods[quarter.previous()] if quarter.number > 1 else periods[quarter]
    cycle = make_cycle(make_framework(_scale(), standards=3, criteria=1), [police], name="S11 test cycle",
                       opens_on=ReportPeriod.for_financial_year(quarter.financial_year).start)
    answer_all(Return.objects.get(cycle=cycle), "green")
    criteria = list(Criterion.objects.filter(standard__framework=cycle.framework).order_by("standard__number"))

    def furnish(n: int):
        stage = JourneyStage.objects.create(code=f"stage-{n}", name=f"Stage {n}", order=10 + n)
        priority = PriorityFactory(code=f"p{n}", title=f"Priority {n}")
        priority.journey_stages.add(stage)
        indicator = make_indicator(police, code=f"ind-{n}", title=f"Indicator {n}")
        indicator.priority = priority
        indicator.save()
        add_validated(indicator, period, 90)
        audit = make_audit(tool, programme, [police, health], theme=f"Audit {n}", status=Audit.Status.AGREED,
                           priority=priority, meeting_date=today, report_agreed_on=today)
        agree_all(audit)
        Finding.objects.create(audit=audit, kind=Finding.Kind.STRENGTH, theme="Voice", text="Heard the child.")
        criteria[n % len(criteria)].journey_stages.add(stage)
        course = make_course(title=f"Course {n}")
        course.priorities.add(priority)
        session = make_session(course, today - datetime.timedelta(days=1))
        booking = Booking.objects.create(session=session, name="Sam Example", email=f"sam{n}@example.org",
                                         role="Nurse", status=Booking.Status.CONFIRMED,
                                         attendance=Booking.Attendance.ATTENDED, agency=police)
        FollowUp.objects.create(booking=booking, practice_changed=True, practice_change="Ask about home.")
        rec = review_services.recommendation_add(by=reviews_member, lcspr=lcspr, text="Secret case detail.",
                                                 made_on=today)
        rec.journey_stages.add(stage)
        review_services.recommendation_add_action(by=business_unit, recommendation=rec, title=f"Joint work {n}",
                                                  description="Do it.", owner_agency=police)
        ActionFactory(title=f"Action {n}", owner_agency=police, priority=priority,
                      due_date=today + datetime.timedelta(days=30))
        return priority

    return furnish


def test_every_app_gives_evidence_for_a_priority_tagged_in_it(world):
    priority = world(1)
    [row] = priorities.progress([priority], year_so_far())
    found = {e.source: e for e in row.evidences}
    assert set(found) == SOURCES
    assert all(e.progress != NO_EVIDENCE for e in found.values()), {s: e.progress for s, e in found.items()}
    assert found["Indicators"].progress == ASSURED
    assert found["Audits"].progress == ASSURED
    assert found["Training"].progress == ASSURED
    assert not row.little_or_none
    text = " ".join(f.text for e in row.evidences for f in e.facts)
    assert "1 of 1 recommendation with an action" in text
    # Review learning leaves the reviews group as numbers and status words: never its text or case reference.
    review_lines = " ".join(i.label for i in found["Review learning"].items)
    assert "Secret case detail" not in review_lines and "R-" in review_lines
    assert all(i.url.startswith("/reviews/") for i in found["Review learning"].items)


def test_the_evidence_costs_the_same_queries_for_one_priority_as_for_four(world):
    first = world(1)
    period = year_so_far()
    with CaptureQueriesContext(connection) as one:
        priorities.progress([first], period)
    more = [first] + [world(n) for n in (2, 3, 4)]
    period = year_so_far()
    with CaptureQueriesContext(connection) as four:
        rows = priorities.progress(more, period)
    assert all(len(r.evidences) == len(SOURCES) for r in rows)
    assert len(four) == len(one), [q["sql"][:120] for q in four]


def _change_every_action_after_the_moment():
    for action in Action.objects.all():
        action.title += "."
        action.save()


def test_a_past_moment_read_from_history_costs_the_same_queries_for_one_priority_as_for_four(world):
    """When records changed after the period's moment the evidence is read from history: still no query a row (a
    deferred column of a history row was read back once a row: 288 queries for a past quarter's pack section)."""
    first = world(1)
    period = year_so_far()
    _change_every_action_after_the_moment()
    with CaptureQueriesContext(connection) as one:
        priorities.progress([first], period)
    more = [first] + [world(n) for n in (2, 3, 4)]
    period = year_so_far()
    _change_every_action_after_the_moment()
    with CaptureQueriesContext(connection) as four:
        rows = priorities.progress(more, period)
    assert all(len(r.evidences) == len(SOURCES) for r in rows)
    assert any("historicalaction" in q["sql"] for q in four), "the test must read history"
    assert len(four) == len(one), [q["sql"][:120] for q in four]


def test_evidence_is_read_as_it_stood_at_the_periods_moment(world, police):
    priority = world(1)
    period = year_so_far()
    [before] = priorities.progress([priority], period)
    action = Action.objects.get(title="Action 1")
    action.status, action.completion_evidence = Action.Status.COMPLETED, "Done."
    action.save()
    [after] = priorities.progress([priority], period)  # the same moment: the change came later
    assert after.evidences == before.evidences


# --- Pages -----------------------------------------------------------------------------------------------------
def test_the_priority_page_answers_the_four_questions_and_lists_the_records_for_the_business_unit(
        world, client_for, business_unit, agency_lead):
    priority = world(1)
    html = client_for(business_unit).get(priority.get_absolute_url()).content.decode()
    for question in ("How much did we do?", "How well did we do it?", "Is anyone better off?",
                     "What will we do next?"):
        assert question in html
    assert "Audit 1" in html and "Course 1" in html and "Indicator 1" in html
    agency = client_for(agency_lead).get(priority.get_absolute_url())
    assert agency.status_code == 200
    page = agency.content.decode()
    assert "Audit 1" not in page and "Recommendation R-" not in page  # counts only for agencies
    assert "Action 1" in page  # their own agency's action


def test_a_priority_s_records_and_actions_are_paged_each_list_on_its_own(world, client_for, business_unit,
                                                                         monkeypatch):
    """A priority at ten partnerships' scale holds thousands of records and actions: each list shows a page (its
    own `?page=` and `?actions=`, the other's kept), the table of sources counts every record, and the queries do
    not grow with the pages."""
    from partnership.views import mixins

    priority = world(1)
    ActionFactory.create_batch(3, priority=priority, owner_agency=business_unit.agency)
    monkeypatch.setattr(mixins, "LIST_PAGE_SIZE", 2)
    client, url = client_for(business_unit), priority.get_absolute_url()
    first = client.get(url)
    records, actions = first.context["page"], first.context["actions_page"]
    assert records.paginator.num_pages > 1 and actions.paginator.num_pages > 1
    [row] = priorities.progress([priority], priorities.page_period())
    assert records.paginator.count == len(row.records) == sum(s["count"] for s in first.context["sources"])
    html = first.content.decode()
    assert 'href="?page=2#records"' in html and 'href="?actions=2#actions"' in html
    with CaptureQueriesContext(connection) as on_page_one:
        client.get(url)
    both = client.get(f"{url}?page=2&actions=2")
    assert both.context["page"].number == 2 and both.context["actions_page"].number == 2
    moved = both.content.decode()
    assert 'href="?actions=2&amp;page=1#records"' in moved and 'href="?page=2&amp;actions=1#actions"' in moved
    shown = [e["label"] for e in both.context["record_entries"]]
    assert shown == [i.label for _, i in row.records[2:4]]
    with CaptureQueriesContext(connection) as on_page_two:
        client.get(f"{url}?page=2&actions=2")
    assert len(on_page_two) == len(on_page_one)


def test_an_agency_paging_a_priority_sees_only_its_own_actions_and_no_record(
        world, client_for, agency_lead, health, monkeypatch):  # noqa: F811 - health is a fixture
    """The pages are the same refusal as the whole list was: another agency's actions are on no page of the actions,
    and asking for a page of records (`?page=`) gives an agency none, whatever the number."""
    from partnership.views import mixins

    priority = world(1)
    ActionFactory.create_batch(3, priority=priority, owner_agency=agency_lead.agency)
    ActionFactory.create_batch(3, priority=priority, owner_agency=health, title="Health's own action")
    monkeypatch.setattr(mixins, "LIST_PAGE_SIZE", 2)
    client, url = client_for(agency_lead), priority.get_absolute_url()
    first = client.get(url)
    actions = first.context["actions_page"]
    assert actions.paginator.num_pages > 1
    seen = []
    for number in actions.paginator.page_range:
        for records in ("", "&page=2", "&page=999"):
            response = client.get(f"{url}?actions={number}{records}")
            html = response.content.decode()
            assert response.context["page"].paginator.count == 0 and not response.context["record_entries"]
            assert "Audit 1" not in html and "Health's own action" not in html and 'id="records"' not in html
        seen += list(response.context["actions_page"].object_list)
    assert {a.owner_agency_id for a in seen} == {agency_lead.agency_id}
    own = Action.objects.filter(priority=priority, owner_agency=agency_lead.agency)
    assert sorted(a.pk for a in seen) == sorted(own.values_list("pk", flat=True)) and own.count() == 4


def test_priority_pages_cost_the_same_queries_whatever_the_number_of_priorities(world, client_for, business_unit):
    world(1)
    client = client_for(business_unit)
    with CaptureQueriesContext(connection) as one:
        assert client.get(reverse("priority-list")).status_code == 200
    for n in (2, 3):
        world(n)
    with CaptureQueriesContext(connection) as three:
        html = client.get(reverse("priority-list")).content.decode()
    assert "Priority 3" in html
    assert len(three) == len(one)


def test_priority_pages_are_for_people_signed_in(client, db):
    priority = PriorityFactory()
    for url in (reverse("priority-list"), priority.get_absolute_url()):
        response = client.get(url)
        assert response.status_code == 302 and "sign-in" in response["Location"]


def test_a_priority_with_nothing_tagged_is_flagged_on_its_page(client_for, business_unit):
    priority = PriorityFactory(title="Quiet priority")
    html = client_for(business_unit).get(priority.get_absolute_url()).content.decode()
    assert "Little or no evidence of progress on Quiet priority" in html


# --- The board pack's section ------------------------------------------------------------------------------------
def test_the_board_pack_has_a_priorities_section_whose_evidence_feeds_the_priorities_assurance(world):
    priority = world(1)
    [section] = [s for s in composition.board_sections() if s.key == "priorities"]
    context = section.build(year_so_far())
    assert context["has_data"]
    [evidence] = [e for e in context["evidence"] if priority.title in e.text]
    assert evidence.assurance == PRIORITIES


def test_achieving_its_priorities_is_judged_by_the_priorities_section_alone(world):
    """The class behind a pack that read "Achieving its priorities: Not assured" (its indicators on target, by the
    performance section's rule) beside a priorities section where every priority showed progress: a second rule for
    the same assurance. Every section of the pack (from the composition, so a new one is covered without being
    listed) is built for the period, for a priority with evidence from every app and its indicator red: only the
    priorities section gives that assurance evidence, and the assurance follows its judgement."""
    priority = world(1)
    history.update(Value.objects.filter(indicator__priority=priority), value=1)  # far below its target: red
    period = year_so_far()
    built = {section.key: section.build(period) for section in composition.board_sections()}
    givers = {key for key, context in built.items() if any(e.assurance == PRIORITIES for e in context["evidence"])}
    assert givers == {"priorities"}
    [row] = priorities.progress([priority], period)
    [evidence] = [e for e in built["priorities"]["evidence"] if e.assurance == PRIORITIES]
    assert evidence.text == row.sentence and evidence.status == row.status


def test_the_yearly_report_can_ask_for_progress_by_priority(world):
    priority = world(1)
    [row] = priorities.progress([priority], year_so_far())
    assert row.priority == priority and row.evidences and row.status in (ASSURED, PARTLY, NOT_ASSURED)
    assert row.sentence.startswith(priority.title)


def test_a_record_is_linked_only_for_readers_its_page_lets_in(world, client_for, reader, business_unit):
    priority = world(1)
    as_reader = client_for(reader).get(priority.get_absolute_url()).content.decode()
    assert "Recommendation R-" in as_reader and 'href="/reviews/' not in as_reader  # the reviews group's pages
    as_unit = client_for(business_unit).get(priority.get_absolute_url()).content.decode()
    assert 'href="/reviews/' in as_unit


# --- The list's lighter reading agrees with each priority's own page ---------------------------------------------
def _judged(rows):
    return [(r.priority.pk, r.status, r.little_or_none, r.sentence, [(e.source, e.progress) for e in r.evidences])
            for r in rows]


def test_the_list_without_detail_judges_as_the_priority_pages_do(world):
    """The priorities list reads each source's progress only (`detail=False`): the same judgement, sources and
    sentence as the full evidence, with no facts or records, and in fewer queries."""
    chosen = [world(n) for n in (1, 2, 3)]
    period = year_so_far()
    with CaptureQueriesContext(connection) as full:
        detailed = priorities.progress(chosen, period)
    with CaptureQueriesContext(connection) as light:
        listed = priorities.progress(chosen, period, detail=False)
    assert _judged(listed) == _judged(detailed)
    assert all(not e.facts and not e.items for r in listed for e in r.evidences)
    assert any(e.items for r in detailed for e in r.evidences)
    assert len(light) < len(full)


@pytest.mark.timeout(1500)  # seeds the whole demo first: minutes on a busy machine
def test_on_the_demo_the_list_and_every_priority_page_agree_for_every_period(db, settings):
    """On the seeded demo, for every priority, the year so far (read from live rows) and the last four quarters
    (read from history): the list's judgement is the priority page's."""
    import io

    from django.core.management import call_command

    from partnership.models import Priority

    settings.DEBUG = True
    settings.DEMO_PASSWORD = "demo-password-for-tests"
    call_command("seed_demo", stdout=io.StringIO())
    every = list(Priority.objects.order_by("order", "title"))
    assert every
    quarter = Quarter.containing(timezone.localdate())
    periods = [priorities.page_period()]
    for _ in range(4):
        quarter = quarter.previous()
        periods.append(ReportPeriod.for_quarter(quarter))
    for period in periods:
        detailed = priorities.progress(every, period)
        assert _judged(priorities.progress(every, period, detail=False)) == _judged(detailed), period
    assert any(e.progress != NO_EVIDENCE for r in detailed for e in r.evidences)  # the demo has evidence to judge
