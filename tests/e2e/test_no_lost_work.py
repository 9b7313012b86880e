"""No lost work on a Section 11 standard (issue 16, item 1), in a real browser.

Type into several criteria, then leave: by "Save and continue" or "Next standard" (every word saved, with or
without JavaScript), by a link in the page (warned, named, and saved from the warning), or by closing the tab
(the browser asks). A refused file says that the rest of the answer was saved. Moderation: every criterion of a
standard is saved together, and "agree with the self-assessed ratings" moderates a standard in one go.
"""
import re

import pytest

from section11.models import Answer
from tests.section11.conftest import rag_scale  # noqa: F401 (fixture)

from .conftest import expect
from .test_section11 import (
    answer_of,
    axe_check,
    criterion,
    s11,  # noqa: F401 (fixture)
    screenshot,
    submit_via_orm,
)

WORDS = {"1.1": "Annual policy review by the board, minuted.",
         "1.2": "Named safeguarding lead in every team.",
         "1.3": "Supervision audit in March found gaps."}


def _type_three(page, ret) -> None:
    for code, words in WORDS.items():
        criterion(page, answer_of(ret, code)).get_by_label("How do you know?").fill(words)


def _all_saved(ret) -> None:
    for code, words in WORDS.items():
        assert answer_of(ret, code).narrative == words, code


def test_save_and_continue_saves_every_changed_criterion(signed_in_page, agency_lead, s11):  # noqa: F811
    ret = s11["police"]
    page = signed_in_page(agency_lead)
    page.goto(f"/section-11/returns/{ret.pk}/standards/1/")
    _type_three(page, ret)
    criterion(page, answer_of(ret, "1.2")).get_by_label("Amber: partly met").check()
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Standard 2: Standard 2 title")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Your answers to 1.1, 1.2 and 1.3 have been saved.")
    _all_saved(ret)
    assert answer_of(ret, "1.2").rating.code == "amber"
    axe_check(page)


def test_next_standard_saves_first_without_javascript(signed_in_page, contributor, s11):  # noqa: F811
    ret = s11["police"]
    page = signed_in_page(contributor, java_script_enabled=False)
    page.goto(f"/section-11/returns/{ret.pk}/standards/1/")
    _type_three(page, ret)
    page.get_by_role("button", name=re.compile("Save and go to the next standard")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Standard 2: Standard 2 title")
    _all_saved(ret)
    # The last standard's "next" is the task list, saving first too.
    criterion(page, answer_of(ret, "2.1")).get_by_label("How do you know?").fill("Checked by the DSL.")
    page.get_by_role("button", name="Save and go back to the task list").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(ret.agency.name)
    assert answer_of(ret, "2.1").narrative == "Checked by the DSL."


def test_leaving_by_a_link_warns_and_names_what_is_unsaved(signed_in_page, agency_lead, s11):  # noqa: F811
    ret = s11["police"]
    page = signed_in_page(agency_lead)
    page.goto(f"/section-11/returns/{ret.pk}/standards/1/")
    # One criterion saved in place is no longer "unsaved"; the other two are.
    first = criterion(page, answer_of(ret, "1.1"))
    first.get_by_label("How do you know?").fill(WORDS["1.1"])
    first.get_by_role("button", name="Save answer to 1.1").click()
    expect(first.get_by_role("status")).to_have_text("Your answer to 1.1 has been saved.")
    criterion(page, answer_of(ret, "1.2")).get_by_label("How do you know?").fill(WORDS["1.2"])
    criterion(page, answer_of(ret, "1.3")).get_by_label("Impact on children and families").fill("Fewer drift cases.")

    page.get_by_role("link", name="Add an improvement action for 1.3").click()
    warning = page.get_by_role("alert")
    expect(warning).to_contain_text("You have unsaved changes")
    expect(warning).to_contain_text("Your changes to 1.2 and 1.3 are not saved yet.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Standard 1: Standard 1 title")  # still here
    axe_check(page)
    screenshot(page, "s11-unsaved-warning")

    # Closing the tab or reloading asks the browser to confirm.
    asked = []
    page.on("dialog", lambda dialog: (asked.append(dialog.type), dialog.dismiss()))
    page.evaluate("() => { window.stillHere = true; location.reload(); }")  # dismissed: the page stays
    page.wait_for_timeout(500)
    assert asked == ["beforeunload"] and page.evaluate("() => window.stillHere") is True
    expect(criterion(page, answer_of(ret, "1.2")).get_by_label("How do you know?")).to_have_value(WORDS["1.2"])

    warning.get_by_role("button", name="Save my changes").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Your answers to 1.2 and 1.3 have been saved.")
    _ = [a.refresh_from_db() for a in ret.answers.all()]
    assert answer_of(ret, "1.2").narrative == WORDS["1.2"]
    assert answer_of(ret, "1.3").impact == "Fewer drift cases."
    assert answer_of(ret, "1.1").narrative == WORDS["1.1"]

    # Nothing unsaved: links leave without a word.
    page.get_by_role("link", name="Add an improvement action for 1.3").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add an improvement action")


def test_leave_without_saving_leaves(signed_in_page, agency_lead, s11):  # noqa: F811
    ret = s11["police"]
    page = signed_in_page(agency_lead)
    page.goto(f"/section-11/returns/{ret.pk}/standards/1/")
    criterion(page, answer_of(ret, "1.2")).get_by_label("How do you know?").fill("Not wanted after all.")
    page.get_by_role("link", name="Add an improvement action for 1.2").click()
    page.get_by_role("link", name="Leave without saving").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add an improvement action")
    assert answer_of(ret, "1.2").narrative == ""


def test_a_refused_file_says_the_answer_was_saved(signed_in_page, agency_lead, s11, tmp_path):  # noqa: F811
    ret = s11["police"]
    page = signed_in_page(agency_lead)
    page.goto(f"/section-11/returns/{ret.pk}/standards/1/")
    fake = tmp_path / "policy.pdf"
    fake.write_bytes(b"MZ this is no PDF")
    box = criterion(page, answer_of(ret, "1.1"))
    box.get_by_label("How do you know?").fill(WORDS["1.1"])
    box.get_by_label("Upload evidence (optional)").set_input_files(fake)
    criterion(page, answer_of(ret, "1.2")).get_by_label("How do you know?").fill(WORDS["1.2"])
    page.get_by_role("button", name="Save and continue").click()
    expect(box.locator(".govuk-error-message")).to_contain_text(
        "Your answer to 1.1 has been saved, but the file was not")
    expect(page.get_by_role("heading", level=1)).to_have_text("Standard 1: Standard 1 title")
    assert answer_of(ret, "1.1").narrative == WORDS["1.1"]
    assert answer_of(ret, "1.2").narrative == WORDS["1.2"]
    assert not answer_of(ret, "1.1").evidence.exists()
    page.problems.errors.clear()  # the 400 of the refused file, logged by Chromium


@pytest.fixture
def submitted(s11, agency_lead):  # noqa: F811
    return submit_via_orm(s11["police"], by=agency_lead, officer=s11["officer"])


def test_moderating_a_standard_keeps_what_is_typed_and_agrees_in_bulk(signed_in_page, business_unit, submitted):
    ret = submitted
    page = signed_in_page(business_unit)
    page.goto(f"/section-11/returns/{ret.pk}/moderation/standards/1/")
    first, second = answer_of(ret, "1.1"), answer_of(ret, "1.2")
    page.get_by_label("Moderator's comment on 1.1").fill("Policy seen and in date.")
    page.get_by_label("Moderator's comment on 1.2").fill("Ask for the training records.")
    page.get_by_role("button", name="Save moderation of 1.1").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("1.1 and 1.2")
    expect(page.get_by_label("Moderator's comment on 1.2")).to_have_value("Ask for the training records.")
    first.refresh_from_db(), second.refresh_from_db()
    assert first.moderator_comment == "Policy seen and in date."
    assert second.moderator_comment == "Ask for the training records."

    page.get_by_label("Moderator's comment on 1.3").fill("Agreed at panel.")
    page.get_by_role("button", name="Agree with the self-assessed ratings for standard 1").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("agreed with")
    axe_check(page)
    for answer in Answer.objects.filter(ret=ret, criterion__standard__number=1).select_related("rating"):
        assert answer.moderated_rating_id == answer.rating_id, answer.criterion.code
    assert answer_of(ret, "1.3").moderator_comment == "Agreed at panel."
