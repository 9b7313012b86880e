"""Invented learning and development demo data: a year of courses and sessions (past and future), about
400 bookings across agencies with realistic no-shows and cancellations, evaluations showing uplift,
follow-ups, and three 7-minute briefings with their use logged. Delegates' names are made up. Idempotent.

Rows are written directly (not through the services) so seeding sends no email.
"""
import datetime
import random
from decimal import Decimal

from django.utils import timezone

from partnership import history
from partnership.demo_dates import by_now, live_through
from partnership.models import Agency, InspectionCriterion, JourneyStage, Priority

from .levels import ensure_levels
from .models import (
    Booking,
    BookingReminder,
    Briefing,
    BriefingUse,
    ConfidenceRating,
    Course,
    FollowUp,
    LearningOutcome,
    Level,
    PostCourseEvaluation,
    Session,
    SessionTrainer,
)
from .services.bookings import issue_token

FIRST = ["Ash", "Bryn", "Cam", "Dale", "Eden", "Fen", "Gray", "Hollis", "Ira", "Jem", "Kit", "Lane", "Mika", "Nico",
         "Ollie", "Pip", "Quin", "Rory", "Sol", "Teddy", "Uma", "Vic", "Wren", "Yaz", "Zuri", "Arlo", "Bea", "Cleo"]
LAST = ["Applewood", "Brightwater", "Copperfield", "Dunmore", "Elmsworth", "Fernhill", "Greystone", "Hollowell",
        "Ivybridge", "Juniper", "Kestrelby", "Larkspur", "Meadowsweet", "Nettlefold", "Oakhurst", "Pebblestone",
        "Quillfeather", "Rosemoor", "Silverbirch", "Thistledown"]
COMMENTS = ["", "", "Really practical.", "More case studies please.", "Good to meet colleagues from other agencies."]
ROLES = ["Social worker", "Health visitor", "Designated safeguarding lead", "Police constable", "School nurse",
         "Family support worker", "Youth worker", "Early years practitioner", "Probation officer", "Teacher",
         "Midwife", "Housing officer", "Team manager", "Paediatric nurse"]

COURSES = [
    # title, level, mode, duration, stages, criteria codes, outcomes, summary
    ("Safeguarding children: multi-agency foundations", 2, "in_person", "full_day",
     ["early-help", "front-door"], ["ilacs:HP", "jtai:FD"],
     ["Recognise the signs of abuse and neglect", "Know how to make a good referral to the front door",
      "Share information lawfully and with confidence"],
     "The essentials of working together to keep children safe in Merton."),
    ("Neglect: using the graded care profile", 3, "in_person", "full_day",
     ["child-in-need", "child-protection"], ["jtai:DD-NEG"],
     ["Use the graded care profile with families", "Recognise cumulative harm", "Plan help that changes things"],
     "Assessing and responding to neglect with the partnership's neglect toolkit."),
    ("Domestic abuse and its impact on children", 3, "online_live", "half_day",
     ["front-door", "s47-strategy"], ["jtai:DD-DA"],
     ["Understand the impact of domestic abuse on children", "Use the DASH risk checklist",
      "Know the referral routes to MARAC"],
     "How domestic abuse harms children, and what each agency does about it."),
    ("Child exploitation and contextual safeguarding", 3, "in_person", "full_day",
     ["extra-familial-harm"], ["jtai:DD-EXP"],
     ["Spot signs of criminal and sexual exploitation", "Use the exploitation screening tool",
      "Work with places and peer groups, not only families"],
     "Harm outside the home: exploitation, serious youth violence and missing children."),
    ("Child protection conferences and core groups", 3, "online_live", "half_day",
     ["child-protection"], ["ilacs:HP"],
     ["Prepare a good report for conference", "Contribute to a SMART child protection plan",
      "Escalate when a plan is not working"],
     "Your part in child protection conferences and core groups."),
    ("Professional curiosity and challenge", 2, "online_live", "half_day",
     ["assessment", "child-in-need"], ["ilacs:LEAD"],
     ["Ask the questions behind the first answer", "Use the escalation policy", "Record what you saw and heard"],
     "Learning from local reviews: looking beyond what families and professionals first say."),
    ("Safeguarding for designated leads (level 4)", 4, "in_person", "full_day",
     ["early-help", "front-door", "child-protection"], ["ilacs:OE"],
     ["Lead safeguarding in your organisation", "Supervise staff on safeguarding cases",
      "Audit your agency's practice"],
     "For designated and named professionals and safeguarding leads."),
    ("Introduction to safeguarding (e-learning)", 1, "e_learning", "other",
     [], [],
     ["Know what to do if you are worried about a child", "Know who your safeguarding lead is"],
     "Basic awareness for all staff and volunteers."),
]

# The partnership priorities each course serves (partnership/reference/priorities.yaml codes).
COURSE_PRIORITIES = {
    "Safeguarding children: multi-agency foundations": ["early-help"],
    "Neglect: using the graded care profile": ["think-family"],
    "Domestic abuse and its impact on children": ["think-family"],
    "Child exploitation and contextual safeguarding": ["contextual-safeguarding"],
    "Professional curiosity and challenge": ["think-family"],
    "Safeguarding for designated leads (level 4)": ["early-help"],
}

BRIEFINGS = [
    ("Professional curiosity: learning from Child R", "local_review",
     "Local child safeguarding practice review: Child R", "LCSPR-2025-02", ["assessment", "child-in-need"]),
    ("Neglect: what our multi-agency audit found", "local_audit", "Multi-agency case audit: neglect (spring 2026)",
     "MACA-2026-01", ["child-in-need", "child-protection"]),
    ("Child Q: adultification and strip searches", "national_review", "Child Q local review (City and Hackney)",
     "", ["extra-familial-harm"]),
]


def _at(day, hour, minute=30):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _cancel(booking, when, attendance) -> None:
    """The delegate cancels their place at `when`."""
    live_through(booking, [(when, {"status": Booking.Status.CANCELLED_BY_BOOKER, "attendance": attendance,
                                   "cancelled_at": when})])


def seed(*, stdout, people: dict, agencies: dict) -> None:
    if Course.objects.filter(title=COURSES[0][0]).exists():
        stdout.write("Learning demo data already present.")
        return
    rng = random.Random(7)
    today = timezone.localdate()
    ensure_levels()  # a database emptied after its migrations has none (learning/levels.py)
    levels = {level.number: level for level in Level.objects.all()}
    stages = {s.code: s for s in JourneyStage.objects.all()}
    criteria = {f"{c.framework.code}:{c.code}": c for c in InspectionCriterion.objects.select_related("framework")}
    agency_list = [a for a in Agency.objects.filter(active=True) if a.short_name != "MSCP"]
    courses = []
    for title, level, mode, duration, stage_codes, crit_codes, outcomes, summary in COURSES:
        course = Course(
            title=title, summary=summary, level=levels[level], mode=mode, duration=duration,
            duration_hours=Decimal("1.5") if duration == "other" else None,
            audience="Practitioners and managers in every partner agency who work with children or parents.",
            requires_manager_approval=level == 4,
            responds_to="Local review of Child R (2025); neglect audit (2026)" if level == 3 else "")
        history.create_dated(course, _at(today - datetime.timedelta(days=400), 11))  # before its first session
        course.journey_stages.set([stages[c] for c in stage_codes if c in stages])
        course.inspection_criteria.set([criteria[c] for c in crit_codes if c in criteria])
        course.priorities.set(Priority.objects.filter(code__in=COURSE_PRIORITIES.get(title, [])))
        for order, text in enumerate(outcomes):
            LearningOutcome.objects.create(course=course, text=text, order=order)
        courses.append(course)
    courses[2].prerequisites.add(courses[0])
    courses[6].prerequisites.add(courses[0])

    trainers = [(n, agencies.get(a)) for n, a in [("Rowan Applewood", "Met Police SW BCU"),
                                                   ("Sage Brightwater", "SWL ICB"),
                                                   ("Tallis Copperfield", "Merton Children's Services"),
                                                   ("Indigo Fernhill", "Safe Homes"),
                                                   ("Marlow Greystone", "Merton Education")]]
    coordinator = people.get("training@example.org")
    sessions = []
    offsets = list(range(-330, 100, 15))
    for index, offset in enumerate(offsets):
        course = courses[index % 7]  # the e-learning course has no sessions
        day = today + datetime.timedelta(days=offset)
        while day.weekday() >= 5:
            day += datetime.timedelta(days=1)
        half = course.duration == "half_day"
        session = Session(
            course=course, starts_at=_at(day, 13 if half else 9), ends_at=_at(day, 16),
            venue="" if course.mode == "online_live" else "Merton Civic Centre, London Road, Morden SM4 5DX",
            online_link="https://meet.example.org/mscp-training" if course.mode == "online_live" else "",
            joining_instructions="Sign in at reception with photo ID; room 3, first floor." if course.mode ==
            "in_person" else "Join five minutes early with your camera on if you can.",
            capacity=rng.choice([16, 18, 20, 24]))
        history.create_dated(session, min(session.starts_at - datetime.timedelta(days=60),
                                          timezone.now() - datetime.timedelta(days=30)))
        name, agency = trainers[index % len(trainers)]
        SessionTrainer.objects.create(session=session, name=name, agency=agency,
                                      user=coordinator if index % 5 == 4 else None,
                                      days=Decimal("0.5") if half else Decimal("1.0"))
        sessions.append(session)

    total = 0
    counter = 0
    last_past = max((s for s in sessions if s.starts_at < timezone.now()), key=lambda s: s.starts_at, default=None)
    for session in sessions:
        past = session.starts_at < timezone.now()
        demand = rng.randint(int(session.capacity * 0.6), session.capacity + 4)
        outcomes = list(session.course.outcomes.all())
        booked_at = min(session.starts_at - datetime.timedelta(days=rng.randint(20, 40)),
                        timezone.now() - datetime.timedelta(days=10))
        for n in range(demand):
            counter += 1
            first, last = FIRST[counter % len(FIRST)], LAST[(counter * 7) % len(LAST)]
            agency = rng.choice(agency_list)
            domain = (agency.short_name or agency.name).lower().replace(" ", "").replace("'", "")[:16]
            booking = Booking(
                session=session, name=f"{first} {last}", email=f"{first}.{last}{counter}@{domain}.example.org".lower(),
                agency=agency, role=rng.choice(ROLES),
                manager_email=f"manager.{counter}@{domain}.example.org" if session.course.requires_manager_approval
                else "", status=Booking.Status.CONFIRMED if n < session.capacity else Booking.Status.WAITING)
            history.create_dated(booking, min(booked_at + datetime.timedelta(hours=n * 5),
                                              timezone.now() - datetime.timedelta(days=2)))
            total += 1
            if booking.is_waiting:
                if past:
                    live_through(booking, [(session.starts_at - datetime.timedelta(days=1),
                                            {"status": Booking.Status.CANCELLED_BY_COORDINATOR})])
                continue
            roll = rng.random()
            if roll < 0.06:
                _cancel(booking, by_now(session.starts_at - datetime.timedelta(days=8)),
                        Booking.Attendance.CANCELLED_IN_TIME)
                continue
            wants_pre = rng.random() < 0.75
            if wants_pre:
                for o in outcomes:
                    ConfidenceRating.objects.create(booking=booking, outcome=o, stage="pre", score=rng.randint(3, 6))
            if not past:
                continue
            if roll < 0.10:
                _cancel(booking, session.starts_at - datetime.timedelta(days=1), Booking.Attendance.LATE_CANCELLATION)
                continue
            if roll < 0.18:
                live_through(booking, [(session.ends_at, {"attendance": Booking.Attendance.NO_SHOW})])
                continue
            if session == last_past:
                continue  # the most recent session is left for the coordinator to mark
            live_through(booking, [(session.ends_at, {"attendance": Booking.Attendance.ATTENDED})])
            BookingReminder.objects.create(booking=booking, stage="post-invite", sent_on=session.date)
            if rng.random() < 0.72:
                PostCourseEvaluation.objects.create(booking=booking, quality=rng.choice([3, 4, 4, 5, 5]),
                                                    relevance=rng.choice([3, 4, 5, 5]),
                                                    comments=rng.choice(COMMENTS),
                                                    submitted_at=session.ends_at + datetime.timedelta(hours=3))
                for o in outcomes:
                    ConfidenceRating.objects.create(booking=booking, outcome=o, stage="post",
                                                    score=min(10, rng.randint(6, 9) + (1 if rng.random() < .2 else 0)))
                if session.date <= today - datetime.timedelta(weeks=12):
                    BookingReminder.objects.create(booking=booking, stage="follow-up", sent_on=today)
                    if rng.random() < 0.45:
                        changed = rng.random() < 0.8
                        FollowUp.objects.create(
                            booking=booking, practice_changed=changed, manager_involved=rng.random() < 0.4,
                            practice_change=rng.choice([
                                "I now ask to see where the child sleeps on every home visit.",
                                "I use the graded care profile before deciding on a referral.",
                                "I check with the school and GP before closing a case.",
                                "I escalated a stuck plan using the escalation policy, and it moved.",
                                "I record what the child told me in their own words.",
                            ]) if changed else "",
                            impact_on_children="A family got help with food and housing earlier." if changed else "",
                            submitted_at=timezone.now() - datetime.timedelta(days=rng.randint(1, 60)))

    leads = [p for p in people.values() if p.agency_id and p.has_role("agency_lead")] or [coordinator]
    for index, (title, kind, source, ref, stage_codes) in enumerate(BRIEFINGS):
        briefing = Briefing(
            title=title, source_kind=kind, source_title=source, source_reference=ref,
            background="A short summary of what happened and what the review or audit looked at.",
            why_it_matters="The same risks appear in cases across Merton: this learning applies to every agency.",
            key_points="Look beyond the first explanation\nTalk to the child on their own\nShare information early",
            what_to_do="Discuss one current case in supervision\nCheck your agency's escalation route\n"
                       "Book onto the professional curiosity course",
            reflection_questions="When did you last challenge another professional?\nHow do you hear the child's "
                                 "voice in your work?\nWhat gets in the way of sharing information?",
            status=Briefing.Status.PUBLISHED, published_on=today - datetime.timedelta(days=200 - index * 60))
        history.create_dated(briefing, _at(briefing.published_on, 9))
        briefing.journey_stages.set([stages[c] for c in stage_codes if c in stages])
        for n in range(4 + index * 2):
            lead = leads[(n + index) % len(leads)]
            use = BriefingUse(
                briefing=briefing, agency=lead.agency, team=rng.choice(["Team meeting", "Front-line staff briefing",
                                                                        "Supervision group", "Safeguarding forum"]),
                used_on=briefing.published_on + datetime.timedelta(days=7 + n * 9), attendees=rng.randint(5, 30),
                reflections="We talked about a current case where we had accepted the first explanation.",
                actions="Add professional curiosity to the supervision template." if n % 2 else "",
                logged_by=lead)
            history.create_dated(use, by_now(_at(use.used_on, 16)))
    sample = Booking.objects.filter(status=Booking.Status.CONFIRMED, session__starts_at__gt=timezone.now()).first()
    link = f" A delegate's booking page: /learning/my/{issue_token(sample, 'manage')}/" if sample else ""
    stdout.write(f"Learning: {len(courses)} courses, {len(sessions)} sessions, {total} bookings, "
                 f"{len(BRIEFINGS)} briefings.{link}")
