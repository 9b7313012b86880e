"""Issue 16 item 6, performance: the overview and sub-navigation, the indicators list, the data calendar and its
status rule, raising an action from an indicator or an exception, and a data return's query thread."""
import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from partnership.models import Action, EmailMessage
from partnership.models.actions import sources_of
from performance.models import DataReturn, DataReturnMessage, Frequency, Period, Polarity
from performance.services import returns as services
from performance.services.periods import collection_status
from tests.performance.conftest import make_indicator
from tests.performance.test_scorecard import add_value

pytestmark = pytest.mark.django_db
V = DataReturn.Status


def url(name, *args):
    return reverse(f"performance:{name}", args=args)


def get(client, path, **params):
    response = client.get(path, params)
    assert response.status_code == 200, (path, response.status_code)
    return response.content.decode()


def subnav(html: str) -> list[tuple[str, bool]]:
    """(label, is current) of each link in the performance sub-navigation."""
    nav = html[html.index('<nav class="app-subnav"'):]
    nav = nav[:nav.index("</nav>")]
    return [(label, 'aria-current="page"' in attrs)
            for attrs, label in re.findall(r"<a ([^>]*)>([^<]+)</a>", nav)]


# --- The overview, the sub-navigation and the indicators list ------------------------------------------------
def test_performance_and_its_indicators_list_answer_for_everyone_signed_in(client, client_for, reader, indicator):
    for path in (url("home"), url("indicators")):
        assert client.get(path).status_code == 302  # anonymous: to sign in
    assert "<h1 class=\"govuk-heading-l\">Performance</h1>" in get(client_for(reader), url("home"))
    html = get(client_for(reader), url("indicators"))
    assert indicator.title in html and indicator.get_absolute_url() in html and "80%" in html


def test_the_service_navigation_opens_the_overview():
    from performance.navigation import item

    assert item(None).url == "/performance/" and item(None).section == "/performance/"


@pytest.mark.parametrize("persona, expected", [
    ("business_unit", ["Overview", "Scorecard", "Exception report", "Indicators", "Data returns", "Data calendar"]),
    ("agency_lead", ["Overview", "Scorecard", "Exception report", "Indicators", "Data returns"]),
    ("reader", ["Overview", "Scorecard", "Exception report", "Indicators"]),
])
def test_every_performance_page_has_the_sub_navigation_with_the_current_page_marked(request, client_for, persona,
                                                                                    expected, indicator):
    client = client_for(request.getfixturevalue(persona))
    pages = {"Overview": url("home"), "Scorecard": url("scorecard"), "Exception report": url("exceptions"),
             "Indicators": url("indicators")}
    for label, path in pages.items():
        links = subnav(get(client, path))
        assert [name for name, _ in links] == expected
        assert [name for name, current in links if current] == [label]
    assert [n for n, c in subnav(get(client, indicator.get_absolute_url())) if c] == ["Indicators"]


def test_the_sub_navigation_leads_each_person_to_their_data_returns(client_for, business_unit, agency_lead,
                                                                     police_data_return):
    bu = get(client_for(business_unit), url("home"))
    assert f'href="{url("data-returns")}"' in bu and f'href="{url("data-calendar")}"' in bu
    lead = get(client_for(agency_lead), url("home"))
    assert f'href="{url("my-data-returns")}"' in lead and url("data-calendar") not in lead
    assert [n for n, c in subnav(get(client_for(agency_lead), url("my-data-returns"))) if c] == ["Data returns"]
    assert [n for n, c in subnav(get(client_for(business_unit), url("data-returns"))) if c] == ["Data returns"]


@pytest.mark.parametrize("persona", ["agency_lead", "contributor", "reader", "chair", "outsider"])
def test_only_the_business_unit_reads_the_data_calendar(request, client_for, persona):
    assert client_for(request.getfixturevalue(persona)).get(url("data-calendar")).status_code == 403


def test_the_indicators_list_reads_a_fixed_number_of_queries(client_for, reader, police,
                                                             django_assert_max_num_queries):
    client = client_for(reader)
    for i in range(3):
        make_indicator(police, code=f"few-{i}")
    client.get(url("indicators"))
    with django_assert_max_num_queries(12):
        client.get(url("indicators"))
    for i in range(30):
        make_indicator(police, code=f"many-{i}", frequency=Frequency.MONTHLY if i % 2 else Frequency.QUARTERLY)
    with django_assert_max_num_queries(12):
        html = get(client, url("indicators"))
    assert "Indicator many-29" in html


# --- The period's status: one rule; the chooser lists no future period ----------------------------------------
TODAY = datetime.date(2026, 12, 6)


def month(start: datetime.date, end: datetime.date) -> Period:
    return Period(kind=Frequency.MONTHLY, label=f"{start:%B %Y}", start=start, end=end, financial_year=2026)


@pytest.mark.parametrize("start, end, code, label", [
    (datetime.date(2026, 10, 1), datetime.date(2026, 10, 31), "to_open", "Ready to open"),  # not "not opened yet"
    (datetime.date(2026, 11, 1), datetime.date(2026, 11, 30), "to_open", "Ready to open"),
    (datetime.date(2026, 12, 1), datetime.date(2026, 12, 31), "under_way", "Under way"),
    (datetime.date(2027, 1, 1), datetime.date(2027, 1, 31), "coming", "Not started"),
])
def test_a_monthly_period_that_has_ended_is_ready_to_open(start, end, code, label):
    status = collection_status(month(start, end), TODAY)
    assert (status.code, status.label) == (code, label)


@pytest.mark.parametrize("opened, waiting, validated, due, code", [
    (3, 2, 0, TODAY - datetime.timedelta(days=1), "late"),
    (3, 2, 0, TODAY + datetime.timedelta(days=1), "open"),
    (3, 0, 1, TODAY - datetime.timedelta(days=9), "to_validate"),
    (3, 0, 3, TODAY - datetime.timedelta(days=9), "validated"),
])
def test_an_opened_periods_status_follows_its_returns(opened, waiting, validated, due, code):
    period = month(datetime.date(2026, 10, 1), datetime.date(2026, 10, 31))
    assert collection_status(period, TODAY, opened=opened, waiting=waiting, validated=validated, due=due).code == code


def _months_around_today():
    today = timezone.localdate()
    first = today.replace(day=1)
    last_month_end = first - datetime.timedelta(days=1)
    ended = Period.objects.create(kind=Frequency.MONTHLY, label="Ended month", start=last_month_end.replace(day=1),
                                  end=last_month_end, financial_year=2026)
    next_start = (first + datetime.timedelta(days=40)).replace(day=1)
    future = Period.objects.create(kind=Frequency.MONTHLY, label="Future month", start=next_start,
                                   end=next_start + datetime.timedelta(days=27), financial_year=2026)
    return ended, future


def test_the_data_calendar_says_an_ended_monthly_period_is_ready_to_open(client_for, business_unit, police):
    make_indicator(police, code="monthly-one", frequency=Frequency.MONTHLY)
    ended, future = _months_around_today()

    html = get(client_for(business_unit), url("data-calendar"))

    assert "Not opened yet" not in html
    row = html[html.index("Ended month"):]
    row = row[:row.index("</tr>")]
    assert "Ready to open" in row and "Open the data returns" in row
    future_row = html[html.index("Future month"):]
    assert "Not started" in future_row[:future_row.index("</tr>")]


def test_the_period_chooser_lists_no_period_still_to_come(client_for, business_unit, police):
    make_indicator(police, code="monthly-one", frequency=Frequency.MONTHLY)
    ended, future = _months_around_today()
    client = client_for(business_unit)

    html = get(client, url("data-returns"), period=ended.pk)

    assert f'<option value="{ended.pk}" selected>' in html and f'value="{future.pk}"' not in html
    assert "Ready to open" in html
    assert "Future month" not in get(client, url("data-returns"), period=future.pk)  # not choosable: the default
    assert client.post(url("data-returns-open", future.pk), {}).status_code == 404


# --- Movement and judgement, on the page and in the board pack ---------------------------------------------
def test_a_rising_figure_where_lower_is_better_reads_rising_and_worse(client_for, reader, police, quarters):
    quarters = list(Period.objects.filter(kind=Frequency.QUARTERLY).order_by("start"))
    waits = make_indicator(police, code="waits", polarity=Polarity.LOWER, target=Decimal("10"))
    add_value(waits, quarters[3], 12)
    add_value(waits, quarters[4], 15)

    html = get(client_for(reader), url("scorecard"))

    assert ('<span class="app-direction app-direction--worse"><span class="app-direction__arrow '
            'app-direction__arrow--rising" aria-hidden="true"></span>Rising, '
            '<span class="app-direction__judgement">worse</span></span>') in html
    table = html[:html.index('id="legend"')]
    assert "app-direction__arrow--falling" not in table  # no falling arrow (the old "▼ Worse") for a rising figure
    assert "Rising</span>: higher than the period before" in html  # the legend explains the arrows in words


def test_the_board_packs_arrows_are_drawn_not_characters_so_a_tagged_pdf_reads_only_the_words(police, quarters):
    from django.template.loader import render_to_string

    from performance.models import Value
    from performance.reports import scorecard_section

    quarters = list(Period.objects.filter(kind=Frequency.QUARTERLY).order_by("start"))
    waits = make_indicator(police, code="waits", polarity=Polarity.LOWER, target=Decimal("10"))
    add_value(waits, quarters[3], 12)
    add_value(waits, quarters[4], 15)
    assert Value.objects.count() == 2

    html = render_to_string("performance/pdf/scorecard_section.html", {"scorecard": scorecard_section(quarters[4])})

    # One element for the movement in print (issue 21): its arrow drawn by borders on ::before
    # (static/css/performance_print.css), the words its only text.
    assert 'app-direction--worse pdf-arrow pdf-arrow--rising">Rising, worse</span>' in html
    assert "▲" not in html and "▼" not in html and "▶" not in html
    assert "better</strong> or <strong>worse</strong>" in html


# --- Raising an action from an indicator or an exception ---------------------------------------------------
@pytest.fixture
def red_and_worse(indicator, quarters):
    quarters = list(Period.objects.filter(kind=Frequency.QUARTERLY).order_by("start"))
    add_value(indicator, quarters[3], 80)
    add_value(indicator, quarters[4], 65)
    return indicator, quarters[4]


def test_the_exception_report_offers_to_raise_an_action_prefilled(client_for, business_unit, red_and_worse):
    indicator, period = red_and_worse
    client = client_for(business_unit)
    raise_url = f"{url('indicator-action-add', indicator.code)}?period={period.pk}"

    assert raise_url.replace("&", "&amp;") in get(client, url("exceptions"))
    form = get(client, raise_url)

    assert f'value="Improve: {indicator.title}"' in form
    assert "Raised from the exception report for 2026-27 Q1" in form and "was 65%" in form
    assert "rated red against a target of 80%" in form and "falling, worse since the period before (80%)" in form
    assert f'<option value="{indicator.owner_agency_id}" selected>' in form


def test_raising_an_action_puts_it_in_the_one_tracker_linked_to_the_indicator(client_for, business_unit,
                                                                               red_and_worse):
    indicator, period = red_and_worse
    due = timezone.localdate() + datetime.timedelta(days=60)
    response = client_for(business_unit).post(
        f"{url('indicator-action-add', indicator.code)}?period={period.pk}",
        {"title": "Recruit two missing-persons officers", "description": "Back to 80% by March.",
         "owner_agency": indicator.owner_agency_id, "due_date_0": due.day, "due_date_1": due.month,
         "due_date_2": due.year})

    assert response.status_code == 302 and response["Location"].endswith("#actions")
    action = Action.objects.get()
    assert action.source_kind == "performance" and list(sources_of(action)) == [indicator]
    assert list(indicator.actions.all()) == [action]
    html = get(client_for(business_unit), indicator.get_absolute_url())
    assert "Recruit two missing-persons officers" in html


def test_raising_an_action_refuses_those_who_cannot_and_keeps_what_was_typed(client_for, reader, agency_lead,
                                                                              red_and_worse):
    indicator, period = red_and_worse
    path = url("indicator-action-add", indicator.code)
    assert client_for(reader).get(path).status_code == 403
    assert client_for(reader).post(path, {"title": "x"}).status_code == 403
    assert "Raise an action" not in get(client_for(reader), url("exceptions"))

    response = client_for(agency_lead).post(path, {"title": "Kept title", "description": "", "owner_agency": ""})
    assert response.status_code == 400 and 'value="Kept title"' in response.content.decode()
    assert not Action.objects.exists()


# --- A data return's query thread ----------------------------------------------------------------------------
@pytest.fixture
def queried(police_data_return, business_unit, agency_lead):
    police_data_return.status = V.SUBMITTED
    police_data_return.save()
    return services.data_return_query(data_return=police_data_return, by=business_unit,
                                      message="Q2 looks low against your own extract: check?")


def test_a_query_starts_the_thread_and_emails_the_agency_lead_a_link_only(queried, agency_lead):
    [message] = DataReturnMessage.objects.all()
    assert (message.kind, message.side) == ("query", "business_unit")
    email = EmailMessage.objects.get(to=agency_lead.email)
    assert queried.get_absolute_url() in email.body_text and "looks low" not in email.body_text + email.subject


def test_the_agency_replies_and_the_business_unit_is_told_at_once(client_for, queried, contributor, business_unit):
    response = client_for(contributor).post(url("data-return-reply", queried.pk),
                                            {"text": "The extract missed 20 episodes; corrected figure entered."})

    assert response.status_code == 302
    reply = DataReturnMessage.objects.get(kind="reply")
    assert reply.side == "agency" and reply.author == contributor
    email = EmailMessage.objects.get(to=business_unit.email)
    assert f"#message-{reply.pk}" in email.body_text and "20 episodes" not in email.body_text

    client_for(business_unit).post(url("data-return-reply", queried.pk), {"text": "Thanks: validated."})
    assert EmailMessage.objects.filter(to=contributor.email).count() == 1  # the agency's writer is told too

    html = get(client_for(contributor), queried.get_absolute_url())
    thread = html[html.index('id="thread"'):]
    assert thread.index("looks low") < thread.index("20 episodes") < thread.index("Thanks: validated.")
    assert f"Reply from {queried.agency.display_name}" in thread and "Reply from the business unit" in thread


def test_a_refused_reply_keeps_what_was_typed_and_says_why_next_to_the_field(client_for, queried, contributor):
    client = client_for(contributor)
    empty = client.post(url("data-return-reply", queried.pk), {"text": "  "})
    assert empty.status_code == 400 and "Write your reply" in empty.content.decode()

    named = client.post(url("data-return-reply", queried.pk), {"text": "Baby Amelia Jones was counted twice."})
    html = named.content.decode()
    assert named.status_code == 400 and "Baby Amelia Jones was counted twice." in html
    assert 'id="text-error"' in html or "govuk-error-message" in html
    assert not DataReturnMessage.objects.filter(kind="reply").exists()


@pytest.mark.parametrize("persona", ["outsider", "reader", "chair"])
def test_no_one_outside_the_agency_and_the_business_unit_reads_or_replies(request, client_for, queried, persona):
    client = client_for(request.getfixturevalue(persona))
    assert client.post(url("data-return-reply", queried.pk), {"text": "Hello"}).status_code == 404
    assert client.get(queried.get_absolute_url()).status_code == 404
    assert not DataReturnMessage.objects.filter(kind="reply").exists()


def test_there_is_no_reply_before_a_query(client_for, police_data_return, contributor):
    response = client_for(contributor).post(url("data-return-reply", police_data_return.pk), {"text": "Hello"})
    assert response.status_code == 403 and not DataReturnMessage.objects.exists()


def test_an_agency_lead_raises_an_action_for_its_own_agency_only(client_for, agency_lead, outsider_agency, quarters):
    """Another agency's indicator: the lead's own agency is the owner offered, and the tracker refuses another."""
    theirs = make_indicator(outsider_agency, code="theirs")
    form = get(client_for(agency_lead), url("indicator-action-add", theirs.code))
    assert f'<option value="{agency_lead.agency_id}" selected>' in form
    assert f'<option value="{outsider_agency.pk}"' not in form

    due = timezone.localdate() + datetime.timedelta(days=30)
    response = client_for(agency_lead).post(url("indicator-action-add", theirs.code), {
        "title": "T", "description": "D", "owner_agency": outsider_agency.pk, "due_date_0": due.day,
        "due_date_1": due.month, "due_date_2": due.year})
    assert response.status_code == 400 and not Action.objects.exists()
