"""The shipped Section 11 templates (section11/frameworks/*.yaml) and the command that loads them."""
from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError

from section11.models import Criterion, Framework, RatingLevel, RatingScale, Standard

FRAMEWORKS_DIR = Path(__file__).resolve().parents[2] / "section11" / "frameworks"


def load(*args) -> str:
    out = StringIO()
    call_command("load_section11_frameworks", *[str(a) for a in args], stdout=out, stderr=StringIO())
    return out.getvalue()


def criteria_of(code: str):
    return Criterion.objects.filter(standard__framework__code=code)


def test_yaml_files_are_valid():
    files = sorted(FRAMEWORKS_DIR.glob("*.yaml"))
    assert {f.name for f in files} >= {"scales.yaml", "partnership-2026.yaml", "schools-kcsie-2025.yaml"}
    for path in files:
        assert yaml.safe_load(path.read_text(encoding="utf-8")), path


@pytest.mark.django_db
def test_loads_partnership_and_schools_templates():
    out = load()
    assert "Section 11 frameworks loaded" in out

    partnership = Framework.objects.get(code="partnership-s11", version="2026")
    assert partnership.audience == Framework.Audience.AGENCIES
    assert partnership.scale.code == "rag"
    assert list(partnership.standards.values_list("number", flat=True)) == list(range(1, 9))
    assert 35 <= criteria_of("partnership-s11").count() <= 45

    schools = Framework.objects.get(code="schools-kcsie", version="2025-26")
    assert schools.is_schools
    assert schools.scale.code == "schools"
    assert schools.standards.count() == 6
    for standard in schools.standards.all():
        assert 3 <= standard.criteria.count() <= 6, standard


@pytest.mark.django_db
def test_every_criterion_has_guidance_and_evidence_examples():
    load()
    criteria = Criterion.objects.all()
    assert criteria.exists()
    for criterion in criteria:
        assert criterion.text.strip(), criterion.code
        assert criterion.guidance.strip(), criterion.code
        examples = [e for e in criterion.evidence_examples.split(";") if e.strip()]
        assert 3 <= len(examples) <= 5, criterion.code


@pytest.mark.django_db
def test_criteria_are_numbered_and_ordered_as_in_the_file():
    load()
    for standard in Standard.objects.all():
        codes = list(standard.criteria.values_list("code", flat=True))
        assert codes == [f"{standard.number}.{i}" for i in range(1, len(codes) + 1)], standard
        assert list(standard.criteria.values_list("order", flat=True)) == list(range(1, len(codes) + 1))


@pytest.mark.django_db
def test_tags_resolve_to_reference_data():
    load()
    partnership = criteria_of("partnership-s11")
    wt = partnership.filter(inspection_criteria__framework__code="wt2023").distinct().count()
    assert wt >= 0.9 * partnership.count()
    assert partnership.filter(inspection_criteria__framework__code="ilacs", inspection_criteria__code="LEAD").exists()
    assert partnership.filter(journey_stages__code="front-door").exists()

    schools = criteria_of("schools-kcsie")
    kcsie = schools.filter(inspection_criteria__framework__code="kcsie").distinct().count()
    assert kcsie == schools.count()
    for part in ("P1", "P2", "P3", "P4", "P5"):
        assert schools.filter(inspection_criteria__framework__code="kcsie", inspection_criteria__code=part).exists()


@pytest.mark.django_db
def test_loading_twice_creates_no_duplicates():
    load()
    counts = [m.objects.count() for m in (RatingScale, RatingLevel, Framework, Standard, Criterion)]
    tags = sum(c.inspection_criteria.count() + c.journey_stages.count() for c in Criterion.objects.all())
    out = load()
    assert [m.objects.count() for m in (RatingScale, RatingLevel, Framework, Standard, Criterion)] == counts
    assert sum(c.inspection_criteria.count() + c.journey_stages.count() for c in Criterion.objects.all()) == tags
    assert "0 new" in out


@pytest.mark.django_db
def test_scores_are_strictly_ordered_within_each_scale():
    load()
    assert set(RatingScale.objects.values_list("code", flat=True)) >= {"rag", "met", "schools"}
    for scale in RatingScale.objects.all():
        levels = list(scale.levels.order_by("order"))
        assert len(levels) >= 3, scale
        scores = [lvl.score for lvl in levels]
        assert all(a > b for a, b in zip(scores, scores[1:], strict=False)), (scale.code, scores)
        assert levels[0].colour == RatingLevel.Colour.GREEN, scale.code
        assert levels[-1].colour == RatingLevel.Colour.RED, scale.code
        assert all(lvl.description for lvl in levels), scale.code
    assert RatingScale.objects.get(code="rag").max_score == 3


BAD_TEMPLATE = """
code: bad-template
version: "1"
name: A template with a typo in a tag
audience: agencies
scale: rag
standards:
  - number: 1
    title: Leadership
    criteria:
      - code: "1.1"
        text: A named senior lead is responsible for safeguarding.
        guidance: The lead is named in the policy.
        evidence_examples: Policy; job description; minutes
        inspection_criteria: ["wt2023:99"]
"""


@pytest.mark.django_db
def test_unknown_tag_code_raises_command_error_naming_it(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(BAD_TEMPLATE, encoding="utf-8")
    with pytest.raises(CommandError) as excinfo:
        load(bad)
    message = str(excinfo.value)
    assert "wt2023:99" in message
    assert "bad.yaml" in message
    assert "1.1" in message
    assert not Framework.objects.filter(code="bad-template").exists()  # rolled back


@pytest.mark.django_db
def test_unknown_journey_stage_raises_command_error(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(BAD_TEMPLATE.replace('["wt2023:99"]', '["wt2023:4"]\n        journey_stages: [front-dor]'),
                   encoding="utf-8")
    with pytest.raises(CommandError, match="front-dor"):
        load(bad)


@pytest.mark.django_db
def test_given_paths_load_only_those_frameworks(tmp_path):
    good = tmp_path / "good.yaml"
    good.write_text(BAD_TEMPLATE.replace('["wt2023:99"]', '["wt2023:4"]'), encoding="utf-8")
    load(good)
    assert list(Framework.objects.values_list("code", flat=True)) == ["bad-template"]
    assert RatingScale.objects.filter(code="rag").exists()  # scales.yaml is always loaded
    assert Criterion.objects.get().inspection_criteria.get().code == "4"


@pytest.mark.django_db
def test_removed_criteria_are_deleted_unless_answered(tmp_path, police):
    from section11.models import Answer, Cycle, Return

    template = tmp_path / "template.yaml"
    two = BAD_TEMPLATE.replace('["wt2023:99"]', '["wt2023:4"]') + """
      - code: "1.2"
        text: Staff know who the lead is.
        guidance: Staff can name the lead.
        evidence_examples: Survey; quiz; posters
"""
    template.write_text(two, encoding="utf-8")
    load(template)
    framework = Framework.objects.get(code="bad-template")
    cycle = Cycle.objects.create(name="2026", framework=framework, opens_on="2026-01-05", deadline="2026-03-01")
    ret = Return.objects.create(cycle=cycle, agency=police)
    Answer.objects.create(ret=ret, criterion=Criterion.objects.get(code="1.1"))

    # Drop both criteria, and add another: the answered one stays, with a warning.
    template.write_text(two.split('      - code: "1.1"')[0] + """      - code: "1.3"
        text: The lead is trained.
        guidance: Training is in date.
        evidence_examples: Certificates; records; plan
""", encoding="utf-8")
    err = StringIO()
    call_command("load_section11_frameworks", str(template), stdout=StringIO(), stderr=err)
    assert sorted(Criterion.objects.values_list("code", flat=True)) == ["1.1", "1.3"]
    assert "criterion 1.1" in err.getvalue()
