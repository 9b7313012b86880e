"""Invented demo data for an imaginary week in the Merton partnership. Idempotent.

No real person or child appears: every name is invented and every address is on example.org.
The kernel's part (agencies, people, the tracker's actions); each app adds its own through its contribution's
`demo` (partnership.contract), and `manage.py seed_demo` in the composition root runs them all in order.
"""
import datetime
import random

from django.utils import timezone
from django.utils.text import slugify

from partnership import history
from partnership.demo_dates import at, between, live_through
from partnership.models import Action, ActionUpdate, Agency, Priority, Role, Sector, User, UserRole

AGENCIES = [
    # name, short name, sector, statutory partner, section 11 duty, other partnerships
    ("London Borough of Merton Children's Services", "Merton Children's Services", Sector.LA_CHILDRENS, True, True,
     False),
    ("Merton Education and Early Years", "Merton Education", Sector.EDUCATION, False, True, False),
    ("NHS South West London Integrated Care Board", "SWL ICB", Sector.HEALTH_ICB, True, True, True),
    ("Metropolitan Police Service, South West BCU", "Met Police SW BCU", Sector.POLICE, True, True, True),
    ("St George's University Hospitals NHS Foundation Trust", "St George's", Sector.ACUTE_TRUST, False, True,
     True),
    ("Epsom and St Helier University Hospitals NHS Trust", "Epsom and St Helier", Sector.ACUTE_TRUST, False, True,
     True),
    ("Central London Community Healthcare NHS Trust", "CLCH", Sector.COMMUNITY_HEALTH, False, True, True),
    ("South West London and St George's Mental Health NHS Trust", "SWLStG", Sector.MENTAL_HEALTH, False, True, True),
    ("Probation Service, London Region (Merton and Sutton)", "Probation", Sector.PROBATION, False, True, True),
    ("Merton Youth Justice Service", "Youth Justice", Sector.YOUTH_JUSTICE, False, True, False),
    ("London Fire Brigade (Merton)", "LFB", Sector.OTHER, False, True, True),
    ("Merton Housing Needs Service", "Housing", Sector.OTHER, False, True, False),
    ("CAFCASS London", "Cafcass", Sector.OTHER, False, True, True),
    ("Wandle Valley Primary School", "Wandle Valley Primary", Sector.SCHOOL, False, False, False),
    ("Mitcham Lane Academy", "Mitcham Lane", Sector.SCHOOL, False, False, False),
    ("Morden Park High School", "Morden Park High", Sector.SCHOOL, False, False, False),
    ("Colliers Wood Infant School", "Colliers Wood Infants", Sector.SCHOOL, False, False, False),
    ("Wimbledon Chase Sixth Form College", "Wimbledon Chase Sixth Form", Sector.SCHOOL, False, False, False),
    ("Pollards Hill Children's Centre", "Pollards Hill CC", Sector.EARLY_YEARS, False, True, False),
    ("Merton Family Hubs Network", "Family Hubs", Sector.EARLY_YEARS, False, True, False),
    ("Merton Youth Clubs Partnership", "Youth Clubs", Sector.VOLUNTARY, False, True, False),
    ("Safe Homes Merton (domestic abuse service)", "Safe Homes", Sector.VOLUNTARY, False, True, False),
    ("Merton Faith Communities Forum", "Faith Forum", Sector.VOLUNTARY, False, False, False),
    ("Wimbledon Sports Trust", "Sports Trust", Sector.VOLUNTARY, False, True, False),
    ("Merton Safeguarding Children Partnership", "MSCP", Sector.OTHER, False, False, False),
]

# email, name, job title, agency short name, roles, staff
PEOPLE = [
    ("manager@example.org", "Alex Morgan", "Partnership business manager", "MSCP", [Role.BUSINESS_UNIT], True),
    ("chair@example.org", "Jordan Ellis", "Independent chair, QA subgroup", "MSCP", [Role.CHAIR], False),
    ("qa@example.org", "Sam Okafor", "Quality assurance officer", "MSCP", [Role.QA_MEMBER], False),
    ("reviews@example.org", "Priya Natarajan", "Reviews and learning manager", "MSCP", [Role.REVIEWS_MEMBER], False),
    ("training@example.org", "Chris Doyle", "Training coordinator", "MSCP", [Role.LD_COORDINATOR], False),
    ("reader@example.org", "Robin Hale", "Partnership board member", "MSCP", [Role.READER], False),
    ("lead@police.example.org", "Detective Inspector Kim Shaw", "Safeguarding lead", "Met Police SW BCU",
     [Role.AGENCY_LEAD], False),
    ("contributor@police.example.org", "Sergeant Dana Price", "Public protection sergeant", "Met Police SW BCU",
     [Role.AGENCY_CONTRIBUTOR], False),
    ("lead@health.example.org", "Dr Tessa Quinn", "Designated nurse for safeguarding", "SWL ICB",
     [Role.AGENCY_LEAD], False),
    ("lead@childrens.example.org", "Morgan Reid", "Head of quality assurance", "Merton Children's Services",
     [Role.AGENCY_LEAD, Role.QA_MEMBER], False),
    ("dsl@wandlevalley.example.org", "Jamie Fox", "Designated safeguarding lead", "Wandle Valley Primary",
     [Role.AGENCY_LEAD], False),
    ("lead@safehomes.example.org", "Sasha Bright", "Service manager", "Safe Homes", [Role.AGENCY_LEAD], False),
]

# Invented names for the other agencies' safeguarding leads.
LEAD_NAMES = ["Avery Collins", "Blake Harper", "Casey Morgan-Lee", "Devon Price", "Ellis Grant", "Frankie Shah",
              "Harper Quinn", "Indy Walsh", "Jules Okoro", "Kai Bennett", "Logan Reyes", "Marley Dunn",
              "Noor Haddad", "Oakley Fraser", "Parker Nwosu", "Reese Holland", "Sky Patel", "Tatum Byrne",
              "Umar Siddiqui", "Val Kowalski"]

ACTION_TEXTS = [
    ("Audit the quality of referrals to the Children and Families Hub",
     "Dip-sample 20 referrals each quarter against the partnership's referral standard and feed back to teams."),
    ("Embed the neglect toolkit in health visiting",
     "Train all health visitors in the graded care profile and record its use in the child's health record."),
    ("Improve attendance at initial child protection conferences",
     "Named officers attend or send a report to every conference; measure attendance monthly."),
    ("Record the voice of the child in every assessment",
     "Assessments record what the child said and how it shaped the plan; checked in monthly case audits."),
    ("Domestic abuse notifications to schools within 24 hours",
     "Operation Encompass notifications reach the school's designated safeguarding lead before the next school day."),
    ("Refresh the escalation policy and publicise it",
     "Publish the revised professional challenge and escalation policy and brief every agency's front line."),
    ("Strengthen safer recruitment checks for volunteers",
     "All volunteer roles have enhanced DBS checks and two references before starting; annual audit."),
    ("Think-family training for adult mental health practitioners",
     "Adult practitioners ask about children in the household and record it; 80% trained by year end."),
    ("Exploitation screening at the front door",
     "Apply the exploitation screening tool to every missing episode; report outcomes to the exploitation panel."),
    ("Return home interviews within 72 hours",
     "Offer every child a return home interview within 72 hours of being found; report compliance monthly."),
]

STATUS_PLAN = [
    # (status, days from today for the due date, number of updates)
    (Action.Status.PROPOSED, 60, 0), (Action.Status.PROPOSED, -5, 0), (Action.Status.AGREED, 45, 1),
    (Action.Status.AGREED, -20, 1), (Action.Status.AGREED, 90, 0), (Action.Status.IN_PROGRESS, 30, 2),
    (Action.Status.IN_PROGRESS, -10, 3), (Action.Status.IN_PROGRESS, -45, 2), (Action.Status.IN_PROGRESS, 14, 1),
    (Action.Status.IN_PROGRESS, 120, 2), (Action.Status.COMPLETED, -3, 3), (Action.Status.COMPLETED, 20, 2),
    (Action.Status.IMPACT_ASSURED, -60, 4), (Action.Status.CLOSED, -120, 4), (Action.Status.NOT_ACCEPTED, 30, 1),
]

# How long ago an action in each status was raised (days): the older the action, the further along it is.
ACTION_AGE_DAYS = {
    Action.Status.PROPOSED: (20, 80), Action.Status.AGREED: (60, 240), Action.Status.IN_PROGRESS: (150, 600),
    Action.Status.COMPLETED: (300, 750), Action.Status.IMPACT_ASSURED: (450, 900), Action.Status.CLOSED: (720, 980),
    Action.Status.NOT_ACCEPTED: (100, 500),
}
ACTION_PATH = [Action.Status.PROPOSED, Action.Status.AGREED, Action.Status.IN_PROGRESS, Action.Status.COMPLETED,
               Action.Status.IMPACT_ASSURED, Action.Status.CLOSED]


def _action_story(status, created, reached, *, signed_off_by) -> list[tuple]:
    """The events that took a proposed action to `status`, spread evenly from its creation to `reached`."""
    if status == Action.Status.NOT_ACCEPTED:
        return [(reached, {"status": status,
                           "not_accepted_reason": "The agency already meets this through its own audit programme."})]
    steps = ACTION_PATH[1:ACTION_PATH.index(status) + 1]
    events = []
    for n, step in enumerate(steps, start=1):
        when = between(created, reached, n / len(steps))
        changes = {"status": step}
        if step == Action.Status.COMPLETED:
            changes.update(completion_evidence="Audit report and training register attached to the agency's return.",
                           completed_at=when)
        if step == Action.Status.IMPACT_ASSURED:
            changes.update(impact_evidence="Re-audit shows 18 of 20 cases now meet the standard (was 11 of 20).",
                           signed_off_by=signed_off_by, signed_off_at=when)
        events.append((when, changes))
    return events


UPDATE_NOTES = [
    "Agreed at the QA subgroup; lead officer named.",
    "Briefing delivered to two teams; the rest booked for next month.",
    "First dip-sample done: 14 of 20 met the standard. Feedback sent to team managers.",
    "Data now reported monthly to the agency's safeguarding committee.",
    "Delayed by staff changes; a revised plan goes to the next subgroup.",
]


def seed(*, password: str, stdout) -> tuple[dict, dict, int]:
    """The kernel's part of the demo: agencies, people and tracker actions. Returns (people by email, agencies by
    short name, actions made) for the apps' parts, which `manage.py seed_demo` (the composition root) runs next."""
    agencies = seed_agencies()
    people = seed_people(agencies, password)
    return people, agencies, _actions(agencies, people)


def seed_agencies() -> dict[str, Agency]:
    result = {}
    # Each agency's staff email domains, from its demo people's addresses (public bookings are checked
    # against them); the partnership's own example.org addresses are not an agency's domain.
    domains: dict[str, set[str]] = {}
    for email, _name, _title, short, *_rest in PEOPLE:
        domain = email.rpartition("@")[2]
        if domain != "example.org":
            domains.setdefault(short, set()).add(domain)
    for name, short, sector, statutory, s11, other in AGENCIES:
        agency, _ = Agency.objects.update_or_create(name=name, defaults={
            "short_name": short, "sector": sector, "statutory_partner": statutory, "section11_duty": s11,
            "works_in_other_partnerships": other, "active": True,
            "email_domains": ", ".join(sorted(domains.get(short, ()))),
        })
        result[short] = agency
    return result


def seed_people(agencies, password) -> dict[str, User]:
    result = {}
    for email, name, title, agency, roles, staff in PEOPLE:
        user, created = User.objects.get_or_create(email=email, defaults={
            "full_name": name, "job_title": title, "agency": agencies[agency], "is_staff": staff,
        })
        if created or not user.check_password(password):
            user.set_password(password)
            user.save()
        for role in roles:
            UserRole.objects.get_or_create(user=user, role=role)
        result[email] = user
    # Every other agency has an invented safeguarding lead too, so launch emails reach someone.
    led = {user.agency_id for user in result.values() if Role.AGENCY_LEAD in user.role_set}
    for index, agency in enumerate(a for a in agencies.values() if a.pk not in led and a.short_name != "MSCP"):
        email = f"lead@{slugify(agency.short_name)}.example.org"
        user, created = User.objects.get_or_create(email=email, defaults={
            "full_name": LEAD_NAMES[index % len(LEAD_NAMES)], "job_title": "Safeguarding lead", "agency": agency,
        })
        if created:
            user.set_password(password)
            user.save()
        UserRole.objects.get_or_create(user=user, role=Role.AGENCY_LEAD)
        result[email] = user
    return result


def _actions(agencies, people) -> int:
    if Action.objects.filter(created_by=people["manager@example.org"]).exists():
        return 0
    rng = random.Random(2026)
    today = timezone.localdate()
    manager = people["manager@example.org"]
    owners = {
        "Met Police SW BCU": people["lead@police.example.org"],
        "SWL ICB": people["lead@health.example.org"],
        "Merton Children's Services": people["lead@childrens.example.org"],
        "Wandle Valley Primary": people["dsl@wandlevalley.example.org"],
        "Safe Homes": people["lead@safehomes.example.org"],
    }
    owning = list(owners) + ["St George's", "SWLStG", "Youth Justice", "Family Hubs", "Housing"]
    priorities = list(Priority.objects.all())
    made = 0
    for index in range(32):
        status, days, n_updates = STATUS_PLAN[index % len(STATUS_PLAN)]
        title, description = ACTION_TEXTS[(index + index // len(owning)) % len(ACTION_TEXTS)]  # varied per agency
        short = owning[index % len(owning)]
        youngest, oldest = ACTION_AGE_DAYS[status]
        created = at(today - datetime.timedelta(days=youngest + (index * 37) % (oldest - youngest)), 11)
        reached = between(created, timezone.now(), 0.8)  # when it got to its status today
        action = Action(
            title=title, description=description, owner_agency=agencies[short], owner=owners.get(short),
            priority=priorities[index % len(priorities)] if priorities else None,
            due_date=today + datetime.timedelta(days=days + rng.randint(0, 6)), created_by=manager,
            source_kind="priority", status=Action.Status.PROPOSED)
        action._history_user = manager
        history.create_dated(action, created)
        live_through(action, _action_story(status, created, reached, signed_off_by=people["qa@example.org"]))
        if action.priority:
            action.priority.actions.add(action)
        for n in range(n_updates):
            ActionUpdate.objects.create(
                action=action, author=owners.get(short) or manager, note=UPDATE_NOTES[n % len(UPDATE_NOTES)],
                created_at=between(created, reached, (n + 1) / (n_updates + 1)),
            )
        made += 1
    return made
