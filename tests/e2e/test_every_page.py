"""axe-core (WCAG 2.2 AA) on every page of the service, generated from the URL conf, in two states:

- full: every GET page with realistic data (the project's own fixtures, one of each object), opened by a
  persona who may see it (public pages signed out);
- with errors: every form submitted empty (or with its fields cleared; BAD_INPUT where empty is allowed) in the
  browser, so the GOV.UK error
  summary and field messages show: axe passes, the title begins "Error: ", focus is on the summary, and each
  summary link goes to its field's first control and focuses it when followed.

In every state (sweep.py `layout_checks`) each error summary link's target is in the page and focusable, and at
320 px wide (400% zoom), and at 640, 768, 900 and 1024 px (sweep.py REFLOW_WIDTHS), the page does not scroll
sideways except inside a table's scrolling wrapper (known gaps: REFLOW_EXCEPTIONS, each with its reason).

The empty state (an empty partnership) is test_every_page_empty.py. A URL the walk finds is a page here unless
its answer to a GET shows it is not one: a download (not HTML) or POST-only (405). A new URL with an id fails
until every_page.py (or the security registry) says which object fills it; a new form fails until it is in
FORMS or NO_ERROR_STATE below.
"""
import re

import pytest

from tests.security.urlconf import walk

from .conftest import axe_check, expect, screenshot
from .every_page import FLOW_ONLY, PAGES
from .sweep import (  # noqa: F401 (fixtures)
    REFLOW_EXCEPTIONS,
    check_error_links_focus,
    layout_checks,
    open_page,
    private_media,
    screenshot_widths,
    serving,
    sweep_media,
)

NAMES = sorted(name for name, _ in walk() if name not in FLOW_ONLY)

# Forms submitted empty for the error state (every field cleared). A page with a POST form in <main> must be
# here or in NO_ERROR_STATE, with the reason it has no error state.
FORMS: set[str] = {
    "partnership:action-impact", "partnership:action-due-date-request", "partnership:action-due-date-decide",
    "audits:action-add", "audits:audit-create", "audits:audit-edit", "audits:case-add", "audits:concern-raise",
    "audits:feedback-add", "audits:finding-add", "audits:meeting", "audits:programme-create",
    "audits:recommendation-add", "audits:summary", "decision-create", "learning:book",
    "learning:briefing-create", "learning:briefing-edit", "learning:briefing-use", "learning:course-create",
    "learning:course-edit", "learning:evaluate-pre", "learning:session-create", "learning:session-edit",
    "learning:session-manage", "meeting-agenda", "meeting-attendance", "meeting-cancel", "meeting-create",
    "meeting-edit", "meeting-papers", "partnership:action-create", "partnership:action-detail",
    "partnership:action-edit", "partnership:action-transition", "partnership:feedback-create",
    "partnership:feedback-edit", "partnership:invitation-accept",
    "partnership:password-reset", "partnership:password-reset-confirm", "partnership:retention",
    "partnership:sign-in", "partnership:two-factor-setup", "partnership:two-factor-verify",
    "partnership:user-invite",
    "performance:data-return-query", "performance:data-return-upload", "performance:indicator-action-add",
    "performance:turn-the-curve-create",
    "performance:turn-the-curve-edit", "reviews:lcspr-check", "reviews:lcspr-delay", "reviews:lcspr-move",
    "reviews:lcspr-recommendation", "reviews:notification-add-child", "reviews:notification-create",
    "reviews:notification-edit", "reviews:notification-submit", "reviews:rapid-review-decide",
    "reviews:rapid-review-recommendation", "reviews:rapid-review-response",
    "reviews:rapid-review-send", "reviews:recommendation-action", "reviews:refer", "reviews:refer-sent",
    "reviews:referral-create", "reviews:screening-record", "reviews:summary-write", "section11:answer-action-add",
    "section11:challenge-record", "section11:cycle-create",
    "section11:return-import", "section11:return-officer", "section11:return-send-back",
    "escalation-create", "escalation-detail", "escalation-escalate", "audits:consensus",
}
# Forms whose every field may be left empty: what is typed into the first box instead to show the error state
# (a child's date of birth in free text, which the personal-data check refuses beside the box).
BAD_INPUT: dict[str, str] = {
    "audits:consensus": "Seen at school; date of birth 12/03/2013.",
}
NO_ERROR_STATE: dict[str, str] = {
    "board-reports": "one choice, the quarter, always filled in: sending the form asks for the report",
    "board-pack": "a draft's narrative and asks may both be empty while it is written; approval (a button) is "
                  "what refuses them, with its message at the top",
    "yearly-reports": "one choice, the year, always filled in: sending the form starts the report or asks for it",
    "yearly-report": "the written sections may all be empty while they are drafted; the partners' approval is what "
                     "refuses them, with its message at the top",
    "partnership:account": "one yes/no choice, always answered: sending it saves the reminder setting",
    "section11:return-header": "the deputy and the senior officer are optional until the return is submitted",
    "reviews:rapid-review-edit": "every part of the content may be left empty while the review gathers it over its 15 "
                                 "working days (the decision form, in FORMS, is the review's one with required fields)",
    "section11:moderate-standard": "one form for the standard: 'Save and continue' saves each criterion changed and "
                                   "goes on, so nothing changed is no error; a criterion's own button with nothing "
                                   "chosen shows its error, with axe (tests/e2e/test_section11.py)",
    "item-minutes": "the minutes may be empty, and whether the item was finished is always answered (yes unless "
                    "it is carried over)",
    "learning:attendance": "every delegate's attendance is a list with a choice already made; the page's own error "
                           "(the session has not started) is a summary at the top",
}
# Looked at, at 1280 and 320 px wide: the widest tables and charts.
WIDTH_SCREENSHOTS = {"section11:cycle-analysis", "performance:scorecard", "learning:coverage", "learning:figures"}
SCREENSHOTS = {"partnership:action-create", "reviews:referral-create", "learning:book", "section11:cycle-create"}
# A form in <main> that posts, with something a person fills in or chooses.
FORM = "main form[method=post i]:has(input:not([type=hidden]):not([type=submit]), textarea, select)"


@pytest.fixture(scope="module")
def full(request, browser, django_db_blocker, sweep_media):  # noqa: F811
    with serving(request, browser, django_db_blocker, sweep_media, NAMES) as sweep:
        yield sweep


def test_the_registries_name_real_pages():
    names = {name for name, _ in walk()}
    stale = sorted((set(PAGES) | set(FLOW_ONLY) | FORMS | set(NO_ERROR_STATE) | set(REFLOW_EXCEPTIONS)
                    | set(BAD_INPUT)) - names)
    assert not stale, f"these entries in the every-page sweep name no URL any more: {stale}"
    assert not FORMS & set(NO_ERROR_STATE)
    assert set(BAD_INPUT) <= FORMS


@pytest.mark.parametrize("name", NAMES)
def test_every_page_passes_axe_with_data(full, name):
    page = open_page(full, name)
    if page is None:
        return
    expect(page.get_by_role("heading", level=1)).to_have_count(1)
    assert page.title().strip(), f"{name} has no <title>"
    axe_check(page)
    layout_checks(page, name)
    if name in WIDTH_SCREENSHOTS:
        screenshot_widths(page, name)
    has_form = page.locator(FORM).count() > 0
    if has_form:
        assert name in FORMS or name in NO_ERROR_STATE, (
            f"{name} has a form: add it to FORMS (its error state is then checked) or NO_ERROR_STATE (why not)")
    else:
        assert name not in FORMS, f"{name} is in FORMS but shows no form with fields"


def clear_fields(form):
    for field in form.locator("input[type=text], input[type=email], input[type=number], input[type=date], "
                              "input[type=url], input[type=tel], input[type=password], input:not([type]), "
                              "textarea").all():
        if field.is_visible() and field.is_editable():
            field.fill("")


@pytest.mark.parametrize("name", sorted(FORMS))
def test_every_form_shows_its_errors_accessibly(full, name):
    page = open_page(full, name, known_page=True)
    form = page.locator(FORM).first
    form.evaluate("form => { const details = form.closest('details'); if (details) details.open = true; }")
    if name in BAD_INPUT:
        form.locator("textarea").first.fill(BAD_INPUT[name])
    else:
        clear_fields(form)
    submit = "button[type=submit], button:not([type]), input[type=submit]"
    main_button = form.locator(f":is({submit}):not(.govuk-button--secondary):not(.govuk-button--warning)")
    (main_button if main_button.count() else form.locator(submit)).first.click()
    page.wait_for_load_state()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("There is a problem")
    expect(page).to_have_title(re.compile(r"^Error: "))
    assert page.locator(".govuk-error-message, .govuk-form-group--error").count() > 0, "no message by a field"
    focused_in_summary = page.evaluate(
        "() => !!document.activeElement && !!document.activeElement.closest('.govuk-error-summary')")
    assert focused_in_summary, f"{name}: focus is not on the error summary (GOV.UK Frontend moves it there)"
    axe_check(page)
    layout_checks(page, name)
    if name in SCREENSHOTS:
        screenshot(page, f"sweep-error-{name.replace(':', '-')}")
    check_error_links_focus(page, name)
