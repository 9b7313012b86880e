"""Scorecard, indicator page, exception report and turn-the-curve pages: who sees what, filters, exports."""
import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from partnership.models import Action, JourneyStage, ReportExport
from partnership.models.actions import sources_of
from partnership.views import mixins
from performance.models import (
    Comparator,
    DataReturn,
    Frequency,
    Indicator,
    Period,
    Polarity,
    Quadrant,
    TurnTheCurve,
)
from tests.factories import ActionFactory, PriorityFactory
from tests.performance.conftest import make_indicator
from tests.performance.test_scorecard import add_value, pdf_text, seed

V = DataReturn.Status
SCORECARD = reverse("performance:scorecard")
EVERYONE = ["business_unit", "qa_member", "chair", "reader", "agency_lead", "contributor", "outsider",
            "reviews_member", "ld_coordinator"]


@pytest.fixture
def all_quarters(quarters):
    return list(Period.objects.filter(kind=Frequency.QUARTERLY).order_by("start"))


@pytest.fixture
def q1(all_quarters):
    return all_quarters[4]  # 2026-27 Q1


@pytest.fixture
def scored(indicator, all_quarters, q1):
    """The police indicator: 80% then 65% (red, worse), with a story; validated."""
    add_value(indicator, all_quarters[3], 80)
    add_value(indicator, q1, 65, commentary="Two missing-persons officers left in the spring. " * 5)
    return indicator


def page(client, url=SCORECARD, **params):
    response = client.get(url, params)
    assert response.status_code == 200
    return response.content.decode()


def section(html: str, anchor: str) -> str:
    """The page from a heading's id to the next quadrant heading."""
    start = html.index(f'id="{anchor}"')
    end = html.find('class="govuk-heading-m app-quadrant"', start)
    return html[start:end if end != -1 else None]


# --- Access ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["performance:scorecard", "performance:exceptions", "performance:scorecard-csv"])
def test_anonymous_people_are_sent_to_sign_in(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("partnership:sign-in"))


def test_anonymous_people_are_sent_to_sign_in_from_an_indicator(client, indicator):
    response = client.get(indicator.get_absolute_url())
    assert response.status_code == 302 and response["Location"].startswith(reverse("partnership:sign-in"))


@pytest.mark.parametrize("persona", EVERYONE)
def test_everyone_signed_in_sees_the_scorecard_indicator_and_exceptions(request, client_for, persona, scored):
    client = client_for(request.getfixturevalue(persona))
    assert scored.title in page(client)
    assert "Two missing-persons officers left" in page(client, scored.get_absolute_url())
    assert scored.title in page(client, reverse("performance:exceptions"))


def test_unknown_indicator_is_not_found(client_for, reader, db):
    assert client_for(reader).get(reverse("performance:indicator-detail", args=["nope"])).status_code == 404


# --- The scorecard ----------------------------------------------------------------------------------------
def test_scorecard_groups_indicators_by_the_four_oba_questions(client_for, reader, police, q1):
    for code, quadrant in [("contacts", Quadrant.HOW_MUCH), ("rhi", Quadrant.HOW_WELL),
                           ("re-referrals", Quadrant.BETTER_OFF)]:
        add_value(make_indicator(police, code=code, quadrant=quadrant), q1, 50)

    html = page(client_for(reader))

    headings = ["How much did we do?", "How well did we do it?", "Is anyone better off?",
                "What will we do next?"]
    positions = [html.index(f">{h}</h2>") for h in headings]
    assert positions == sorted(positions)
    assert "Indicator contacts" in section(html, "how_much")
    assert "Indicator rhi" in section(html, "how_well") and "Indicator rhi" not in section(html, "how_much")
    assert "Indicator re-referrals" in section(html, "better_off")


def test_rag_and_direction_are_shown_as_text_with_a_legend(client_for, reader, scored):
    html = page(client_for(reader))
    row = section(html, "how_well")

    assert '<span class="app-rag app-rag--red">Red</span>' in row
    assert ('<span class="app-direction__arrow app-direction__arrow--falling" aria-hidden="true"></span>Falling, '
            '<span class="app-direction__judgement">worse</span>') in row
    assert "from 80%" in row and "65%" in row
    assert "What the colours and arrows mean" in html
    assert "worse than target by more than the red tolerance" in html


def test_each_row_has_target_sparkline_comparators_and_truncated_commentary(client_for, reader, scored):
    Comparator.objects.create(indicator=scored, year=2024, kind="england", value=Decimal("75"))
    Comparator.objects.create(indicator=scored, year=2024, kind="london", value=Decimal("78"), is_demo=True)

    row = section(page(client_for(reader)), "how_well")

    assert "<title" in row and f"Trend for {scored.title}, 2025-26 Q1 to 2026-27 Q1" in row
    assert "England 75%" in row and 'London 78% <span class="app-flag--demo">(demo)</span>' in row
    assert "Read the full commentary" in row
    assert row.count("Two missing-persons officers left") == 3  # 160 characters of the five sentences


def test_period_chooser_defaults_to_the_latest_quarter_with_validated_figures(client_for, agency_lead, scored,
                                                                              all_quarters):
    add_value(scored, all_quarters[5], 90, status=V.SUBMITTED)

    html = page(client_for(agency_lead), unvalidated="1")

    assert "<h1" in html and "2026-27 Q1 · including figures not yet validated</span>" in html
    assert f'<option value="{all_quarters[5].pk}">2026-27 Q2 (not yet validated)</option>' in html
    assert f'<option value="{all_quarters[4].pk}" selected>2026-27 Q1</option>' in html
    # Without asking, the owning agency reads the validated scorecard like everyone: no unvalidated period.
    assert f'<option value="{all_quarters[5].pk}"' not in page(client_for(agency_lead))


def test_frequency_choice_shows_that_frequency_s_indicators(client_for, reader, police, scored):
    monthly = make_indicator(police, code="assessments-45", frequency=Frequency.MONTHLY)
    [april] = Period.objects.filter(kind=Frequency.MONTHLY, label="April 2026") or [
        Period.objects.create(kind=Frequency.MONTHLY, label="April 2026", start=datetime.date(2026, 4, 1),
                              end=datetime.date(2026, 4, 30), financial_year=2026)]
    add_value(monthly, april, 88)

    html = page(client_for(reader), frequency="monthly")

    assert "Indicator assessments-45" in html and scored.title not in html
    assert "Monthly indicators · April 2026" in html


def test_unvalidated_figures_are_hidden_from_others_but_marked_for_the_owning_agency(
        client_for, reader, outsider, agency_lead, indicator, q1):
    add_value(indicator, q1, 72.5, status=V.SUBMITTED, commentary="Draft story")

    for person in (reader, outsider):
        for params in ({}, {"unvalidated": "1"}):  # asking is not enough: they may not include them
            html = page(client_for(person), frequency="quarterly", period=q1.pk, **params)
            assert "72.5%" not in html and "Draft story" not in html
            assert "There are no quarterly figures you can see yet." in html
    assert 'name="unvalidated"' not in page(client_for(reader))  # the outsider may include its own agency's
    html = page(client_for(agency_lead), frequency="quarterly", period=q1.pk, unvalidated="1")
    row = section(html, "how_well")
    assert "72.5%" in row and "Draft story" in row
    assert "Not yet validated" in row


@pytest.mark.parametrize("persona", ["business_unit", "agency_lead", "contributor", "reader", "chair"])
def test_everyone_sees_the_same_validated_scorecard_by_default(request, client_for, persona, indicator, all_quarters,
                                                               q1):
    """The scorecard no longer differs by viewer: validated figures for everyone unless they tick the box."""
    add_value(indicator, all_quarters[3], 80)
    add_value(indicator, q1, 72.5, status=V.SUBMITTED, commentary="Draft story")

    client = client_for(request.getfixturevalue(persona))
    html = page(client, period=q1.pk)  # a period with only unvalidated figures is not offered: the latest validated

    assert "2025-26 Q4 · validated figures" in html and "72.5%" not in html and "Draft story" not in html
    assert '<span class="app-flags"><strong class="app-flag app-flag--unvalidated">' not in html
    assert f'<option value="{q1.pk}"' not in html
    csv_rows = read_csv(client.get(reverse("performance:scorecard-csv"), {"period": q1.pk}))
    assert [r["Value"] for r in csv_rows] == ["80.00"]
    exceptions = page(client, reverse("performance:exceptions"), period=q1.pk)
    assert "72.5%" not in exceptions and "Draft story" not in exceptions


def test_the_business_unit_sees_unvalidated_figures_marked_when_it_asks(client_for, business_unit, indicator, q1):
    add_value(indicator, q1, 72.5, status=V.SUBMITTED)
    client = client_for(business_unit)
    html = page(client, unvalidated="1")
    row = section(html, "how_well")
    assert "72.5%" in row and "Not yet validated" in row
    assert 'id="unvalidated" name="unvalidated" type="checkbox" value="1" checked' in html
    assert "including figures not yet validated" in html
    assert "unvalidated=1" in html[html.index("Exception report"):]  # the links keep the choice
    assert "72.5%" not in page(client)


def test_the_indicator_page_shows_validated_figures_unless_asked(client_for, business_unit, reader, indicator, q1,
                                                                 all_quarters):
    add_value(indicator, all_quarters[3], 80)
    add_value(indicator, q1, 72.5, status=V.SUBMITTED)
    url = reverse("performance:indicator-detail", args=[indicator.code])

    assert "72.5%" not in page(client_for(business_unit), url)
    assert "72.5%" in page(client_for(business_unit), url, unvalidated="1")
    reader_html = page(client_for(reader), url, unvalidated="1")
    assert "72.5%" not in reader_html and "Include figures not yet validated</a>" not in reader_html


def test_filters_narrow_the_rows(client_for, reader, police, outsider_agency, q1):
    priority = PriorityFactory(title="Neglect")
    stage = JourneyStage.objects.create(code="front-door", name="Front door")
    a = make_indicator(police, code="a-priority", priority=priority)
    b = make_indicator(police, code="b-stage")
    b.journey_stages.add(stage)
    c = make_indicator(outsider_agency, code="c-outsider", target=Decimal("10"))
    for ind in (a, b, c):
        add_value(ind, q1, 50, agency=ind.owner_agency)
    client = client_for(reader)

    def codes(**params) -> set[str]:
        html = page(client, frequency="quarterly", period=q1.pk, **params)
        return {ind.code for ind in (a, b, c) if f"Indicator {ind.code}<" in html}

    assert codes() == {"a-priority", "b-stage", "c-outsider"}
    assert codes(priority=priority.pk) == {"a-priority"}
    assert codes(journey_stage=stage.pk) == {"b-stage"}
    assert codes(agency=outsider_agency.pk) == {"c-outsider"}
    assert codes(rag="green") == {"c-outsider"}  # 50 against a target of 10, higher is better
    assert codes(rag="red") == {"a-priority", "b-stage"}
    assert codes(priority="not-a-choice") == {"a-priority", "b-stage", "c-outsider"}


def test_scorecard_lists_open_actions_and_curves_under_what_will_we_do(client_for, reader, scored, police):
    curve = TurnTheCurve.objects.create(indicator=scored, baseline="b", forecast="f", story="s", partners="p",
                                        what_works="Return home interviews by a trusted adult")
    curve.actions.add(ActionFactory(owner_agency=police, title="Train response officers in RHI referrals"))

    plans = page(client_for(reader)).split('id="what_will_we_do"')[1]

    assert "Train response officers in RHI referrals" in plans
    assert "Return home interviews by a trusted adult" in plans


# --- CSV ------------------------------------------------------------------------------------------------
def read_csv(response) -> list[dict]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def test_csv_has_the_scorecard_rows_with_numbers_and_labels(client_for, reader, scored, q1):
    Comparator.objects.create(indicator=scored, year=2024, kind="england", value=Decimal("75"), is_demo=True)

    response = client_for(reader).get(reverse("performance:scorecard-csv"), {"frequency": "quarterly",
                                                                             "period": q1.pk})

    assert response["Content-Disposition"] == 'attachment; filename="performance-scorecard-2026-27-q1.csv"'
    [row] = read_csv(response)
    assert (row["Code"], row["Period"], row["Value"], row["Formatted value"], row["Target"]) == (
        "rhi-72h", "2026-27 Q1", "65.00", "65%", "80.00")
    assert (row["RAG"], row["Direction of travel"], row["Previous value"]) == ("Red", "Falling, worse", "80.00")
    assert (row["England"], row["Comparators are demo figures"], row["Validated"]) == ("75.00", "Yes", "Yes")
    assert row["OBA question"] == "How well did we do it?"
    assert row["Commentary"].startswith("Two missing-persons officers left")


def test_csv_keeps_the_filters(client_for, reader, scored, police, q1):
    other = make_indicator(police, code="other", target=Decimal("10"))
    add_value(other, q1, 50)
    response = client_for(reader).get(reverse("performance:scorecard-csv"), {"rag": "green"})
    assert [r["Code"] for r in read_csv(response)] == ["other"]


def test_csv_cannot_be_made_to_run_a_formula(client_for, reader, police, q1):
    ind = make_indicator(police, code="formula")
    ind.title = '=HYPERLINK("http://evil.example","Click")'
    ind.save()
    add_value(ind, q1, 50, commentary="+cmd|' /C calc'!A0")

    [row] = read_csv(client_for(reader).get(reverse("performance:scorecard-csv")))

    assert row["Indicator"] == "'=HYPERLINK(\"http://evil.example\",\"Click\")"
    assert row["Commentary"] == "'+cmd|' /C calc'!A0"


def test_csv_leaves_out_figures_the_person_may_not_see(client_for, reader, indicator, q1, all_quarters):
    add_value(indicator, all_quarters[3], 70)
    add_value(indicator, q1, 99, status=V.SUBMITTED)
    [row] = read_csv(client_for(reader).get(reverse("performance:scorecard-csv"),
                                            {"period": all_quarters[3].pk}))
    assert row["Value"] == "70.00"
    assert "99" not in str(row)


# --- Indicator page ----------------------------------------------------------------------------------------
def test_indicator_page_explains_the_definition_target_and_tolerances_in_words(client_for, reader, police, q1):
    ind = make_indicator(police, code="plans-2y", polarity=Polarity.LOWER, target=Decimal("4.4"),
                         amber=Decimal("0.5"), red=Decimal("2"), numerator_definition="Plans open two years",
                         denominator_definition="All plans open")
    add_value(ind, q1, 5)

    html = page(client_for(reader), ind.get_absolute_url())

    assert "Plans open two years" in html and "All plans open" in html
    assert "Lower is better" in html and police.name in html and "Quarterly" in html
    assert "4.9% or less (the target of 4.4%, plus a tolerance of 0.5)" in html
    assert "above 4.9%, up to 6.4%" in html and "above 6.4%" in html


def test_indicator_page_shows_the_trend_chart_with_its_table_and_every_period(client_for, reader, scored,
                                                                               all_quarters):
    Comparator.objects.create(indicator=scored, year=2025, kind="england", value=Decimal("75"))

    html = page(client_for(reader), scored.get_absolute_url())

    assert 'class="app-chart"' in html and "Target 80%" in html and "England" in html
    assert "the figures in the chart" in html  # the data table alternative
    history = html.split('id="figures"')[1]
    assert history.index("2026-27 Q1") < history.index("2025-26 Q4")  # newest first
    assert f'id="period-{all_quarters[4].pk}"' in history
    assert "Two missing-persons officers left" in history


def test_indicator_page_shows_turn_the_curve_records_with_their_actions(client_for, reader, scored, police):
    curve = TurnTheCurve.objects.create(indicator=scored, baseline="Down from 80%", forecast="Below 60% by March",
                                        story="Vacancies", partners="Police, children's services",
                                        what_works="Trusted adults")
    curve.actions.add(ActionFactory(owner_agency=police, title="Recruit two officers"))

    html = page(client_for(reader), scored.get_absolute_url())

    for text in ("Down from 80%", "Below 60% by March", "Vacancies", "Police, children&#x27;s services",
                 "Trusted adults", "Recruit two officers"):
        assert text in html
    assert "Add a turn-the-curve record" not in html


# --- Exception report ----------------------------------------------------------------------------------------
def test_exception_report_contains_only_red_or_worsening_with_commentary_and_actions(
        client_for, reader, police, all_quarters):
    q4, q1 = all_quarters[3], all_quarters[4]
    cases = {"red-worse": (70, 60), "green-worse": (95, 85), "green-better": (80, 90), "amber-same": (75, 75)}
    for code, (before, now) in cases.items():
        ind = make_indicator(police, code=code)
        add_value(ind, q4, before)
        add_value(ind, q1, now, commentary=f"The story of {code}")
        if code == "red-worse":
            ind.actions.add(ActionFactory(owner_agency=police, title="Audit the missing pathway"))

    html = page(client_for(reader), reverse("performance:exceptions"))

    assert "Indicator red-worse" in html and "Indicator green-worse" in html
    assert "Indicator green-better" not in html and "Indicator amber-same" not in html
    assert "The story of red-worse" in html and "The story of green-worse" in html
    assert "Red and worse than the period before." in html
    assert "Audit the missing pathway" in html
    assert html.index("Indicator red-worse") < html.index("Indicator green-worse")


def test_exception_report_leaves_out_unvalidated_figures_for_others(client_for, reader, indicator, all_quarters):
    add_value(indicator, all_quarters[3], 80)
    add_value(indicator, all_quarters[4], 10, status=V.SUBMITTED, commentary="Secret draft")
    html = page(client_for(reader), reverse("performance:exceptions"))
    assert "Secret draft" not in html


# --- Turn the curve ---------------------------------------------------------------------------------------
def curve_data(**extra) -> dict:
    return {"baseline": "80% a year ago, 65% now", "forecast": "Under 60% by March",
            "story": "Two officers left", "partners": "Police and children's services",
            "what_works": "A trusted adult offers the interview", **extra}


def due(days=30) -> dict:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return {"action_due_date_0": day.day, "action_due_date_1": day.month, "action_due_date_2": day.year}


@pytest.mark.parametrize("persona", ["business_unit", "agency_lead"])
def test_business_unit_and_owning_agency_lead_can_add_and_change_a_curve(request, client_for, persona, indicator):
    client = client_for(request.getfixturevalue(persona))
    create = reverse("performance:turn-the-curve-create", args=[indicator.code])

    assert client.get(create).status_code == 200
    response = client.post(create, curve_data())
    record = TurnTheCurve.objects.get()
    assert response.status_code == 302
    assert response["Location"] == indicator.get_absolute_url() + "#turn-the-curve"
    assert record.story == "Two officers left" and record.updated_by == request.getfixturevalue(persona)

    edit = reverse("performance:turn-the-curve-edit", args=[indicator.code, record.pk])
    form = client.get(edit)
    assert form.status_code == 200
    response = client.post(edit, curve_data(story="Vacancies filled in June",
                                            last_updated=record.updated_at.isoformat()))
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.story == "Vacancies filled in June"
    assert record.history.count() == 2
    assert "Add a turn-the-curve record" in page(client, indicator.get_absolute_url())


@pytest.mark.parametrize("persona", ["contributor", "outsider", "reader", "qa_member", "chair"])
def test_others_cannot_add_or_change_a_curve(request, client_for, persona, indicator):
    record = TurnTheCurve.objects.create(indicator=indicator, **curve_data())
    client = client_for(request.getfixturevalue(persona))
    create = reverse("performance:turn-the-curve-create", args=[indicator.code])
    edit = reverse("performance:turn-the-curve-edit", args=[indicator.code, record.pk])

    assert client.get(create).status_code == 403
    assert client.post(create, curve_data()).status_code == 403
    assert client.get(edit).status_code == 403
    assert client.post(edit, curve_data(story="Changed")).status_code == 403
    assert TurnTheCurve.objects.get().story == "Two officers left"
    assert "Add a turn-the-curve record" not in page(client, indicator.get_absolute_url())


def test_a_curve_of_another_indicator_is_not_found(client_for, business_unit, indicator, police):
    other = make_indicator(police, code="other")
    record = TurnTheCurve.objects.create(indicator=other, **curve_data())
    url = reverse("performance:turn-the-curve-edit", args=[indicator.code, record.pk])
    assert client_for(business_unit).get(url).status_code == 404


def test_curve_action_lands_in_the_tracker_linked_both_ways(client_for, agency_lead, indicator, police):
    response = client_for(agency_lead).post(
        reverse("performance:turn-the-curve-create", args=[indicator.code]),
        curve_data(action_title="Offer every child a trusted adult", action_description="Police and CSC agree",
                   action_owner=agency_lead.pk, **due()))

    assert response.status_code == 302
    record = TurnTheCurve.objects.get()
    action = Action.objects.get()
    assert (action.title, action.owner_agency, action.owner, action.source_kind, action.status) == (
        "Offer every child a trusted adult", police, agency_lead, "performance", Action.Status.PROPOSED)
    assert list(record.actions.all()) == [action]
    assert sources_of(action) == [record]
    assert "Offer every child a trusted adult" in page(client_for(agency_lead), indicator.get_absolute_url())


def test_half_filled_action_is_refused_and_nothing_is_saved(client_for, agency_lead, indicator):
    response = client_for(agency_lead).post(
        reverse("performance:turn-the-curve-create", args=[indicator.code]),
        curve_data(action_title="Something", story=""))

    assert response.status_code == 400
    html = response.content.decode()
    assert "Describe what will be done" in html and "Enter the due date of the action" in html
    assert "Tell the story behind the curve" in html
    assert "80% a year ago, 65% now" in html  # what was typed is kept
    assert not TurnTheCurve.objects.exists() and not Action.objects.exists()


def test_action_due_in_the_past_is_refused_and_the_record_is_not_saved(client_for, business_unit, indicator):
    response = client_for(business_unit).post(
        reverse("performance:turn-the-curve-create", args=[indicator.code]),
        curve_data(action_title="Late", action_description="Too late", **due(-3)))

    assert response.status_code == 400
    assert "The due date must be today or later." in response.content.decode()
    assert not TurnTheCurve.objects.exists() and not Action.objects.exists()


def test_stale_curve_edit_is_refused_keeping_what_was_typed(client_for, business_unit, indicator):
    record = TurnTheCurve.objects.create(indicator=indicator, **curve_data())
    seen = record.updated_at.isoformat()
    record.story = "Someone else's story"
    record.save()

    response = client_for(business_unit).post(
        reverse("performance:turn-the-curve-edit", args=[indicator.code, record.pk]),
        curve_data(story="My story", last_updated=seen))

    assert response.status_code == 400
    html = response.content.decode()
    assert "Someone else changed this record" in html
    assert "My story" in html and "Someone else&#x27;s story" in html
    record.refresh_from_db()
    assert record.story == "Someone else's story"


# --- PDF ------------------------------------------------------------------------------------------------
def test_pdf_request_is_post_only(client_for, chair):
    assert client_for(chair).get(reverse("performance:scorecard-pdf")).status_code == 405


def test_reader_may_not_ask_for_the_pdf(client_for, reader, scored, q1):
    client = client_for(reader)
    assert "Make a PDF for the board" not in page(client)
    response = client.post(reverse("performance:scorecard-pdf"), {"period_id": q1.pk, "frequency": "quarterly"})
    assert response.status_code == 403
    assert not ReportExport.objects.exists()


def test_pdf_export_runs_to_ready_from_the_scorecard_page(client_for, chair, scored, q1,
                                                         django_capture_on_commit_callbacks, tmp_path):
    client = client_for(chair)
    assert "Make a PDF for the board" in page(client)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("performance:scorecard-pdf"), {"period_id": q1.pk, "frequency": "quarterly"})

    export = ReportExport.objects.get()
    assert response.status_code == 302 and response["Location"] == export.get_absolute_url()
    assert (export.kind, export.parameters) == ("performance-scorecard", {"period_id": q1.pk,
                                                                           "frequency": "quarterly"})
    assert export.status == ReportExport.Status.READY, export.error
    text = pdf_text(export, tmp_path)
    assert scored.title in text and "Red" in text


def test_pdf_for_a_period_without_figures_is_refused(client_for, chair, scored, all_quarters):
    response = client_for(chair).post(reverse("performance:scorecard-pdf"),
                                      {"period_id": all_quarters[7].pk, "frequency": "quarterly"})
    assert response.status_code == 302 and response["Location"].startswith(SCORECARD)
    assert not ReportExport.objects.exists()


# --- Speed ------------------------------------------------------------------------------------------------
def test_scorecard_page_runs_the_same_number_of_queries_for_60_indicators_as_for_6(
        client_for, reader, all_quarters):
    client = client_for(reader)
    client.get(SCORECARD)  # sessions and the like settle on the first request

    def count(n: int, prefix: str) -> int:
        seed(n, all_quarters, prefix)
        Indicator.objects.exclude(code__startswith=prefix).update(active=False)
        with CaptureQueriesContext(connection) as captured:
            html = page(client, frequency="quarterly", period=all_quarters[7].pk)
        assert html.count('class="app-chart app-chart--sparkline"') == n
        return len(captured.captured_queries)

    assert count(6, "small") == count(60, "big")


def test_indicator_and_exception_pages_run_a_fixed_number_of_queries(client_for, reader, all_quarters):
    client = client_for(reader)
    client.get(SCORECARD)
    [first] = seed(1, all_quarters, "one")
    with CaptureQueriesContext(connection) as small:
        page(client, first.get_absolute_url())
        page(client, reverse("performance:exceptions"))
    seed(30, all_quarters, "more")
    with CaptureQueriesContext(connection) as big:
        page(client, first.get_absolute_url())
        page(client, reverse("performance:exceptions"))
    assert len(small.captured_queries) == len(big.captured_queries)



# --- A page at a time (issue 21: many partnerships on one service) ----------------------------------------
def test_the_scorecard_shows_a_page_of_indicators_in_question_order_and_counts_and_downloads_them_all(
        client_for, reader, police, q1, monkeypatch):
    monkeypatch.setattr(mixins, "LIST_PAGE_SIZE", 2)
    for code, quadrant in [("much-1", Quadrant.HOW_MUCH), ("much-2", Quadrant.HOW_MUCH),
                           ("well-1", Quadrant.HOW_WELL), ("off-1", Quadrant.BETTER_OFF)]:
        add_value(make_indicator(police, code=code, quadrant=quadrant), q1, 50)  # red: 30 below an 80% target
    client = client_for(reader)

    first = page(client, frequency="quarterly", period=q1.pk)
    second = page(client, frequency="quarterly", period=q1.pk, page=2)

    assert "Indicator much-1" in first and "Indicator much-2" in first and "Indicator well-1" not in first
    assert 'id="how_well"' not in first and f'href="?frequency=quarterly&amp;period={q1.pk}&amp;page=2#how_well"' \
        in first  # the contents lead to the question on the page it starts
    assert "Indicator well-1" in second and "Indicator off-1" in second and 'id="how_much"' not in second
    assert "Indicators 3 to 4 of 4, page 2 of 2" in second
    red = '<span class="app-dashboard-figure__number">4</span> Red'
    assert red in first and red in second  # the summary counts every indicator, on every page
    download = client.get(reverse("performance:scorecard-csv"), {"frequency": "quarterly", "period": q1.pk})
    rows = list(csv.reader(io.StringIO(b"".join(download.streaming_content).decode("utf-8-sig"))))
    assert len(rows) == 1 + 4  # the download has every indicator
