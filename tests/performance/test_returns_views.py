"""Data return pages: the business unit's period page, the agency's return, saving figures, submitting, access."""
import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from partnership.models import EmailMessage
from partnership.views import mixins
from performance.models import DataReturn, Period, Unit, Value
from performance.services.returns import value_save
from tests.factories import AgencyFactory
from tests.performance.conftest import make_indicator

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"performance:{name}", args=args)


def save_url(data_return, indicator):
    return url("data-return-value-save", data_return.pk, indicator.pk)


def post_data(indicator, version=0, **values):
    data = {f"i{indicator.pk}-version": version, f"i{indicator.pk}-commentary": ""}
    data.update({f"i{indicator.pk}-{k}": v for k, v in values.items()})
    return data


def enter(data_return, indicator, by, **figures):
    current = Value.objects.filter(indicator=indicator, period=data_return.period).first()
    return value_save(data_return=data_return, indicator=indicator, by=by,
                      expected_version=current.version if current else 0, **figures)


# --- The business unit's page ---------------------------------------------------------------------
def test_business_unit_sees_a_periods_returns_with_status_and_late(client_for, business_unit, police,
                                                                   police_data_return, indicator, contributor):
    police_data_return.due_date = timezone.localdate() - datetime.timedelta(days=1)
    police_data_return.save()
    enter(police_data_return, indicator, contributor, numerator=1, denominator=2)

    response = client_for(business_unit).get(url("data-returns"), {"period": police_data_return.period_id})

    page = response.content.decode()
    assert response.status_code == 200
    assert police.display_name in page and "Requested" in page and "Late" in page
    assert "1 of 1" in page and "Data calendar" in page and "Send a reminder" in page


def test_business_unit_opens_a_periods_returns_with_a_due_date(client_for, business_unit, police, quarters,
                                                               indicator, agency_lead):
    period = quarters[2]
    due = period.end + datetime.timedelta(days=20)
    client = client_for(business_unit)
    assert "Open 1 data return" in client.get(url("data-returns"), {"period": period.pk}).content.decode()

    response = client.post(url("data-returns-open", period.pk), {
        "due_date_0": due.day, "due_date_1": due.month, "due_date_2": due.year})

    assert response.status_code == 302
    data_return = DataReturn.objects.get(period=period)
    assert data_return.agency == police and data_return.due_date == due
    assert EmailMessage.objects.get().to == agency_lead.email


def test_opening_with_a_due_date_before_the_period_ends_shows_the_error_next_to_the_field(
        client_for, business_unit, quarters, indicator):
    period = quarters[2]
    response = client_for(business_unit).post(url("data-returns-open", period.pk), {
        "due_date_0": period.end.day, "due_date_1": period.end.month, "due_date_2": period.end.year - 1})

    assert response.status_code == 400
    assert "The due date must be after the period ends." in response.content.decode()
    assert not DataReturn.objects.exists()


def test_the_data_calendar_shows_what_is_due_when(client_for, business_unit, police_data_return):
    today = timezone.localdate()
    police_data_return.due_date = today - datetime.timedelta(days=2)
    police_data_return.save()
    coming = Period.objects.create(kind="quarterly", label="Coming quarter", start=today + datetime.timedelta(days=5),
                                   end=today + datetime.timedelta(days=95), financial_year=today.year)

    page = client_for(business_unit).get(url("data-calendar")).content.decode()
    calendar = page[page.index("<h1"):]

    assert police_data_return.period.label in calendar
    assert f"{police_data_return.due_date:%-d %b %Y}" in calendar and "Late" in calendar
    assert coming.label in calendar and f"Open after {coming.end:%-d %b}" in calendar
    assert "1 agency to ask" in calendar


def test_business_unit_validates_a_submitted_return(client_for, business_unit, police_data_return):
    police_data_return.status = DataReturn.Status.SUBMITTED
    police_data_return.save()

    response = client_for(business_unit).post(url("data-return-validate", police_data_return.pk))

    assert response.status_code == 302
    police_data_return.refresh_from_db()
    assert police_data_return.status == DataReturn.Status.VALIDATED and police_data_return.validated_by == business_unit


def test_the_periods_list_shows_a_page_of_returns_and_validating_returns_to_that_page(
        client_for, business_unit, police, police_data_return, monkeypatch):
    monkeypatch.setattr(mixins, "LIST_PAGE_SIZE", 1)
    period = police_data_return.period
    later = DataReturn.objects.create(agency=AgencyFactory(name="Zebra Trust"), period=period, due_date=period.end,
                                      status=DataReturn.Status.SUBMITTED)
    client = client_for(business_unit)

    first = client.get(url("data-returns"), {"period": period.pk}).content.decode()
    second = client.get(url("data-returns"), {"period": period.pk, "page": 2}).content.decode()

    assert f'id="return-{police_data_return.pk}"' in first and f'id="return-{later.pk}"' not in first
    assert f'id="return-{later.pk}"' in second and f"?period={period.pk}&amp;page=1" in second  # the period kept
    assert '<input type="hidden" name="page" value="2">' in second
    response = client.post(url("data-return-validate", later.pk), {"from": "list", "page": "2"})
    assert response["Location"] == f"{url('data-returns')}?period={period.pk}&page=2#return-{later.pk}"
    # Querying from page 2 comes back to page 2 too: the link carries the page, and the form posts to its own address.
    query = f"{url('data-return-query', later.pk)}?page=2"
    assert f'href="{query}"' in second
    response = client.post(query, {"message": "Row 3 looks ten times too high."})
    assert response["Location"] == f"{url('data-returns')}?period={period.pk}&page=2#return-{later.pk}"


def test_a_periods_page_judges_every_return_and_reads_the_rows_of_its_page_only(
        client_for, business_unit, police, police_data_return, monkeypatch):
    """The period's status, the agencies not asked yet and each row's figures expected count every return of the
    period, not the page's: the returns on other pages are counted by the database, never read row by row."""
    monkeypatch.setattr(mixins, "LIST_PAGE_SIZE", 1)
    period = police_data_return.period
    police_data_return.status = DataReturn.Status.VALIDATED
    police_data_return.save()
    zebra, yak = AgencyFactory(name="Zebra Trust"), AgencyFactory(name="Yak Council")
    make_indicator(zebra, code="z-1")
    make_indicator(zebra, code="z-2")
    make_indicator(yak, code="y-1")  # reports quarterly, asked for nothing yet
    later = DataReturn.objects.create(agency=zebra, period=period, due_date=timezone.localdate()
                                      - datetime.timedelta(days=1))  # waiting, and late, on page 2
    client = client_for(business_unit)

    with CaptureQueriesContext(connection) as queries:
        first = client.get(url("data-returns"), {"period": period.pk}).content.decode()
    returns_read = [q["sql"] for q in queries.captured_queries  # read now: the next request clears the log
                    if q["sql"].startswith('SELECT "performance_datareturn"."id"')]
    second = client.get(url("data-returns"), {"period": period.pk, "page": 2}).content.decode()

    assert f'id="return-{later.pk}"' not in first
    assert '<strong class="govuk-tag govuk-tag--red">Late</strong>' in first  # judged by the return on page 2
    assert "page 1 of 2" in first and "Remind all outstanding agencies" in first
    assert "Not asked yet" in first and "1 agency reports indicators quarterly: Yak Council." in first
    assert "Open 1 data return<" in first
    assert f'id="return-{later.pk}"' in second and "0 of 2" in second  # Zebra reports two indicators
    assert len(returns_read) == 1 and "LIMIT 1" in returns_read[0]  # the page's row, not the period's


def test_business_unit_queries_a_return_with_a_message(client_for, business_unit, police_data_return):
    police_data_return.status = DataReturn.Status.SUBMITTED
    police_data_return.save()
    client = client_for(business_unit)
    empty = client.post(url("data-return-query", police_data_return.pk), {"message": ""})
    assert empty.status_code == 400 and "Say what needs checking" in empty.content.decode()

    response = client.post(url("data-return-query", police_data_return.pk), {"message": "Q2 looks low: check?"})

    assert response.status_code == 302
    police_data_return.refresh_from_db()
    assert police_data_return.status == DataReturn.Status.QUERIED
    assert police_data_return.query_message == "Q2 looks low: check?"


def test_a_queried_return_shows_the_query_to_the_agency(client_for, contributor, police_data_return):
    police_data_return.status = DataReturn.Status.QUERIED
    police_data_return.query_message = "Q2 looks low: check?"
    police_data_return.save()
    page = client_for(contributor).get(police_data_return.get_absolute_url()).content.decode()
    assert "Queried by the business unit" in page and "Q2 looks low: check?" in page


def test_a_reminder_is_sent_once_a_day(client_for, business_unit, police_data_return, agency_lead):
    client = client_for(business_unit)
    first = client.post(url("data-return-remind", police_data_return.pk), follow=True)
    second = client.post(url("data-return-remind", police_data_return.pk), follow=True)

    assert "A reminder has been emailed" in first.content.decode()
    assert "already reminded today" in second.content.decode()
    assert EmailMessage.objects.filter(to=agency_lead.email).count() == 1


@pytest.mark.parametrize("name", ["data-return-validate", "data-return-remind"])
def test_get_on_a_post_only_view_is_405(client_for, business_unit, police_data_return, name):
    assert client_for(business_unit).get(url(name, police_data_return.pk)).status_code == 405


def test_get_on_open_and_save_is_405(client_for, business_unit, contributor, police_data_return, indicator):
    assert client_for(business_unit).get(url("data-returns-open", police_data_return.period_id)).status_code == 405
    assert client_for(contributor).get(save_url(police_data_return, indicator)).status_code == 405


@pytest.mark.parametrize("persona", ["agency_lead", "contributor", "qa_member", "chair", "reader", "outsider"])
def test_only_the_business_unit_manages_data_returns(request, client_for, police_data_return, persona):
    client = client_for(request.getfixturevalue(persona))
    police_data_return.status = DataReturn.Status.SUBMITTED
    police_data_return.save()
    assert client.get(url("data-returns")).status_code == 403
    expected = 403 if persona in ("agency_lead", "contributor") else 404  # 404: they cannot see the return
    assert client.post(url("data-return-validate", police_data_return.pk)).status_code == expected
    assert client.post(url("data-return-query", police_data_return.pk), {"message": "x"}).status_code == expected
    assert client.post(url("data-return-remind", police_data_return.pk)).status_code == expected
    assert client.post(url("data-returns-open", police_data_return.period_id), {}).status_code == 403
    police_data_return.refresh_from_db()
    assert police_data_return.status == DataReturn.Status.SUBMITTED
    assert not EmailMessage.objects.exists()


# --- The agency's pages ---------------------------------------------------------------------------
def test_agency_lead_sees_what_is_due(client_for, agency_lead, police_data_return):
    page = client_for(agency_lead).get(url("my-data-returns")).content.decode()
    assert police_data_return.get_absolute_url() in page and "What is due" in page


def test_business_unit_is_sent_from_my_returns_to_the_period_page(client_for, business_unit):
    response = client_for(business_unit).get(url("my-data-returns"))
    assert response.status_code == 302 and response["Location"] == url("data-returns")


@pytest.mark.parametrize("persona", ["chair", "reader", "qa_member", "outsider"])
def test_people_outside_the_agency_see_no_returns_in_their_list(request, client_for, police_data_return, persona):
    page = client_for(request.getfixturevalue(persona)).get(url("my-data-returns")).content.decode()
    assert police_data_return.get_absolute_url() not in page


def test_the_return_page_has_one_form_per_indicator_with_decimal_text_inputs(client_for, police, contributor,
                                                                              police_data_return, indicator):
    count = make_indicator(police, code="da-notifications", unit=Unit.COUNT)
    page = client_for(contributor).get(police_data_return.get_absolute_url()).content.decode()

    assert f'name="i{indicator.pk}-numerator"' in page and f'name="i{indicator.pk}-denominator"' in page
    assert f'name="i{count.pk}-value"' in page and f'name="i{count.pk}-numerator"' not in page
    assert 'inputmode="decimal"' in page and 'type="number"' not in page
    assert indicator.definition in page
    assert "Your agency lead submits" in page and "Check and submit" not in page


def test_the_lead_is_offered_submit(client_for, agency_lead, police_data_return, indicator):
    page = client_for(agency_lead).get(police_data_return.get_absolute_url()).content.decode()
    assert "Check and submit" in page


def test_saving_a_figure_works_out_the_percentage_and_returns_to_it(client_for, contributor, police_data_return,
                                                                    indicator):
    response = client_for(contributor).post(save_url(police_data_return, indicator), post_data(
        indicator, numerator="34", denominator="40", provisional="on", commentary="Two staff off sick."))

    assert response.status_code == 302 and response["Location"].endswith(f"?saved={indicator.pk}#i-{indicator.pk}")
    value = Value.objects.get()
    assert (value.value, value.provisional, value.commentary) == (Decimal("85.00"), True, "Two staff off sick.")
    page = client_for(contributor).get(response["Location"]).content.decode()
    assert "has been saved" in page and "85%" in page


def test_text_in_a_number_box_says_how_to_write_a_number(client_for, contributor, police_data_return, indicator):
    response = client_for(contributor).post(save_url(police_data_return, indicator),
                                            post_data(indicator, numerator="about ten", denominator="40"))

    page = response.content.decode()
    assert response.status_code == 400
    assert "Enter a number, like 12 or 12.5" in page and 'value="about ten"' in page
    assert not Value.objects.exists()


def test_a_rule_broken_shows_next_to_its_field(client_for, contributor, police_data_return, indicator):
    response = client_for(contributor).post(save_url(police_data_return, indicator),
                                            post_data(indicator, numerator="50", denominator="40"))

    page = response.content.decode()
    assert response.status_code == 400
    assert f'id="i{indicator.pk}-numerator-error"' in page or "govuk-error-message" in page
    assert "The numerator cannot be more than the denominator for a percentage" in page
    assert "There is a problem" in page
    assert not Value.objects.exists()


def test_a_stale_save_is_409_and_keeps_what_was_typed(client_for, contributor, agency_lead, police_data_return,
                                                       indicator):
    value = enter(police_data_return, indicator, agency_lead, numerator=1, denominator=2)
    old_version = value.version
    enter(police_data_return, indicator, agency_lead, numerator=3, denominator=4)

    client = client_for(contributor)
    response = client.post(save_url(police_data_return, indicator), post_data(
        indicator, version=old_version, numerator="9", denominator="10", commentary="My story"))

    page = response.content.decode()
    assert response.status_code == 409
    assert "Someone else changed this figure while you were editing it" in page
    assert 'value="9"' in page and "My story" in page and "75%" in page
    assert Value.objects.get().numerator == 3
    # Saving again, having seen their figure, replaces it.
    version = Value.objects.get().version
    again = client.post(save_url(police_data_return, indicator), post_data(
        indicator, version=version, numerator="9", denominator="10"))
    assert again.status_code == 302 and Value.objects.get().numerator == 9


def test_a_values_history_shows_who_when_and_the_old_figure(client_for, contributor, agency_lead, police_data_return,
                                                            indicator):
    enter(police_data_return, indicator, contributor, numerator=1, denominator=4)
    enter(police_data_return, indicator, agency_lead, numerator=3, denominator=4)

    page = client_for(contributor).get(police_data_return.get_absolute_url()).content.decode()

    history = page[page.index("History of this figure"):]
    assert "2 versions" in history
    assert "25%" in history and "75%" in history
    assert contributor.full_name in history and agency_lead.full_name in history


def test_a_yes_no_indicator_is_answered_with_radios(client_for, police, contributor, police_data_return):
    yes_no = make_indicator(police, code="policy-in-place", unit=Unit.YES_NO, target=None)
    response = client_for(contributor).post(save_url(police_data_return, yes_no), post_data(yes_no, value="1"))
    assert response.status_code == 302
    assert Value.objects.get(indicator=yes_no).value == 1


def test_a_figure_that_has_no_numerator_keeps_its_value_when_saved_again(client_for, contributor,
                                                                         police_data_return, indicator):
    value = enter(police_data_return, indicator, contributor, value=Decimal("62.5"))
    client = client_for(contributor)
    page = client.get(police_data_return.get_absolute_url()).content.decode()
    assert 'value="62.5"' in page

    client.post(save_url(police_data_return, indicator), post_data(
        indicator, version=value.version, value="62.5", commentary="Now with a story"))

    value.refresh_from_db()
    assert (value.value, value.commentary) == (Decimal("62.50"), "Now with a story")


def test_submit_shows_what_is_missing(client_for, police, agency_lead, police_data_return, indicator):
    page = client_for(agency_lead).get(url("data-return-submit", police_data_return.pk)).content.decode()
    assert "1 figure still missing" in page and indicator.code in page


def test_agency_lead_submits_a_complete_return(client_for, agency_lead, police_data_return, indicator):
    enter(police_data_return, indicator, agency_lead, numerator=1, denominator=2)

    response = client_for(agency_lead).post(url("data-return-submit", police_data_return.pk))

    assert response.status_code == 302
    police_data_return.refresh_from_db()
    assert police_data_return.status == DataReturn.Status.SUBMITTED


def test_contributor_cannot_submit(client_for, contributor, police_data_return, indicator):
    enter(police_data_return, indicator, contributor, numerator=1, denominator=2)
    client = client_for(contributor)
    assert client.get(url("data-return-submit", police_data_return.pk)).status_code == 403
    assert client.post(url("data-return-submit", police_data_return.pk)).status_code == 403
    police_data_return.refresh_from_db()
    assert police_data_return.status == DataReturn.Status.REQUESTED


def test_a_submitted_return_cannot_be_changed(client_for, agency_lead, police_data_return, indicator):
    enter(police_data_return, indicator, agency_lead, numerator=1, denominator=2)
    police_data_return.status = DataReturn.Status.SUBMITTED
    police_data_return.save()
    client = client_for(agency_lead)

    page = client.get(police_data_return.get_absolute_url()).content.decode()
    response = client.post(save_url(police_data_return, indicator), post_data(
        indicator, version=1, numerator="2", denominator="2"))

    assert "Submitted" in page and f'name="i{indicator.pk}-numerator"' not in page
    assert response.status_code == 403
    assert Value.objects.get().numerator == 1


@pytest.mark.parametrize("persona", ["outsider", "chair", "reader", "qa_member"])
def test_people_outside_the_agency_get_404_on_its_return(request, client_for, police_data_return, indicator,
                                                         persona):
    client = client_for(request.getfixturevalue(persona))
    for name in ("data-return-detail", "data-return-submit", "data-return-template", "data-return-upload"):
        assert client.get(url(name, police_data_return.pk)).status_code == 404, name
    response = client.post(save_url(police_data_return, indicator), post_data(indicator, numerator="1",
                                                                               denominator="2"))
    assert response.status_code == 404
    assert not Value.objects.exists()


def test_business_unit_reads_a_return_but_cannot_enter_figures(client_for, business_unit, police_data_return,
                                                               indicator):
    client = client_for(business_unit)
    page = client.get(police_data_return.get_absolute_url()).content.decode()
    response = client.post(save_url(police_data_return, indicator), post_data(indicator, numerator="1",
                                                                               denominator="2"))
    assert f'name="i{indicator.pk}-numerator"' not in page and "Send a reminder" in page
    assert response.status_code == 403
    assert not Value.objects.exists()


def test_an_indicator_of_another_agency_cannot_be_saved_into_this_return(client_for, contributor,
                                                                          police_data_return):
    other = make_indicator(AgencyFactory(name="Health"), code="iha-20d")
    response = client_for(contributor).post(save_url(police_data_return, other), post_data(other, value="5"))
    assert response.status_code == 404
    assert not Value.objects.exists()


def test_the_return_pages_queries_do_not_grow_with_the_indicators(client_for, police, quarters, contributor):
    def queries_for(count, period):
        data_return = DataReturn.objects.create(agency=police, period=period, due_date=period.end)
        indicators = [make_indicator(police, code=f"p{period.pk}-{i}",
                                     unit=Unit.PERCENTAGE if i % 2 else Unit.COUNT, frequency="quarterly")
                      for i in range(count)]
        for indicator in indicators[: count // 2]:
            enter(data_return, indicator, contributor, value=Decimal(5))
            enter(data_return, indicator, contributor, value=Decimal(6))
        client = client_for(contributor)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(data_return.get_absolute_url())
        assert response.status_code == 200
        Value.objects.all().delete()
        for indicator in indicators:
            indicator.active = False
            indicator.save()
        return len(queries)

    assert queries_for(5, quarters[1]) == queries_for(40, quarters[2])


def test_the_business_units_data_returns_list_queries_do_not_grow_with_agencies(client_for, business_unit, quarters):
    """The period's list (60 agencies on the large partnership) and its period chooser: a fixed number of
    queries, whatever the number of agencies, returns, figures and reminders."""
    from partnership.models import ReminderLog

    client = client_for(business_unit)
    client.get(url("data-returns"))  # sessions and the like settle on the first request

    def queries_for(count, period):
        make_indicator(AgencyFactory(name=f"Not asked {period.pk}"), code=f"w{period.pk}")  # one still to ask
        for i in range(count):
            agency = AgencyFactory(name=f"Agency {period.pk}-{i}")
            indicator = make_indicator(agency, code=f"a{period.pk}-{i}")
            data_return = DataReturn.objects.create(agency=agency, period=period, due_date=period.end,
                                                    status=DataReturn.Status.SUBMITTED if i % 2 else
                                                    DataReturn.Status.REQUESTED)
            Value.objects.create(indicator=indicator, period=period, data_return=data_return, value=Decimal(i))
            ReminderLog.objects.create(person=business_unit, item=f"performance.datareturn:{data_return.pk}",
                                       stage="overdue", date=period.end)
        with CaptureQueriesContext(connection) as queries:
            html = client.get(url("data-returns"), {"period": period.pk}).content.decode()
        assert html.count('id="return-') == count and html.count("Reminded ") == count
        return len(queries)

    assert queries_for(2, quarters[1]) == queries_for(25, quarters[2])
