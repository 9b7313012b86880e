"""`{% return_progress ret %}`: the one wording of a Section 11 return's progress (the tracker, the returns list, the
home page). Answered means rated or not applicable and, when copied from the last return, confirmed
(`section11.models.answered_q`); `ret` comes from `ReturnQuerySet.with_progress`. A tag, not an `{% include %}`,
because the lists show it on a hundred rows a page and an include costs a template render each time."""
from django import template
from django.utils.formats import localize
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from partnership.templatetags.status_tags import _html

register = template.Library()


@register.simple_tag
def return_progress(ret):
    if ret.to_check_count:
        return format_html('{} of {}<br><span class="govuk-body-s">{} copied from the last return, to check</span>',
                           ret.answered_count, ret.criteria_count, ret.to_check_count)
    return format_html("{} of {}", ret.answered_count, ret.criteria_count)


@register.simple_tag
def heat_cells(cells):
    """A heat map row's cells (`section11.analysis`, dicts): each its band's colour, and its band and score, or the
    words for no rating. A tag for the same reason, written as the kernel's list tags are (`status_tags._html`):
    the heat map shows 23 cells on each of its hundred rows."""
    return mark_safe("".join(  # nosec B308, B703: every value is escaped (`_html`), as format_html_join would
        _html(HEAT_CELL, cell["colour"], _html(HEAT_SCORE, cell["label"], localize(cell["score"])) if cell["score"]
              else _html('<span class="app-heat__none">{}</span>', cell["label"]))
        for cell in cells))


HEAT_CELL = '<td class="govuk-table__cell app-heat app-heat--{}">{}</td>\n'
HEAT_SCORE = '<span class="app-heat__band">{}</span> <span class="app-heat__score">{}</span>'
