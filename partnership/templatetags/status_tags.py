"""A record's status as a GOV.UK tag, named once on its model.

A model whose status is shown as a tag declares the colour of each status beside its `Status` choices:

    STATUS_COLOURS = {Status.DRAFT: "grey", Status.OPEN: "blue", Status.CLOSED: "green"}

and a template writes `{% status_tag cycle %}` (the words are the choice's label). A model whose pages show other
words than its choices' labels ("Being made" for a running export) declares both instead:

    STATUS_TAGS = {Status.QUEUED: ("Waiting to start", "grey"), Status.RUNNING: ("Being made", ""), ...}

A status that also depends on dates (an escalation's response overdue), or a judgement that is no model's field (an
agency profile's line), is the object's `status_tag_parts()`: (words, colour). Templates never compare a status with a
string: they ask the model's named sets and predicates (`ret.is_done`, `Return.EDITABLE`).
`tests/partnership/test_status_tags.py` holds every such model to a colour (and words) for every status.
"""
import functools
import html

from django import template
from django.template.defaultfilters import date as date_filter
from django.utils.encoding import force_str
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from partnership.contract import ASSURANCE_COLOURS, NO_EVIDENCE
from partnership.dates import working_days_words

register = template.Library()

COLOURS = {"grey", "green", "turquoise", "blue", "light-blue", "purple", "pink", "red", "orange", "yellow", "teal",
           ""}


@register.simple_tag
def status_tag(record, field: str = "status"):
    if field == "status" and hasattr(record, "status_tag_parts"):
        label, colour = record.status_tag_parts()
    elif field == "status" and hasattr(record, "STATUS_TAGS"):
        label, colour = type(record).STATUS_TAGS[record.status]
    else:
        value = getattr(record, field)
        colour = type(record).STATUS_COLOURS[value]
        label = force_str(_labels(type(record), field).get(value, value), strings_only=True)  # get_<field>_display()
    return _tag(label, colour)


@functools.cache
def _labels(model, field: str) -> dict:
    """A choice field's label for each value, read from the model once per process: `get_<field>_display` builds
    the same dict again at every call (a list of a hundred actions, each with its tag)."""
    return dict(model._meta.get_field(field).flatchoices)


@register.simple_tag
def assurance_tag(status: str, words: str):
    """How far something assures (`partnership.contract`: ASSURED, PARTLY, NOT_ASSURED, NO_EVIDENCE) as a tag, for
    plain data that is no record (a published pack's kept summary): `{% assurance_tag a.status a.status_words %}`."""
    return _tag(words, ASSURANCE_COLOURS.get(status, ASSURANCE_COLOURS[NO_EVIDENCE]))


def _tag(label: str, colour: str):
    css = f"govuk-tag govuk-tag--{colour}" if colour else "govuk-tag"
    return _html('<strong class="{}">{}</strong>', css, label)


def _html(template: str, *args):
    """`format_html(template, *args)`: each value escaped unless it is safe already (`conditional_escape`), a plain
    string at once (`_escape`). These tags write a value or two on every row of lists of hundreds, where Django's
    `escape` checked each value for a lazy string first."""
    return mark_safe(template.format(*map(_escape, args)))  # nosec B308, B703: every value is escaped


def _escape(value) -> str:
    """`conditional_escape(value)`: `html.escape` for a plain `str` (not a safe string, not a lazy one), which is
    what `conditional_escape` does for it."""
    return html.escape(value) if type(value) is str else conditional_escape(value)


@register.simple_tag
def flagged_status(record, flagged: bool, words: str):
    """A record's status tag with a red flag beside it when `flagged` ("Late", "Overdue", "Inspection (JTAI)"), the
    pair wrapping together. A tag, not an `{% include %}`, because lists of a hundred rows and more show it on every
    row and an include costs a template render each time."""
    flag = _html(' <strong class="govuk-tag govuk-tag--red">{}</strong>', words) if flagged else ""
    return _html('<span class="app-tags">{}{}</span>', status_tag(record), flag)


@register.simple_tag
def action_status(action):
    """An action's status with "Overdue" beside it when it is."""
    return flagged_status(action, action.overdue, "Overdue")


@register.simple_tag
def late_status(record):
    """A return's status with "Late" beside it when it is (`record.is_late`: a Section 11 return, a data return)."""
    return flagged_status(record, record.is_late, "Late")


@register.simple_tag(name="working_days_left")
def clock_tag(days: int):
    """A statutory clock's working days left as a tag: breached (red, how many days late), due today (orange), one or
    two days left (yellow), more (grey). A tag, not an `{% include %}`, because the review clocks list every open
    clock (hundreds at ten partnerships' size) and an include costs a template render each time."""
    if days < 0:
        return _tag(f"Breached: {working_days_words(days)} late", "red")
    if days == 0:
        return _tag("Due today", "orange")
    return _tag(f"{working_days_words(days)} left", "yellow" if days <= 2 else "grey")


CLOCK_ROW = ('\n  <tr class="govuk-table__row">'
             '\n    <td class="govuk-table__cell"><a class="govuk-link" href="{}">{}</a></td>'
             '\n    <td class="govuk-table__cell">{}</td>'
             '\n    <td class="govuk-table__cell app-nowrap">{}</td>'
             '\n    <td class="govuk-table__cell">{}</td>\n  </tr>\n  ')


@register.simple_tag
def clock_rows(clocks):
    """Statutory clocks as table rows (`reviews.clocks.Clock`: the case, linked to its page, what is due, the date
    due and the working days left, `{% working_days_left %}`). A tag, not a loop in the template, because the reviews'
    home lists every open clock (seven hundred at ten partnerships' size) and the engine costs a lookup per attribute
    and a date format per row: here each date, and each number of days left, is written once per list."""
    dates, days_left, rows = {}, {}, []
    for c in clocks:
        due = dates.get(c.due)
        if due is None:
            due = dates[c.due] = date_filter(c.due, "D j M Y")  # as {{ c.due|date:"D j M Y" }}
        left = days_left.get(c.working_days_left)
        if left is None:
            left = days_left[c.working_days_left] = clock_tag(c.working_days_left)
        rows.append(_html(CLOCK_ROW, c.url, c.case_reference, c.label, due, left))
    return mark_safe("".join(rows))  # nosec B308, B703: every value is escaped (`_html`)


@register.simple_tag
def record_items(entries):
    """The records behind a judgement as list items (a priority's sources, a duty's records): each label, linked
    where the reader may follow it (`url`, blank otherwise), with its tag when it has `words` (in `tag_class`). A tag,
    not a loop in the template, because the lists run to hundreds of records and the engine costs a lookup per
    attribute of each."""
    return mark_safe("".join(  # nosec B308, B703: every value is escaped (`_html`), as format_html_join would
        _html("<li>{}{}</li>",
              _html('<a class="govuk-link" href="{}">{}</a>', e["url"], e["label"]) if e["url"] else e["label"],
              _html(' <strong class="govuk-tag {}">{}</strong>', e["tag_class"], e["words"]) if e["words"] else "")
        for e in entries))
