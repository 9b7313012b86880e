"""Guards for the speed rounds' rewrites (review rev5): each fast path must write what the plain one wrote.

The status tags' markup as `format_html` escapes it, and `day_words` as strftime wrote it (the duties read from
history: tests/partnership/test_duties.py).
"""
import datetime

import pytest
from django.apps import apps
from django.utils.functional import lazy
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from partnership.contract import day_words
from partnership.dates import moment_words, short_day_words
from partnership.models import Action
from partnership.templatetags import status_tags


class _Html:
    """Not a str, but says how to write itself as HTML (as a SafeString does)."""

    def __html__(self):
        return "<i>own</i>"

    def __str__(self):
        return "<i>raw</i>"


class _Str(str):
    pass


_lazy = lazy(lambda: "<lazy> & 'x'", str)

# Values users can type (titles, labels, reasons), safe markup, lazy text, choices, numbers and nothing.
NASTY = ["<script>alert('x')</script>", 'a "q" & <b>b</b>', "javascript:alert(1)//\"'><", mark_safe("<em>ok</em>"),  # nosec B308: a test value, markup already safe
         SafeString("<u>safe</u>"), _lazy(), _Str("<sub>&"), _Html(), Action.Status.PROPOSED, 0, 5, None, "",
         "{}{0}{x}", "é ü –"]


@pytest.mark.parametrize("value", NASTY, ids=range(len(NASTY)))
def test_a_tag_escapes_every_kind_of_value_as_format_html_does(value):
    for colour in ("red", "", '"><script>'):
        css = f"govuk-tag govuk-tag--{colour}" if colour else "govuk-tag"
        expected = format_html('<strong class="{}">{}</strong>', css, value)
        written = status_tags._tag(value, colour)
        assert written == expected and isinstance(written, SafeString)


@pytest.mark.parametrize("value", NASTY, ids=range(len(NASTY)))
def test_a_flagged_status_escapes_its_words_once(value):
    action = Action(title="<b>t</b>", status=Action.Status.PROPOSED)
    tag = format_html('<strong class="{}">{}</strong>', "govuk-tag govuk-tag--grey",
                      action.get_status_display())
    expected = format_html('<span class="app-tags">{}{}</span>', tag,
                           format_html(' <strong class="govuk-tag govuk-tag--red">{}</strong>', value))
    assert status_tags.flagged_status(action, True, value) == expected


def test_record_items_escape_urls_labels_and_words_as_format_html_join_did():
    entries = [{"url": url, "label": label, "words": words, "tag_class": tag}
               for url in ("", "/r/1/?a=1&b=<2>", 'x" onclick="alert(1)')
               for label in NASTY for words in ("", "<Late>", mark_safe("<i>Late</i>"))  # nosec B308: a test value
               for tag in ("app-late", '"><script>')]
    expected = format_html_join("", "<li>{}{}</li>", (
        (format_html('<a class="govuk-link" href="{}">{}</a>', e["url"], e["label"]) if e["url"] else e["label"],
         format_html(' <strong class="govuk-tag {}">{}</strong>', e["tag_class"], e["words"]) if e["words"] else "")
        for e in entries))
    written = status_tags.record_items(entries)
    assert written == expected and isinstance(written, SafeString)
    assert "<script>" not in written and status_tags.record_items([]) == ""


def test_every_models_status_tag_says_its_choices_label_and_an_unknown_value_as_it_is():
    models = [m for m in apps.get_models() if hasattr(m, "STATUS_COLOURS")]
    assert models
    for model in models:
        for value in model.STATUS_COLOURS:
            record = model(status=value)
            if hasattr(record, "status_tag_parts") or hasattr(model, "STATUS_TAGS"):
                continue
            expected = format_html('<strong class="{}">{}</strong>',
                                   f"govuk-tag govuk-tag--{model.STATUS_COLOURS[value]}"
                                   if model.STATUS_COLOURS[value] else "govuk-tag", record.get_status_display())
            assert status_tags.status_tag(record) == expected, (model, value)


def test_day_words_writes_every_day_as_strftime_did():
    day, last = datetime.date(1900, 1, 1), datetime.date(2100, 12, 31)
    while day <= last:
        assert day_words(day) == f"{day:%-d %B %Y}", day
        assert short_day_words(day) == f"{day:%-d %b}", day
        day += datetime.timedelta(days=1)
    when = datetime.datetime(2026, 1, 4, 23, 59)
    assert day_words(when) == "4 January 2026" == f"{when:%-d %B %Y}"
    # The moments in words (a spreadsheet's stamp, the yearly report's "as they stood at") as strftime wrote them.
    assert moment_words(when) == "4 January 2026 23:59" == f"{when:%-d %B %Y %H:%M}"
    assert moment_words(when, " at ") == "4 January 2026 at 23:59" == f"{when:%-d %B %Y at %H:%M}"
    assert moment_words(datetime.datetime(2026, 6, 30, 7, 5), ", ") == "30 June 2026, 07:05"


def test_rules_read_a_decimal_as_it_is_and_a_float_as_written():
    from decimal import Decimal

    from performance.rules import _d

    for text in ("1.10", "0", "-0", "0E-2", "12345678901234.56", "1E+2", "NaN"):
        assert _d(Decimal(text)).as_tuple() == Decimal(text).as_tuple()  # the same number and digits
    assert _d(0.1) == Decimal("0.1") and _d(0) == 0 and _d("2.50") == Decimal("2.50") and _d(None) is None


HOSTILE = "<script>alert('x')</script> & \"q\""


def test_a_priority_page_writes_users_titles_escaped_once_in_its_tags_table_and_records(client_for, business_unit,
                                                                                        police):
    """A priority's page as people see it: an action's and a course's titles typed by users, and an action with no
    owner, in the action table (its status tag) and the training records (`record_items`)."""
    from tests.factories import ActionFactory, PriorityFactory
    from tests.learning.conftest import make_course

    priority = PriorityFactory(title="Priority & <b>")
    ActionFactory(title=HOSTILE, owner_agency=police, priority=priority, owner=None)
    make_course(title=HOSTILE).priorities.add(priority)
    html = client_for(business_unit).get(priority.get_absolute_url()).content.decode()
    escaped = "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; &quot;q&quot;"
    assert "<script>alert" not in html and "&amp;lt;" not in html and "&amp;amp;" not in html
    assert html.count(escaped) >= 2  # the action's row and the course's record
    assert "Not named" in html and '<span class="app-tags"><strong class="govuk-tag' in html
