"""The statutory duties register: duties as data (duties.yaml, the admin), each read by the rule it names from the
records (every app's duties.py), shown on its page, in the business unit's digest and in the board pack."""
import datetime

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from merton_qa import composition, digest, duties
from partnership import snapshots
from partnership.contract import ASSURED, BREACHED, DUE, DUTIES, MET, NOT_STARTED, PARTLY
from partnership.dates import add_months, end_of_day
from partnership.models import Duty, Role
from reviews import duties as review_duties
from reviews.models import LCSPR, LCSPRDelay, Notification, RapidReview
from section11 import duties as s11_duties
from tests.factories import UserFactory
from tests.history import backdate_history, moment
from tests.reports.conftest import _scale
from tests.reviews.conftest import (  # noqa: F401 - fixtures
    health,
    lcspr,
    notification,
    notified,
    rapid_review,
    referral,
    screened,
    sent_review,
)
from tests.section11.conftest import make_cycle, make_framework

TODAY = timezone.localdate()


def duty(check: str, **parameters) -> Duty:
    return Duty.objects.create(code=check.replace("_", "-"), title=check, reference="Working Together 2023",
                               rule="The rule.", check_name=check, parameters=parameters)


def make_notification(by, n: int, *, aware: datetime.date, notified_on=None) -> Notification:
    due_on = aware + datetime.timedelta(days=7)
    return Notification.objects.create(
        case_reference=f"MSCP-DUTY-{n}", pseudonym=f"Child {n}", incident_on=aware, became_aware_on=aware,
        due_on=due_on, nature=Notification.Nature.SERIOUS_HARM, created_by=by,
        status=Notification.Status.NOTIFIED if notified_on else Notification.Status.DRAFT, notified_on=notified_on,
        late_reason="Half term." if notified_on and notified_on > due_on else "")


# --- The register as data ---------------------------------------------------------------------------------------
def test_the_duties_load_from_yaml_and_a_reload_keeps_what_the_business_unit_recorded(db):
    call_command("load_reference_data", stdout=open("/dev/null", "w"))
    checks = dict(Duty.objects.values_list("code", "check_name"))
    assert checks["serious-incident-notified"] == "serious_incident_notified"
    assert checks["yearly-report-sent"] == "yearly_report_sent"
    assert len(checks) == 9
    scrutiny = Duty.objects.get(code="independent-scrutiny")
    scrutiny.last_done_on, scrutiny.evidence_url = TODAY, "https://example.org/scrutiny-report.pdf"
    scrutiny.save()
    call_command("load_reference_data", stdout=open("/dev/null", "w"))
    scrutiny.refresh_from_db()
    assert scrutiny.last_done_on == TODAY and scrutiny.evidence_url
    assert scrutiny.history.count() >= 2  # the register keeps its history


def test_a_duty_whose_rule_no_app_offers_is_not_checked_rather_than_guessed(db):
    duty("no_such_rule")
    [row] = duties.register(TODAY)
    assert row.status == duties.NOT_CHECKED
    assert row.text == "Not checked: no rule named no_such_rule."


def test_the_rule_names_are_unique_across_the_apps():
    names = [name for part in composition.governance_parts() for name in part.duty_checks]
    assert len(names) == len(set(names))
    assert {"serious_incident_notified", "rapid_review_in_time", "lcspr_completed", "section11_cycle",
            "schools_returns_yearly", "arrangements_reviewed", "independent_scrutiny"} <= set(names)


def test_every_duty_in_the_register_names_a_rule_an_app_offers():
    import yaml
    from django.conf import settings

    path = settings.BASE_DIR / "partnership" / "reference" / "duties.yaml"
    named = {entry["check"] for entry in yaml.safe_load(path.read_text(encoding="utf-8"))}
    offered = {name for part in composition.governance_parts() for name in part.duty_checks}
    assert named <= offered, f"duties.yaml names rules no app offers: {sorted(named - offered)}"


# --- The rules --------------------------------------------------------------------------------------------------
def test_serious_incidents_notified_met_due_breached_and_not_yet_applicable(db, reviews_member):
    rule = duty("serious_incident_notified", working_days=5, months=12)
    assert review_duties.serious_incident_notified(rule, TODAY).status == NOT_STARTED
    make_notification(reviews_member, 1, aware=TODAY - datetime.timedelta(days=60),
                      notified_on=TODAY - datetime.timedelta(days=58))
    assert review_duties.serious_incident_notified(rule, TODAY).status == MET
    make_notification(reviews_member, 2, aware=TODAY)
    waiting = review_duties.serious_incident_notified(rule, TODAY)
    assert waiting.status == DUE and waiting.due_on > TODAY
    assert "1 not yet due" in waiting.text
    later = TODAY + datetime.timedelta(days=14)  # the draft is now past its five working days
    breached = review_duties.serious_incident_notified(rule, later)
    assert breached.status == BREACHED and "1 overdue" in breached.text
    # Lines carry dates, never the case reference or the pseudonym.
    assert not any("MSCP" in i.label or "Child" in i.label for i in breached.items)


def test_a_late_notification_breaches_the_duty_for_the_months_the_rule_looks_back(db, reviews_member):
    rule = duty("serious_incident_notified", working_days=5, months=12)
    make_notification(reviews_member, 1, aware=TODAY - datetime.timedelta(days=40),
                      notified_on=TODAY - datetime.timedelta(days=20))
    assert review_duties.serious_incident_notified(rule, TODAY).status == BREACHED
    assert review_duties.serious_incident_notified(rule, add_months(TODAY, 13)).status == NOT_STARTED


def test_rapid_review_due_then_breached_when_not_sent_in_fifteen_working_days(rapid_review):  # noqa: F811
    rule = duty("rapid_review_in_time", working_days=15, months=12)
    anchor = rapid_review.anchor_on
    # The fixture's review started in March 2026 and was never sent: past its 15 working days by now.
    assert review_duties.rapid_review_in_time(rule, TODAY).status == (
        BREACHED if TODAY > anchor + datetime.timedelta(days=25) else DUE)


def test_lcspr_due_within_six_months_of_the_decision_then_breached_unless_deferred(lcspr):  # noqa: F811
    rule = duty("lcspr_completed", months=6)
    target = add_months(lcspr.decided_on, 6)
    reading = review_duties.lcspr_completed(rule, max(TODAY, lcspr.decided_on))
    assert reading.status == (BREACHED if TODAY > target else DUE)
    lcspr.stage, lcspr.deferred_reason = LCSPR.Stage.DEFERRED, "Criminal trial in progress."
    lcspr.save()
    assert review_duties.lcspr_completed(rule, TODAY).status == DUE
    lcspr.stage, lcspr.published_on = LCSPR.Stage.PUBLISHED, lcspr.decided_on + datetime.timedelta(days=100)
    lcspr.save()
    assert review_duties.lcspr_completed(rule, TODAY).status == MET


def test_an_lcspr_delay_the_partners_explained_is_due_not_breached(lcspr, reviews_member):  # noqa: F811
    rule = duty("lcspr_completed", months=6)
    later = max(TODAY, add_months(lcspr.decided_on, 7))  # the records exist from today (their history)
    assert review_duties.lcspr_completed(rule, later).status == BREACHED
    LCSPRDelay.objects.create(lcspr=lcspr, on=later - datetime.timedelta(days=40), reason="Inquest adjourned.",
                              recorded_by=reviews_member)
    reading = review_duties.lcspr_completed(rule, later)
    assert reading.status == DUE and "delayed, with the reason recorded" in reading.text


def test_section11_cycle_met_while_in_its_interval_due_when_unplanned_and_breached_after(db, police):
    rule = duty("section11_cycle", plan_ahead_months=3)
    assert s11_duties.section11_cycle(rule, TODAY).status == BREACHED  # none launched at all
    framework = make_framework(_scale())
    cycle = make_cycle(framework, [police], name="S11 2026", opens_on=TODAY - datetime.timedelta(days=30))
    assert cycle.cycle_length_months == 24
    assert s11_duties.section11_cycle(rule, TODAY).status == MET
    due_on = add_months(cycle.opens_on, 24)
    assert s11_duties.section11_cycle(rule, add_months(due_on, -1)).status == DUE  # close, and nothing planned
    assert s11_duties.section11_cycle(rule, due_on + datetime.timedelta(days=1)).status == BREACHED
    make_cycle(framework, [police], name="S11 2028", opens_on=due_on - datetime.timedelta(days=10),
               deadline=due_on + datetime.timedelta(days=60), status="draft")
    planned = s11_duties.section11_cycle(rule, add_months(due_on, -1))
    assert planned.status == MET and "planned to open" in planned.text


def test_duties_the_business_unit_keeps_by_hand(db):
    rule = duty("arrangements_reviewed", months=12, warn_months=1)
    check = composition.duty_checks()["arrangements_reviewed"]
    assert check(rule, TODAY).status == BREACHED  # nothing recorded
    rule.last_done_on, rule.evidence_url = TODAY - datetime.timedelta(days=30), "https://example.org/arrangements"
    reading = check(rule, TODAY)
    assert reading.status == MET and reading.items[0].url == "https://example.org/arrangements"
    assert check(rule, add_months(rule.last_done_on, 12) - datetime.timedelta(days=5)).status == DUE
    assert check(rule, add_months(rule.last_done_on, 12) + datetime.timedelta(days=1)).status == BREACHED


# --- The page ---------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("persona", ["business_unit", "chair", "qa_member"])
def test_the_duties_page_shows_each_duty_with_its_status(request, client_for, persona, reviews_member):
    call_command("load_reference_data", stdout=open("/dev/null", "w"))
    make_notification(reviews_member, 1, aware=TODAY - datetime.timedelta(days=40),
                      notified_on=TODAY - datetime.timedelta(days=20))
    response = client_for(request.getfixturevalue(persona)).get(reverse("duties"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Serious incidents notified to the national Panel" in html
    assert "No yearly report has been recorded as published" in html  # the yearly report's rule, wired in
    assert "Breached" in html and "MSCP-DUTY" not in html


@pytest.mark.parametrize("persona", ["agency_lead", "contributor", "reader", "reviews_member", "ld_coordinator"])
def test_the_duties_page_refuses_agencies_and_other_roles(request, client_for, persona):
    assert client_for(request.getfixturevalue(persona)).get(reverse("duties")).status_code == 403


def test_the_duties_page_needs_signing_in(client, db):
    response = client.get(reverse("duties"))
    assert response.status_code == 302 and "sign-in" in response["Location"]


def test_the_duties_page_costs_the_same_queries_whatever_the_number_of_records(client_for, business_unit,
                                                                              reviews_member, police):
    call_command("load_reference_data", stdout=open("/dev/null", "w"))
    client = client_for(business_unit)
    make_notification(reviews_member, 1, aware=TODAY - datetime.timedelta(days=40),
                      notified_on=TODAY - datetime.timedelta(days=36))
    framework = make_framework(_scale())
    make_cycle(framework, [police], name="S11 one", opens_on=TODAY - datetime.timedelta(days=300))
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("duties")).status_code == 200
    for n in range(2, 8):
        make_notification(reviews_member, n, aware=TODAY - datetime.timedelta(days=10 * n),
                          notified_on=TODAY - datetime.timedelta(days=10 * n - 2))
    make_cycle(framework, [police], name="S11 two", opens_on=TODAY - datetime.timedelta(days=10))
    with CaptureQueriesContext(connection) as many:
        assert client.get(reverse("duties")).status_code == 200
    assert len(many) == len(few)


# --- The digest and the board pack --------------------------------------------------------------------------------
def test_a_breach_reaches_the_business_units_digest_and_no_one_elses(db, business_unit, agency_lead, reviews_member):
    duty("serious_incident_notified", working_days=5, months=12)
    make_notification(reviews_member, 1, aware=TODAY - datetime.timedelta(days=40))  # never notified
    groups = dict(digest.due_for(business_unit, TODAY))
    [item] = groups["Statutory duties breached"]
    assert item.statutory and item.url == reverse("duties") and item.stage == "breached"
    assert "Statutory duties breached" not in dict(digest.due_for(agency_lead, TODAY))
    other = UserFactory(email="qa2@example.org", roles=[Role.QA_MEMBER])
    assert "Statutory duties breached" not in dict(digest.due_for(other, TODAY))


def test_the_board_pack_section_gives_the_duties_assurance_its_evidence(db, reviews_member):
    from partnership.dates import Quarter, ReportPeriod

    duty("serious_incident_notified", working_days=5, months=12)
    duty("no_such_rule", months=12)
    make_notification(reviews_member, 1, aware=TODAY - datetime.timedelta(days=40),
                      notified_on=TODAY - datetime.timedelta(days=38))
    [section] = [s for s in composition.board_sections() if s.key == "duties"]
    context = section.build(ReportPeriod.for_quarter(Quarter.containing(TODAY)))
    statuses = {e.status for e in context["evidence"] if e.assurance == DUTIES}
    assert statuses == {ASSURED, PARTLY}  # one met; one not checked by any rule
    assert context["counts"][MET] == 1


def test_the_register_links_a_record_only_for_those_its_page_lets_in(client_for, business_unit, chair, reviews_member,
                                                                     police):
    duty("serious_incident_notified", working_days=5, months=12)
    duty("section11_cycle")
    n = make_notification(reviews_member, 1, aware=TODAY - datetime.timedelta(days=40),
                          notified_on=TODAY - datetime.timedelta(days=38))
    cycle = make_cycle(make_framework(_scale()), [police], name="S11 linked", opens_on=TODAY - datetime.timedelta(30))
    link = f'href="{reverse("reviews:notification-detail", args=[n.pk])}"'
    analysis = f'href="{reverse("section11:cycle-analysis", args=[cycle.pk])}"'
    as_unit = client_for(business_unit).get(reverse("duties")).content.decode()
    assert link in as_unit and analysis in as_unit  # the business unit reads the case pages and the analysis
    as_chair = client_for(chair).get(reverse("duties")).content.decode()
    assert link not in as_chair and "notified" in as_chair  # the line stays, without a link that would refuse


def test_a_past_days_lcspr_reading_from_history_sees_the_delay_recorded_by_then(lcspr, reviews_member):  # noqa: F811
    rule = duty("lcspr_completed", months=6)
    backdate_history(moment(lcspr.decided_on - datetime.timedelta(days=1)))
    day = add_months(lcspr.decided_on, 7)  # a past day (the fixture's review was decided in spring 2026)
    lcspr.reviewer_name = "Renamed since"  # a change after the day: the day is read from history
    lcspr.save()
    LCSPRDelay.objects.create(lcspr=lcspr, on=day - datetime.timedelta(days=40), reason="Inquest adjourned.",
                              recorded_by=reviews_member)
    assert snapshots.from_history(snapshots.state_at(LCSPR, end_of_day(day)))
    reading = review_duties.lcspr_completed(rule, day)
    assert reading.status == DUE and "delayed, with the reason recorded" in reading.text
    assert [item.url for item in reading.items] == [lcspr.get_absolute_url()]


def test_a_past_days_rapid_review_reading_from_history_links_the_review_not_its_history_row(rapid_review):  # noqa: F811
    rule = duty("rapid_review_in_time", working_days=15, months=12)
    backdate_history(moment(rapid_review.anchor_on - datetime.timedelta(days=1)))
    rapid_review.save()  # a change after the day
    assert rapid_review.history.count() > 1  # its history rows' ids are not its own
    day = rapid_review.anchor_on + datetime.timedelta(days=40)
    assert snapshots.from_history(snapshots.state_at(RapidReview, end_of_day(day)))
    reading = review_duties.rapid_review_in_time(rule, day)
    assert [item.url for item in reading.items] == [rapid_review.get_absolute_url()]
