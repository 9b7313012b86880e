"""The scorecard table's rows as HTML, written here rather than in the template for speed.

A quarterly scorecard has a row for each of up to 200 indicators with about 35 values in each; the
template engine took about 0.3 ms a row to look them up (more than the rest of the page put together, and
more than the admin's whole indicator changelist). Every value is escaped just as the template
did, and the markup is the same, byte for byte (the table, its caption and headings stay in
`performance/scorecard_table.html`). Change the two together.
"""
import html

from django.utils.safestring import SafeString, mark_safe

from .models import Period
from .scorecard import Row

ROW = """
    <tr class="govuk-table__row">
      <th scope="row" class="govuk-table__header app-scorecard__indicator">
        <a class="govuk-link" href="{url}">{title}</a>
        <span class="app-scorecard__meta">{agency}{priority}</span>
        {commentary}
      </th>
      <td class="govuk-table__cell" data-label="{period}"><div><span class="app-scorecard__figure">{value}</span>{flags}</div></td>
      <td class="govuk-table__cell" data-label="Target"><div>{target}</div></td>
      <td class="govuk-table__cell" data-label="RAG"><div>{rag}</div></td>
      <td class="govuk-table__cell" data-label="Direction"><div>{direction}{previous}</div></td>
      <td class="govuk-table__cell app-scorecard__trend" data-label="Trend"><div>{sparkline}</div></td>
      <td class="govuk-table__cell app-scorecard__comparators" data-label="Comparators"><div>{comparators}</div></td>
    </tr>
  """  # noqa: E501 - the template's lines, as they were


DEMO = ' <span class="app-flag--demo">(demo)</span>'


def _e(value) -> str:
    """Escape as `format_html` and the template do (`django.utils.html.escape` is this, with more calls)."""
    return value if isinstance(value, SafeString) else html.escape(str(value))


def _commentary(row: Row, period: Period) -> str:
    if not row.commentary:
        return ""
    more = ""
    if row.commentary_short != row.commentary:
        more = (f' <a class="govuk-link" href="{_e(row.url)}#period-{_e(period.pk)}">Read the full commentary<span '
                f'class="govuk-visually-hidden"> for {_e(row.indicator.title)}</span></a>')
    return f'<span class="app-scorecard__commentary">{_e(row.commentary_short)}{more}</span>'


def _comparators(row: Row) -> str:
    figures = row.latest_comparators
    if not figures:
        return "None published"
    all_demo = row.comparators_all_demo
    items = "".join(f"<li>{_e(c.label)} {_e(c.text)}{DEMO if c.is_demo and not all_demo else ''}</li>"
                    for c in figures)
    return (f'<ul class="app-comparators">{items}</ul><span class="app-scorecard__hint">{_e(row.comparator_year)}'
            f'{" (demo)" if all_demo else ""}</span>')


def table_body(rows: list[Row], period: Period) -> SafeString:
    """The `<tr>`s of one OBA question's table on the scorecard page. Every value is escaped by `_e`."""
    parts = []
    label = _e(period.label)
    for row in rows:
        ind = row.indicator
        parts.append(ROW.format(
            url=_e(row.url), title=_e(ind.title), agency=_e(ind.owner_agency.display_name),
            priority=f" · {_e(ind.priority.title)}" if ind.priority else "",
            commentary=_commentary(row, period), period=label, value=_e(row.value_text), flags=row.flags,
            target=_e(row.target_text), rag=row.rag_tag, direction=row.direction_tag,
            previous=f'<span class="app-scorecard__previous">from {_e(row.previous_text)}</span>'
            if row.current and row.previous else "",
            sparkline=row.sparkline, comparators=_comparators(row)))
    # Built above from values escaped by `_e` and markup of our own.
    return mark_safe("\n  " + "".join(parts))  # nosec B308, B703
