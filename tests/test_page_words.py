"""The checker the crawl applies to every page's text (tests/page_words.py): it refuses each slip found on the
walk of issue 16 and passes ordinary words, names and addresses."""
import pytest

from tests.page_words import raw_text_problems


@pytest.mark.parametrize("page", [
    "<td>Section11</td>",
    "<dd>Review_recommendation</dd>",
    "<dd>(review_recommendation)</dd>",
    "<li><a href='/exports/1/'>board-report requested 6 December 2026</a></li>",
    "<caption>Merton Children's Services's figures</caption>",
    "<td>6 Dec 2026 13:30:00</td>",
    '<input class="govuk-input" type="text" name="start_time" value="13:30:00">',
    '<span class="app-tags"><strong class="govuk-tag">In progress</strong><strong class="govuk-tag">Late</strong>'
    "</span>",
    "<dd>0 of 0 cases good or better</dd>",
])
def test_each_slip_found_on_the_walk_is_refused(db, page):
    assert raw_text_problems(f"<html><body><main>{page}</main></body></html>")


@pytest.mark.parametrize("page", [
    "<p>Section 11 return for Merton Children's Services'. Review recommendation R-2.</p>",
    "<p>13:30 on 6 December 2026, 3 of 4 cases good or better, 10 of 20 delegates</p>",
    "<p>Email lead_officer@police.example.org or read https://example.org/a_b/ or open return_2026.xlsx</p>",
    '<input type="hidden" name="kind" value="board-report"><a href="/section_11/">Go</a>',
    '<span class="app-tags"><strong class="govuk-tag">In progress</strong> <strong class="govuk-tag">Late</strong>'
    "</span>",
    "<p>A follow-up, a self-assessment and the DSL's plan; AbilityNet has advice.</p>",
    "<script>var in_progress = 'x_y';</script><style>.a_b{}</style>",
])
def test_ordinary_words_names_and_addresses_pass(db, page):
    assert raw_text_problems(f"<html><body><main>{page}</main></body></html>") == []
