"""An agency's accountability profile in a real browser: the business unit raises a stage 1 escalation from the
police's profile and downloads the letter; the police's lead sees their own profile with the open escalation and is
refused another agency's. axe-core on every page on the way."""
import datetime
import subprocess

import pytest
from django.utils import timezone

from partnership.models import Escalation
from performance.models import DataReturn
from tests.performance.conftest import indicator, quarters  # noqa: F401 (fixtures)

from .conftest import axe_check, expect, screenshot

REASON = "The police's data return for the last quarter has not been received, a month after it was due."


@pytest.fixture
def late_return(police, quarters):  # noqa: F811
    return DataReturn.objects.create(agency=police, period=quarters[0],
                                     due_date=timezone.localdate() - datetime.timedelta(days=30))


def test_the_business_unit_escalates_and_the_agency_sees_it(signed_in_page, business_unit, agency_lead, police,
                                                            outsider_agency, late_return, tmp_path):
    page = signed_in_page(business_unit)
    page.get_by_role("link", name="Agencies", exact=True).first.click()
    expect(page.get_by_role("heading", name="Agencies' accountability")).to_be_visible()
    axe_check(page)
    page.get_by_role("link", name=police.name).click()
    expect(page.get_by_role("heading", name=police.name)).to_be_visible()
    expect(page.get_by_text("0 of 1 return on time; 1 overdue and not yet in")).to_be_visible()
    expect(page.get_by_text("No place at a partnership meeting held in the period")).to_be_visible()
    axe_check(page)
    page.get_by_role("link", name="Raise a stage 1 escalation").click()
    expect(page.get_by_text("Data returns due in the period: 0 of 1 return on time")).to_be_visible()
    axe_check(page)
    page.get_by_role("button", name="Make the letter and tell the agency").click()
    expect(page.get_by_role("link", name="Enter why the partnership is escalating")).to_be_visible()  # summary
    axe_check(page)
    page.get_by_label("Why is the partnership escalating?").fill(REASON)
    page.get_by_role("button", name="Make the letter and tell the agency").click()
    escalation = Escalation.objects.get()
    expect(page.get_by_role("heading", name="Stage 1: letter from the business unit")).to_be_visible()
    axe_check(page)
    screenshot(page, "escalation-detail")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the letter (PDF)").click()
    path = tmp_path / "letter.pdf"
    download.value.save_as(path)
    text = " ".join(subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                                   check=True).stdout.split())
    assert police.name in text and "0 of 1 return on time" in text and REASON in text

    lead = signed_in_page(agency_lead)
    lead.get_by_role("link", name="See how your agency is engaging with the partnership").click()
    expect(lead.get_by_role("heading", name=police.name)).to_be_visible()
    expect(lead.get_by_role("link", name="Stage 1: letter from the business unit")).to_be_visible()
    expect(lead.get_by_role("link", name="Raise a stage 1 escalation")).to_have_count(0)
    axe_check(lead)
    screenshot(lead, "agency-profile", mobile=True)
    lead.get_by_role("link", name="Stage 1: letter from the business unit").click()
    expect(lead.get_by_role("heading", name="Record the agency's response")).to_be_visible()
    axe_check(lead)
    response = lead.goto(f"/agencies/{outsider_agency.pk}/")
    assert response.status == 404
    response = lead.goto(f"/escalations/{escalation.pk}/next-stage/")
    assert response.status == 403
