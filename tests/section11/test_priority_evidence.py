"""Section 11's evidence for a priority (section11.priority_evidence): the ratings of the criteria tagged with the
priority's journey stages, the moderated rating where there is one, green or not; not-applicable answers and
criteria not rated left out. The same counts with and without detail, live and read from history."""
import datetime

import pytest
from django.utils import timezone

from partnership import history
from partnership.contract import NOT_ASSURED, PARTLY
from partnership.dates import Quarter, ReportPeriod
from partnership.models import JourneyStage
from section11 import priority_evidence
from section11.analysis_reports import open_in
from section11.models import Answer, Criterion, Cycle, RatingLevel, Return
from tests.factories import PriorityFactory
from tests.section11.conftest import make_cycle, make_framework

# Each criterion's answer: (rating, moderated rating, not applicable). Green by the rating that counts: 1.1, 1.2
# (moderated to green), 1.7 (moderated to green): 3 of the 5 rated (1.1, 1.2, 1.3, 1.6, 1.7). By the ratings as
# given it would be 2 of 5 (1.1, 1.3): not assured; counting 1.4 (no rating) or 1.5 (not applicable, though
# moderated) would change the whole.
ANSWERS = {
    "1.1": ("green", None, False),
    "1.2": ("red", "green", False),
    "1.3": ("green", "amber", False),
    "1.4": (None, None, False),
    "1.5": (None, "green", True),
    "1.6": ("amber", None, False),
    "1.7": ("red", "green", False),
}
FACT = "Section 11: 3 of 5 ratings of these criteria green (fully met)."


@pytest.fixture
def rated(rag_scale, police):
    year = Quarter.containing(timezone.localdate()).financial_year
    cycle = make_cycle(make_framework(rag_scale, standards=1, criteria=len(ANSWERS)), [police],
                       opens_on=ReportPeriod.for_financial_year(year).start)
    levels = {level.code: level for level in RatingLevel.objects.filter(scale=rag_scale)}
    stage = JourneyStage.objects.create(code="stage-s11", name="Stage", order=50)
    priority = PriorityFactory(code="p-s11", title="Early help")
    priority.journey_stages.add(stage)
    ret = Return.objects.get(cycle=cycle)
    for code, (rating, moderated, not_applicable) in ANSWERS.items():
        criterion = Criterion.objects.get(standard__framework=cycle.framework, code=code)
        criterion.journey_stages.add(stage)
        history.update(Answer.objects.filter(ret=ret, criterion=criterion), rating=levels.get(rating),
                       moderated_rating=levels.get(moderated), not_applicable=not_applicable,
                       not_applicable_reason="Not a service we run." if not_applicable else "")
    return priority, year, ret, levels


def _evidence(priority, period, detail):
    return priority_evidence.for_priorities([priority], period, detail=detail)[priority.pk]


def test_the_rating_that_counts_is_the_moderated_one_and_only_given_ratings_count(rated):
    priority, year, _, _ = rated
    period = ReportPeriod.for_financial_year(year)
    full, listed = _evidence(priority, period, True), _evidence(priority, period, False)

    assert FACT in [f.text for f in full.facts]
    assert full.progress == listed.progress == PARTLY  # 3 of 5 green: 60%
    assert [i.label for i in full.items] == ["Standard 1: Standard 1 title (Section 11 2026): 3 of 5 ratings green"]


def test_a_past_moment_counts_the_ratings_as_they_stood_then(rated):
    priority, year, ret, levels = rated
    moment = timezone.now()
    history.update(Answer.objects.filter(ret=ret), date=moment + datetime.timedelta(seconds=2),
                   rating=levels["red"], moderated_rating=None, not_applicable=False, not_applicable_reason="")
    then = ReportPeriod.for_financial_year(year, now=moment)
    now = ReportPeriod.for_financial_year(year, now=timezone.now() + datetime.timedelta(seconds=3))

    assert FACT in [f.text for f in _evidence(priority, then, True).facts]
    assert _evidence(priority, then, False).progress == PARTLY
    assert "Section 11: 0 of 7 ratings of these criteria green (fully met)." in [
        f.text for f in _evidence(priority, now, True).facts]
    assert _evidence(priority, now, False).progress == NOT_ASSURED


def test_the_cycles_open_in_a_period_with_a_settled_start_are_those_of_the_rule(rag_scale, police):
    """For a start read from history whatever the data, `open_in` reads its cycles' keys from SQL compiled once per
    process: the same cycles as the rule built afresh (a late cycle whose return was still owed at the start, not
    one made before it, nor a draft, nor one launched after the moment)."""
    year = Quarter.containing(timezone.localdate()).financial_year
    period = ReportPeriod.for_financial_year(year)
    before = period.start - datetime.timedelta(days=100)
    framework = make_framework(rag_scale, standards=1, criteria=1)
    with history.dated(period.start_moment - datetime.timedelta(days=90)):
        for name in ("Late", "Made"):
            make_cycle(framework, [police], name=name, opens_on=before,
                       deadline=period.start - datetime.timedelta(days=10))
    history.update(Return.objects.filter(cycle__name="Made"), status=Return.Status.SUBMITTED,
                   date=period.start_moment - datetime.timedelta(days=1))
    make_cycle(framework, [police], name="Current", opens_on=period.start + datetime.timedelta(days=1))
    make_cycle(framework, [police], name="Draft", opens_on=period.start, status=Cycle.Status.DRAFT)
    later = make_cycle(framework, [police], name="Launched later", opens_on=period.start)
    later.launched_at = timezone.now() + datetime.timedelta(hours=1)
    later.save()

    compiled = set(open_in(period).values_list("name", flat=True))
    assert compiled == set(open_in(period, Cycle.objects.all()).values_list("name", flat=True))
    assert compiled == {"Late", "Current"}
    assert set(Cycle.objects.filter(pk__in=open_in(period).values("pk")).values_list("name", flat=True)) == compiled
