"""Invented performance demo data: two years of figures for the Merton dataset, with commentary, data returns
(the latest quarter with agencies in every state) and two turn-the-curve records with actions.

Called by `manage.py seed_demo`; idempotent (a second run adds nothing). Every figure and every comment is
invented; no child or family is ever described, and practitioners appear only by role.
"""
import datetime
import random
from decimal import Decimal

from django.core.management import call_command
from django.utils import timezone

from partnership import history
from partnership.dates import Quarter
from partnership.models import Action, Priority, Role
from partnership.services.actions import action_create

from .models import DataReturn, Frequency, Indicator, Period, TurnTheCurve, Unit, Value
from .rules import SAME_WITHIN, format_value, ratio_value
from .services.periods import periods_generate

QUARTERS = 8
# How many periods of each frequency cover the same two years as eight quarters.
PERIODS_PER_WINDOW = {Frequency.QUARTERLY: 8, Frequency.MONTHLY: 24, Frequency.TERMLY: 6, Frequency.ANNUAL: 2}
DUE_AFTER = datetime.timedelta(days=20)  # data returns are due about 15 working days after the period ends
CHILD_POPULATION = 47600  # children aged 0 to 17 in Merton (rounded, for the demo)

S = DataReturn.Status
# The latest quarter: agencies in every state, so the data calendar and the tracker show something real.
LATEST_QUARTER_STATES = {"Merton Children's Services": S.VALIDATED, "MSCP": S.SUBMITTED,
                         "Met Police SW BCU": S.QUERIED, "SWL ICB": S.REQUESTED}
# The late agency has entered some of its figures (provisional) but not yet submitted.
LATE_RETURN_DRAFTED = {"iha-20-days"}
QUERY_MESSAGE = ("Missing episodes look low against the force's own monthly extract (about 20 fewer than expected). "
                 "Please check whether episodes first recorded as 'absent' were left out, correct the figure if "
                 "needed and resubmit.")

# code -> (first value, last value, wobble as a share of the value, denominator for a ratio).
# The last value is exact, so the latest RAG is as intended: re-referrals, plans lasting two years and
# return home interviews end red; initial health assessments and meeting attendance amber.
TRENDS = {
    "contacts": (2750, 3150, 0.04, None),
    "contacts-rate": (2310, 2640, 0.015, CHILD_POPULATION),
    "referrals-rate": (455, 421, 0.02, CHILD_POPULATION),
    "re-referrals": (18.4, 24.6, 0.04, 2050),
    "assessments-45-days": (77.0, 88.5, 0.03, 170),
    "icpc-15-days": (86.0, 76.5, 0.04, 48),
    "cp-plans-rate": (33.8, 38.2, 0.02, CHILD_POPULATION),
    "cp-repeat-plans": (22.5, 16.8, 0.05, 210),
    "cp-plans-2-years": (3.2, 5.6, 0.06, 190),
    "review-conferences-in-time": (97.0, 92.8, 0.015, 32),
    "iha-20-days": (49.0, 68.0, 0.08, 26),
    "rha-in-time": (92.0, 88.5, 0.02, 95),
    "missing-episodes": (158, 207, 0.06, None),
    "rhi-72-hours": (74.0, 58.0, 0.03, 175),
    "da-incidents-children": (262, 238, 0.05, None),
    "operation-encompass": (148, 232, 0.05, None),
    "suspensions": (430, 515, 0.08, None),
    "permanent-exclusions": (5, 9, 0.25, None),
    "children-missing-education": (58, 39, 0.08, None),
    "care-leavers-neet": (42.0, 36.0, 0.03, 112),
    "training-places": (360, 540, 0.06, None),
    "training-attendance": (80.5, 87.0, 0.02, 480),
    "training-impact": (61.0, 72.0, 0.04, 140),
    "partnership-attendance": (89.0, 78.5, 0.03, 120),
}
# Year to date: notifications made in each quarter, added up from April.
SERIOUS_INCIDENTS_PER_QUARTER = [1, 0, 2, 1, 0, 1, 1, 2]

# Deliberate gaps: (code, index of the period, oldest first) -> why the figure is not available.
DELIBERATE_GAPS = {
    ("training-impact", 2): "Not available: the three-month follow-up survey was not sent this quarter while "
                            "the training booking system was replaced.",
    ("rha-in-time", 4): "Not available: the move to the new community health record meant review dates could "
                        "not be reported reliably this quarter. The figure will be added once it is validated.",
}

# The story behind the numbers: for each indicator a few lines, oldest first, used in turn over the two years
# (the last one on the latest figure), after a sentence saying how the figure moved. Invented; roles only.
COMMENTARY = {
    "contacts": [
        "Police notifications and schools remain the largest sources of contacts.",
        "Contacts from health are rising after the designated nurse's briefings on recognising neglect.",
        "Demand at the front door remains high; most of the growth is contacts that end in advice only.",
    ],
    "contacts-rate": [
        "The rolling rate is rising slowly; most of the growth is contacts that end in advice only.",
        "Higher than statistical neighbours. The QA subgroup asked for a dip-sample of contacts closed at the "
        "front door.",
    ],
    "referrals-rate": [
        "About one contact in six becomes a referral.",
        "Fewer contacts become referrals since early help workers joined the front door.",
        "Still below London and England; the dip-sample found threshold decisions were appropriate.",
    ],
    "re-referrals": [
        "Close to target. Most re-referrals relate to domestic abuse where the first referral closed at "
        "assessment.",
        "Rising over the year: cases closed with no further action are coming back within six months.",
        "Above target and above England (22% in 2024). A turn-the-curve plan is in place.",
    ],
    "assessments-45-days": [
        "Timeliness is improving as agency social workers are replaced by permanent staff.",
        "Sickness in one assessment team slowed some assessments; managers now track every assessment at day 35.",
        "Weekly tracking of assessments at day 35 is making a difference.",
    ],
    "icpc-15-days": [
        "Small numbers: a few late conferences move the percentage a lot.",
        "Delays are mostly waiting for a conference chair; a second chair post is out to advert.",
        "Late conferences were mainly for sibling groups where reports were not ready in time.",
    ],
    "cp-plans-rate": [
        "Most children on plans are under the category of neglect.",
        "Below England and close to London. More large sibling groups became subject to plans.",
    ],
    "cp-repeat-plans": [
        "Most repeat plans were for neglect, more than two years after the first plan ended.",
        "Step-down from child protection to child in need now includes a review after three months.",
        "The three-month review after step-down is now routine; fewer plans end before change is secure.",
    ],
    "cp-plans-2-years": [
        "A small number of children: each plan lasting two years or more is reviewed by the head of service.",
        "Several sibling groups have plans that have lasted more than 18 months.",
        "Above England (4.4% in 2025). Legal planning meetings are being held for each family.",
    ],
    "review-conferences-in-time": [
        "Almost every review conference was held on time.",
        "Reviews moved at a family's request so a parent could attend count as late; each was held within two "
        "weeks.",
        "A chair's long-term absence led to rescheduled reviews; cover is now in place.",
    ],
    "iha-20-days": [
        "Late notification of children coming into care is the main cause of delay.",
        "Children placed outside London wait longest for a paediatrician in the host area.",
        "A weekly list of children newly in care now goes to the looked-after children health team.",
    ],
    "rha-in-time": [
        "Late assessments were mostly young people who declined the first appointment.",
        "The service now offers appointments at school and at the young person's placement.",
    ],
    "missing-episodes": [
        "A small number of children account for a large share of episodes; each is discussed at the "
        "exploitation panel.",
        "More episodes are recorded since the force stopped using the 'absent' category, as agreed nationally.",
        "The exploitation panel reviews every child missing three times or more in a quarter.",
    ],
    "rhi-72-hours": [
        "Most interviews not offered in time were for children placed out of borough.",
        "The commissioned service has had vacancies, and notifications that a child has been found arrive late.",
        "Below target. A turn-the-curve plan is agreed.",
    ],
    "da-incidents-children": [
        "In line with the wider trend in recorded domestic abuse in the borough.",
        "Safe Homes reports more families asking for help before an incident reaches the police.",
    ],
    "operation-encompass": [
        "Every school has confirmed its contact details for the scheme.",
        "Notifications now reach schools before the start of the next school day in almost every case.",
        "All secondary schools and most primary schools now receive notifications.",
    ],
    "suspensions": [
        "Most suspensions are for persistent disruptive behaviour, in a small number of secondary schools.",
        "The inclusion team is working with three schools that account for half of all suspensions.",
    ],
    "permanent-exclusions": [
        "Small numbers. Every permanent exclusion is reviewed by the fair access panel.",
        "Each excluded pupil had an exploitation screening before the exclusion was confirmed.",
    ],
    "children-missing-education": [
        "Most children found were on a school roll in another borough after moving house.",
        "Falling since the children missing education officer post was filled.",
    ],
    "care-leavers-neet": [
        "Personal advisers meet each young person not in education, employment or training every month.",
        "The care leavers' apprenticeship scheme has placed young people with three partner agencies.",
        "Close to target; a few young people finished courses and are between places.",
    ],
    "training-places": [
        "Online courses have been added to the programme alongside face-to-face ones.",
        "New courses on child exploitation and on neglect were added.",
        "Above target, with full courses on exploitation and neglect.",
    ],
    "training-attendance": [
        "Places not attended were mostly cancelled on the day because of front-line pressures.",
        "Reminders two days before each course have cut the number of places not attended.",
    ],
    "training-impact": [
        "Practitioners most often describe using the neglect toolkit and asking about children in the household.",
        "The response rate to the follow-up survey is about a third of attendees.",
        "Examples include earlier escalation of disagreements between agencies.",
    ],
    "partnership-attendance": [
        "Good attendance across the subgroups.",
        "Two agencies were not represented at some QA subgroup meetings.",
        "Below target: the business unit has written to agencies whose members missed two meetings in a row.",
    ],
    "serious-incident-notifications": [
        "Each notification was discussed at a rapid review within 15 working days.",
        "Counted from April: the count starts again each financial year.",
    ],
}

TURN_THE_CURVE = {
    "re-referrals": {
        "baseline": "Re-referrals within 12 months rose from about 18% two years ago to about 25% this quarter: "
                    "above our 20% target and above England (22% in 2024).",
        "forecast": "If nothing changes, the rolling rate reaches about 27% within a year, and more families come "
                    "back to the front door with the same problems, usually worse.",
        "story": "Contributing factors: assessments that close with no further action and no handover to early "
                 "help; domestic abuse and neglect are the most common reasons for the second referral; waiting "
                 "lists in the family hubs. Limiting factors: the early help offer at the front door is working "
                 "for new contacts, and families who are stepped down with a named worker rarely come back.",
        "partners": "Children's social care (front door and assessment teams); family hubs; health visiting and "
                    "school nursing; schools; the police; Safe Homes (domestic abuse service).",
        "what_works": "A warm handover to a named early help worker before a case closes; a closure checklist that "
                      "asks what will be different in six months; a monthly multi-agency look at every re-referral "
                      "(no cost); sharing the closure summary with the school and the GP (low cost).",
        "action": ("Audit 30 re-referrals to find why families came back",
                   "Dip-sample 30 re-referrals from the last two quarters with health, police and schools; report "
                   "the themes and proposed changes to the QA subgroup.",
                   "Merton Children's Services", "early-help"),
    },
    "rhi-72-hours": {
        "baseline": "Return home interviews offered within 72 hours fell from 74% to 58% over two years, against "
                    "a target of 80%.",
        "forecast": "If nothing changes, fewer than half of children will be offered an interview in time, and we "
                    "will miss what children tell us about where they go and who they are with.",
        "story": "Contributing factors: vacancies in the commissioned interview service; notifications that a "
                 "child has been found reach the service up to two days late; children placed out of borough are "
                 "hard to reach quickly. Limiting factors: when an interview happens, children say it helps, and "
                 "the information reaches the exploitation panel.",
        "partners": "The police missing persons unit; children's social care; the commissioned return home "
                    "interview service; placement providers and host authorities; schools.",
        "what_works": "A daily list of children found, sent by the police to the interview service each morning "
                      "(no cost); host authorities doing interviews for children placed far away (low cost); a "
                      "trusted adult the child already knows offering the interview.",
        "action": ("Send the interview service a daily list of children found",
                   "The police missing persons unit sends the return home interview service a list of children "
                   "found in the last 24 hours every weekday morning; compliance reported monthly.",
                   "Met Police SW BCU", "contextual-safeguarding"),
    },
}


def seed(*, stdout, people: dict, agencies: dict) -> None:
    call_command("load_indicators", stdout=stdout)
    indicators = list(Indicator.objects.filter(code__in=[*TRENDS, "serious-incident-notifications"], active=True)
                      .select_related("owner_agency"))
    Indicator.objects.filter(pk__in=[i.pk for i in indicators]).update(values_are_demo=True)  # all invented here
    today = timezone.localdate()
    window = reporting_window(today)
    manager = people["manager@example.org"]
    leads = _leads(people, manager)
    rng = random.Random(2026)

    # One data return per owning agency per period; only the ones that do not exist yet.
    wanted = {}
    for indicator in indicators:
        for period in window.get(indicator.frequency, []):
            wanted.setdefault((indicator.owner_agency_id, period.pk), (indicator.owner_agency, period))
    existing = set(DataReturn.objects.filter(period__in=[p for ps in window.values() for p in ps])
                   .values_list("agency_id", "period_id"))
    latest_quarter = window[Frequency.QUARTERLY][-1]
    new_returns = []
    for (agency_id, _), (agency, period) in sorted(wanted.items(), key=lambda kv: (kv[1][1].start, kv[0][0])):
        if (agency_id, period.pk) in existing:
            continue
        state = LATEST_QUARTER_STATES.get(agency.short_name, S.VALIDATED) if period == latest_quarter \
            else S.VALIDATED
        new_returns.append(_data_return(agency, period, state, leads.get(agency_id), manager, rng))
    created = history.bulk_create(new_returns, model=DataReturn)
    returns = {(r.agency_id, r.period_id): r for r in DataReturn.objects.filter(
        pk__in=[r.pk for r in created]).select_related("period")}

    # Values for the returns just made.
    values = []
    for indicator in indicators:
        periods = window.get(indicator.frequency, [])
        series = _series(indicator, len(periods), rng)
        previous = None
        for index, (period, figure) in enumerate(zip(periods, series, strict=True)):
            data_return = returns.get((indicator.owner_agency_id, period.pk))
            if data_return is None or (data_return.status == S.REQUESTED
                                       and indicator.code not in LATE_RETURN_DRAFTED):
                previous = None  # already there, or not entered yet because the return is late
                continue
            value = _value(indicator, data_return, index, len(periods), figure, previous, leads, manager, rng)
            values.append(value)
            previous = value
    history.bulk_create(values, model=Value)

    turned = _turn_the_curve(people, agencies, leads, manager)
    stdout.write(f"Performance: {len(indicators)} indicators, {len(created)} new data returns, {len(values)} new "
                 f"values, {turned} new turn-the-curve records.")


def reporting_window(today: datetime.date) -> dict[str, list[Period]]:
    """The periods of each frequency in the two years up to the latest quarter whose return is due by `today`."""
    year = today.year if today.month >= 4 else today.year - 1
    for financial_year in range(year - 3, year + 1):
        periods_generate(financial_year=financial_year)
    quarters = list(Period.objects.filter(kind=Frequency.QUARTERLY, end__lt=today - DUE_AFTER)
                    .order_by("-start")[:QUARTERS])[::-1]
    start, end = quarters[0].start, quarters[-1].end
    window = {Frequency.QUARTERLY: quarters}
    for kind in (Frequency.MONTHLY, Frequency.TERMLY, Frequency.ANNUAL):
        window[kind] = list(Period.objects.filter(kind=kind, end__gte=start, end__lte=end).order_by("start"))
    return window


def _leads(people: dict, manager) -> dict[int, object]:
    """Each agency's lead among the demo people (the business unit enters the partnership's own figures)."""
    leads = {manager.agency_id: manager}
    for user in people.values():
        if user.agency_id not in leads and Role.AGENCY_LEAD in user.role_set:
            leads[user.agency_id] = user
    return leads


def _stamp(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _data_return(agency, period: Period, state: str, lead, manager, rng: random.Random) -> DataReturn:
    due = period.end + DUE_AFTER
    data_return = DataReturn(agency=agency, period=period, due_date=due, status=state)
    if state != S.REQUESTED:
        # Most returns arrive a few days early; one in eight a few days late.
        offset = rng.randint(1, 4) if rng.random() < 0.125 else -rng.randint(0, 6)
        data_return.submitted_at = _stamp(due + datetime.timedelta(days=offset))
        data_return.submitted_by = lead
    if state == S.VALIDATED:
        data_return.validated_at = data_return.submitted_at + datetime.timedelta(days=rng.randint(2, 6))
        data_return.validated_by = manager
    if state == S.QUERIED:
        data_return.query_message = QUERY_MESSAGE
    data_return._history_user = manager
    data_return._history_date = data_return.validated_at or data_return.submitted_at or _stamp(period.end)
    return data_return


def _series(indicator: Indicator, count: int, rng: random.Random) -> list[Decimal | None]:
    """`count` figures, oldest first: a trend with some noise, exact at the end."""
    if indicator.code not in TRENDS:
        return [None] * count  # serious incident notifications: year to date, see _year_to_date
    first, last, wobble, _ = TRENDS[indicator.code]
    figures = []
    for index in range(count):
        share = index / (count - 1) if count > 1 else 1
        figure = first + (last - first) * share
        if index < count - 1:
            figure *= 1 + rng.uniform(-wobble, wobble)
        if indicator.unit == Unit.PERCENTAGE:
            figure = min(figure, 100.0)
        figures.append(figure)
    return figures


def _value(indicator: Indicator, data_return: DataReturn, index: int, count: int, figure, previous: Value | None,
           leads, manager, rng: random.Random) -> Value:
    period = data_return.period
    numerator = denominator = value = None
    commentary = ""
    gap = DELIBERATE_GAPS.get((indicator.code, index))
    if gap:
        commentary = gap
    elif indicator.code == "serious-incident-notifications":
        value = Decimal(_year_to_date(period, index))
    elif indicator.uses_ratio:
        base = TRENDS[indicator.code][3]
        denominator = Decimal(base if base == CHILD_POPULATION else max(1, round(base * rng.uniform(0.9, 1.1))))
        scale = 100 if indicator.unit == Unit.PERCENTAGE else 10000
        numerator = Decimal(min(round(figure * float(denominator) / scale), int(denominator) if scale == 100
                                else 10 ** 9))
        value = ratio_value(numerator, denominator, indicator.unit)
    else:
        value = Decimal(max(0, round(figure)))
    if not gap and (index == count - 1 or rng.random() < 0.85):  # on most figures, and always the latest
        commentary = _commentary(indicator, index, count, value, previous)
    entered_by = leads.get(data_return.agency_id) or manager
    entered_at = _stamp(period.end + datetime.timedelta(days=rng.randint(3, 12)), hour=rng.randint(9, 16))
    figure_row = Value(indicator=indicator, period=period, data_return=data_return, numerator=numerator,
                       denominator=denominator, value=value, commentary=commentary, entered_by=entered_by,
                       entered_at=entered_at, provisional=data_return.status in (S.REQUESTED, S.SUBMITTED))
    figure_row._history_user = entered_by
    figure_row._history_date = entered_at
    return figure_row


def _commentary(indicator: Indicator, index: int, count: int, value: Decimal, previous: Value | None) -> str:
    lines = COMMENTARY.get(indicator.code) or [""]
    line = lines[-1] if index == count - 1 else lines[index * len(lines) // count]
    if previous is None or previous.value is None or indicator.cumulative:
        return line
    change = value - previous.value
    if abs(change) < SAME_WITHIN:
        moved = f"The same as in {previous.period}."
    else:
        moved = f"{'Up' if change > 0 else 'Down'} from {format_value(previous.value, indicator.unit)} in " \
                f"{previous.period}."
    return f"{moved} {line}".strip()


def _year_to_date(period: Period, index: int) -> int:
    """Serious incident notifications so far this financial year, up to and including this quarter."""
    quarter_of_year = Quarter.containing(period.start).number - 1  # 0 for April to June
    first = max(0, index - quarter_of_year)
    return sum(SERIOUS_INCIDENTS_PER_QUARTER[first:index + 1])


def _turn_the_curve(people: dict, agencies: dict, leads: dict, manager) -> int:
    made = 0
    for code, record in TURN_THE_CURVE.items():
        indicator = Indicator.objects.filter(code=code).select_related("owner_agency").first()
        if indicator is None or TurnTheCurve.objects.filter(indicator=indicator).exists():
            continue
        fields = {k: v for k, v in record.items() if k != "action"}
        ttc = TurnTheCurve(indicator=indicator, updated_by=leads.get(indicator.owner_agency_id) or manager, **fields)
        ttc._history_user = ttc.updated_by
        ttc.save()
        made += 1
        title, description, owner_name, priority_code = record["action"]
        owner_agency = agencies[owner_name]
        action_create(by=manager, title=title, description=description, owner_agency=owner_agency,
                      owner=leads.get(owner_agency.pk), priority=Priority.objects.filter(code=priority_code).first(),
                      due_date=timezone.localdate() + datetime.timedelta(days=75), source=ttc,
                      status=Action.Status.AGREED)
    return made
