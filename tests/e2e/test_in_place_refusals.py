"""The in-place (htmx) Section 11 answer save in a real browser, when the save is refused: a colleague saved the
answer first (409), the return was submitted meanwhile (403), the file is over the request limit (400). Each
time the message is read beside the criterion and the typed text is still in the box; after a conflict the next
save works (the form carries the new version). static/js/htmx-govuk.js does this for every in-place save.
"""
import re

from partnership import history
from partnership.uploads import MAX_UPLOAD_BYTES
from section11.models import Return
from section11.services import returns as services
from tests.section11.conftest import rag_scale  # noqa: F401 (fixture)

from .conftest import SCREENSHOTS
from .test_section11 import PDF_BYTES, answer_of, axe_check, criterion, s11  # noqa: F401 (fixture)

MINE = "We audit every strategy discussion against the threshold document each quarter."


def _open(signed_in_page, contributor, ret, code="1.1"):
    page = signed_in_page(contributor)
    page.goto(f"/section-11/returns/{ret.pk}/standards/1/")
    answer = answer_of(ret, code)
    box = criterion(page, answer)
    box.get_by_label("How do you know?").fill(MINE)
    return page, answer, box


def _expect_logged(page, status: int) -> None:
    """Chromium logs the refused XHR ("Failed to load resource ... status of N"): expected here, once or more."""
    refused = [e for e in page.problems.errors if f"status of {status}" in e]
    assert refused, f"no {status} response was logged: {page.problems.errors}"
    for entry in refused:
        page.problems.errors.remove(entry)


def test_a_conflict_shows_their_answer_beside_the_text_kept_and_the_next_save_works(
        signed_in_page, contributor, agency_lead, s11):  # noqa: F811
    from playwright.sync_api import expect

    ret = s11["police"]
    page, answer, box = _open(signed_in_page, contributor, ret)
    services.answer_save(answer=answer, by=agency_lead, expected_version=answer.version, rating=None,
                         not_applicable=False, not_applicable_reason="",
                         narrative="The lead's own wording, saved first.", impact="")
    box.get_by_role("button", name="Save answer to 1.1").click()
    expect_text = box.locator(".govuk-error-message").first
    expect(expect_text).to_contain_text("Someone else changed this record")
    expect(expect_text).to_be_focused()
    expect(box.locator(".app-conflict")).to_contain_text("The lead's own wording, saved first.")
    expect(box.locator(".app-conflict")).to_contain_text(agency_lead.full_name)
    expect(box.get_by_label("How do you know?")).to_have_value(MINE)
    _expect_logged(page, 409)
    axe_check(page)
    box.screenshot(path=str(SCREENSHOTS / "s11-in-place-conflict.png"), caret="initial")  # "hide" leaves style="" (CSP)
    box.get_by_role("button", name="Save answer to 1.1").click()
    expect(box.get_by_role("status")).to_have_text("Your answer to 1.1 has been saved.")
    answer.refresh_from_db()
    assert answer.narrative == MINE


def test_a_return_submitted_meanwhile_is_said_beside_the_criterion_and_the_text_stays(
        signed_in_page, contributor, s11):  # noqa: F811
    from playwright.sync_api import expect

    ret = s11["police"]
    page, answer, box = _open(signed_in_page, contributor, ret)
    history.update(Return.objects.filter(pk=ret.pk), status=Return.Status.SUBMITTED)
    box.get_by_role("button", name="Save answer to 1.1").click()
    message = box.locator(".app-save-error")
    expect(message).to_contain_text("Not saved: you can no longer change this")
    expect(message).to_be_focused()
    expect(box.get_by_label("How do you know?")).to_have_value(MINE)
    _expect_logged(page, 403)
    answer.refresh_from_db()
    assert answer.narrative != MINE


def test_a_file_over_the_request_limit_says_so_with_the_limit_and_the_text_stays(
        signed_in_page, contributor, s11, tmp_path, monkeypatch):  # noqa: F811
    from playwright.sync_api import expect

    from partnership import uploads

    monkeypatch.setattr(uploads, "MAX_REQUEST_BYTES", 4000)  # the same refusal as a 25 MB file, without 25 MB
    ret = s11["police"]
    page, answer, box = _open(signed_in_page, contributor, ret)
    big = tmp_path / "whole-strategy.pdf"
    big.write_bytes(PDF_BYTES + b"%" * 8000)
    box.get_by_label("Upload evidence (optional)").set_input_files(big)
    box.get_by_role("button", name="Save answer to 1.1").click()
    message = box.locator(".app-save-error")
    limit = f"{MAX_UPLOAD_BYTES // 2**20} MB"
    expect(message).to_contain_text(re.compile(rf"file you chose is too large\. A file must be {limit} or smaller"))
    expect(box.get_by_label("How do you know?")).to_have_value(MINE)
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("Standard 1"))  # the page is still there
    _expect_logged(page, 400)
    # caret="initial": "hide" leaves style="" behind, which the CSP refuses
    box.screenshot(path=str(SCREENSHOTS / "s11-in-place-too-large.png"), caret="initial")
    # Without the file, the same text saves.
    box.get_by_label("Upload evidence (optional)").set_input_files([])
    box.get_by_role("button", name="Save answer to 1.1").click()
    expect(box.get_by_role("status")).to_have_text("Your answer to 1.1 has been saved.")
