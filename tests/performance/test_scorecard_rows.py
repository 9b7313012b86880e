"""The scorecard's table rows are written in Python for speed (performance/scorecard_html.py): they must be
the markup the template wrote, byte for byte, with every value escaped."""
from decimal import Decimal

import pytest
from django.template import Context, Template

from partnership.models import Action
from performance.models import Comparator, DataReturn, Frequency, Indicator, Period, Polarity, Unit, Value
from performance.scorecard import build_rows, cached_sparkline, scorecard_indicators, trailing_periods
from performance.scorecard_html import table_body
from tests.factories import PriorityFactory
from tests.performance.conftest import make_indicator
from tests.performance.test_scorecard import add_value

# The rows of templates/performance/scorecard_table.html as they were before they moved to Python.
TEMPLATE_ROWS = Template("""
  {% for row in rows %}
    <tr class="govuk-table__row">
      <th scope="row" class="govuk-table__header app-scorecard__indicator">
        <a class="govuk-link" href="{{ row.url }}">{{ row.indicator.title }}</a>
        <span class="app-scorecard__meta">{{ row.indicator.owner_agency.display_name }}{% if row.indicator.priority %} · {{ row.indicator.priority.title }}{% endif %}</span>
        {% if row.commentary %}<span class="app-scorecard__commentary">{{ row.commentary_short }}{% if row.commentary_short != row.commentary %} <a class="govuk-link" href="{{ row.url }}#period-{{ period.pk }}">Read the full commentary<span class="govuk-visually-hidden"> for {{ row.indicator.title }}</span></a>{% endif %}</span>{% endif %}
      </th>
      <td class="govuk-table__cell" data-label="{{ period.label }}"><div><span class="app-scorecard__figure">{{ row.value_text }}</span>{{ row.flags }}</div></td>
      <td class="govuk-table__cell" data-label="Target"><div>{{ row.target_text }}</div></td>
      <td class="govuk-table__cell" data-label="RAG"><div>{{ row.rag_tag }}</div></td>
      <td class="govuk-table__cell" data-label="Direction"><div>{{ row.direction_tag }}{% if row.current and row.previous %}<span class="app-scorecard__previous">from {{ row.previous_text }}</span>{% endif %}</div></td>
      <td class="govuk-table__cell app-scorecard__trend" data-label="Trend"><div>{{ row.sparkline }}</div></td>
      <td class="govuk-table__cell app-scorecard__comparators" data-label="Comparators"><div>{% if row.latest_comparators %}<ul class="app-comparators">{% for c in row.latest_comparators %}<li>{{ c.label }} {{ c.text }}{% if c.is_demo and not row.comparators_all_demo %} <span class="app-flag--demo">(demo)</span>{% endif %}</li>{% endfor %}</ul><span class="app-scorecard__hint">{{ row.comparator_year }}{% if row.comparators_all_demo %} (demo){% endif %}</span>{% else %}None published{% endif %}</div></td>
    </tr>
  {% endfor %}""")  # noqa: E501 - followed by "\n  </tbody>" in the table's template


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


def test_table_body_is_the_templates_markup_byte_for_byte(rows):
    rows, period = rows
    expected = TEMPLATE_ROWS.render(Context({"rows": rows, "period": period}))

    assert str(table_body(rows, period)) == expected
    assert "&lt;b&gt;seen&lt;/b&gt; &amp; &quot;heard&quot; &#x27;fast&#x27;" in expected
    assert "Early help &amp; &lt;neglect&gt;" in expected and "Read the full commentary" in expected
    assert 'London 78% <span class="app-flag--demo">(demo)</span>' in expected
    assert "None published" in expected and "2023 (demo)</span>" in expected


def test_a_sparkline_is_drawn_once_for_the_same_figures_and_title(rows):
    rows, _ = rows
    cached_sparkline.cache_clear()
    first = [row.sparkline for row in rows]
    for row in rows:
        del row.sparkline
    assert [row.sparkline for row in rows] == first
    assert cached_sparkline.cache_info().hits == len(rows)
