"""The demo's yearly reports (called from `merton_qa.demo` after the board packs): the last complete financial year's
report written, approved by the three safeguarding partners, published as a PDF with its publication record, and
the year under way's report started as a draft; with a year and a half of "you said, we did" feedback. Invented,
dated, no child named. Idempotent."""
import datetime

from django.utils import timezone

from partnership import history
from partnership.dates import Quarter
from partnership.history import dated
from partnership.models import Action, Feedback, Priority, SafeguardingPartner, YearlyReport
from partnership.services import yearly_reports

from . import yearly_report

TEXTS = {
    "scrutineer_assessment": (
        "The arrangements are working: the three partners meet as equals, the business unit's data is used at "
        "every QA subgroup, and statutory clocks for notifications and rapid reviews were met.\n\n"
        "The partnership knows less than it should about what changed for children. Training shows confidence "
        "rising, but follow-up of practice change reaches too few practitioners, and audit re-grading after actions "
        "is not yet routine. Agencies that were late with their Section 11 self-assessment were late again."),
    "national_response": (
        "The partnership considered the Panel's national review of safeguarding children with disabilities in "
        "residential settings: the local authority and the ICB checked placements commissioned out of borough, and "
        "the QA subgroup added a question on visits to its audit tool.\n\n"
        "The Panel's annual report themes (neglect, the voice of the child) were taken into the audit programme."),
    "priorities_ahead": (
        "Neglect: agree one multi-agency tool and audit its use twice in the year\n"
        "Exploitation and missing children: return home interviews offered within 72 hours for 80% of episodes\n"
        "Hearing the child: every audit and review to report how the child's voice changed the plan"),
}
DRAFT_TEXTS = {"scrutineer_assessment": "", "national_response": "",
               "priorities_ahead": "Carried forward from last year: neglect, exploitation, hearing the child"}
APPROVALS = (
    (SafeguardingPartner.LOCAL_AUTHORITY, "Director of Children's Services (invented)", "Local authority", 40),
    (SafeguardingPartner.ICB, "Chief Nurse, South West London ICB (invented)", "Integrated care board", 44),
    (SafeguardingPartner.POLICE, "Borough Commander, South West BCU (invented)", "Police", 47),
)
FEEDBACK = (  # (days after the year's start, source, how sought, heard, changed)
    (35, Feedback.Source.CHILDREN, "Youth council session",
     "Young people said they did not know who their social worker was after a change of worker.",
     "Children's services now send a short introduction letter and photo when a worker changes."),
    (80, Feedback.Source.PRACTITIONERS, "Practitioner survey",
     "Practitioners said strategy discussions were called at short notice and health could not attend.",
     "Strategy discussions now offer a video link by default; health attendance is on the scorecard."),
    (130, Feedback.Source.FAMILIES, "Parents' forum",
     "Parents said child protection conference reports arrived the night before the meeting.",
     "Reports are now shared with parents three working days before conference."),
    (190, Feedback.Source.CHILDREN, "Return home interviews, themes",
     "Young people who went missing said they wanted to talk to someone they already knew.",
     "Return home interviews are offered by the young person's own key worker where they wish."),
    (240, Feedback.Source.PRACTITIONERS, "Learning event after a rapid review",
     "School staff said they did not hear back after making a referral.",
     ""),
    (300, Feedback.Source.OTHER, "Independent scrutineer's visits",
     "Frontline staff in two agencies had not seen the partnership's priorities.",
     "The priorities are now in every training session's introduction and in the monthly newsletter."),
)


FEEDBACK_NOW = (
    (20, Feedback.Source.FAMILIES, "Early help family survey",
     "Families said they had to tell their story again to each new service.",
     "A shared family plan now travels with the family between early help services."),
    (95, Feedback.Source.CHILDREN, "School council workshops",
     "Pupils said they would tell a trusted adult about online harm but did not know who that was.",
     "Each school now names its trusted adults in assemblies and on posters."),
    (150, Feedback.Source.PRACTITIONERS, "Multi-agency audit feedback sessions",
     "Practitioners said audit findings reached managers but not the teams whose cases were audited.",
     ""),
)


def _moment(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))


def _feedback(start: datetime.date, today: datetime.date, *, manager, entries=FEEDBACK) -> int:
    priorities = list(Priority.objects.order_by("order", "title")[:3])
    actions = list(Action.objects.order_by("pk")[:3])
    made = 0
    for n, (days, source, how, heard, changed) in enumerate(entries):
        day = start + datetime.timedelta(days=days)
        if day > today or Feedback.objects.filter(heard_on=day, heard=heard).exists():
            continue
        with dated(_moment(day)):
            yearly_reports.feedback_add(
                by=manager, source=source, heard_on=day, how_sought=how, heard=heard, changed=changed,
                priority=priorities[n % len(priorities)] if priorities and n % 2 == 0 else None,
                action=actions[n % len(actions)] if actions and n % 2 == 1 else None)
        made += 1
    return made


def _publish(year: int, *, manager, today: datetime.date) -> YearlyReport | None:
    start = Quarter(year, 1).start
    if YearlyReport.objects.filter(start=start).exists():
        return None
    end = Quarter(year, 4).end
    with dated(_moment(end + datetime.timedelta(days=10))):
        report = yearly_reports.report_start(start=start, by=manager)
        yearly_reports.report_edit(report=report, expected_version=report.version, by=manager, **TEXTS)
    for partner, name, role, days in APPROVALS:
        on = min(end + datetime.timedelta(days=days), today)
        with dated(_moment(on)):
            yearly_reports.report_approve(report=report, partner=partner, approver_name=name, approver_role=role,
                                          approved_on=on, by=manager)
    published_on = min(end + datetime.timedelta(days=60), today)
    with dated(_moment(published_on)):
        yearly_reports.report_begin_publishing(report=report, by=manager)
        # The worker makes the PDF when a person publishes; the demo makes it here, once, as the worker would.
        period = yearly_report.period_of(report)
        pdf = yearly_report.render_pdf_for(period, report=report)
        report = yearly_reports.report_store_published(report=report, pdf=pdf, as_at=period.as_at)
        yearly_reports.report_record_publication(
            report=report, published_on=published_on, web_address="https://www.example.org/mscp/yearly-report",
            sent_to_panel_on=min(published_on + datetime.timedelta(days=2), today),
            sent_to_dfe_on=min(published_on + datetime.timedelta(days=3), today),
            expected_version=report.version, by=manager)
    return report


# A priority the partners added for the last complete year with almost nothing behind it: one action agreed, left
# overdue, and nothing from the apps tagged to it. The report's "little or no evidence of progress" names it, as a
# real partnership's would (the scrutineer's assessment and the priorities ahead speak of hearing the child).
THIN = {"code": "voice-of-the-child", "title": "Hearing the voice of the child", "order": 4,
        "description": "Every agency records what the child said and how it changed the plan, and the partnership "
                       "can show it in audits and reviews."}
THIN_ACTION = ("Add a 'what the child said' question to every multi-agency audit and review summary",
               "Agreed at the partnership executive when the priority was added: the QA subgroup to draft the "
               "question and the business unit to add it to the audit tool and the rapid review template.")


def _thin_priority(year: int, *, manager, agencies: dict) -> Priority | None:
    start = Quarter(year, 1).start
    if Priority.objects.filter(code=THIN["code"]).exists():
        return None
    with dated(_moment(start)):
        priority = Priority.objects.create(start_date=start, **THIN)
    owner = agencies.get("Merton Children's Services") or next(iter(agencies.values()))
    title, description = THIN_ACTION
    action = Action(title=title, description=description, owner_agency=owner, priority=priority,
                    due_date=start + datetime.timedelta(days=150), created_by=manager, source_kind="priority",
                    status=Action.Status.AGREED)
    action._history_user = manager
    history.create_dated(action, _moment(start + datetime.timedelta(days=40)))
    priority.actions.add(action)
    return priority


def seed(*, stdout, people: dict, agencies: dict) -> None:
    manager = people["manager@example.org"]
    today = timezone.localdate()
    current = Quarter.containing(today).financial_year
    _thin_priority(current - 1, manager=manager, agencies=agencies)
    made = _feedback(Quarter(current - 1, 1).start, today, manager=manager)
    made += _feedback(Quarter(current, 1).start, today, manager=manager, entries=FEEDBACK_NOW)
    published = _publish(current - 1, manager=manager, today=today)
    start = Quarter(current, 1).start
    if not YearlyReport.objects.filter(start=start).exists():
        with dated(_moment(today - datetime.timedelta(days=3))):
            draft = yearly_reports.report_start(start=start, by=manager)
            yearly_reports.report_edit(report=draft, expected_version=draft.version, by=manager, **DRAFT_TEXTS)
    stdout.write(f"Yearly reports: {'the last complete year published, ' if published else ''}the year under way "
                 f"drafted; {made} feedback records.")
