"""The yearly report: built from the board pack's sections for 12 months, so its figures are the quarterly packs'
figures; written by the business unit, approved by the three safeguarding partners, published once; the feedback
record; the two statutory-duty checks; who may do what; constant queries."""
import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from learning.models import Booking
from merton_qa import board_report, composition, priorities, yearly_report
from partnership.contract import ASSURED, BREACHED, DUE, HOW_MUCH, HOW_WELL, MET, NOT_ASSURED, PriorityEvidence
from partnership.dates import Quarter, ReportPeriod
from partnership.models import (
    Action,
    Duty,
    Feedback,
    Priority,
    SafeguardingPartner,
    Sector,
    YearlyReport,
    YearlyReportApproval,
)
from partnership.services import yearly_reports
from partnership.services.errors import ServiceError
from partnership.yearly_duties import CHECKS
from tests.factories import AgencyFactory, UserFactory
from tests.history import backdate_history, moment
from tests.learning.conftest import make_course, make_session
from tests.reports.conftest import make_action

pytestmark = pytest.mark.django_db
TEXTS = {"scrutineer_assessment": "The arrangements work.\n\nImpact is less clear.",
         "national_response": "We checked out-of-borough placements.",
         "priorities_ahead": "Neglect\nExploitation"}


def last_year() -> int:
    return Quarter.containing(timezone.localdate()).financial_year - 1


def _review_case(quarter: Quarter, n: int, member, agency) -> None:
    from reviews import services
    from reviews.models import Notification

    day = quarter.start + datetime.timedelta(days=10 + n)
    referral = services.referral_create(by=member, case_reference=f"YR-{quarter.code}-{n}", referring_agency=agency,
                                        referred_on=day, summary="A serious incident.")
    services.screening_record(by=member, referral=referral, notifiable=True, rationale="Criteria met.",
                              decided_on=day)
    notification = services.notification_create(by=member, referral=referral, pseudonym=f"Child {quarter.number}{n}",
                                                incident_on=day, became_aware_on=day,
                                                nature=Notification.Nature.SERIOUS_HARM, agencies=[agency],
                                                parallel_processes=["police"])
    services.notification_add_child(by=member, notification=notification, age_band="under_1", sex="male",
                                    legal_status="none")
    services.notification_submit(by=member, notification=notification, notified_on=day + datetime.timedelta(days=2),
                                 partners_told_on=day + datetime.timedelta(days=2), panel_reference=f"P-{n}",
                                 expected_version=notification.version)


def _review_to_lcspr(quarter: Quarter, member) -> None:
    """The quarter's first notification taken through a rapid review to an LCSPR, with a recommendation."""
    from reviews import services
    from reviews.models import Notification
    from tests.reviews.conftest import decide, sign_all

    notification = Notification.objects.get(case_reference=f"YR-{quarter.code}-0")
    review = sign_all(decide(services.rapid_review_create(by=member, notification=notification), member), member)
    review = services.rapid_review_send(by=member, review=review, sent_on=review.decided_on,
                                        expected_version=review.version)
    lcspr = services.lcspr_commission(by=member, review=review)
    services.recommendation_add(by=member, lcspr=lcspr, text="Share chronologies.",
                                made_on=review.decided_on + datetime.timedelta(days=1))


def make_year(year: int) -> dict:
    """Something in each quarter of the financial year, each made (by its history) inside its quarter: serious
    incidents notified (the first quarter's first one taken to an LCSPR with a recommendation), training
    delivered, actions signed off and left open, a multi-agency audit graded, a validated indicator figure, and a
    Section 11 cycle in the second quarter; the duties register loaded before the year."""
    from django.core.management import call_command

    from audits.management.commands.load_audit_tools import TOOLS_DIR, load_tool
    from audits.models import AuditCase, Programme
    from partnership import history
    from partnership.models import Role
    from section11.models import Return
    from tests.audits.conftest import agree_all, make_audit
    from tests.reports.conftest import _scale, add_validated, make_indicator, quarter_periods
    from tests.section11.conftest import answer_all, make_cycle, make_framework

    member = UserFactory(roles=[Role.REVIEWS_MEMBER])
    police = AgencyFactory(name="Year Police", sector=Sector.POLICE, statutory_partner=True)
    health = AgencyFactory(name="Year Health Trust", sector=Sector.ACUTE_TRUST)
    course = make_course()
    quarters = [Quarter(year, n) for n in (1, 2, 3, 4)]
    call_command("load_reference_data", stdout=open("/dev/null", "w"))
    tool, programme = load_tool(TOOLS_DIR / "general-2025.yaml"), Programme.objects.create(year=f"{year}")
    indicator, periods = make_indicator(police, code="year-visits", title="Visits on time"), quarter_periods()
    backdate_history(moment(quarters[0].start - datetime.timedelta(days=30)))
    for number, quarter in enumerate(quarters, start=1):
        for n in range(number % 3 + 1):  # 2, 3, 1, 2 cases
            _review_case(quarter, n, member, health)
        if number == 1:
            _review_to_lcspr(quarter, member)
        audit = make_audit(tool, programme, [police, health], theme=f"Audit {quarter.code}", cases=number % 2 + 1,
                           status="agreed", meeting_date=quarter.start + datetime.timedelta(days=25))
        agree_all(audit, {0: ("good", "inadequate", "outstanding", "requires-improvement")[number - 1]})
        history.update(AuditCase.objects.filter(audit=audit), created_at=moment(quarter.start))
        add_validated(indicator, periods[quarter], 60 + 5 * number)
        if number == 2:
            cycle = make_cycle(make_framework(_scale()), [police, health], name="Section 11 of the year",
                               opens_on=quarter.start + datetime.timedelta(days=5),
                               deadline=quarter.start + datetime.timedelta(days=40))
            made = answer_all(Return.objects.get(cycle=cycle, agency=police))
            made.status = Return.Status.SUBMITTED
            made.submitted_at = moment(quarter.start + datetime.timedelta(days=30))
            made.save()
        session = make_session(course, quarter.start + datetime.timedelta(days=20))
        for n in range(number + 1):
            Booking.objects.create(session=session, name=f"Delegate {n}", email=f"d{quarter.number}{n}@example.org",
                                   agency=police if n % 2 else health, role="Nurse", status=Booking.Status.CONFIRMED,
                                   attendance=Booking.Attendance.ATTENDED)
        created = moment(quarter.start + datetime.timedelta(days=2))
        for n in range(number):
            make_action(police, title=f"Done in {quarter.code} #{n}", due=quarter.start + datetime.timedelta(days=30),
                        status=Action.Status.CLOSED, created=created,
                        signed_off_at=moment(quarter.start + datetime.timedelta(days=40)))
        make_action(health, title=f"Open from {quarter.code}", due=quarter.start + datetime.timedelta(days=50),
                    created=created)
        backdate_history(moment(quarter.start + datetime.timedelta(days=45)))
    return {"police": police, "health": health, "quarters": quarters}


# What happened in a period: the year's figure is the sum of its quarters' (paths through a section's context).
SUMS = {
    "reviews": {"quarters#len", "totals.referrals", "totals.notifications", "totals.rapid_reviews", "totals.lcsprs",
                "not_notifiable", "notified_total", "notified_on_time", "sent_total", "sent_on_time",
                "lcsprs_published", "recommendations_in_period"},
    "learning": {"sessions", "delivered", "places_offered", "places_filled", "waiting", "rates.confirmed",
                 "rates.pre", "rates.attended", "rates.post", "rates.invited", "rates.followed", "uplift.pairs",
                 "practice.total", "practice.changed", "practice.with_manager", "briefing_uses", "briefing_attendees"},
    "actions": {"signed_off_count", "signed_off#len"},
    "audits": {"rows#len", "concerns_raised", "concerns_acknowledged", "concerns_in_time"},
}
# Neither a sum nor a state: shares, averages and counts of distinct things (checked through what they come from),
# and the lists the year compares per item below.
DERIVED = {"learning": {"agencies#len", "sectors#len", "trainer_days#len", "briefing_agencies",
                        "uplift.outcomes#len", "practice.examples#len"},
           "audits": {"grade_counts#len"}, "section11": {"cycles#len"}, "performance": {"over_period.rows#len"},
           "actions": {"by_agency#len"}}


def figures(value, path=()):
    """Every figure in a section's context by its path: whole numbers, and the length of every list, through
    nested dicts (the words the section writes from them, its facts, are checked apart)."""
    if isinstance(value, bool):
        return
    if isinstance(value, int):
        yield ".".join(path), value
    elif isinstance(value, dict):
        for key, item in value.items():
            if key not in ("facts", "evidence", "headlines", "html"):
                yield from figures(item, (*path, str(key)))
    elif isinstance(value, list | tuple):
        yield ".".join(path) + "#len", len(value)


def test_every_figure_is_the_quarters_board_packs_figure():
    """Every section's every figure: a count of what happened in the year is the sum of the four quarterly packs'
    counts (SUMS); anything else is a state at the year's end, and is the fourth quarter's pack's. Made over the
    sections' own figures, so a figure a section adds is held too (as a state until it is listed as a sum)."""
    year = last_year()
    make_year(year)
    period = ReportPeriod.for_financial_year(year)
    context = yearly_report.report_context(period)
    sections = context["sections"]
    packs = [board_report.report_context(q) for q in (Quarter(year, n) for n in (1, 2, 3, 4))]
    quarter_sections = [{s.key: s for s in pack["sections"]} for pack in packs]
    assert set(sections) == set(quarter_sections[-1]) == set(composition.BOARD_ORDER)
    checked = 0
    for key, section in sections.items():
        year_figures = dict(figures(section.context))
        quarters = [dict(figures(found[key].context)) for found in quarter_sections]
        sums, derived = SUMS.get(key, set()), DERIVED.get(key, set())
        assert sums <= set(year_figures), f"{key}: no longer a figure: {sorted(sums - set(year_figures))}"
        for path, value in year_figures.items():
            if path in derived or path.endswith("_pct") or path.startswith("over_period"):
                continue
            if path in sums:
                assert value == sum(q[path] for q in quarters), f"{key}.{path}: the year's is not the sum"
            else:
                assert value == quarters[-1][path], f"{key}.{path}: the year's end is not the fourth quarter's"
            checked += 1
        if key not in {*SUMS, "section11", "audits", "priorities"}:  # a state: the words of the last pack
            assert [f.text for f in section.facts] == [f.text for f in quarter_sections[-1][key].facts], key
    assert checked > 60
    # Lists compared per item: each audit is in one quarter's pack with the same grades; the grades given add up.
    audit_rows = {r["audit"].pk: r["rollup"] for r in sections["audits"].context["rows"]}
    quarter_rows = {r["audit"].pk: r["rollup"] for q in quarter_sections for r in q["audits"].context["rows"]}
    assert audit_rows == quarter_rows and len(audit_rows) == 4
    grades = {e["label"]: e["count"] for e in sections["audits"].context["grade_counts"]}
    in_quarters: dict = {}
    for q in quarter_sections:
        for e in q["audits"].context["grade_counts"]:
            in_quarters[e["label"]] = in_quarters.get(e["label"], 0) + e["count"]
    assert grades == in_quarters and sum(grades.values()) == 6
    # Each Section 11 cycle as the last quarter's pack that shows it (a state at the end of the year).
    cycles = {c["cycle"].pk: dict(figures(c)) for c in sections["section11"].context["cycles"]}
    for pk, found in cycles.items():
        last = [dict(figures(c)) for q in quarter_sections for c in q["section11"].context["cycles"]
                if c["cycle"].pk == pk][-1]
        assert found == last
    assert [c["completion"]["submitted"] for c in sections["section11"].context["cycles"]] == [1]
    # Performance: the fourth quarter's scorecard; the year adds its first quarter for the comparison.
    assert (sections["performance"].context["quarter_shown"]
            == quarter_sections[-1]["performance"].context["quarter_shown"])
    assert sections["reviews"].context["totals"]["notifications"] == 8
    assert sections["reviews"].context["totals"]["lcsprs"] == sections["reviews"].context["lcsprs_in_progress"] == 1
    assert sections["learning"].context["delivered"] == 4
    assert sections["actions"].context["signed_off_count"] == 10 and sections["actions"].context["open"] == 4
    # The report says them in the same numbers.
    words = " ".join(getattr(b, "text", "") + " ".join(getattr(b, "items", ()))
                     + " ".join(" ".join(row) for row in getattr(b, "rows", ())) for b in context["blocks"])
    assert "notified the national Panel of 8 incidents" in words
    assert "Training: 4 sessions delivered" in words
    assert "Actions: 10 actions signed off" in words
    for key in ("audits", "section11", "performance", "duties"):
        for fact in sections[key].facts:
            if fact.question in (HOW_MUCH, HOW_WELL):
                assert fact.text in words, fact.text
    assert "1 local child safeguarding practice review commissioned in the year" in words
    assert "1 recommendation made in the year" in words
    # No case reference or pseudonym leaves the reviews app.
    assert "YR-" not in words and "Child 1" not in words


def _report(by, *, texts=True) -> YearlyReport:
    report = yearly_reports.report_start(start=Quarter(last_year(), 1).start, by=by)
    if texts:
        yearly_reports.report_edit(report=report, expected_version=report.version, by=by, **TEXTS)
    return report


def _statutory_lead(sector: str, name: str):
    from partnership.models import Role

    agency = AgencyFactory(name=name, sector=sector, statutory_partner=True)
    return UserFactory(roles=[Role.AGENCY_LEAD], agency=agency, full_name=f"Lead of {name}")


def test_the_partners_approve_and_publishing_keeps_the_pdf_once(client_for, business_unit, agency_lead, chair,
                                                                 django_capture_on_commit_callbacks):
    manager = client_for(business_unit)
    response = manager.post(reverse("yearly-reports"), {"year": f"{last_year()}-{(last_year() + 1) % 100:02d}",
                                                        "make": "report"})
    report = YearlyReport.objects.get()
    assert response.status_code == 302 and response["Location"] == report.get_absolute_url()
    assert (report.start, report.end) == (Quarter(last_year(), 1).start, Quarter(last_year(), 4).end)
    assert manager.post(report.get_absolute_url(), {**TEXTS, "version": report.version}).status_code == 302
    report.refresh_from_db()
    assert report.missing_text == []

    # The police lead approves for the police only, in their own name, today.
    police = client_for(agency_lead)
    assert police.get(report.get_absolute_url()).status_code == 200
    with pytest.raises(ServiceError):
        yearly_reports.report_approve(report=report, partner=SafeguardingPartner.ICB, by=agency_lead)
    assert police.post(reverse("yearly-report-approve", args=[report.pk]),
                       {"partner": SafeguardingPartner.POLICE, "approver_name": "Someone else"}).status_code == 302
    approval = YearlyReportApproval.objects.get(partner=SafeguardingPartner.POLICE)
    assert (approval.approver_name, approval.approved_on, approval.recorded_by) == (
        agency_lead.full_name, timezone.localdate(), agency_lead)
    # The text cannot change once a partner has approved.
    assert manager.post(report.get_absolute_url(), {**TEXTS, "version": report.version}).status_code == 403
    # The business unit records the others' approvals given at a meeting, naming who approved.
    day = Quarter(last_year(), 4).end + datetime.timedelta(days=20)
    for partner in (SafeguardingPartner.LOCAL_AUTHORITY, SafeguardingPartner.ICB):
        response = manager.post(reverse("yearly-report-approve", args=[report.pk]), {
            "partner": partner, "approver_name": "Director", "approver_role": "Statutory lead",
            "approved_on_0": day.day, "approved_on_1": day.month, "approved_on_2": day.year})
        assert response.status_code == 302, response.content.decode()[:2000]
    assert yearly_reports.is_approved(report)
    with django_capture_on_commit_callbacks(execute=True):
        report.refresh_from_db()
        response = manager.post(reverse("yearly-report-step", args=[report.pk, "publish"]),
                                {"version": report.version})
    report.refresh_from_db()
    assert report.status == YearlyReport.Status.PUBLISHED and bytes(report.pdf).startswith(b"%PDF")
    download = manager.get(reverse("yearly-report-download", args=[report.pk]))
    assert download["X-Content-SHA256"] == report.sha256
    # The publication record: checked, then saved.
    record = {"published_on_0": "3", "published_on_1": "4", "published_on_2": str(last_year() + 1),
              "web_address": "http://example.org/report", "version": report.version}
    response = manager.post(reverse("yearly-report-publication", args=[report.pk]), record)
    assert response.status_code == 400 and "starting https://" in response.content.decode()
    record.update(web_address="https://example.org/report", sent_to_panel_on_0="5", sent_to_panel_on_1="4",
                  sent_to_panel_on_2=str(last_year() + 1))
    assert manager.post(reverse("yearly-report-publication", args=[report.pk]), record).status_code == 302
    report.refresh_from_db()
    assert report.web_address == "https://example.org/report" and report.sent_to_dfe_on is None
    assert report.history.count() >= 4
    # A stale publication record: 409, what was typed kept beside what is saved now, the new version carried.
    stale = {**record, "web_address": "https://example.org/mine", "version": report.version - 1}
    response = manager.post(reverse("yearly-report-publication", args=[report.pk]), stale)
    body = response.content.decode()
    assert response.status_code == 409 and "https://example.org/mine" in body and "app-conflict" in body
    assert "https://example.org/report" in body and f'name="version" value="{report.version}"' in body
    assert manager.post(reverse("yearly-report-publication", args=[report.pk]),
                        {**stale, "version": report.version}).status_code == 302


def test_who_may_do_what(client_for, business_unit, qa_member, reader, chair, agency_lead, contributor, outsider):
    report = _report(business_unit)
    for person in (outsider, contributor):  # agencies that are not safeguarding partners' leads
        client = client_for(person)
        assert client.get(reverse("yearly-reports")).status_code == 403
        assert client.get(report.get_absolute_url()).status_code == 403
        assert client.post(reverse("yearly-report-step", args=[report.pk, "word"])).status_code == 403
        assert client.get(reverse("partnership:feedback-list")).status_code == 403
    for person in (qa_member, reader, chair, agency_lead):  # they read
        assert client_for(person).get(report.get_absolute_url()).status_code == 200
        assert client_for(person).post(report.get_absolute_url(), {**TEXTS, "version": report.version}
                                       ).status_code == 403
        assert client_for(person).get(reverse("partnership:feedback-list")).status_code == 403
    for person in (qa_member, reader):  # they do not approve
        assert client_for(person).post(reverse("yearly-report-approve", args=[report.pk]),
                                       {"partner": SafeguardingPartner.POLICE}).status_code == 403
    with pytest.raises(ServiceError):
        yearly_reports.report_publish(report=report, by=chair)
    with pytest.raises(ServiceError):
        yearly_reports.report_start(start=Quarter(last_year(), 1).start, by=chair)
    # The chair records any partner's approval, naming who approved.
    yearly_reports.report_approve(report=report, partner=SafeguardingPartner.ICB, approver_name="Chief Nurse",
                                  by=chair)
    with pytest.raises(ServiceError, match="already approved"):
        yearly_reports.report_approve(report=report, partner=SafeguardingPartner.ICB, approver_name="Again",
                                      by=business_unit)
    with pytest.raises(ServiceError, match="three safeguarding partners"):
        yearly_reports.report_publish(report=report, by=business_unit)
    assert yearly_reports.report_reopen(report=report, by=business_unit) == 1
    assert YearlyReportApproval.history.filter(history_type="-").count() == 1


def test_a_year_that_has_not_begun_or_a_nonsense_year_is_refused(client_for, business_unit):
    future = Quarter.containing(timezone.localdate()).financial_year + 1
    with pytest.raises(ServiceError, match="not started"):
        yearly_reports.report_start(start=Quarter(future, 1).start, by=business_unit)
    for text in ("2025", "2025-27", "twenty"):
        with pytest.raises(ServiceError):
            yearly_reports.parse_year(text)
    assert yearly_reports.parse_year("2025-26") == yearly_reports.parse_year("2025/2026") == 2025
    response = client_for(business_unit).post(reverse("yearly-reports"), {"year": f"{future}-{(future + 1) % 100}",
                                                                         "make": "report"})
    assert response.status_code == 400 and not YearlyReport.objects.exists()


def test_approval_needs_the_written_sections(business_unit):
    report = _report(business_unit, texts=False)
    with pytest.raises(ServiceError, match="independent scrutineer"):
        yearly_reports.report_approve(report=report, partner=SafeguardingPartner.POLICE, approver_name="X",
                                      by=business_unit)


def test_feedback_is_kept_by_the_business_unit_and_checked_for_personal_data(client_for, business_unit):
    client = client_for(business_unit)
    day = datetime.date(last_year(), 6, 3)
    form = {"source": "children", "heard_on_0": day.day, "heard_on_1": day.month, "heard_on_2": day.year,
            "how_sought": "Youth council", "heard": "Amelia Jones, born 01/09/2013, said nobody listened.",
            "changed": ""}
    response = client.post(reverse("partnership:feedback-create"), form)
    assert response.status_code == 400 and not Feedback.objects.exists()
    form["heard"] = "Young people said nobody explained what happens next."
    assert client.post(reverse("partnership:feedback-create"), form).status_code == 302
    feedback = Feedback.objects.get()
    form.update(changed="A leaflet written with the youth council.", version=feedback.version)
    assert client.post(feedback.get_absolute_url(), form).status_code == 302
    form["version"] = feedback.version  # stale now
    response = client.post(feedback.get_absolute_url(), {**form, "changed": "Mine"})
    assert response.status_code == 409 and "Mine" in response.content.decode()
    feedback.refresh_from_db()
    assert feedback.changed.startswith("A leaflet") and feedback.history.count() == 2
    period = ReportPeriod.for_financial_year(last_year())
    assert [f.pk for f in yearly_report.feedback_in(period)] == [feedback.pk]
    words = [b for b in yearly_report.report_context(period)["blocks"] if getattr(b, "caption", "") ==
             "You said, we did"]
    assert words and "A leaflet" in words[0].rows[0][3]


def test_a_priority_with_nothing_behind_it_is_named_as_having_no_evidence(business_unit):
    period = ReportPeriod.for_financial_year(last_year())
    quiet = Priority.objects.create(code="quiet", title="Neglect", start_date=period.start)
    late = Priority.objects.create(code="late", title="Exploitation", start_date=period.start)
    make_action(AgencyFactory(), title="Overdue", due=period.start + datetime.timedelta(days=5), priority=late,
                created=moment(period.start))
    findings = {f.priority.pk: f for f in yearly_report.report_context(period)["findings"]}
    # The same judgement as each priority's own page (merton_qa.priorities.progress): one rule for both.
    assert "Little or no evidence of progress on Neglect" in findings[quiet.pk].little_or_no_evidence
    assert "Little or no evidence of progress on Exploitation" in findings[late.pk].little_or_no_evidence
    pages = {p.priority.pk: p for p in priorities.progress([quiet, late], period)}
    assert findings[late.pk].judgement == pages[late.pk].status and findings[quiet.pk].judgement == pages[
        quiet.pk].status


def test_the_report_says_what_the_priority_pages_say(business_unit):
    period = ReportPeriod.for_financial_year(last_year())
    priority = Priority.objects.create(code="p", title="Neglect", start_date=period.start)
    evidence = PriorityEvidence("Audits", progress=NOT_ASSURED)
    result = priorities.Progress(priority, (evidence,), NOT_ASSURED, True, "Neglect: audits show no change.")
    [finding] = yearly_report.findings_from_progress([result])
    assert (finding.priority, finding.evidence, finding.judgement, finding.little_or_no_evidence) == (
        priority, [evidence], NOT_ASSURED, "Neglect: audits show no change.")
    shown = priorities.Progress(priority, (evidence,), ASSURED, False, "Neglect: 1 source of 1 shows progress")
    assert yearly_report.findings_from_progress([shown])[0].little_or_no_evidence == ""


def _published(day: datetime.date, **dates) -> YearlyReport:
    return YearlyReport.objects.create(start=datetime.date(2024, 4, 1), end=datetime.date(2025, 3, 31),
                                       label="2024-25", status=YearlyReport.Status.PUBLISHED, published_on=day,
                                       web_address="https://example.org/r", **dates)


def _duty(**parameters) -> Duty:
    return Duty(code="d", title="D", check_name="yearly_report_published", parameters=parameters)


def test_the_two_statutory_duty_checks(db):
    published, sent = CHECKS["yearly_report_published"], CHECKS["yearly_report_sent"]
    today = datetime.date(2026, 6, 1)
    assert published(_duty(), today).status == DUE and sent(_duty(), today).status == DUE
    report = _published(datetime.date(2025, 9, 1))
    assert published(_duty(), today).status == MET
    assert published(_duty(months=8), today).status == BREACHED
    assert published(_duty(), datetime.date(2026, 8, 1)).status == DUE  # due within two months
    assert published(_duty(), datetime.date(2026, 9, 2)).status == BREACHED
    assert published(_duty(), today).due_on == datetime.date(2026, 9, 1)
    assert sent(_duty(), datetime.date(2025, 9, 5)).status == DUE
    assert sent(_duty(), datetime.date(2025, 9, 9)).status == BREACHED
    report.sent_to_panel_on = report.sent_to_dfe_on = datetime.date(2025, 9, 8)
    report.save()
    assert sent(_duty(), today).status == MET
    assert sent(_duty(days=5), today).status == BREACHED


def test_the_duty_periods_are_read_from_the_keys_duties_yaml_writes(db):
    """Loaded from the real duties.yaml: the register's parameters are the ones the checks read, so changing one
    in the admin changes the status."""
    from django.core.management import call_command

    call_command("load_reference_data", stdout=open("/dev/null", "w"))
    every, within = Duty.objects.get(code="yearly-report-published"), Duty.objects.get(code="yearly-report-sent")
    assert (every.parameters, within.parameters) == ({"months": 12}, {"days": 7})
    report = _published(datetime.date(2025, 9, 1), sent_to_panel_on=datetime.date(2025, 9, 7),
                        sent_to_dfe_on=datetime.date(2025, 9, 7))
    today = datetime.date(2026, 6, 1)
    assert CHECKS[every.check_name](every, today).status == MET
    assert CHECKS[within.check_name](within, today).status == MET
    every.parameters, within.parameters = {"months": 6}, {"days": 3}
    assert CHECKS[every.check_name](every, today).status == BREACHED
    assert CHECKS[every.check_name](every, today).due_on == datetime.date(2026, 3, 1)
    assert CHECKS[within.check_name](within, today).status == BREACHED
    assert "within 3 days" in CHECKS[within.check_name](within, today).text
    assert report.sent_to_panel_on == datetime.date(2025, 9, 7)


def test_the_pages_queries_do_not_grow_with_rows(client_for, business_unit):
    client = client_for(business_unit)
    report = _report(business_unit)

    def counts():
        counted = {}
        for name, url in (("list", reverse("yearly-reports")), ("detail", report.get_absolute_url()),
                          ("feedback", reverse("partnership:feedback-list"))):
            from django.db import connection
            from django.test.utils import CaptureQueriesContext

            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            counted[name] = len(queries)
        return counted

    priority = Priority.objects.create(code="p", title="Neglect", start_date=datetime.date(2020, 1, 1))

    def add(numbers):
        for n in numbers:
            other = YearlyReport.objects.create(start=datetime.date(2010 + n, 4, 1),
                                                end=datetime.date(2011 + n, 3, 31), label=f"{2010 + n}",
                                                status=YearlyReport.Status.PUBLISHED if n % 2 else "draft")
            Feedback.objects.create(source="children", heard_on=datetime.date(2025, 5, n + 1), heard="Heard",
                                    priority=priority, recorded_by=business_unit)
            YearlyReportApproval.objects.create(report=other, partner=SafeguardingPartner.values[n % 3],
                                                approver_name="A", approved_on=datetime.date(2025, 5, 1),
                                                recorded_by=business_unit)

    add(range(2))
    before = counts()
    add(range(2, 10))
    assert counts() == before


def test_any_twelve_months_may_be_reported(client_for, business_unit):
    first = datetime.date(last_year(), 9, 1)
    response = client_for(business_unit).post(reverse("yearly-reports"), {
        "year": f"{last_year()}-{(last_year() + 1) % 100:02d}", "make": "report",
        "start_0": "1", "start_1": "9", "start_2": str(last_year())})
    report = YearlyReport.objects.get()
    assert response.status_code == 302
    assert (report.start, report.end, report.label) == (
        first, datetime.date(last_year() + 1, 8, 31), f"September {last_year()} to August {last_year() + 1}")
    period = yearly_report.period_of(report)
    assert (period.start, period.end) == (report.start, report.end)
