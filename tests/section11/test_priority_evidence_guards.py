"""Guard for Section 11's evidence for the priorities counted in the database (review rev7, of branch prio7): for
random answers (given, moderated, both, neither; not applicable or not), the ratings counted and the green ones are
what the rule says answer by answer: the rating that counts is the moderated one where there is one, green when its
level is green, not-applicable answers and unrated ones left out; with and without detail."""
import random

import pytest
from django.utils import timezone

from partnership import history
from partnership.dates import Quarter, ReportPeriod
from partnership.models import JourneyStage
from section11 import priority_evidence
from section11.models import Answer, Criterion, RatingLevel, Return
from tests.factories import PriorityFactory
from tests.section11.conftest import make_cycle, make_framework

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("seed", range(1, 9))
def test_the_counts_are_the_rules_answer_by_answer(rag_scale, police, seed):
    rng = random.Random(seed)
    year = Quarter.containing(timezone.localdate()).financial_year
    start = ReportPeriod.for_financial_year(year).start
    cycle = make_cycle(make_framework(rag_scale, standards=2, criteria=6), [police], opens_on=start)
    levels = list(RatingLevel.objects.filter(scale=rag_scale))
    stage = JourneyStage.objects.create(code="stage-guard", name="Stage", order=51)
    priority = PriorityFactory(code="p-guard", title="Guarded")
    priority.journey_stages.add(stage)
    ret = Return.objects.get(cycle=cycle)
    rated = green = 0
    for criterion in Criterion.objects.filter(standard__framework=cycle.framework):
        criterion.journey_stages.add(stage)
        not_applicable = rng.random() < 0.2
        rating = None if not_applicable else rng.choice([None, *levels])  # a not-applicable answer has no rating
        moderated = rng.choice([None, None, *levels])
        history.update(Answer.objects.filter(ret=ret, criterion=criterion), rating=rating, moderated_rating=moderated,
                       not_applicable=not_applicable,
                       not_applicable_reason="Not a service we run." if not_applicable else "")
        counts = moderated or rating
        if counts and not not_applicable:
            rated += 1
            green += counts.colour == RatingLevel.Colour.GREEN
    period = ReportPeriod.for_financial_year(year)  # as at now: after the answers and tags were written
    full = priority_evidence.for_priorities([priority], period, detail=True)[priority.pk]
    listed = priority_evidence.for_priorities([priority], period, detail=False)[priority.pk]
    assert full.progress == listed.progress, (full, listed)
    texts = [f.text for f in full.facts]
    if rated:
        assert any(t.startswith(f"Section 11: {green} of {rated} rating") for t in texts), (texts, green, rated)
    else:
        assert not any(" green (fully met)." in t for t in texts), texts
