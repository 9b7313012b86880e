"""The shipped dataset (performance/indicators/*.yaml) and the command that loads it."""
import datetime
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from partnership.demo import AGENCIES
from partnership.models import Agency
from performance.management.commands.load_indicators import THEMES
from performance.models import (
    Comparator,
    DataReturn,
    Frequency,
    Indicator,
    Period,
    Polarity,
    Quadrant,
    TurnTheCurve,
    Unit,
)

DATASET = Path(__file__).resolve().parents[2] / "performance" / "indicators" / "merton-dataset.yaml"
PUBLISHED = {("re-referrals", 2024, "england"): Decimal("22.00"),  # the brief's published figures
             ("cp-plans-2-years", 2025, "england"): Decimal("4.40")}


def load(*paths) -> str:
    out = StringIO()
    call_command("load_indicators", *[str(p) for p in paths], stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.fixture
def agencies(db):
    """The demo's agencies (the dataset's owners are among them), as seed_demo names them."""
    return {short: Agency.objects.update_or_create(name=name, defaults={"short_name": short, "sector": sector})[0]
            for name, short, sector, *_ in AGENCIES}


def write(tmp_path, indicators: list[dict], name="dataset.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump({"indicators": indicators}, sort_keys=False), encoding="utf-8")
    return path


def simple(code="test-count", owner="MSCP", **extra) -> dict:
    return {"code": code, "title": f"Indicator {code}", "definition": "Something counted.", "unit": "count",
            "polarity": "none", "quadrant": "how_much", "owner": owner, "frequency": "quarterly", **extra}


def test_the_yaml_file_parses_and_has_about_twenty_indicators():
    data = yaml.safe_load(DATASET.read_text(encoding="utf-8"))
    codes = [item["code"] for item in data["indicators"]]
    assert 20 <= len(codes) <= 26
    assert len(codes) == len(set(codes))


@pytest.mark.django_db
def test_loads_the_dataset_with_valid_units_polarities_and_quadrants(agencies):
    out = load()
    assert "Performance indicators loaded" in out
    indicators = list(Indicator.objects.select_related("owner_agency"))
    assert 20 <= len(indicators) <= 26
    for indicator in indicators:
        assert indicator.unit in Unit.values, indicator.code
        assert indicator.polarity in Polarity.values, indicator.code
        assert indicator.quadrant in Quadrant.values, indicator.code
        assert indicator.frequency in Frequency.values, indicator.code
        assert indicator.theme in THEMES, indicator.code
        assert indicator.definition.strip(), indicator.code
        assert indicator.owner_agency.short_name in {"Merton Children's Services", "SWL ICB", "Met Police SW BCU",
                                                     "Merton Education", "MSCP"}
    assert {i.quadrant for i in indicators} == set(Quadrant.values)  # all three OBA questions are asked
    assert {i.frequency for i in indicators} >= {Frequency.MONTHLY, Frequency.QUARTERLY, Frequency.TERMLY}
    assert {i.theme for i in indicators} == set(THEMES)


@pytest.mark.django_db
def test_every_ratio_has_numerator_and_denominator_definitions(agencies):
    load()
    ratios = Indicator.objects.filter(unit__in=[Unit.PERCENTAGE, Unit.RATE_PER_10K])
    assert ratios.count() >= 12
    for indicator in ratios:
        assert indicator.numerator_definition.strip(), indicator.code
        assert indicator.denominator_definition.strip(), indicator.code


@pytest.mark.django_db
def test_context_only_indicators_have_no_target_and_the_others_do(agencies):
    load()
    context = Indicator.objects.filter(polarity=Polarity.NONE)
    assert context.count() >= 8
    for indicator in context:
        assert indicator.target is None and indicator.red_tolerance is None, indicator.code
        assert indicator.amber_tolerance == 0, indicator.code
        assert indicator.quadrant == Quadrant.HOW_MUCH, indicator.code  # context figures are volumes
    for indicator in Indicator.objects.exclude(polarity=Polarity.NONE):
        assert indicator.target is not None, indicator.code
        assert indicator.red_tolerance is not None and indicator.red_tolerance >= indicator.amber_tolerance
        if indicator.unit == Unit.PERCENTAGE:
            assert 0 <= indicator.target <= 100, indicator.code
    assert Indicator.objects.get(code="serious-incident-notifications").cumulative


@pytest.mark.django_db
def test_published_comparators_are_not_marked_demo_and_invented_ones_are(agencies):
    load()
    for (code, year, kind), value in PUBLISHED.items():
        comparator = Comparator.objects.get(indicator__code=code, year=year, kind=kind)
        assert comparator.value == value
        assert not comparator.is_demo
    invented = Comparator.objects.exclude(
        pk__in=[Comparator.objects.get(indicator__code=c, year=y, kind=k).pk for c, y, k in PUBLISHED])
    assert invented.exists()
    assert not invented.filter(is_demo=False).exists()
    for indicator in Indicator.objects.all():
        assert indicator.values_are_demo == indicator.comparators.filter(is_demo=True).exists(), indicator.code


@pytest.mark.django_db
def test_tags_owners_and_priorities_resolve(agencies):
    load()
    rhi = Indicator.objects.get(code="rhi-72-hours")
    assert rhi.owner_agency == agencies["Merton Children's Services"]
    assert rhi.priority.code == "contextual-safeguarding"
    assert set(rhi.journey_stages.values_list("code", flat=True)) == {"extra-familial-harm", "children-in-care"}
    assert rhi.inspection_criteria.filter(framework__code="jtai", code="DD-EXP").exists()
    assert Indicator.objects.get(code="missing-episodes").owner_agency == agencies["Met Police SW BCU"]
    assert Indicator.objects.get(code="iha-20-days").owner_agency == agencies["SWL ICB"]
    assert Indicator.objects.filter(priority__isnull=True).exists()
    assert list(Indicator.objects.values_list("order", flat=True)) == sorted(
        Indicator.objects.values_list("order", flat=True))


@pytest.mark.django_db
def test_loading_twice_changes_nothing(agencies):
    load()
    first = (list(Indicator.objects.values_list("pk", "code", "target")),
             list(Comparator.objects.values_list("pk", "value", "is_demo")), Period.objects.count())
    out = load()
    assert "(0 new)" in out
    assert (list(Indicator.objects.values_list("pk", "code", "target")),
            list(Comparator.objects.values_list("pk", "value", "is_demo")), Period.objects.count()) == first


@pytest.mark.django_db
def test_makes_periods_for_this_and_the_previous_two_financial_years(agencies):
    load()
    today = timezone.localdate()
    year = today.year if today.month >= 4 else today.year - 1
    assert set(Period.objects.values_list("financial_year", flat=True)) >= {year - 2, year - 1, year}
    assert Period.objects.filter(kind=Frequency.QUARTERLY, financial_year=year).count() == 4
    assert Period.objects.filter(kind=Frequency.MONTHLY, financial_year=year - 2).count() == 12


@pytest.mark.django_db
def test_an_edited_file_updates_and_removes_comparators(agencies, tmp_path):
    comparators = [{"year": 2023, "england": 10, "demo": True}, {"year": 2024, "england": 11.5, "demo": True}]
    load(write(tmp_path, [simple(comparators=comparators)]))
    load(write(tmp_path, [simple(title="Renamed", comparators=[{"year": 2024, "england": 12, "demo": False}])]))
    indicator = Indicator.objects.get(code="test-count")
    assert indicator.title == "Renamed"
    assert list(indicator.comparators.values_list("year", "value", "is_demo")) == [(2024, Decimal("12.00"), False)]
    assert not indicator.values_are_demo


@pytest.mark.django_db
def test_owner_by_full_name(agencies, tmp_path):
    load(write(tmp_path, [simple(owner="Metropolitan Police Service, South West BCU")]))
    assert Indicator.objects.get().owner_agency == agencies["Met Police SW BCU"]


@pytest.mark.django_db
def test_unknown_owner_names_it_and_saves_nothing(agencies, tmp_path):
    path = write(tmp_path, [simple("first", comparators=[{"year": 2024, "england": 5, "demo": True}]),
                            simple("second", owner="Merton Ambulance Service")])
    with pytest.raises(CommandError, match="Merton Ambulance Service") as error:
        load(path)
    assert "second" in str(error.value) and "admin" in str(error.value) and "seed_demo" in str(error.value)
    assert not Indicator.objects.exists()
    assert not Comparator.objects.exists()


@pytest.mark.django_db
def test_the_shipped_dataset_needs_its_owning_agencies(db):
    with pytest.raises(CommandError, match="Met Police SW BCU"):
        load()
    assert not Indicator.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("change, message", [
    ({"unit": "per_cent"}, "'unit' is 'per_cent'"),
    ({"polarity": "up"}, "'polarity' is 'up'"),
    ({"target": 10}, "polarity 'none' is context only"),
    ({"unit": "percentage", "polarity": "higher"}, "'numerator_definition' is missing"),
    ({"polarity": "higher", "target": 10, "amber_tolerance": 3, "red_tolerance": 2}, "must be at least"),
    ({"polarity": "higher", "target": -1}, "0 or more"),
    ({"theme": "Safety"}, "DfE's five"),
    ({"journey_stages": ["nowhere"]}, "unknown journey stage 'nowhere'"),
    ({"inspection_criteria": ["ilacs:ZZ"]}, "unknown inspection criterion 'ilacs:ZZ'"),
    ({"priority": "world-peace"}, "unknown priority 'world-peace'"),
    ({"colour": "blue"}, "unknown key"),
    ({"comparators": [{"year": 2024, "england": 5}]}, "'demo' is missing"),
    ({"comparators": [{"year": 2024, "england": 5, "demo": True}], "values_are_demo": False}, "values_are_demo"),
    ({"comparators": [{"year": 2024, "scotland": 5, "demo": True}]}, "unknown key"),
    ({"code": "Not A Slug"}, "must be a slug"),
])
def test_mistakes_are_reported_with_the_indicator_and_save_nothing(agencies, tmp_path, change, message):
    with pytest.raises(CommandError, match=message.replace("(", r"\(")):
        load(write(tmp_path, [simple("fine"), simple(**change)]))
    assert not Indicator.objects.exists()


@pytest.mark.django_db
def test_the_same_code_in_two_files_is_refused(agencies, tmp_path):
    (tmp_path / "a").mkdir()
    write(tmp_path / "a", [simple()], "one.yaml")
    write(tmp_path / "a", [simple()], "two.yaml")
    with pytest.raises(CommandError, match="also in"):
        load(tmp_path / "a")


@pytest.mark.django_db
def test_admin_pages_for_the_dataset_render(agencies, business_unit, client_for):
    load()
    indicator = Indicator.objects.get(code="re-referrals")
    period = Period.objects.filter(kind=Frequency.QUARTERLY).first()
    data_return = DataReturn.objects.create(agency=indicator.owner_agency, period=period,
                                            due_date=period.end + datetime.timedelta(days=20))
    record = TurnTheCurve.objects.create(indicator=indicator, baseline="b", forecast="f", story="s", partners="p",
                                         what_works="w")
    business_unit.is_superuser = True  # the admin also checks model permissions
    business_unit.save(update_fields=["is_superuser"])
    client = client_for(business_unit)
    for url in ["/admin/performance/indicator/", f"/admin/performance/indicator/{indicator.pk}/change/",
                "/admin/performance/indicator/?quadrant__exact=better_off&unit__exact=percentage",
                "/admin/performance/period/", f"/admin/performance/period/{period.pk}/change/",
                "/admin/performance/datareturn/", f"/admin/performance/datareturn/{data_return.pk}/change/",
                "/admin/performance/turnthecurve/", f"/admin/performance/turnthecurve/{record.pk}/change/",
                "/admin/performance/indicator/add/", "/admin/performance/datareturn/add/"]:
        response = client.get(url)
        assert response.status_code == 200, url
    assert "22.00" in client.get(f"/admin/performance/indicator/{indicator.pk}/change/").content.decode()
