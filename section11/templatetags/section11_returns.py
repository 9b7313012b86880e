"""`{% return_progress ret %}`: the one wording of a Section 11 return's progress (the tracker, the returns list, the
home page). Answered means rated or not applicable and, when copied from the last return, confirmed
(`section11.models.answered_q`); `ret` comes from `ReturnQuerySet.with_progress`. A tag, not an `{% include %}`,
because the lists show it on a hundred rows a page and an include costs a template render each time."""
from django import template
from django.utils.html import format_html

register = template.Library()


@register.simple_tag
def return_progress(ret):
    if ret.to_check_count:
        return format_html('{} of {}<br><span class="govuk-body-s">{} copied from the last return, to check</span>',
                           ret.answered_count, ret.criteria_count, ret.to_check_count)
    return format_html("{} of {}", ret.answered_count, ret.criteria_count)
