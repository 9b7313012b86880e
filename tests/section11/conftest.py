"""Section 11 fixtures: a small framework, an open cycle with the police and outsider agencies' returns.

Builds on the personas in tests/conftest.py (agency_lead and contributor work for `police`).
"""
import datetime

import pytest
from django.utils import timezone

from partnership import history
from section11.models import Answer, Criterion, Cycle, Framework, RatingLevel, RatingScale, Return, Standard


@pytest.fixture
def rag_scale(db):
    scale = RatingScale.objects.create(code="test-rag", name="Red, amber, green")
    for order, (code, label, score, colour) in enumerate(
        [("green", "Green: fully met", 3, "green"), ("amber", "Amber: partly met", 2, "amber"),
         ("red", "Red: not met", 1, "red")]
    ):
        RatingLevel.objects.create(scale=scale, code=code, label=label, score=score, colour=colour, order=order)
    return scale


def make_framework(scale, *, standards=2, criteria=3, code="test-s11", version="2026"):
    framework = Framework.objects.create(code=code, version=version, name="Test Section 11 framework", scale=scale)
    for n in range(1, standards + 1):
        standard = Standard.objects.create(framework=framework, number=n, title=f"Standard {n} title")
        for m in range(1, criteria + 1):
            Criterion.objects.create(standard=standard, code=f"{n}.{m}", order=m, text=f"Criterion {n}.{m} text",
                                     guidance="What good looks like.", evidence_examples="Policy; Audit report")
    return framework


@pytest.fixture
def framework(rag_scale):
    return make_framework(rag_scale)


def make_cycle(framework, agencies, *, name="Section 11 2026", opens_on=None, deadline=None, previous=None,
               status=Cycle.Status.OPEN):
    """An open cycle with a return per agency and an answer per criterion (without the launch emails)."""
    today = timezone.localdate()
    cycle = Cycle.objects.create(
        name=name, framework=framework, opens_on=opens_on or today - datetime.timedelta(days=10),
        deadline=deadline or today + datetime.timedelta(days=30), previous=previous, status=status,
    )
    cycle.agencies.set(agencies)
    criteria = list(Criterion.objects.filter(standard__framework=framework))
    for agency in agencies:
        ret = Return.objects.create(cycle=cycle, agency=agency)
        history.bulk_create([Answer(ret=ret, criterion=c) for c in criteria])
    return cycle


@pytest.fixture
def cycle(framework, police, outsider_agency):
    return make_cycle(framework, [police, outsider_agency])


@pytest.fixture
def police_return(cycle, police):
    return Return.objects.get(cycle=cycle, agency=police)


@pytest.fixture
def outsider_return(cycle, outsider_agency):
    return Return.objects.get(cycle=cycle, agency=outsider_agency)


def answer_all(ret, level_code="green"):
    """Rate every criterion of a return (directly, for setting up states)."""
    level = RatingLevel.objects.get(scale=ret.cycle.framework.scale, code=level_code)
    history.update(ret.answers.all(), rating=level, status=Answer.Status.DONE, narrative="We audit this yearly.")
    return ret
