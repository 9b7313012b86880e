"""Invented multi-agency audit demo data: a 2025-26 programme with audits in four states (closed with a report
and following up a 2024-25 audit, at the meeting, agency audits outstanding, planned) and an acknowledged
immediate concern. Case references are invented. Called by `manage.py seed_demo`; idempotent."""
import datetime
import random

from django.core.management import call_command
from django.utils import timezone

from partnership import history
from partnership.demo_dates import at, by_now, live_through
from partnership.models import Priority
from partnership.services.actions import action_create

from .models import (
    AgencyAudit,
    AgencyAuditAnswer,
    Audit,
    AuditCase,
    AuditTool,
    ConsensusGrade,
    Finding,
    ImmediateConcern,
    Meeting,
    PractitionerFeedback,
    Programme,
    Recommendation,
)

S = Audit.Status
AGE_BANDS = ["under_1", "1_5", "6_10", "11_15", "16_17", "unborn"]  # partnership.child_details.AgeBand
ADOLESCENTS = ["11_15", "16_17"]  # exploitation and the move to adult services concern older children
UNDER_TENS = ["under_1", "1_5", "6_10"]  # the neglect audits sampled children aged 0 to 10
# The audit's path; an audit is saved at each step up to its status, dated when it got there.
PATH = [S.PLANNED, S.SCOPING, S.IN_PROGRESS, S.MEETING, S.DRAFTING, S.AGREED, S.MONITORED, S.CLOSED]
GOOD_PRACTICE = ["Home visits were frequent and the child was seen alone.",
                 "The health visitor shared concerns promptly with children's social care.",
                 "The plan was clear and reviewed on time."]
DEVELOPMENT = ["Fathers and other men in the household were not assessed.",
               "Chronologies were not shared between agencies.",
               "Drift between review meetings: actions were carried over without challenge."]


def _step_days(audit: Audit) -> dict[str, datetime.date]:
    """When the audit reached each step of its path (a step without its own date follows the one before)."""
    start = audit.planned_month or timezone.localdate()
    meeting = audit.meeting_date or audit.agency_audits_due or start + datetime.timedelta(days=40)
    agreed = audit.report_agreed_on or meeting + datetime.timedelta(days=30)
    return {S.PLANNED: start - datetime.timedelta(days=75), S.SCOPING: start - datetime.timedelta(days=30),
             S.IN_PROGRESS: start, S.MEETING: meeting, S.DRAFTING: meeting + datetime.timedelta(days=1),
             S.AGREED: agreed, S.MONITORED: agreed + datetime.timedelta(days=14),
             S.CLOSED: audit.closed_on or agreed + datetime.timedelta(days=120)}


def _audit(programme, tool, theme, status, agencies, *, cases, grades_for, rng, age_bands=AGE_BANDS,
           **extra) -> Audit:
    audit = Audit(programme=programme, tool=tool, theme=theme, status=S.PLANNED, **extra)
    days = _step_days(audit)
    history.create_dated(audit, by_now(at(days[S.PLANNED])))
    audit.agencies.set(agencies)
    domains = list(tool.domains.all())
    grades = {g.code: g for g in tool.grades.all()}
    year = programme.year[:4]
    started = at(days[S.IN_PROGRESS], 9)
    audits_due = at(audit.agency_audits_due or days[S.MEETING], 17)
    for n in range(1, cases + 1):
        case = AuditCase.objects.create(audit=audit, case_reference=f"MA-{year}-{audit.pk:02d}{n:02d}",
                                        age_band=age_bands[(n + audit.pk) % len(age_bands)])
        # Chosen at scoping (a report reads the cases an audit had by its moment: made "now", none were counted).
        AuditCase.objects.filter(pk=case.pk).update(created_at=by_now(at(days[S.SCOPING])))
        involved = [a for i, a in enumerate(agencies) if (i + n) % 4 != 3]
        case.agencies.set(involved)
        if status in (S.PLANNED, S.SCOPING):
            continue
        overall = grades_for(n)
        for i, agency in enumerate(involved):
            submitted = status != S.IN_PROGRESS or (n + i) % 3 != 0
            aa = AgencyAudit(case=case, agency=agency)
            history.create_dated(aa, by_now(started))
            if submitted:
                when = by_now(audits_due - datetime.timedelta(days=rng.randint(0, 12), hours=rng.randint(0, 6)))
                live_through(aa, [(when, {"status": "submitted", "submitted_at": when})])
            AgencyAuditAnswer.objects.bulk_create([AgencyAuditAnswer(
                agency_audit=aa, domain=d, grade=grades[rng.choice([overall, overall, "good", "requires-improvement"])]
                if submitted else None,
                good_practice=rng.choice(GOOD_PRACTICE) if submitted else "",
                areas_for_development=rng.choice(DEVELOPMENT) if submitted else "") for d in domains])
        if status not in (S.IN_PROGRESS,) and not (status == S.MEETING and n > cases // 2):
            history.bulk_create([ConsensusGrade(  # agreed at the audit meeting
                case=case, domain=d, grade=grades[overall if d.is_overall or rng.random() < 0.6
                                                  else rng.choice(["good", "requires-improvement"])])
                for d in domains], date=by_now(at(days[S.MEETING], 12)))
    live_through(audit, [(at(days[step], 16), {"status": step}) for step in PATH[1:PATH.index(status) + 1]])
    return audit


def seed(*, stdout, people: dict, agencies: dict) -> None:
    call_command("load_audit_tools", stdout=stdout)
    if Programme.objects.filter(year="2025-26").exists():
        stdout.write("Audit demo data already present.")
        return
    tool = AuditTool.objects.get(slug="general", version="2025")
    manager, chair = people["manager@example.org"], people["chair@example.org"]
    police_lead, police_contributor = people["lead@police.example.org"], people["contributor@police.example.org"]
    rng = random.Random(2025)
    today = timezone.localdate()
    core = [agencies[k] for k in ("Merton Children's Services", "Met Police SW BCU", "SWL ICB", "CLCH",
                                  "Merton Education", "Safe Homes")]
    earlier_programme = Programme.objects.create(year="2024-25")
    programme = Programme.objects.create(year="2025-26", notes="Agreed by the QA subgroup in March 2025. Themes "
                                         "follow the partnership's priorities and the 2024 rapid reviews.")
    priorities = {p.code: p for p in Priority.objects.all()}  # the themes follow the partnership's priorities
    think_family, contextual = priorities.get("think-family"), priorities.get("contextual-safeguarding")
    earlier = _audit(earlier_programme, tool, "Neglect", S.CLOSED, core[:4], cases=6, rng=rng, age_bands=UNDER_TENS,
                     priority=think_family,
                     grades_for=lambda n: "requires-improvement" if n % 2 else "good",
                     question="How well do agencies recognise and respond to neglect?",
                     planned_month=datetime.date(2024, 6, 1), meeting_date=datetime.date(2024, 7, 18),
                     report_agreed_on=datetime.date(2024, 9, 5), closed_on=datetime.date(2025, 3, 31),
                     summary="Neglect was recognised late in half the cases.")
    Finding.objects.create(audit=earlier, kind="development", theme="Recognition",
                           text="Cumulative neglect was not recognised until a crisis.")
    closed = _audit(programme, tool, "Neglect: follow-up", S.CLOSED, core[:4], cases=6, rng=rng, age_bands=UNDER_TENS,
                    grades_for=lambda n: "requires-improvement" if n == 3 else ("outstanding" if n == 1 else "good"),
                    follow_up_of=earlier, priority=think_family,
                    question="Did the neglect toolkit change how early neglect is recognised?",
                    terms_of_reference="Six children on child in need or child protection plans for neglect, "
                    "opened in the last year. Every involved agency audits its own records.",
                    sample_criteria="Plans for neglect opened April to September 2025; ages 0 to 10.",
                    planned_month=datetime.date(2025, 6, 1), agency_audits_due=datetime.date(2025, 7, 4),
                    meeting_date=datetime.date(2025, 7, 17), report_agreed_on=datetime.date(2025, 9, 4),
                    summary="Five of the six children were helped well. Neglect is now recognised earlier, and "
                    "the toolkit is used by health visitors and schools. Fathers are still too often invisible.")
    Meeting.objects.create(audit=closed, held_on=closed.meeting_date, notes="All four agencies attended.")
    for kind, theme, text in [
        ("strength", "Recognition of neglect", "The neglect toolkit was used in five of six cases."),
        ("strength", "Voice of the child", "Children's daily lives were described in their own words."),
        ("development", "Fathers", "Fathers and other men in the household were rarely assessed."),
    ]:
        Finding.objects.create(audit=closed, kind=kind, theme=theme, text=text)
    Recommendation.objects.create(audit=closed, text="Every assessment names and assesses the adults who care "
                                  "for the child, including fathers.")
    for case in closed.cases.all()[:4]:
        PractitionerFeedback.objects.create(case=case, given_on=datetime.date(2025, 7, 25), given_by=manager)
    action = action_create(by=manager, title="Include fathers in neglect assessments",
                           description="Update the assessment template; audit ten assessments in six months.",
                           owner_agency=core[0], due_date=today + datetime.timedelta(days=60), source=closed,
                           status="agreed")
    action.status, action.completion_evidence, action.impact_evidence = "closed", "Template updated.", "8 of 10."
    action.save()

    meeting = _audit(programme, tool, "Domestic abuse and the voice of the child", S.MEETING, core, cases=6, rng=rng,
                     priority=think_family,
                     grades_for=lambda n: "good" if n % 3 else "requires-improvement",
                     question="Do we hear and act on what children living with domestic abuse tell us?",
                     planned_month=datetime.date(2025, 10, 1), agency_audits_due=today - datetime.timedelta(days=20),
                     meeting_date=today - datetime.timedelta(days=2))
    Meeting.objects.create(audit=meeting, held_on=meeting.meeting_date, notes="Cases 1 to 3 discussed; "
                           "cases 4 to 6 at the reconvened meeting.")

    progress = _audit(programme, tool, "Child exploitation", S.IN_PROGRESS, core[:5], cases=5, rng=rng,
                      priority=contextual,
                      age_bands=ADOLESCENTS,
                      grades_for=lambda n: "good",
                      question="How well do agencies identify and disrupt the exploitation of adolescents?",
                      planned_month=datetime.date(2026, 1, 1), agency_audits_due=today + datetime.timedelta(days=9),
                      meeting_date=today + datetime.timedelta(days=24))
    case = progress.cases.filter(agencies=core[1]).first()
    raised = timezone.now() - datetime.timedelta(days=6)
    concern = ImmediateConcern(
        case=case, agency=core[1], raised_by=police_contributor, raised_at=raised,
        description="Recent missing episodes were not linked to intelligence about an older associate.")
    history.create_dated(concern, raised)
    acknowledged = raised + datetime.timedelta(hours=3)
    live_through(concern, [(acknowledged, {
        "acknowledged_by": police_lead, "acknowledged_at": acknowledged,
        "action_taken": "Strategy discussion held the same day; a disruption plan is in place."})])

    _audit(programme, tool, "Transition to adulthood", S.PLANNED, [], cases=0, rng=rng, grades_for=lambda n: "good",
           age_bands=ADOLESCENTS,
           question="Are young people with care and support needs helped through the move to adult services?",
           planned_month=datetime.date(2026, 3, 1), prompted_by="Practitioner feedback and a 2025 rapid review.")
    stdout.write(f"Audit demo data: {Audit.objects.count()} audits; chair {chair.email} can read the reports.")
