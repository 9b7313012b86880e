"""Invented Section 11 demo data: a 2024 cycle (on the partnership template as it stood then) submitted and
moderated, a 2026 cycle in progress with agencies in every state, and a 2026 schools cycle. Each return and answer
is saved through its story (launched, started, rated, submitted, signed off, moderated), its history dated when
that happened. Called by `manage.py seed_demo`; idempotent.
"""
import datetime
import random

from django.core.management import call_command
from django.utils import timezone

from partnership import history
from partnership.demo_dates import at, between, by_now
from partnership.models import Action, Agency, Sector
from partnership.services.actions import action_create

from .models import Answer, ChallengeSession, Criterion, Cycle, Framework, RatingLevel, Return, Standard

# What each standard's work changed for children, standard by standard (written for the standard, so it fits each
# of its criteria).
IMPACTS = {
    "partnership-s11": [
        "The board now sees safeguarding performance every quarter and has twice moved money to close a gap it found.",
        "Staff survey: 92% know where the safeguarding policy is and what it asks of them (81% last time).",
        "Safeguarding queries reach a manager faster: 9 in 10 escalations answered within two working days.",
        "Two services were redesigned this year after feedback from children and parents.",
        "Practitioners who completed the training make earlier, better-evidenced referrals.",
        "No unsafe appointment found at the last single central record check; every reference was verified.",
        "Partners tell us our contributions to strategy discussions and conferences are timely and useful.",
        "Information is shared on the day it is needed; no review this year found a delay caused by us.",
    ],
    "schools-kcsie": [
        "The DSL team covers every school day, so no concern waits for a named person.",
        "Staff record concerns the same day; the DSL hears of low-level worries before they grow.",
        "Filtering alerts and attendance patterns now reach the DSL within a day.",
        "The single central record is complete at every check; nobody starts before their checks.",
        "Low-level concerns are logged and reviewed termly; staff know how to raise one.",
        "Pupils say they know who to talk to about harassment; reports are dealt with in a week.",
    ],
}
OTHER_IMPACT = "Our last audit found this in place in the cases we sampled, and families noticed the difference."
# A narrative for each rating position (best first): the criterion's own statement and evidence.
NARRATIVE_FORMS = [
    "In place. {statement} We can show this through {evidence}, checked at our last internal safeguarding audit.",
    "Partly in place. {statement} This holds in most teams but not yet all; our evidence so far is {evidence}.",
    "Not yet in place. {statement} We have started on {evidence} and report progress to our safeguarding board.",
]
NOT_APPLICABLE_FORM = ("Not applicable to us directly. {statement} The service is commissioned: we check the "
                       "provider's {evidence} at contract monitoring.")


def narrative_for(criterion: Criterion, position: int | None, rng: random.Random) -> str:
    """How the agency knows it meets `criterion` at rating `position` (0 = best; None: not applicable), citing the
    criterion's own evidence."""
    examples = criterion.evidence_examples_list or ["our own case records"]
    chosen = rng.sample(examples, min(2, len(examples)))
    evidence = " and ".join(e[0].lower() + e[1:] if e[1:2].islower() else e for e in chosen)  # "DSL" stays
    form = NOT_APPLICABLE_FORM if position is None else NARRATIVE_FORMS[min(position, len(NARRATIVE_FORMS) - 1)]
    return form.format(statement=criterion.text.strip(), evidence=evidence)


def impact_for(criterion: Criterion) -> str:
    standard = criterion.standard
    impacts = IMPACTS.get(standard.framework.code, [])
    return impacts[standard.number - 1] if standard.number <= len(impacts) else OTHER_IMPACT


# The demo personas' agencies are in the states a first-time visitor would want to try.
DEMO_STATES = {"Met Police SW BCU": "in_progress", "SWL ICB": "not_started", "Safe Homes": "returned",
               "Merton Children's Services": "signed_off", "CLCH": "submitted"}


def seed(*, stdout, people: dict, agencies: dict) -> None:
    call_command("load_section11_frameworks", stdout=stdout)
    framework = Framework.objects.get(code="partnership-s11", version="2026")
    schools_framework = Framework.objects.get(code="schools-kcsie")
    manager = people["manager@example.org"]
    qa = people["qa@example.org"]
    today = timezone.localdate()
    s11_agencies = list(Agency.objects.filter(section11_duty=True, active=True).exclude(short_name="MSCP"))
    schools = list(Agency.objects.filter(sector=Sector.SCHOOL, active=True))
    rng = random.Random(11)
    bias = {a.pk: rng.choice([0.0, 0.2, 0.4, 0.6]) for a in s11_agencies + schools}

    opened = datetime.date(2024, 9, 16)
    old, created = Cycle.objects.get_or_create(name="Section 11 2024", defaults={
        "framework": earlier_version(framework, "2023"), "opens_on": opened, "deadline": datetime.date(2024, 11, 29),
        "status": Cycle.Status.CLOSED, "launched_at": at(opened, 9), "launched_by": manager})
    if created:
        old.agencies.set(s11_agencies)
        for index, agency in enumerate(s11_agencies):
            ret = _return(old, agency)
            if index % 9 == 8:
                continue  # a few agencies never returned in 2024
            submitted = at(old.deadline - datetime.timedelta(days=1 + index % 9))
            _answer(ret, rng, bias[agency.pk] + 0.25, people, until=submitted)
            _submit(ret, people, submitted=submitted, moderate_by=qa, signed_off=True)

    opened = today - datetime.timedelta(days=45)
    current, created = Cycle.objects.get_or_create(name="Section 11 2026", defaults={
        "framework": framework, "opens_on": opened, "deadline": today + datetime.timedelta(days=21),
        "status": Cycle.Status.OPEN, "previous": old, "launched_at": at(opened, 9), "launched_by": manager})
    if created:
        current.agencies.set(s11_agencies)
        states = ["signed_off", "submitted", "in_progress", "signed_off", "returned", "not_started", "in_progress",
                  "submitted", "signed_off", "in_progress"]
        for index, agency in enumerate(s11_agencies):
            ret = _return(current, agency)
            state = DEMO_STATES.get(agency.short_name, states[index % len(states)])
            if state == "not_started":
                continue
            if state == "in_progress":
                _answer(ret, rng, bias[agency.pk], people, share=rng.choice([0.3, 0.6, 0.85]),
                        until=by_now(at(today)))
                continue
            submitted = at(today - datetime.timedelta(days=10 + index % 8))
            _answer(ret, rng, bias[agency.pk], people, until=submitted)
            _submit(ret, people, submitted=submitted, moderate_by=qa if state != "submitted" else None,
                    signed_off=state == "signed_off")
            if state == "returned":
                returned = by_now(at(today - datetime.timedelta(days=3)))
                history.update(Return.objects.filter(pk=ret.pk), date=returned, user=manager,
                               status=Return.Status.RETURNED, returned_at=returned,
                               return_message="Standard 6: please add the date of your last single central record "
                                              "audit and upload the audit summary.")
        _challenge_and_actions(current, people)

    opened = today - datetime.timedelta(days=70)
    schools_cycle, created = Cycle.objects.get_or_create(name="Schools safeguarding audit 2026", defaults={
        "framework": schools_framework, "opens_on": opened, "deadline": today - datetime.timedelta(days=6),
        "status": Cycle.Status.OPEN, "launched_at": at(opened, 9), "launched_by": manager})
    if created:
        schools_cycle.agencies.set(schools)
        for index, school in enumerate(schools):
            ret = _return(schools_cycle, school)
            if index % 3 == 2 or school.short_name == "Wandle Valley Primary":
                if school.short_name == "Wandle Valley Primary":
                    _answer(ret, rng, bias[school.pk], people, share=0.4, until=by_now(at(today)))
                continue  # late: not started, or in progress
            submitted = at(schools_cycle.deadline - datetime.timedelta(days=5))
            _answer(ret, rng, bias[school.pk], people, share=1.0 if index % 3 == 0 else 0.5, until=submitted)
            history.update(Return.objects.filter(pk=ret.pk), date=ret.started_at,
                           dsl_name="Designated safeguarding lead (named in school records)",
                           dsl_trained_on=today - datetime.timedelta(days=300), governor_name="Chair of governors")
            if index % 3 == 0:
                _submit(ret, people, submitted=submitted, moderate_by=None, signed_off=False)
    stdout.write(f"Section 11: {Cycle.objects.count()} cycles, {Return.objects.count()} returns, "
                 f"{Answer.objects.count()} answers.")


def earlier_version(framework: Framework, version: str) -> Framework:
    """The template as it stood at an earlier `version` (invented: the same standards and criteria, so answers copy
    across by code), retired now. A cycle runs on a framework that existed when it opened."""
    earlier, created = Framework.objects.get_or_create(code=framework.code, version=version, defaults={
        "name": framework.name, "audience": framework.audience, "scale": framework.scale, "active": False,
        "description": framework.description})
    if created:
        for standard in framework.standards.prefetch_related("criteria"):
            copy = Standard.objects.create(framework=earlier, number=standard.number, title=standard.title,
                                           description=standard.description)
            Criterion.objects.bulk_create([
                Criterion(standard=copy, code=c.code, text=c.text, guidance=c.guidance,
                          evidence_examples=c.evidence_examples, order=c.order) for c in standard.criteria.all()])
    return earlier


def _return(cycle: Cycle, agency) -> Return:
    """The agency's return and its answers, as the cycle's launch made them."""
    ret = Return(cycle=cycle, agency=agency)
    history.create_dated(ret, cycle.launched_at)
    criteria = Criterion.objects.filter(standard__framework=cycle.framework)
    history.bulk_create([Answer(ret=ret, criterion=c) for c in criteria], model=Answer, date=cycle.launched_at)
    return ret


def _lead(ret, people):
    for user in people.values():
        if user.agency_id == ret.agency_id:
            return user
    return None


def _answer(ret: Return, rng: random.Random, bias: float, people: dict, *, until: datetime.datetime,
            share: float = 1.0) -> None:
    """The lead starts the return a few days after the launch and rates criteria one by one until `until`."""
    levels = list(RatingLevel.objects.filter(scale=ret.cycle.framework.scale).order_by("order"))  # best first
    lead = _lead(ret, people)
    started = ret.cycle.launched_at + datetime.timedelta(days=2 + ret.agency_id % 8, hours=1)
    history.update(Return.objects.filter(pk=ret.pk), date=started, user=lead, status=Return.Status.IN_PROGRESS,
                   completed_by=lead, started_at=started)
    ret.started_at = started
    answers = list(ret.answers.select_related("criterion__standard__framework"))
    answers = answers[: max(1, int(len(answers) * share))]
    for index, answer in enumerate(answers):
        roll = rng.random()
        if roll < 0.04:
            answer.not_applicable = True
            answer.not_applicable_reason = "We do not provide this service directly; it is commissioned."
            position = None
        else:
            # Most agencies rate most criteria at the top of the scale; weaker ones (higher bias) less so.
            score = rng.random() * 0.7 + bias * 0.5
            position = 0 if score < 0.55 else 1 if score < 0.85 else 2
            answer.rating = levels[min(position, len(levels) - 1)]
        answer.narrative = narrative_for(answer.criterion, position, rng)
        answer.impact = impact_for(answer.criterion)
        answer.status = Answer.Status.DONE
        answer.updated_by = lead
        answer._history_date = between(started, until - datetime.timedelta(hours=2), (index + 1) / len(answers))
    history.bulk_update(answers, ["rating", "not_applicable", "not_applicable_reason", "narrative", "impact",
                                  "status", "updated_by"], user=lead)


def _submit(ret: Return, people: dict, *, submitted: datetime.datetime, moderate_by, signed_off: bool) -> None:
    """Submitted by the lead, signed off two days later by the agency's senior officer (someone else, by the emailed
    link), moderated a week after."""
    lead = _lead(ret, people)
    officer = f"{ret.agency.display_name} director of safeguarding"  # never the person who submitted (no account)
    domain = (lead.email.split("@")[-1] if lead else "example.org")
    history.update(Return.objects.filter(pk=ret.pk), date=submitted, user=lead, status=Return.Status.SUBMITTED,
                   submitted_at=submitted, submitted_by=lead, senior_officer=None, senior_officer_name=officer,
                   senior_officer_email=f"director.safeguarding@{domain}", deputy_name="Deputy safeguarding lead")
    if signed_off:  # by the emailed single-use link
        signed = by_now(submitted + datetime.timedelta(days=2))
        history.update(Return.objects.filter(pk=ret.pk), date=signed, user=None, status=Return.Status.SIGNED_OFF,
                       signed_off_at=signed, signed_off_by=None, signed_off_name=officer)
    if moderate_by is not None:
        moderated = by_now(submitted + datetime.timedelta(days=7))
        levels = list(RatingLevel.objects.filter(scale=ret.cycle.framework.scale).order_by("order"))
        answers = list(ret.answers.filter(rating__isnull=False).select_related("rating"))
        for index, answer in enumerate(answers):
            position = levels.index(answer.rating)
            if index % 4 == 0 and position < len(levels) - 1:
                position += 1  # moderation is usually a little harsher than self-assessment
            answer.moderated_rating = levels[position]
            answer.moderator_comment = "" if index % 4 else "Evidence supports a lower rating for now."
            answer.moderated_by = moderate_by
            answer.moderated_at = moderated
        history.bulk_update(answers, ["moderated_rating", "moderator_comment", "moderated_by", "moderated_at"],
                            date=moderated, user=moderate_by)


def _challenge_and_actions(cycle: Cycle, people: dict) -> None:
    manager = people["manager@example.org"]
    ret = Return.objects.filter(cycle=cycle, agency__short_name="Merton Children's Services").first()
    if ret is None:
        return
    held_on = timezone.localdate() - datetime.timedelta(days=7)
    session = ChallengeSession(
        ret=ret, held_on=held_on,
        panel_members="Independent chair, QA subgroup\nPartnership business manager\nDesignated nurse",
        agency_attendees="Head of quality assurance\nPrincipal social worker",
        questions="How do you know practitioners recognise neglect early?\n"
                  "What has changed since the 2024 challenge session?",
        outcome="The panel accepted the self-assessment with a lower rating for standard 5 until the training "
                "audit is complete.", letter_signatory="Partnership business manager", created_by=manager)
    history.create_dated(session, at(held_on, 14))
    red = ret.answers.filter(moderated_rating__colour="red").select_related("criterion").first() \
        or ret.answers.select_related("criterion").first()
    if not Action.objects.filter(source_kind="section11").exists():
        action_create(by=manager, title=f"Close the gap on criterion {red.criterion.code}",
                      description="Audit a sample of cases and report the results to the QA subgroup.",
                      owner_agency=ret.agency, owner=_lead(ret, people),
                      due_date=timezone.localdate() + datetime.timedelta(days=60), source=red,
                      status=Action.Status.AGREED)
