"""The scorecard table's rows come from its templates only (performance/scorecard_table.html and
performance/includes/scorecard_rows.html, from each row's `cells`): every value escaped, every part of a row there."""
from decimal import Decimal

import pytest
from django.template.loader import render_to_string

from partnership.models import Action
from performance.models import Comparator, DataReturn, Frequency, Indicator, Period, Polarity, Unit, Value
from performance.scorecard import build_rows, cached_sparkline, scorecard_indicators, trailing_periods
from tests.factories import PriorityFactory
from tests.performance.conftest import make_indicator
from tests.performance.test_scorecard import add_value


@pytest.fixture
def rows(police, quarters):
    quarters = list(Period.objects.filter(kind=Frequency.QUARTERLY).order_by("start"))
    period = quarters[4]
    nasty = make_indicator(police, code="nasty", priority=PriorityFactory(title="Early help & <neglect>"),
                           values_are_demo=True)
    Indicator.objects.filter(pk=nasty.pk).update(title='Children <b>seen</b> & "heard" \'fast\'')
    add_value(nasty, quarters[3], 80)
    add_value(nasty, period, 65, commentary="Two <i>officers</i> left & were not replaced. " * 6, provisional=True)
    Comparator.objects.create(indicator=nasty, year=2024, kind="england", value=Decimal("75"))
    Comparator.objects.create(indicator=nasty, year=2024, kind="london", value=Decimal("78"), is_demo=True)

    all_demo = make_indicator(police, code="all-demo", unit=Unit.DAYS, polarity=Polarity.LOWER, target=None)
    add_value(all_demo, period, 12, commentary="Short & sweet.", status=DataReturn.Status.SUBMITTED)
    Comparator.objects.create(indicator=all_demo, year=2023, kind="england", value=Decimal("9"), is_demo=True)

    make_indicator(police, code="empty", polarity=Polarity.NONE)  # no figure, no comparator, no commentary
    indicators = scorecard_indicators(Frequency.QUARTERLY)
    return build_rows(indicators, trailing_periods(period), values=Value.objects.all(),
                      actions=Action.objects.all()), period


def test_the_rows_are_the_templates_with_every_value_escaped(rows):
    rows, period = rows
    html = render_to_string("performance/scorecard_table.html", {"rows": rows, "period": period, "caption": "Q"})

    assert html.count('<tr class="govuk-table__row">') == 1 + len(rows)  # the heading's row and one per indicator
    assert "&lt;b&gt;seen&lt;/b&gt; &amp; &quot;heard&quot; &#x27;fast&#x27;" in html and "<b>seen" not in html
    assert "Early help &amp; &lt;neglect&gt;" in html and "<neglect>" not in html
    assert "Two &lt;i&gt;officers&lt;/i&gt; left &amp; were" in html and "<i>officers" not in html
    assert f'#period-{period.pk}">Read the full commentary<span class="govuk-visually-hidden"> for Children' in html
    assert 'London 78% <span class="app-flag--demo">(demo)</span>' in html
    assert "None published" in html and "2023 (demo)</span>" in html
    assert "Short &amp; sweet." in html and html.count("Read the full commentary") == 1  # short ones are not cut
    assert f'data-label="{period.label}"' in html
    assert "Provisional" in html
    assert html.count("<svg") == sum(1 for row in rows if row.sparkline)
    assert "from 80%" in html  # the figure before, beside the direction


def test_a_sparkline_is_drawn_once_for_the_same_figures_and_title(rows):
    rows, _ = rows
    cached_sparkline.cache_clear()
    first = [row.sparkline for row in rows]
    for row in rows:
        del row.sparkline
    assert [row.sparkline for row in rows] == first
    assert cached_sparkline.cache_info().hits == len(rows)
