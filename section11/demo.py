"""Invented Section 11 demo data: a 2024 cycle submitted and moderated, a 2026 cycle in progress with
agencies in every state, and a 2026 schools cycle. Called by `manage.py seed_demo`; idempotent.
"""
import datetime
import random

from django.core.management import call_command
from django.utils import timezone

from partnership import history
from partnership.models import Action, Agency, Sector
from partnership.services.actions import action_create

from .models import Answer, ChallengeSession, Criterion, Cycle, Framework, RatingLevel, Return

NARRATIVES = [
    "Our safeguarding policy names the senior lead and was reviewed by the board in March.",
    "Audit of 20 staff files in June: 18 fully compliant, two missing a second reference (now fixed).",
    "Training records show 94% of front-line staff completed level 2 within the last three years.",
    "Supervision notes sampled quarterly show safeguarding discussed in 9 of 10 sessions.",
    "Referrals to the Children and Families Hub are checked monthly against the referral standard.",
    "We ask families for feedback after every assessment; themes go to the quality board.",
]
IMPACTS = [
    "Staff now escalate disagreements earlier; three escalations resolved within a week this year.",
    "Earlier referrals: median time from concern to referral fell from 4 days to 1.",
    "Families tell us they understand why we are involved and what will happen next.",
]


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

    old, created = Cycle.objects.get_or_create(name="Section 11 2024", defaults={
        "framework": framework, "opens_on": datetime.date(2024, 9, 16), "deadline": datetime.date(2024, 11, 29),
        "status": Cycle.Status.CLOSED, "launched_at": timezone.now() - datetime.timedelta(days=800),
        "launched_by": manager})
    if created:
        old.agencies.set(s11_agencies)
        for index, agency in enumerate(s11_agencies):
            ret = _return(old, agency)
            if index % 9 == 8:
                continue  # a few agencies never returned in 2024
            _answer(ret, rng, bias[agency.pk] + 0.25, people)
            _submit(ret, people, moderate_by=qa, signed_off=True)

    current, created = Cycle.objects.get_or_create(name="Section 11 2026", defaults={
        "framework": framework, "opens_on": today - datetime.timedelta(days=45),
        "deadline": today + datetime.timedelta(days=21), "status": Cycle.Status.OPEN, "previous": old,
        "launched_at": timezone.now() - datetime.timedelta(days=45), "launched_by": manager})
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
                _answer(ret, rng, bias[agency.pk], people, share=rng.choice([0.3, 0.6, 0.85]))
                continue
            _answer(ret, rng, bias[agency.pk], people)
            _submit(ret, people, moderate_by=qa if state != "submitted" else None, signed_off=state == "signed_off")
            if state == "returned":
                history.update(Return.objects.filter(pk=ret.pk),
                               status=Return.Status.RETURNED, returned_at=timezone.now() - datetime.timedelta(days=3),
                               return_message="Standard 6: please add the date of your last single central record "
                                              "audit and upload the audit summary.")
        _challenge_and_actions(current, people)

    schools_cycle, created = Cycle.objects.get_or_create(name="Schools safeguarding audit 2026", defaults={
        "framework": schools_framework, "opens_on": today - datetime.timedelta(days=70),
        "deadline": today - datetime.timedelta(days=6), "status": Cycle.Status.OPEN,
        "launched_at": timezone.now() - datetime.timedelta(days=70), "launched_by": manager})
    if created:
        schools_cycle.agencies.set(schools)
        for index, school in enumerate(schools):
            ret = _return(schools_cycle, school)
            if index % 3 == 2 or school.short_name == "Wandle Valley Primary":
                if school.short_name == "Wandle Valley Primary":
                    _answer(ret, rng, bias[school.pk], people, share=0.4)
                continue  # late: not started, or in progress
            _answer(ret, rng, bias[school.pk], people, share=1.0 if index % 3 == 0 else 0.5)
            history.update(Return.objects.filter(pk=ret.pk),
                           dsl_name="Designated safeguarding lead (named in school records)",
                           dsl_trained_on=today - datetime.timedelta(days=300), governor_name="Chair of governors")
            if index % 3 == 0:
                _submit(ret, people, moderate_by=None, signed_off=False)
    stdout.write(f"Section 11: {Cycle.objects.count()} cycles, {Return.objects.count()} returns, "
                 f"{Answer.objects.count()} answers.")


def _return(cycle: Cycle, agency) -> Return:
    ret = Return.objects.create(cycle=cycle, agency=agency)
    criteria = Criterion.objects.filter(standard__framework=cycle.framework)
    history.bulk_create([Answer(ret=ret, criterion=c) for c in criteria])
    return ret


def _lead(ret, people):
    for user in people.values():
        if user.agency_id == ret.agency_id:
            return user
    return None


def _answer(ret: Return, rng: random.Random, bias: float, people: dict, share: float = 1.0) -> None:
    levels = list(RatingLevel.objects.filter(scale=ret.cycle.framework.scale).order_by("order"))  # best first
    lead = _lead(ret, people)
    answers = list(ret.answers.select_related("criterion"))
    for answer in answers[: max(1, int(len(answers) * share))]:
        roll = rng.random()
        if roll < 0.04:
            answer.not_applicable = True
            answer.not_applicable_reason = "We do not provide this service directly; it is commissioned."
        else:
            # Most agencies rate most criteria at the top of the scale; weaker ones (higher bias) less so.
            score = rng.random() * 0.7 + bias * 0.5
            position = 0 if score < 0.55 else 1 if score < 0.85 else 2
            answer.rating = levels[min(position, len(levels) - 1)]
        answer.narrative = rng.choice(NARRATIVES)
        answer.impact = rng.choice(IMPACTS)
        answer.status = Answer.Status.DONE
        answer.updated_by = lead
    history.bulk_update(answers, ["rating", "not_applicable", "not_applicable_reason", "narrative", "impact",
                                         "status", "updated_by"])
    history.update(Return.objects.filter(pk=ret.pk),
                   status=Return.Status.IN_PROGRESS, completed_by=lead,
                   started_at=timezone.now() - datetime.timedelta(days=30))


def _submit(ret: Return, people: dict, *, moderate_by, signed_off: bool) -> None:
    lead = _lead(ret, people)
    when = ret.cycle.deadline - datetime.timedelta(days=5)
    stamp = timezone.make_aware(datetime.datetime.combine(when, datetime.time(10)))
    history.update(Return.objects.filter(pk=ret.pk),
                   status=Return.Status.SIGNED_OFF if signed_off else Return.Status.SUBMITTED, submitted_at=stamp,
                   submitted_by=lead, senior_officer=lead, signed_off_at=stamp if signed_off else None,
                   signed_off_by=lead if signed_off else None, deputy_name="Deputy safeguarding lead")
    if moderate_by is not None:
        levels = list(RatingLevel.objects.filter(scale=ret.cycle.framework.scale).order_by("order"))
        answers = list(ret.answers.filter(rating__isnull=False).select_related("rating"))
        for index, answer in enumerate(answers):
            position = levels.index(answer.rating)
            if index % 4 == 0 and position < len(levels) - 1:
                position += 1  # moderation is usually a little harsher than self-assessment
            answer.moderated_rating = levels[position]
            answer.moderator_comment = "" if index % 4 else "Evidence supports a lower rating for now."
            answer.moderated_by = moderate_by
            answer.moderated_at = stamp
        history.bulk_update(answers, ["moderated_rating", "moderator_comment", "moderated_by",
                                             "moderated_at"])


def _challenge_and_actions(cycle: Cycle, people: dict) -> None:
    manager = people["manager@example.org"]
    ret = Return.objects.filter(cycle=cycle, agency__short_name="Merton Children's Services").first()
    if ret is None:
        return
    ChallengeSession.objects.create(
        ret=ret, held_on=timezone.localdate() - datetime.timedelta(days=7),
        panel_members="Independent chair, QA subgroup\nPartnership business manager\nDesignated nurse",
        agency_attendees="Head of quality assurance\nPrincipal social worker",
        questions="How do you know practitioners recognise neglect early?\n"
                  "What has changed since the 2024 challenge session?",
        outcome="The panel accepted the self-assessment with a lower rating for standard 5 until the training "
                "audit is complete.", letter_signatory="Partnership business manager", created_by=manager)
    red = ret.answers.filter(moderated_rating__colour="red").select_related("criterion").first() \
        or ret.answers.select_related("criterion").first()
    if not Action.objects.filter(source_kind="section11").exists():
        action_create(by=manager, title=f"Close the gap on criterion {red.criterion.code}",
                      description="Audit a sample of cases and report the results to the QA subgroup.",
                      owner_agency=ret.agency, owner=_lead(ret, people),
                      due_date=timezone.localdate() + datetime.timedelta(days=60), source=red,
                      status=Action.Status.AGREED)
