"""The cycle analysis (section11.analysis): heat map, distribution, gaps, comparison, actions."""
import datetime

import pytest
from django.utils import timezone

from partnership import history
from partnership.models import Action, Sector
from section11 import analysis as a
from section11.models import Answer, RatingLevel, Return
from tests.factories import ActionFactory, AgencyFactory
from tests.section11.conftest import answer_all, make_cycle

pytestmark = pytest.mark.django_db


def rate(ret, code_to_level: dict[str, str | None], *, moderated=False):
    """Rate answers by criterion code: {"1.1": "green", "1.2": "na", "1.3": None}."""
    levels = {lvl.code: lvl for lvl in RatingLevel.objects.filter(scale=ret.cycle.framework.scale)}
    for code, value in code_to_level.items():
        answers = ret.answers.filter(criterion__code=code)
        if moderated:
            history.update(answers, moderated_rating=levels.get(value))
        elif value == "na":
            history.update(answers, rating=None, not_applicable=True, not_applicable_reason="We do not do this.")
        else:
            history.update(answers, rating=levels.get(value), not_applicable=False, not_applicable_reason="")


def labels(row):
    return [cell.label for cell in row.cells] + [row.overall.label]


def test_heat_map_averages_and_bands_are_right_for_a_known_set_of_ratings(cycle, police_return, outsider_return):
    rate(police_return, {"1.1": "green", "1.2": "green", "1.3": "green", "2.1": "green", "2.2": "amber",
                         "2.3": "red"})
    rate(outsider_return, {"1.1": "red", "1.2": "red", "1.3": "amber"})

    hm = a.heat_map(cycle)

    police, outsider = (row for row in hm.rows if row.ret == police_return), (
        row for row in hm.rows if row.ret == outsider_return)
    police, outsider = next(police), next(outsider)
    assert labels(police) == ["Green 3.0", "Amber 2.0", "Green 2.5"]  # overall (9 + 6) / 6 = 2.5
    assert labels(outsider) == ["Red 1.3", "Not rated yet", "Red 1.3"]  # (1 + 1 + 2) / 3
    assert [c.band.colour for c in police.cells] == ["green", "amber"]
    assert outsider.cells[1].band.colour == "grey"
    # The partnership average pools every rated answer: (9 + 4) / 6 and 6 / 3, then 19 / 9.
    assert [c.label for c in hm.partnership] == ["Amber 2.2", "Amber 2.0"]
    assert hm.partnership_overall.label == "Amber 2.1"


def test_not_applicable_answers_are_left_out_of_the_average(cycle, police_return):
    rate(police_return, {"1.1": "green", "1.2": "na", "1.3": "red", "2.1": "na", "2.2": "na", "2.3": "na"})

    row = next(r for r in a.heat_map(cycle).rows if r.ret == police_return)

    assert row.cells[0].label == "Amber 2.0"  # (3 + 1) / 2, not (3 + 0 + 1) / 3
    assert (row.cells[0].rated, row.cells[0].not_applicable) == (2, 1)
    assert row.cells[1].label == "Not applicable"
    assert row.overall.label == "Amber 2.0"


def test_bands_follow_the_average_as_shown_so_label_and_colour_agree():
    assert a.band_for(2.46, 1, 3).label == "Green"  # shown as 2.5, the first green value
    assert a.band_for(2.44, 1, 3).label == "Amber"  # shown as 2.4
    assert a.band_for(1.75, 1, 3).label == "Amber"  # shown as 1.8
    assert a.band_for(1.74, 1, 3).label == "Red"
    assert a.band_for(None, 1, 3) is None
    scale = a.Scale((), 1, 3)
    assert [words for _, words in scale.legend()] == [
        "average 2.5 to 3.0", "average 1.8 to 2.4", "average 1.0 to 1.7"]


def test_moderated_toggle_uses_moderated_ratings(cycle, police_return):
    answer_all(police_return, "green")
    rate(police_return, {"1.1": "red", "1.2": "red", "1.3": "amber"}, moderated=True)

    own = next(r for r in a.heat_map(cycle).rows if r.ret == police_return)
    moderated = next(r for r in a.heat_map(cycle, basis=a.MODERATED).rows if r.ret == police_return)

    assert labels(own) == ["Green 3.0", "Green 3.0", "Green 3.0"]
    assert labels(moderated) == ["Red 1.3", "Not moderated", "Red 1.3"]
    dist = a.distribution(cycle, basis=a.MODERATED)
    assert [(lvl.code, n) for lvl, n in dist[0]["counts"]] == [("green", 0), ("amber", 0), ("red", 1)]
    assert dist[3]["unanswered"] == 2  # 2.1: neither return moderated


def test_sector_filter_narrows_rows(cycle, police_return, outsider_return):
    answer_all(police_return, "green")
    answer_all(outsider_return, "red")

    result = a.analysis(cycle, sector=Sector.POLICE)

    assert [row.ret for row in result["heat_map"].rows] == [police_return]
    assert result["completion"]["total"] == 1
    assert [n for _, n in result["distribution"][0]["counts"]] == [1, 0, 0]
    assert result["heat_map"].partnership_overall.label == "Green 3.0"
    assert a.sectors(cycle) == [(Sector.POLICE, "Police"), (Sector.VOLUNTARY, "Voluntary and community")]


def test_comparison_gives_direction_of_travel_per_standard_and_agency(framework, police, outsider_agency):
    newcomer = AgencyFactory(name="New Academy Trust", sector=Sector.SCHOOL)
    previous = make_cycle(framework, [police, outsider_agency], name="Section 11 2024",
                          opens_on=datetime.date(2024, 1, 8), deadline=datetime.date(2024, 3, 29))
    current = make_cycle(framework, [police, outsider_agency, newcomer], previous=previous)
    returns = {(r.cycle_id, r.agency_id): r for r in Return.objects.all()}
    # Police: 2.0 then 3.0 (better). Outsider: 3.0 then 2.0 (worse). Standard 1: 2.5 then 2.5 (same).
    answer_all(returns[previous.pk, police.pk], "amber")
    answer_all(returns[previous.pk, outsider_agency.pk], "green")
    answer_all(returns[current.pk, police.pk], "green")
    answer_all(returns[current.pk, outsider_agency.pk], "amber")
    rate(returns[current.pk, newcomer.pk], {"2.1": "red"})  # standard 2 now: (9 + 6 + 1) / 7 = 2.3

    cmp = a.comparison(current)

    assert cmp["previous"] == previous and cmp["comparable"]
    assert [(s["number"], s["then"], s["now"], s["direction"]) for s in cmp["standards"]] == [
        (1, 2.5, 2.5, "Same"), (2, 2.5, 2.3, "Worse")]
    by_name = {e["name"]: (e["then"], e["now"], e["direction"]) for e in cmp["agencies"]}
    assert by_name == {police.display_name: (2.0, 3.0, "Better"),
                       outsider_agency.display_name: (3.0, 2.0, "Worse"),
                       newcomer.display_name: (None, 1.0, "No comparison")}
    assert cmp["counts"] == {"better": 1, "same": 0, "worse": 1, "none": 1}
    assert a.comparison(previous) is None


def test_direction_of_travel_compares_the_averages_as_shown():
    assert a._direction(2.5, 2.5) == "Same"
    assert a._direction(2.6, 2.5) == "Better"
    assert a._direction(2.4, 2.5) == "Worse"
    assert a._direction(None, 2.5) == "No comparison"


def test_common_gaps_are_ordered_by_share_rated_at_the_bottom_then_below_the_top(cycle, police_return,
                                                                                  outsider_return):
    # The RAG fixture lists green first: the bottom of the scale is the lowest score, not the first level.
    rate(police_return, {"1.1": "red", "1.2": "red", "1.3": "amber", "2.1": "green", "2.2": "amber", "2.3": "red"})
    rate(outsider_return, {"1.1": "red", "1.2": "green", "1.3": "amber", "2.1": "green", "2.2": "green",
                           "2.3": "na"})

    gaps = a.common_gaps(a.distribution(cycle))

    # 1.1 and 2.3: all red (tie broken by standard); 1.2: half red; 1.3: all below green; 2.2: half below.
    assert [g["criterion"].code for g in gaps] == ["1.1", "2.3", "1.2", "1.3", "2.2"]
    assert [(g["at_bottom"], g["rated"], g["bottom_pct"]) for g in gaps[:3]] == [(2, 2, 100), (1, 1, 100),
                                                                                  (1, 2, 50)]
    assert len(a.common_gaps(a.distribution(cycle), limit=2)) == 2


def test_distribution_counts_each_rating_not_applicable_and_unanswered(cycle, police_return, outsider_return):
    rate(police_return, {"1.1": "green"})
    rate(outsider_return, {"1.1": "na"})

    row = a.distribution(cycle)[0]

    assert [(lvl.code, n) for lvl, n in row["counts"]] == [("green", 1), ("amber", 0), ("red", 0)]
    assert (row["not_applicable"], row["unanswered"], row["total"], row["average"]) == (1, 0, 2, 3.0)
    assert a.distribution(cycle)[1]["unanswered"] == 2


def test_completion_counts_returns_by_status_and_late_ones(framework, police, outsider_agency):
    today = timezone.localdate()
    cycle = make_cycle(framework, [police, outsider_agency], opens_on=today - datetime.timedelta(days=60),
                       deadline=today - datetime.timedelta(days=1))
    history.update(Return.objects.filter(cycle=cycle, agency=police), status=Return.Status.SUBMITTED)
    answer_all(Return.objects.get(cycle=cycle, agency=police))

    result = a.completion(cycle)

    assert (result["total"], result["submitted"], result["rate"], result["late"]) == (2, 1, 50, 1)
    assert result["counts"][Return.Status.NOT_STARTED] == 1
    assert result["answered_rate"] == 50


def test_improvement_actions_from_the_cycle_are_counted_with_overdue_ones(cycle, police_return, police):
    today = timezone.localdate()
    overdue = ActionFactory(owner_agency=police, due_date=today - datetime.timedelta(days=3),
                            status=Action.Status.AGREED, source_kind="section11")
    on_time = ActionFactory(owner_agency=police, status=Action.Status.IN_PROGRESS, source_kind="section11")
    ActionFactory(owner_agency=police, due_date=today - datetime.timedelta(days=3))  # not from this cycle
    answers = list(police_return.answers.all()[:2])
    answers[0].actions.add(overdue)
    answers[1].actions.add(on_time, overdue)

    result = a.improvement_actions(cycle)

    assert {k: result[k] for k in ("total", "open", "overdue", "completed")} == {
        "total": 2, "open": 2, "overdue": 1, "completed": 0}
    assert result["overdue_list"] == [overdue]
    assert result["overdue_list"][0].days_overdue == 3
    assert a.improvement_actions(cycle, sector=Sector.VOLUNTARY)["total"] == 0


def test_analysis_with_no_answers_yet_says_so_rather_than_failing(cycle):
    result = a.analysis(cycle)

    assert result["gaps"] == []
    assert {cell.label for row in result["heat_map"].rows for cell in row.cells} == {"Not rated yet"}
    assert result["comparison"] is None
    assert Answer.objects.count() == 12
