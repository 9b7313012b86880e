"""The demo's subgroups and meetings (called from merton_qa.demo): the QA subgroup, two thematic subgroups and the
Partnership executive, with members; a year of bi-monthly QA subgroup meetings from December 2025 with attendance,
minutes and decisions (some of them tracker actions), and the next meeting planned with a draft agenda built from
what the apps say is due; the executive's quarterly meetings, where each quarter's board pack is taken, held since
October 2025 and the next two planned. Every record is made through the services, its history dated when it
happened."""
import datetime

from django.utils import timezone

from partnership import history
from partnership.dates import Quarter, add_months, day_words, month_end
from partnership.demo_dates import at, by_now
from partnership.models import Action, Attendance, Meeting, Membership, Priority, Role, Subgroup
from partnership.services import actions as action_services
from partnership.services import meetings as services

from . import meetings as builder

FIRST_QA_MEETING = datetime.date(2025, 12, 10)
TERMS = {
    Subgroup.Kind.QA: "The quality assurance subgroup scrutinises the partnership's multi-agency safeguarding "
                      "practice for the board: the performance scorecard and its exceptions, Section 11 and schools' "
                      "returns, multi-agency audits and the action tracker. It meets every two months. It is quorate "
                      "with the chair or vice-chair and three statutory partners.",
    Subgroup.Kind.THEMATIC: "Leads the partnership's work on its priority: the delivery plan, the indicators and "
                            "audits tagged to it, and the learning from reviews. Reports to the QA subgroup.",
    Subgroup.Kind.EXECUTIVE: "The three safeguarding partners, with the independent chair and scrutineer. Agrees "
                             "the priorities, the budget and the yearly report, and holds partners to account.",
}
# (agency short name, role in the group); attendance: the share of meetings the agency came to, as a pattern.
QA_MEMBERS = [
    ("Merton Children's Services", Membership.GroupRole.VICE_CHAIR, "PPPPPP"),
    ("SWL ICB", Membership.GroupRole.MEMBER, "PPDPPP"),
    ("Met Police SW BCU", Membership.GroupRole.MEMBER, "PDPAPP"),
    ("St George's", Membership.GroupRole.MEMBER, "PPAPDP"),
    ("CLCH", Membership.GroupRole.MEMBER, "PAPPPA"),
    ("Merton Education", Membership.GroupRole.MEMBER, "PPPPAP"),
    ("Probation", Membership.GroupRole.MEMBER, "AAPAAA"),
    ("Youth Justice", Membership.GroupRole.MEMBER, "PPDPPP"),
    ("Safe Homes", Membership.GroupRole.ADVISER, "PAPPAP"),
]
STATUS = {"P": Attendance.Status.PRESENT, "A": Attendance.Status.APOLOGIES, "D": Attendance.Status.DEPUTY,
          "X": Attendance.Status.ABSENT}
# Each meeting's standing items, the minutes, and the decisions (text, owning agency or None, days to do it).
QA_ITEMS = [
    ("Performance scorecard and exceptions", "Scorecard exception", "The subgroup went through the red and worsening "
     "indicators. Initial health assessments within 20 working days remain below target; the ICB explained the "
     "shortage of paediatric slots.", [("The ICB to bring a recovery plan for initial health assessments.", "SWL ICB",
                                        56)]),
    ("Overdue actions by agency", "Overdue actions", "Members reviewed the overdue actions. Most are awaiting "
     "evidence rather than not started.", [("Agencies with overdue actions to send updates before the next "
                                            "meeting.", None, 0)]),
    ("Multi-agency audit report", "Audit report", "The audit found good information sharing at the front door but "
     "weak recording of the child's voice in strategy discussions.", [
         ("Children's services to add the child's voice to the strategy discussion template.",
          "Merton Children's Services", 84),
         ("Police to brief public protection officers on recording the child's views.", "Met Police SW BCU", 42)]),
    ("Section 11 progress", "Late returns", "Returns are largely in; the business unit will chase the rest.", []),
    ("Any other business", "", "None.", []),
]
NEXT_AGENDA_OWN = ("Terms of reference: yearly review", "Chair")


def _lead(people, agencies, short):
    agency = agencies[short]
    return next((u for u in people.values() if u.agency_id == agency.pk and Role.AGENCY_LEAD in u.role_set), None)


def _subgroup(name, kind, *, priorities=(), members, people, agencies, since):
    group, made = Subgroup.objects.get_or_create(name=name, defaults={"kind": kind, "terms_of_reference": TERMS[kind]})
    if not made:
        return group, False
    group.priorities.set(priorities)
    for short, role, *_ in members:
        person = people.get(short) or _lead(people, agencies, short)
        if person is None:
            continue
        agency = agencies[short] if short in agencies else person.agency
        Membership.objects.create(subgroup=group, person=person, agency=agency, role=role, start_date=since)
    return group, True


def _second_wednesday(year: int, month: int) -> datetime.date:
    first = datetime.date(year, month, 1)
    return first + datetime.timedelta(days=(2 - first.weekday()) % 7 + 7)


def _meeting_days(today):
    """Bi-monthly, on the second Wednesday, from December 2025: (days held, the next one to plan)."""
    days, day = [], _second_wednesday(FIRST_QA_MEETING.year, FIRST_QA_MEETING.month)
    while day < today:
        days.append(day)
        later = add_months(day.replace(day=1), 2)
        day = _second_wednesday(later.year, later.month)
    return days, day


def executive_meeting_day(quarter: Quarter) -> datetime.date:
    """The Partnership executive meets on the last Thursday of the month after each quarter ends, and takes that
    quarter's board pack (published a week before, with the papers)."""
    after = quarter.end + datetime.timedelta(days=1)
    last = month_end(after)
    return last - datetime.timedelta(days=(last.weekday() - 3) % 7)


EXECUTIVE_ITEMS = [  # (title, kind, presenter, minutes)
    ("Quarterly assurance report {label}", "Board pack", "Independent chair", "The executive took the quarter's "
     "board pack as read and went through the chair's asks; the partners agreed them."),
    ("Budget and partner contributions", "", "Business manager", "Spending is within the year's budget; the three "
     "partners' contributions for next year were agreed in principle."),
    ("Any other business", "", "Independent chair", "None."),
]


def _executive_meetings(group, *, manager, today, since) -> int:
    """The executive's meetings since the group was set up: held (everyone there, minutes written), and the next
    two planned. Idempotent: nothing is added once the group has meetings. Returns how many were held."""
    if group.meetings.exists():
        return 0
    quarter, held, planned = Quarter.containing(since).previous(), 0, 0
    while planned < 2:
        day = executive_meeting_day(quarter)
        if day > since:
            made_on = min(today, max(since, day - datetime.timedelta(days=56)))
            with history.dated(by_now(at(made_on, 9))):
                meeting = services.meeting_create(subgroup=group, starts_at=at(day, 14), by=manager,
                                                  place="Merton Civic Centre, the leader's room")
                for title, kind, presenter, _ in EXECUTIVE_ITEMS:
                    services.agenda_add(meeting=meeting, by=manager, title=title.format(label=quarter.label),
                                        kind=kind, presenter=presenter)
            if day < today:
                _hold_executive(meeting, manager=manager)
                held += 1
            else:
                planned += 1
        quarter = quarter.next()
    return held


def _hold_executive(meeting, *, manager) -> None:
    with history.dated(meeting.starts_at + datetime.timedelta(hours=2)):
        members = services.current_members(meeting.subgroup, timezone.localdate(meeting.starts_at))
        services.attendance_record(meeting=meeting, by=manager,
                                   rows=[(m, Attendance.Status.PRESENT, "") for m in members])
        for item, (*_, minutes) in zip(meeting.items.order_by("order", "pk"), EXECUTIVE_ITEMS, strict=True):
            services.item_minutes(item=item, by=manager, minutes=minutes, finished=True, presenter=item.presenter)
        meeting = Meeting.objects.get(pk=meeting.pk)
        services.meeting_mark_held(meeting=meeting, by=manager, expected_version=meeting.version)


def _hold(meeting, *, manager, index, agencies, last=False):
    """Attendance, minutes and decisions, dated the day of the meeting; then the meeting is marked held."""
    when = meeting.starts_at + datetime.timedelta(hours=2)
    with history.dated(when):
        rows = []
        for membership in services.current_members(meeting.subgroup, timezone.localdate(meeting.starts_at)):
            pattern = next((p for s, _, p in QA_MEMBERS if agencies.get(s) and agencies[s].pk == membership.agency_id),
                           "PPPPPP")
            status = STATUS[pattern[index % len(pattern)]]
            rows.append((membership, status, "Deputy safeguarding lead" if status == Attendance.Status.DEPUTY else ""))
        services.attendance_record(meeting=meeting, by=manager, rows=rows)
        for n, (title, kind, minutes, decisions) in enumerate(QA_ITEMS):
            item = meeting.items.filter(title=title).first() or services.agenda_add(
                meeting=meeting, by=manager, title=title, kind=kind, presenter="Business manager" if n else "Chair")
            # Once in a while (and at the last meeting) an item runs out of time: it is carried over.
            unfinished = (index % 3 == 1 or last) and kind == "Late returns"
            services.item_minutes(item=item, by=manager, minutes=minutes, finished=not unfinished,
                                  presenter=item.presenter)
            for k, (text, owner_short, days) in enumerate(decisions):
                if owner_short and (index + n + k) % 3:  # some decisions become actions, some are recorded only
                    owner_agency = agencies[owner_short]
                    decision = services.decision_record(
                        meeting=meeting, by=manager, text=text, item=item, needs_action=True, tell=False,
                        owner_agency=owner_agency,
                        owner=owner_agency.users.filter(roles__role=Role.AGENCY_LEAD).first(),
                        due_date=timezone.localdate(meeting.starts_at) + datetime.timedelta(days=days))
                    _complete_if_long_past(decision.action, manager)
                else:
                    services.decision_record(meeting=meeting, by=manager, text=text, item=item)
        services.meeting_mark_held(meeting=meeting, by=manager, expected_version=meeting.version)


def _one_of_each(offered, *, kinds: int) -> list:
    """The first of each kind offered (by its key's first two parts), as a person building an agenda would."""
    chosen = {}
    for thing in offered:
        chosen.setdefault(":".join(thing.key.split(":")[:2]), thing)
    return list(chosen.values())[:kinds]


def _complete_if_long_past(action, manager) -> None:
    """Actions from the first meetings of the year were done (a few days before they were due)."""
    done = at(action.due_date - datetime.timedelta(days=5), 11)
    if done > timezone.now() - datetime.timedelta(days=30):
        return
    with history.dated(done):
        action_services.action_transition(action=action, to=Action.Status.COMPLETED, by=manager,
                                          expected_version=action.version,
                                          evidence="Done and reported to the QA subgroup; the evidence is on file.")


def seed(*, stdout, people: dict, agencies: dict) -> None:
    manager = people["manager@example.org"]
    today = timezone.localdate()
    since = FIRST_QA_MEETING - datetime.timedelta(days=60)
    by_code = {p.code: p for p in Priority.objects.all()}
    chair_row = ("chair@example.org", Membership.GroupRole.CHAIR, "PPPPPP")
    qa_row = ("qa@example.org", Membership.GroupRole.ADVISER, "PPPPPP")
    with history.dated(at(since)):
        qa, made = _subgroup("Quality assurance subgroup", Subgroup.Kind.QA, people=people, agencies=agencies,
                             since=since, members=[chair_row, qa_row, *QA_MEMBERS])
        executive, _ = _subgroup("Partnership executive", Subgroup.Kind.EXECUTIVE, people=people,
                                 agencies=agencies, since=since,
                                 members=[chair_row, ("Merton Children's Services", Membership.GroupRole.MEMBER, ""),
                                          ("SWL ICB", Membership.GroupRole.MEMBER, ""),
                                          ("Met Police SW BCU", Membership.GroupRole.MEMBER, "")])
    executive_held = _executive_meetings(executive, manager=manager, today=today, since=since)
    if not made:
        stdout.write(f"Meetings: already seeded ({executive_held} executive meetings added).")
        return
    with history.dated(at(since)):
        neglect, _ = _subgroup("Think family: domestic abuse and neglect subgroup", Subgroup.Kind.THEMATIC,
                               priorities=[p for c, p in by_code.items() if c == "think-family"], people=people,
                               agencies=agencies, since=since,
                               members=[("Merton Children's Services", Membership.GroupRole.CHAIR, ""),
                                        ("Safe Homes", Membership.GroupRole.MEMBER, ""),
                                        ("SWL ICB", Membership.GroupRole.MEMBER, "")])
        neglect.scorecard_priority = by_code.get("think-family")
        neglect.save()
        exploitation, _ = _subgroup("Contextual safeguarding and exploitation subgroup", Subgroup.Kind.THEMATIC,
                                    priorities=[p for c, p in by_code.items() if c == "contextual-safeguarding"],
                                    people=people, agencies=agencies, since=since,
                                    members=[("Met Police SW BCU", Membership.GroupRole.CHAIR, ""),
                                             ("Youth Justice", Membership.GroupRole.MEMBER, ""),
                                             ("Merton Education", Membership.GroupRole.MEMBER, "")])
        exploitation.scorecard_priority = by_code.get("contextual-safeguarding")
        exploitation.save()
    held_days, next_day = _meeting_days(today)
    for index, day in enumerate(held_days):
        planned = at(day - datetime.timedelta(days=56), 9)
        with history.dated(planned):
            meeting = services.meeting_create(subgroup=qa, starts_at=at(day, 14), by=manager,
                                              place="Merton Civic Centre, committee room 3",
                                              joining_link="https://meet.example.org/mscp-qa")
            for title, kind, *_ in QA_ITEMS:
                if not meeting.items.filter(title=title).exists():
                    services.agenda_add(meeting=meeting, by=manager, title=title, kind=kind)
        _hold(Meeting.objects.get(pk=meeting.pk), manager=manager, index=index, agencies=agencies,
              last=index == len(held_days) - 1)
    with history.dated(at(held_days[-1] + datetime.timedelta(days=1), 9) if held_days else timezone.now()):
        upcoming = services.meeting_create(subgroup=qa, starts_at=at(next_day, 14), by=manager,
                                           place="Merton Civic Centre, committee room 3",
                                           joining_link="https://meet.example.org/mscp-qa")
    # The draft agenda: what the apps say is due, taken as the business unit would, and an item of its own.
    for suggestion in _one_of_each(builder.suggestions_for(upcoming, manager, today=today), kinds=5):
        services.agenda_add_suggestion(meeting=upcoming, by=manager, suggestion=suggestion)
    services.agenda_add(meeting=upcoming, by=manager, title=NEXT_AGENDA_OWN[0], presenter=NEXT_AGENDA_OWN[1])
    for paper in _one_of_each(builder.papers_for(upcoming, manager), kinds=5):
        services.paper_attach(meeting=upcoming, by=manager, paper=paper)
    for group in (neglect, exploitation):
        meeting = services.meeting_create(subgroup=group, starts_at=at(next_day + datetime.timedelta(days=7), 10),
                                          by=manager, place="Online",
                                          joining_link="https://meet.example.org/mscp-thematic")
        for suggestion in builder.suggestions_for(meeting, manager, today=today)[:3]:
            services.agenda_add_suggestion(meeting=meeting, by=manager, suggestion=suggestion)
    stdout.write(f"Meetings: {len(held_days)} QA subgroup meetings held, the next on {day_words(next_day)} with a "
                 f"draft agenda of {upcoming.items.count()} items; {executive_held} executive meetings held.")
