"""Issue 16, Section 11 and the action tracker, in a real browser with axe: the tracker after copied answers, check
your answers before submitting (with the not-met nudge), the feedback letter's confirmation, the named owner narrowed
to the owning agency, a change of due date asked for and agreed, evidence of impact with a file, and a personal email
refused on an invitation."""
import datetime

from django.utils import timezone

from partnership import history
from partnership.models import Action, DueDateRequest, User
from section11.models import Answer, ChallengeSession, Cycle, RatingLevel, Return
from tests.factories import ActionFactory
from tests.section11.conftest import answer_all, make_cycle, make_framework, rag_scale  # noqa: F401 (fixture)

from .conftest import axe_check, expect, screenshot

PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
TODAY = timezone.localdate()


def test_section11_pages_of_issue_16(signed_in_page, rag_scale, police, agency_lead, business_unit,  # noqa: F811
                                     contributor):
    framework = make_framework(rag_scale)
    previous = make_cycle(framework, [police], name="Section 11 2024", status=Cycle.Status.CLOSED,
                          opens_on=TODAY - datetime.timedelta(days=800), deadline=TODAY - datetime.timedelta(days=700))
    answer_all(Return.objects.get(cycle=previous))
    cycle = make_cycle(framework, [police], name="Section 11 2026", previous=previous)
    ret = Return.objects.get(cycle=cycle)
    from section11.services.returns import copy_answers_from

    copy_answers_from(ret=ret, source=Return.objects.get(cycle=previous))

    bu = signed_in_page(business_unit)
    bu.goto(cycle.get_absolute_url())
    expect(bu.locator(f"#agency-{police.pk}")).to_contain_text("6 copied from the last return, to check")
    axe_check(bu)
    screenshot(bu, "issue16-s11-tracker-copied")

    # Check your answers, with one criterion not met and no action.
    history.update(ret.answers.all(), needs_check=False, status=Answer.Status.DONE)
    red = RatingLevel.objects.get(scale=rag_scale, code="red")
    history.update(Answer.objects.filter(ret=ret, criterion__code="1.2"), rating=red)
    history.update(Return.objects.filter(pk=ret.pk), senior_officer=contributor)
    lead = signed_in_page(agency_lead)
    lead.goto(f"/section-11/returns/{ret.pk}/submit/")
    expect(lead.get_by_role("heading", level=1)).to_have_text("Check your answers before submitting your return")
    expect(lead.locator("#not-met-without-action")).to_contain_text("1 criterion is rated not met")
    axe_check(lead)
    screenshot(lead, "issue16-s11-check-your-answers", mobile=True)
    lead.get_by_role("button", name="Submit the return").click()
    expect(lead.locator("main .govuk-tag").first).to_have_text("Submitted")

    # The feedback letter with 1 of 6 moderated: the warning and the confirmation.
    green = RatingLevel.objects.get(scale=rag_scale, code="green")
    history.update(Answer.objects.filter(ret=ret, criterion__code="1.1"), moderated_rating=green)
    ChallengeSession.objects.create(ret=ret, held_on=TODAY, panel_members="Ann Chair", agency_attendees="Lee Lead",
                                    questions="Why?", outcome="Accepted.", created_by=business_unit)
    bu.goto(ret.get_absolute_url())
    expect(bu.locator("#challenge-sessions + ul")).to_contain_text("1 of 6 criteria moderated so far.")
    bu.get_by_role("button", name="Make the feedback letter").click()
    expect(bu.get_by_role("heading", level=1)).to_have_text("Not every criterion is moderated yet")
    axe_check(bu)
    screenshot(bu, "issue16-s11-feedback-letter-confirm")


def test_action_tracker_pages_of_issue_16(signed_in_page, police, agency_lead, business_unit, outsider):
    bu = signed_in_page(business_unit)
    bu.goto("/actions/new/")
    bu.get_by_label("Title").fill("Audit strategy discussions")
    bu.get_by_label("Owning agency").select_option(label=police.name)
    bu.get_by_role("button", name="Show its people").click()
    owners = bu.get_by_label("Named owner").locator("option").all_inner_texts()
    assert any(agency_lead.full_name in o for o in owners) and not any(outsider.full_name in o for o in owners)
    expect(bu.get_by_label("Title")).to_have_value("Audit strategy discussions")
    axe_check(bu)
    screenshot(bu, "issue16-action-form-owner")

    action = ActionFactory(title="Police referral form review", owner_agency=police, owner=agency_lead,
                           status=Action.Status.IN_PROGRESS, due_date=TODAY + datetime.timedelta(days=10))
    lead = signed_in_page(agency_lead)
    lead.goto(action.get_absolute_url())
    lead.get_by_role("link", name="Ask to change the due date").click()
    expect(lead.get_by_role("heading", level=1)).to_have_text("Ask to change the due date")
    new = TODAY + datetime.timedelta(days=45)
    group = lead.get_by_role("group", name="New due date")
    group.get_by_label("Day").fill(str(new.day))
    group.get_by_label("Month").fill(str(new.month))
    group.get_by_label("Year").fill(str(new.year))
    lead.get_by_label("Why does the due date need to move?").fill("The audit tool arrives in the autumn.")
    axe_check(lead)
    screenshot(lead, "issue16-action-due-date-request")
    lead.get_by_role("button", name="Send the request").click()
    expect(lead.locator("#due-date-pending")).to_contain_text("until the business unit agrees")
    axe_check(lead)

    bu.goto(action.get_absolute_url())
    bu.get_by_role("link", name="Agree or decline the change of due date").click()
    bu.get_by_label("Yes, move the due date").check()
    axe_check(bu)
    screenshot(bu, "issue16-action-due-date-decide")
    bu.get_by_role("button", name="Save the decision").click()
    expect(bu.locator("main")).to_contain_text("The due date has moved")
    assert DueDateRequest.objects.get().status == DueDateRequest.Status.AGREED

    # Completed with a file, then the agency writes its evidence of impact.
    lead.goto(f"/actions/{action.pk}/status/")
    lead.get_by_label("Mark as completed (give evidence)").check()
    lead.get_by_label("Evidence", exact=True).fill("The new form is live on the intranet.")
    lead.get_by_label("Attach a file of evidence (optional)").set_input_files(
        files=[{"name": "Launch note.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}])
    axe_check(lead)
    lead.get_by_role("button", name="Save").click()
    lead.get_by_role("link", name="Write the evidence of impact").click()
    lead.get_by_label("What is better for children and families because of this action?").fill(
        "Referrals now carry the reason: 92% in the June audit, up from 60%.")
    axe_check(lead)
    screenshot(lead, "issue16-action-impact")
    lead.get_by_role("button", name="Save the evidence of impact").click()
    expect(lead.get_by_role("link", name="Launch note.pdf")).to_be_visible()
    axe_check(lead)
    screenshot(lead, "issue16-action-detail", mobile=True)

    bu.goto("/people/invite/")
    bu.get_by_label("Full name").fill("Nia Newcomer")
    bu.get_by_label("Work email address").fill("nia.newcomer@gmail.com")
    bu.get_by_label("Agency", exact=True).select_option(label=police.name)
    bu.get_by_label("Agency contributor").check()
    bu.get_by_role("button", name="Send invitation").click()
    expect(bu.locator(".govuk-error-message")).to_contain_text("gmail.com is a personal email provider")
    axe_check(bu)
    screenshot(bu, "issue16-invite-personal-email")
    assert not User.objects.filter(email="nia.newcomer@gmail.com").exists()
