"""The performance framework in a real browser: an agency's data return (spreadsheet and online), the business
unit's checks, the scorecard, an indicator's page, the exception report and turning the curve; a reader's view.
axe-core on every page type of the app; the scorecard and the data return page also 375 px wide.

Two tests: the journey on a small dataset (three police indicators, one of the local authority's), then the
shipped dataset with the demo's two years of figures, to look at the pages as they really fill up.
"""
import datetime
import re
from decimal import Decimal
from io import StringIO

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from partnership import demo as kernel_demo
from partnership.models import Action, Sector
from partnership.templatetags.words import possessive
from performance import demo
from performance.models import DataReturn, Frequency, Indicator, Period, Polarity, Quadrant, TurnTheCurve, Unit, Value
from tests.factories import AgencyFactory
from tests.performance.conftest import make_indicator, quarters  # noqa: F401 (fixture)

from .conftest import axe_check, expect, phone_width, sign_in
from .conftest import screenshot as _screenshot
from .sweep import check_reflow, window

DEMO_PASSWORD = "demo-password-for-tests"
ERROR_TITLE = re.compile(r"^Error: ")  # every page with a form in error (base.html, or the page's own title)


def screenshot(page, name: str, *, mobile: bool = False) -> None:
    """conftest's screenshot, then remove the `style=""` Playwright's caret hiding leaves behind (see
    test_section11.py: nothing here copies it, but a later axe run should see the page as served)."""
    _screenshot(page, name, mobile=mobile)
    page.evaluate("() => document.querySelectorAll('[style=\"\"]').forEach(e => e.removeAttribute('style'))")


def assert_fits_a_phone(page) -> None:
    """375 px wide: axe finds nothing, and nothing but a table's or chart's own scroll box is wider than the
    screen (WCAG 1.4.10 Reflow)."""
    with phone_width(page):
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 375, f"{page.url} is {width} px wide on a 375 px screen"
        axe_check(page)


def success_banner(page):
    return page.locator(".govuk-notification-banner--success")


def error_summary(page):
    return page.locator(".govuk-error-summary")


def service_navigation(page):
    return page.get_by_role("navigation", name="Menu")


def scorecard_row(page, title: str):
    return page.locator("table.app-scorecard tbody tr").filter(has=page.get_by_role("link", name=title, exact=True))


def sheet_rows(sheet) -> dict[str, int]:
    """Indicator code → row number in the template's "Data return" sheet."""
    return {row[0].value: row[0].row for row in sheet.iter_rows(min_row=2) if row[0].value}


def fill_date(page, legend: str, day: datetime.date) -> None:
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


# --- The journey -------------------------------------------------------------------------------------
@pytest.fixture
def perf(police, quarters):  # noqa: F811
    """Three police indicators and one of the local authority's; last quarter validated, this one open."""
    q1, q2 = quarters[0], quarters[1]  # 2026-27 Q1 (validated) and Q2 (the police return is open)
    la = AgencyFactory(name="London Borough of Merton Children's Services", short_name="Merton Children's Services",
                       sector=Sector.LA_CHILDRENS, statutory_partner=True)
    rhi = make_indicator(police, code="rhi-72-hours", order=10,
                         numerator_definition="Missing episodes ended with an interview offered within 72 hours.",
                         denominator_definition="All missing episodes that ended in the quarter.")
    missing = make_indicator(police, code="missing-episodes", unit=Unit.COUNT, polarity=Polarity.NONE,
                             quadrant=Quadrant.HOW_MUCH, target=None, amber=Decimal("0"), red=None, order=20)
    encompass = make_indicator(police, code="operation-encompass", unit=Unit.COUNT, polarity=Polarity.NONE,
                               quadrant=Quadrant.HOW_MUCH, target=None, amber=Decimal("0"), red=None, order=30)
    rereferrals = make_indicator(la, code="re-referrals", polarity=Polarity.LOWER, quadrant=Quadrant.BETTER_OFF,
                                 target=Decimal("22"), amber=Decimal("0"), red=Decimal("2"), order=40)
    titles = {
        rhi: ("Return home interviews within 72 hours", "Missing episodes ended in the quarter where the child was "
              "offered a return home interview within 72 hours."),
        missing: ("Missing episodes of Merton children", "Episodes in which a Merton child was reported missing."),
        encompass: ("Operation Encompass notifications to schools", "Notifications sent to schools after a "
                    "domestic abuse incident."),
        rereferrals: ("Re-referrals within 12 months", "Referrals within 12 months of a previous referral."),
    }
    for indicator, (title, definition) in titles.items():
        Indicator.objects.filter(pk=indicator.pk).update(title=title, definition=definition)

    def data_return(agency, period, status, figures):
        ret = DataReturn.objects.create(agency=agency, period=period, status=status,
                                        due_date=period.end + datetime.timedelta(days=20))
        for indicator, numerator, denominator, value, commentary in figures:
            Value.objects.create(indicator=indicator, period=period, data_return=ret, numerator=numerator,
                                 denominator=denominator, value=value, commentary=commentary)
        return ret

    V, S = DataReturn.Status.VALIDATED, DataReturn.Status.SUBMITTED
    data_return(police, q1, V, [(rhi, 130, 180, Decimal("72.22"), "Below target: interviews arranged late."),
                                (missing, None, None, 150, ""), (encompass, None, None, 201, "")])
    data_return(la, q1, V, [(rereferrals, 400, 2000, Decimal("20.00"), "Close to target.")])
    la_q2 = data_return(la, q2, S, [(rereferrals, 500, 2000, Decimal("25.00"), "Rising: cases closed early return.")])
    police_q2 = DataReturn.objects.create(agency=police, period=q2, due_date=q2.end + datetime.timedelta(days=20))
    return {"q2": q2, "police": police_q2, "la": la, "la_q2": la_q2, "rhi": rhi, "missing": missing,
            "encompass": encompass, "rereferrals": rereferrals}


def test_data_return_to_scorecard(signed_in_page, agency_lead, business_unit, reader, perf, tmp_path):
    ret, rhi, missing, encompass = perf["police"], perf["rhi"], perf["missing"], perf["encompass"]
    label = perf["q2"].label  # 2026-27 Q2
    police_name = ret.agency.display_name

    # --- The agency lead: the dashboard, the return, the spreadsheet.
    page = signed_in_page(agency_lead)
    expect(page.get_by_role("heading", name="Performance data due")).to_be_visible()
    axe_check(page)
    screenshot(page, "perf-home-agency-lead")
    page.get_by_role("link", name=f"{label} figures").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(ret.agency.name)
    expect(page.locator("main")).to_contain_text("0 of 3 figures entered")
    axe_check(page)
    screenshot(page, "perf-return-empty", mobile=True)
    assert_fits_a_phone(page)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the spreadsheet (Excel)").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    template = tmp_path / download.suggested_filename
    download.save_as(template)

    def workbook(name, cells):
        book = load_workbook(template)
        sheet = book["Data return"]
        rows = sheet_rows(sheet)
        assert set(rows) == {"rhi-72-hours", "missing-episodes", "operation-encompass"}
        assert sheet.cell(rows["rhi-72-hours"], 3).value == label
        for code, (numerator, denominator, value, commentary) in cells.items():
            for column, content in zip((4, 5, 6, 8), (numerator, denominator, value, commentary), strict=True):
                sheet.cell(rows[code], column).value = content
        path = tmp_path / name
        book.save(path)
        return path, rows

    bad, rows = workbook("figures-with-problems.xlsx", {
        "rhi-72-hours": (None, None, 120, "Most interviews offered on the next working day."),
        "missing-episodes": (None, None, "about 200", ""),
    })
    good, _ = workbook("figures.xlsx", {
        "rhi-72-hours": (150, 180, None, "Most interviews offered on the next working day."),
        "missing-episodes": (None, None, 212, "More episodes over the summer holidays."),
    })

    page.get_by_role("link", name="Upload a completed spreadsheet").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Upload your figures")
    axe_check(page)
    page.get_by_role("button", name="Upload and check").click()
    expect(error_summary(page)).to_contain_text("Select the completed spreadsheet")
    axe_check(page)
    screenshot(page, "perf-upload-error")

    # A file with two bad rows: every problem with its row number, and nothing saved.
    page.get_by_label("Upload your completed spreadsheet").set_input_files(bad)
    page.get_by_role("button", name="Upload and check").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check the figures from your spreadsheet")
    expect(page).to_have_title(ERROR_TITLE)
    rhi_row, missing_row = rows["rhi-72-hours"], rows["missing-episodes"]
    expect(error_summary(page)).to_contain_text(
        f"Row {rhi_row} (rhi-72-hours): Value: A percentage cannot be more than 100")
    expect(error_summary(page)).to_contain_text(f"Row {missing_row} (missing-episodes): Value: “about 200” is not a "
                                                "number")
    expect(page.locator(f"#row-{missing_row}")).to_contain_text("Problem")
    expect(page.get_by_role("button", name=re.compile("^Save all"))).to_have_count(0)
    axe_check(page)
    screenshot(page, "perf-upload-preview-problems", mobile=True)
    assert_fits_a_phone(page)
    assert not Value.objects.filter(data_return=ret).exists()

    # The corrected file: what changes, row by row, then everything saved at once.
    page.get_by_role("button", name="Upload a corrected spreadsheet").click()
    page.get_by_label("Upload your completed spreadsheet").set_input_files(good)
    page.get_by_role("button", name="Upload and check").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check the figures from your spreadsheet")
    expect(error_summary(page)).to_have_count(0)
    expect(page.locator(f"#row-{rhi_row}")).to_contain_text("rhi-72-hours")
    expect(page.locator("main table")).to_contain_text("83.3%")
    expect(page.locator("main")).to_contain_text("1 row has nothing filled in and is left out")
    axe_check(page)
    screenshot(page, "perf-upload-preview", mobile=True)
    assert_fits_a_phone(page)
    page.get_by_role("button", name="Save all 2 figures").click()
    expect(success_banner(page)).to_contain_text("2 figures saved from figures.xlsx.")
    expect(page.locator("main")).to_contain_text("2 of 3 figures entered")
    saved = Value.objects.get(data_return=ret, indicator=rhi)
    assert (saved.numerator, saved.denominator, saved.value) == (150, 180, Decimal("83.33"))
    assert Value.objects.get(data_return=ret, indicator=missing).value == 212

    # One figure online: an invalid one first, shown next to its box.
    section = page.locator(f"#i-{encompass.pk}")
    section.get_by_label("Number for operation-encompass").fill("two hundred")
    section.get_by_role("button", name="Save operation-encompass").click()
    expect(page).to_have_title(ERROR_TITLE)
    expect(error_summary(page)).to_contain_text("operation-encompass: Enter a number, like 12 or 12.5")
    expect(section.locator(".govuk-error-message")).to_contain_text("Enter a number, like 12 or 12.5")
    expect(section.get_by_label("Number for operation-encompass")).to_have_value("two hundred")
    axe_check(page)
    section.get_by_label("Number for operation-encompass").fill("232")
    section.get_by_label("Commentary for operation-encompass").fill("Schools told the next morning in every case.")
    section.get_by_role("button", name="Save operation-encompass").click()
    expect(page).to_have_url(re.compile(rf"\?saved={encompass.pk}#i-{encompass.pk}$"))
    expect(section.get_by_role("status")).to_have_text("Your figure for operation-encompass has been saved.")
    expect(page.locator("main")).to_contain_text("3 of 3 figures entered")
    axe_check(page)
    screenshot(page, "perf-return-entered", mobile=True)

    # Submit.
    page.get_by_role("button", name="Check and submit").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Submit your figures")
    axe_check(page)
    screenshot(page, "perf-return-submit")
    page.get_by_role("button", name="Submit the data return").click()
    expect(success_banner(page)).to_contain_text(f"Your figures for {label} have been submitted.")
    expect(page.locator("main .govuk-tag").first).to_have_text("Submitted")
    expect(page.get_by_role("button", name=re.compile("^Save "))).to_have_count(0)
    axe_check(page)  # read-only now
    page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name="Data returns").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your data returns")
    expect(page.get_by_role("table", name="Data returns sent")).to_contain_text("Submitted")
    axe_check(page)
    screenshot(page, "perf-my-returns")
    ret.refresh_from_db()
    assert ret.status == DataReturn.Status.SUBMITTED and ret.submitted_by == agency_lead

    # --- The business unit: the period's returns; a query, a validation.
    page = signed_in_page(business_unit)
    expect(page.get_by_role("heading", name="Performance data returns")).to_be_visible()
    axe_check(page)
    page.get_by_role("link", name=label, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Data returns")
    returns = page.get_by_role("table", name=f"Data returns for {label}")
    expect(returns.locator(f"#return-{ret.pk}")).to_contain_text("Submitted")
    expect(returns.locator(f"#return-{ret.pk}")).to_contain_text("3 of 3")
    axe_check(page)
    screenshot(page, "perf-data-returns", mobile=True)
    assert_fits_a_phone(page)

    la_name = perf["la"].display_name
    returns.get_by_role("link", name=f"Query {possessive(la_name)} figures").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Query the figures")
    axe_check(page)
    page.get_by_role("button", name="Send the query").click()
    expect(error_summary(page)).to_contain_text("Say what needs checking, so the agency can answer")
    expect(page).to_have_title(ERROR_TITLE)
    axe_check(page)
    screenshot(page, "perf-query-error")
    page.get_by_label("What needs checking?").fill("Re-referrals jumped by five points: please check the "
                                                  "denominator counts referrals, not children.")
    page.get_by_role("button", name="Send the query").click()
    expect(success_banner(page)).to_contain_text(f"Your query has been sent back to {la_name}.")
    expect(page.locator(f"#return-{perf['la_q2'].pk}")).to_contain_text("Queried")

    page.get_by_role("link", name=police_name, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(ret.agency.name)
    figures = page.get_by_role("table", name=f"{possessive(ret.agency.name)} figures for {label}")
    expect(figures).to_contain_text("83.3%")
    axe_check(page)  # the business unit's view: the figures as a table, the actions
    screenshot(page, "perf-return-business-unit", mobile=True)
    assert_fits_a_phone(page)
    page.get_by_role("button", name=f"Validate {police_name}'s figures").click()
    expect(success_banner(page)).to_contain_text(f"{police_name}'s figures for {label} are validated.")
    ret.refresh_from_db()
    assert ret.status == DataReturn.Status.VALIDATED and ret.validated_by == business_unit

    # The scorecard: the police figure, validated, with its rating and direction (movement and judgement) in words.
    service_navigation(page).get_by_role("link", name="Performance").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Performance")
    page.get_by_role("navigation", name="Performance").get_by_role("link", name="Scorecard").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Performance scorecard")
    expect(page.get_by_label("Period", exact=True)).to_have_value(str(perf["q2"].pk))
    row = scorecard_row(page, "Return home interviews within 72 hours")
    expect(row).to_contain_text("83.3%")
    expect(row.locator(".app-rag")).to_have_text("Green")
    expect(row.locator(".app-direction")).to_have_text(re.compile(r"Rising, better$"))
    expect(row).to_contain_text("from 72.2%")
    expect(row).not_to_contain_text("Not yet validated")
    expect(scorecard_row(page, "Re-referrals within 12 months")).not_to_contain_text("Not yet validated")
    page.get_by_label("Include figures not yet validated").check()
    page.get_by_role("button", name="Show").click()
    queried = scorecard_row(page, "Re-referrals within 12 months")
    expect(queried).to_contain_text("Not yet validated")  # the business unit sees it when it asks, marked
    expect(queried.locator(".app-rag")).to_have_text("Red")
    axe_check(page)
    screenshot(page, "perf-scorecard", mobile=True)
    assert_fits_a_phone(page)

    # The indicator: trend chart and its table, every period's figure.
    row.get_by_role("link", name="Return home interviews within 72 hours").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Return home interviews within 72 hours")
    expect(page.locator("figure.app-figure svg")).to_be_visible()
    page.get_by_text("The figures in the chart, as a table").click()
    expect(page.locator("#trend ~ details table")).to_contain_text("83.3")
    expect(page.locator(f"#period-{perf['q2'].pk}")).to_contain_text("Most interviews offered on the next working day.")
    axe_check(page)
    screenshot(page, "perf-indicator", mobile=True)
    assert_fits_a_phone(page)

    # Turning the curve: the form, its errors, then a record with an action for the tracker.
    page.get_by_role("button", name="Add a turn-the-curve record").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a turn-the-curve record")
    axe_check(page)
    page.get_by_label("Action title").fill("Same-day interview offers")
    page.get_by_role("button", name="Save the record").click()
    summary = error_summary(page)
    for message in ("Describe the baseline", "Describe the forecast", "Tell the story behind the curve",
                    "Name the partners with a role", "Describe what works", "Describe what will be done",
                    "Enter the due date of the action"):
        expect(summary).to_contain_text(message)
    expect(page).to_have_title(ERROR_TITLE)
    axe_check(page)
    screenshot(page, "perf-turn-the-curve-error", mobile=True)
    page.get_by_label("Baseline: where are we now?").fill("72% last quarter, 83% now: above target for the first "
                                                         "time in a year.")
    page.get_by_label("Forecast: what happens if we do nothing differently?").fill("Back below 80% in winter.")
    page.get_by_label("The story behind the curve").fill("Interviews wait for a worker's return to the office.")
    page.get_by_label("Partners with a role to play").fill("Police, children's social care, the RHI provider.")
    page.get_by_label("What works (what could work)?").fill("Offering the interview by phone the same day.")
    page.get_by_label("What will be done, by whom").fill("The RHI provider offers every interview the same day.")
    page.get_by_label("Named owner").select_option(label=agency_lead.full_name)
    fill_date(page, "Due date", timezone.localdate() + datetime.timedelta(days=60))
    page.get_by_role("button", name="Save the record").click()
    expect(success_banner(page)).to_contain_text("The turn-the-curve record has been saved. Action")
    expect(page.locator("#turn-the-curve ~ .app-curve")).to_contain_text("Same-day interview offers")
    curve = TurnTheCurve.objects.get(indicator=rhi)
    action = Action.objects.get(title="Same-day interview offers")
    assert curve.updated_by == business_unit and action.owner == agency_lead
    axe_check(page)
    page.get_by_role("link", name=re.compile("^Change this record or add an action")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Change the turn-the-curve record")
    expect(page.get_by_label("Forecast: what happens if we do nothing differently?")).to_have_value(
        "Back below 80% in winter.")
    axe_check(page)

    # The exception report: the local authority's red, worsening figure (not yet validated) with its story.
    page.goto(f"/performance/exceptions/?frequency=quarterly&period={perf['q2'].pk}&unvalidated=1")
    expect(page.get_by_role("heading", level=1)).to_have_text("Exception report")
    exception = page.locator(f"section[aria-labelledby='exception-{perf['rereferrals'].pk}']")
    expect(exception).to_contain_text("Rising: cases closed early return.")
    expect(page.get_by_role("heading", name="Return home interviews within 72 hours")).to_have_count(0)
    axe_check(page)
    screenshot(page, "perf-exceptions", mobile=True)

    # --- A reader: validated figures only, and no data returns.
    page = signed_in_page(reader)
    service_navigation(page).get_by_role("link", name="Performance").click()
    page.get_by_role("navigation", name="Performance").get_by_role("link", name="Scorecard").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Performance scorecard")
    expect(scorecard_row(page, "Return home interviews within 72 hours")).to_contain_text("83.3%")
    hidden = scorecard_row(page, "Re-referrals within 12 months")
    expect(hidden).to_contain_text("No data")
    expect(hidden).not_to_contain_text("25%")
    expect(page.locator("table .app-flag--unvalidated")).to_have_count(0)  # the legend still explains the mark
    axe_check(page)
    response = page.goto(ret.get_absolute_url())
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    axe_check(page)


# --- The shipped dataset with the demo's figures ---------------------------------------------------------
@pytest.fixture
def cast(db):
    """The demo's agencies and people as `seed_demo` makes them, and the demo's performance figures."""
    agencies = kernel_demo.seed_agencies()
    people = kernel_demo.seed_people(agencies, DEMO_PASSWORD)
    demo.seed(stdout=StringIO(), people=people, agencies=agencies)
    return people, agencies


def test_full_dataset_pages(new_page, cast, tmp_path):
    people, _ = cast
    manager, police_lead = people["manager@example.org"], people["lead@police.example.org"]
    latest = demo.reporting_window(timezone.localdate())[Frequency.QUARTERLY][-1]

    page = new_page()
    sign_in(page, manager, DEMO_PASSWORD)
    page.goto("/performance/scorecard/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Performance scorecard")
    expect(page.get_by_role("heading", name="Is anyone better off?")).to_be_visible()
    axe_check(page)
    screenshot(page, "perf-demo-scorecard", mobile=True)
    assert_fits_a_phone(page)
    # Between a phone and a desktop the comparators keep their column (zoomed 200%, a tablet).
    check_reflow(page, "performance:scorecard", widths=(320, 640, 700, 800, 900, 1280))
    with window(page, 800):
        screenshot(page, "perf-demo-scorecard-800")

    title = "Re-referrals within 12 months"
    scorecard_row(page, title).get_by_role("link", name=title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Re-referrals within 12 months")
    expect(page.get_by_role("table", name="Published comparators")).to_be_visible()
    axe_check(page)
    screenshot(page, "perf-demo-indicator", mobile=True)
    assert_fits_a_phone(page)

    page.goto("/performance/exceptions/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Exception report")
    axe_check(page)
    screenshot(page, "perf-demo-exceptions", mobile=True)

    # The business unit opens a month's returns: the form's error, then the returns made.
    page.goto(f"/performance/data-returns/?period={latest.pk}")
    expect(page.get_by_role("table", name=f"Data returns for {latest.label}")).to_contain_text("Queried")
    axe_check(page)
    screenshot(page, "perf-demo-data-returns", mobile=True)
    assert_fits_a_phone(page)
    month = Period.objects.filter(kind=Frequency.MONTHLY, end__lt=timezone.localdate(),
                                  data_returns__isnull=True).order_by("-start").first()
    page.goto(f"/performance/data-returns/?period={month.pk}")
    page.get_by_role("button", name=re.compile(r"^Open \d+ data returns?$")).click()
    expect(error_summary(page)).to_be_visible()
    expect(page).to_have_title(ERROR_TITLE)
    axe_check(page)
    fill_date(page, "Due date", month.end + datetime.timedelta(days=20))
    page.get_by_role("button", name=re.compile(r"^Open \d+ data returns?$")).click()
    expect(success_banner(page)).to_contain_text(f"opened for {month.label}")
    assert DataReturn.objects.filter(period=month).exists()

    # The police lead: the queried return, and a spreadsheet of changes to check.
    ret = DataReturn.objects.get(period=latest, agency=police_lead.agency)
    page = new_page()
    sign_in(page, police_lead, DEMO_PASSWORD)
    page.goto(ret.get_absolute_url())
    expect(page.get_by_role("region", name="Queried by the business unit")).to_be_visible()
    axe_check(page)
    screenshot(page, "perf-demo-return", mobile=True)
    assert_fits_a_phone(page)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the spreadsheet (Excel)").click()
    path = tmp_path / "template.xlsx"
    download_info.value.save_as(path)
    book = load_workbook(path)
    sheet = book["Data return"]
    rows = sheet_rows(sheet)
    sheet.cell(rows["missing-episodes"], 6).value = 228
    sheet.cell(rows["missing-episodes"], 8).value = ("Corrected: episodes first recorded as 'absent' are now "
                                                     "included, as the business unit asked.")
    sheet.cell(rows["operation-encompass"], 6).value = "n/a"
    book.save(path)
    page.get_by_role("link", name="Upload a completed spreadsheet").click()
    page.get_by_label("Upload your completed spreadsheet").set_input_files(path)
    page.get_by_role("button", name="Upload and check").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check the figures from your spreadsheet")
    expect(error_summary(page)).to_contain_text(f"Row {rows['operation-encompass']} (operation-encompass)")
    axe_check(page)
    screenshot(page, "perf-demo-upload-preview", mobile=True)
    assert_fits_a_phone(page)
