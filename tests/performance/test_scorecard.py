"""The scorecard's context builders, board-report sections and PDF: figures, RAG, grouping, speed."""
import datetime
import subprocess
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from partnership import history
from partnership.models import Action, ReportExport
from partnership.services.exports import export_request
from performance import reports, rules
from performance.indicator_page import rag_bands
from performance.models import (
    Comparator,
    DataReturn,
    Frequency,
    Indicator,
    Period,
    Polarity,
    Quadrant,
    TurnTheCurve,
    Value,
)
from performance.scorecard import (
    build_rows,
    default_period,
    exceptions,
    period_choices,
    periods_judged,
    scorecard,
    trailing_periods,
    validated_values,
)
from tests.factories import ActionFactory, AgencyFactory
from tests.performance.conftest import make_indicator

V = DataReturn.Status


def add_value(indicator, period, value, *, status=V.VALIDATED, commentary="", provisional=False, agency=None):
    """A figure in a data return of the owning agency (made with the given status if there is none yet)."""
    data_return, _ = DataReturn.objects.get_or_create(
        agency=agency or indicator.owner_agency, period=period,
        defaults={"due_date": period.end + datetime.timedelta(days=20), "status": status})
    return Value.objects.create(indicator=indicator, period=period, data_return=data_return,
                                value=None if value is None else Decimal(str(value)), commentary=commentary,
                                provisional=provisional)


@pytest.fixture
def all_quarters(quarters):
    return list(Period.objects.filter(kind=Frequency.QUARTERLY).order_by("start"))


# --- Periods ------------------------------------------------------------------------------------------
def test_default_period_is_the_latest_with_validated_figures(indicator, all_quarters):
    add_value(indicator, all_quarters[4], 70)
    add_value(indicator, all_quarters[5], 75, status=V.SUBMITTED)

    periods = period_choices(Frequency.QUARTERLY, Value.objects.all())

    assert [p.label for p in periods] == ["2026-27 Q2", "2026-27 Q1"]
    assert default_period(periods) == all_quarters[4]


def test_the_validated_figures_periods_know_which_have_validated_figures(indicator, all_quarters):
    """`periods_judged` of the validated figures now (its query compiled once, asked through each period's
    validated returns): a period with a validated figure has them; one whose figures are only submitted, or whose
    validated return holds no figure, has none."""
    add_value(indicator, all_quarters[4], 70)
    add_value(indicator, all_quarters[5], 75, status=V.SUBMITTED)
    DataReturn.objects.create(agency=indicator.owner_agency, period=all_quarters[6], status=V.VALIDATED,
                              due_date=all_quarters[6].end + datetime.timedelta(days=20))
    judged = {p.pk: p.has_validated for p in periods_judged(Frequency.QUARTERLY, validated_values(),
                                                             values_are_validated=True)}
    assert judged[all_quarters[4].pk] and not judged[all_quarters[5].pk] and not judged[all_quarters[6].pk]
    assert sum(judged.values()) == 1


def test_trailing_periods_are_the_period_and_the_seven_before_oldest_first(all_quarters):
    assert trailing_periods(all_quarters[7]) == all_quarters[:8]
    assert trailing_periods(all_quarters[1]) == all_quarters[:2]


def test_trailing_periods_taken_from_the_periods_read_are_those_read_again(indicator, all_quarters,
                                                                           django_assert_num_queries):
    add_value(indicator, all_quarters[4], 70)
    every = periods_judged(Frequency.QUARTERLY, Value.objects.all())
    assert [p.pk for p in every] == [p.pk for p in reversed(all_quarters)]
    for period in (all_quarters[0], all_quarters[1], all_quarters[4], all_quarters[-1]):
        for count in (1, 2, 8):
            with django_assert_num_queries(0):
                taken = trailing_periods(period, count, among=every)
            assert taken == trailing_periods(period, count)


# --- RAG, direction, grouping ---------------------------------------------------------------------------
def test_rows_take_rag_and_direction_from_the_rules(indicator, all_quarters):
    add_value(indicator, all_quarters[3], 80)
    add_value(indicator, all_quarters[4], 65, commentary="Staff vacancies in the missing team.")

    [row] = build_rows([indicator], trailing_periods(all_quarters[4]), values=Value.objects.all(),
                       actions=Action.objects.all())

    assert row.rag == rules.RED  # 15 below an 80% target, beyond the red tolerance of 10
    assert row.direction == rules.FALLING_WORSE and row.direction.text == "Falling, worse"
    assert (row.value_text, row.previous_text, row.target_text) == ("65%", "80%", "80%")
    assert row.commentary == "Staff vacancies in the missing team."
    assert row.is_exception


def test_scorecard_groups_rows_by_oba_question_in_order(police, all_quarters):
    how_much = make_indicator(police, code="contacts", quadrant=Quadrant.HOW_MUCH, polarity=Polarity.NONE)
    better_off = make_indicator(police, code="re-referrals", quadrant=Quadrant.BETTER_OFF, polarity=Polarity.LOWER)
    how_well = make_indicator(police, code="rhi", quadrant=Quadrant.HOW_WELL)
    for ind in (how_much, better_off, how_well):
        add_value(ind, all_quarters[4], 50)

    context = scorecard(all_quarters[4], values=Value.objects.all(), actions=Action.objects.all())

    assert [(g["key"], [r.indicator.code for r in g["rows"]]) for g in context["groups"]] == [
        ("how_much", ["contacts"]), ("how_well", ["rhi"]), ("better_off", ["re-referrals"])]


def test_only_the_frequency_of_the_period_is_on_the_scorecard(police, all_quarters):
    make_indicator(police, code="monthly-one", frequency=Frequency.MONTHLY)
    quarterly = make_indicator(police, code="quarterly-one")
    add_value(quarterly, all_quarters[4], 90)

    context = scorecard(all_quarters[4], values=Value.objects.all(), actions=Action.objects.all())

    assert [r.indicator.code for r in context["rows"]] == ["quarterly-one"]


def test_figures_outside_the_values_given_do_not_count(indicator, all_quarters):
    add_value(indicator, all_quarters[4], 90, status=V.SUBMITTED)

    [row] = scorecard(all_quarters[4], values=validated_values(), actions=Action.objects.all())["rows"]

    assert row.current is None
    assert row.rag == rules.NO_VALUE


def test_what_will_we_do_lists_curves_and_open_actions_only(indicator, all_quarters, police):
    add_value(indicator, all_quarters[4], 60)
    curve = TurnTheCurve.objects.create(indicator=indicator, baseline="b", forecast="f", story="s", partners="p",
                                        what_works="w")
    open_action = ActionFactory(owner_agency=police, title="Open one")
    closed = ActionFactory(owner_agency=police, title="Closed one", status=Action.Status.CLOSED,
                           completion_evidence="done", impact_evidence="better")
    curve.actions.add(open_action)
    indicator.actions.add(closed)

    context = scorecard(all_quarters[4], values=Value.objects.all(), actions=Action.objects.all())

    [plan] = context["plans"]
    assert plan.curves == [curve]
    assert [a.title for a in plan.open_actions] == ["Open one"]
    assert {a.title for a in plan.actions} == {"Open one", "Closed one"}


def test_comparators_are_the_latest_year_in_a_fixed_order(indicator, all_quarters):
    Comparator.objects.create(indicator=indicator, year=2023, kind="england", value=Decimal("20"))
    Comparator.objects.create(indicator=indicator, year=2024, kind="neighbours", value=Decimal("21"), is_demo=True)
    Comparator.objects.create(indicator=indicator, year=2024, kind="england", value=Decimal("22"))

    [row] = build_rows([indicator], trailing_periods(all_quarters[4]), values=Value.objects.all(),
                       actions=Action.objects.all())

    assert row.comparator_year == 2024
    assert [(c.label, c.text, c.is_demo) for c in row.latest_comparators] == [
        ("England", "22%", False), ("Neighbours", "21%", True)]


# --- The RAG bands in words agree with the rules --------------------------------------------------------
@pytest.mark.parametrize("polarity, amber, red, probes", [
    (Polarity.HIGHER, "0", "10", [("80", "green"), ("79.99", "amber"), ("70", "amber"), ("69.99", "red")]),
    (Polarity.HIGHER, "2", None, [("78", "green"), ("77.99", "red")]),
    (Polarity.LOWER, "1", "5", [("81", "green"), ("81.01", "amber"), ("85", "amber"), ("85.01", "red")]),
])
def test_rag_bands_in_words_match_the_rules(police, polarity, amber, red, probes):
    ind = make_indicator(police, code="probe", polarity=polarity, amber=Decimal(amber),
                         red=None if red is None else Decimal(red))
    words = {rag.code: text for rag, text in rag_bands(ind)}

    for value, expected in probes:
        got = rules.rag(Decimal(value), target=ind.target, polarity=ind.polarity,
                        amber_tolerance=ind.amber_tolerance, red_tolerance=ind.red_tolerance)
        assert got.code == expected
    if polarity == Polarity.HIGHER and red == "10":
        assert words == {"green": "80% or more", "amber": "70% or more, but below 80%", "red": "below 70%"}
    if polarity == Polarity.LOWER:
        assert words["green"] == "81% or less (the target of 80%, plus a tolerance of 1)"
        assert words["amber"] == "above 81%, up to 85%"
        assert words["red"] == "above 85%"


def test_context_measures_are_explained_as_unrated(police):
    ind = make_indicator(police, code="contacts", polarity=Polarity.NONE)
    [(rag, words)] = rag_bands(ind)
    assert rag == rules.CONTEXT and "no RAG rating" in words


# --- Exception report ---------------------------------------------------------------------------------
def test_exception_report_has_only_red_or_worsening_red_and_worsening_first(police, all_quarters):
    q3, q4 = all_quarters[3], all_quarters[4]
    red_worse = make_indicator(police, code="red-worse")
    red_better = make_indicator(police, code="red-better")
    green_worse = make_indicator(police, code="green-worse")
    green_better = make_indicator(police, code="green-better")
    amber_same = make_indicator(police, code="amber-same")
    for ind, before, now in [(red_worse, 65, 60), (red_better, 50, 60), (green_worse, 95, 85),
                             (green_better, 80, 90), (amber_same, 75, 75)]:
        add_value(ind, q3, before)
        add_value(ind, q4, now, commentary=f"Story of {ind.code}")

    context = exceptions(q4, values=Value.objects.all(), actions=Action.objects.all())

    assert [r.indicator.code for r in context["items"]] == ["red-worse", "red-better", "green-worse"]
    assert context["items"][0].commentary == "Story of red-worse"


def test_the_pdf_sections_draw_charts_as_images_with_no_point_markers_or_tooltips(police, all_quarters):
    """Issue 21: the board pack for print holds one <img> per sparkline and per trend chart, not inline SVG with a
    marker and a tooltip per point, and each image's alt carries the figures."""
    from urllib.parse import unquote

    from django.template.loader import render_to_string

    q2, q3, q4 = all_quarters[2], all_quarters[3], all_quarters[4]
    for code, values in [("red-worse", (70, 65, 60)), ("green", (85, None, 90))]:
        indicator = make_indicator(police, code=code)
        for quarter, value in zip((q2, q3, q4), values, strict=True):
            add_value(indicator, quarter, value)
    card, exception_report = reports.scorecard_section(q4), reports.exceptions_section(q4)

    html = (render_to_string("performance/pdf/scorecard_section.html", {"scorecard": card})
            + render_to_string("performance/pdf/exceptions_section.html", {"exceptions": exception_report}))

    assert "<svg" not in html
    assert html.count('<img class="app-sparkline"') == len(card["rows"]) == 2
    assert html.count('<img class="app-chart"') == len(exception_report["items"]) == 1
    drawn = unquote(html)
    assert "<circle" not in drawn and "<title" not in drawn  # the lone value has a dot in the path, no marker
    assert 'alt="Trend for Indicator green' in html and "Values: " in html and "85%, No data, 90%" in html
    assert "Indicator red-worse: trend" in html and "60%" in html


# --- Speed: a fixed number of queries whatever the size ---------------------------------------------------
def seed(count: int, periods: list[Period], prefix: str):
    agencies = [AgencyFactory(name=f"{prefix} agency {i}") for i in range(3)]
    quadrants = list(Quadrant.values)
    indicators = [make_indicator(agencies[i % 3], code=f"{prefix}-{i}", quadrant=quadrants[i % 3])
                  for i in range(count)]
    returns = {(a.pk, p.pk): DataReturn.objects.create(agency=a, period=p, due_date=p.end, status=V.VALIDATED)
               for a in agencies for p in periods}
    history.bulk_create([
        Value(indicator=ind, period=p, data_return=returns[ind.owner_agency_id, p.pk], value=Decimal(60 + (i + j) % 30),
              commentary="Commentary " * 30)
        for i, ind in enumerate(indicators) for j, p in enumerate(periods)])
    for ind in indicators:
        Comparator.objects.create(indicator=ind, year=2024, kind="england", value=Decimal("70"))
        curve = TurnTheCurve.objects.create(indicator=ind, baseline="b", forecast="f", story="s", partners="p",
                                            what_works="w")
        curve.actions.add(ActionFactory(owner_agency=ind.owner_agency))
        ind.actions.add(ActionFactory(owner_agency=ind.owner_agency))
    return indicators


def test_scorecard_runs_the_same_number_of_queries_for_60_indicators_as_for_6(all_quarters):
    def count(n: int, prefix: str) -> int:
        seed(n, all_quarters, prefix)
        Indicator.objects.exclude(code__startswith=prefix).update(active=False)
        with CaptureQueriesContext(connection) as captured:
            context = scorecard(all_quarters[7], values=Value.objects.all(), actions=Action.objects.all())
            for row in context["rows"]:  # everything a page touches
                row.sparkline, row.latest_comparators, row.open_actions, row.rag, row.direction  # noqa: B018
        assert len(context["rows"]) == n
        return len(captured.captured_queries)

    small, big = count(6, "small"), count(60, "big")
    assert small == big == 7  # indicators, periods, values, comparators, curves, two kinds of linked action


# --- Board-report sections and the PDF ------------------------------------------------------------------
def test_sections_use_validated_figures_only(indicator, all_quarters):
    add_value(indicator, all_quarters[3], 85)
    add_value(indicator, all_quarters[4], 60, status=V.SUBMITTED)

    section = reports.scorecard_section(all_quarters[4])
    [row] = section["rows"]

    assert row.current is None
    assert section["frequency_label"] == "Quarterly"
    assert reports.exceptions_section(all_quarters[4])["items"] == []


def pdf_text(export, tmp_path) -> str:
    path = tmp_path / "report.pdf"
    with export.file.open("rb") as handle:
        path.write_bytes(handle.read())
    return " ".join(subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                                   check=True).stdout.split())


def test_scorecard_pdf_export_runs_to_ready_with_titles_and_rag_labels(
        indicator, all_quarters, chair, police, django_capture_on_commit_callbacks, tmp_path):
    for i, q in enumerate(all_quarters[:5]):
        add_value(indicator, q, 85 - 5 * i, commentary="Fewer interviews offered: two workers left.")
    Comparator.objects.create(indicator=indicator, year=2024, kind="england", value=Decimal("77"), is_demo=True)

    with django_capture_on_commit_callbacks(execute=True):
        export = export_request(kind=reports.EXPORT_KIND,
                                parameters={"period_id": all_quarters[4].pk, "frequency": "quarterly"}, by=chair)
    export.refresh_from_db()

    assert export.status == ReportExport.Status.READY, export.error
    assert export.filename == "performance-scorecard-2026-27-q1.pdf"
    text = pdf_text(export, tmp_path)
    assert "Performance scorecard: 2026-27 Q1" in text
    assert indicator.title in text
    assert "Red" in text and "Falling, worse" in text  # the board pack says the movement and the judgement
    assert "Exception report" in text and "two workers left" in text
    assert "England 77%" in text and "2024 (demo)" in text  # every comparator invented: said once


def test_pdf_without_a_period_uses_the_latest_validated_quarter(indicator, all_quarters):
    add_value(indicator, all_quarters[2], 85)
    assert reports.export_period({}) == all_quarters[2]


def test_pdf_without_validated_figures_fails_with_a_reason(db):
    with pytest.raises(ValueError, match="no validated performance figures"):
        reports.export_period({"frequency": "quarterly"})
