"""A large invented partnership for the benchmarks (`make bench`): the demo data, then enough rows to see how
the pages scale. Refused when DEBUG is off, like seed_demo.

    DEBUG=true DEMO_PASSWORD=... python manage.py seed_large [--scale N]

On top of `seed_demo` it brings the partnership to 60 agencies (every new one with a Section 11 duty and a
lead), 200 agency contributors (`bench-NNN@...example.org`, no usable password: the benchmark signs them in
by session), 200 quarterly indicators × 20 quarters with data returns and values, returns and answers for
every agency in the three Section 11 cycles, 20 audits with cases and agency audits, 50 serious-incident
cases (referrals, notifications, rapid reviews), 2,000 bookings across sessions and 500 more actions.
`--scale N` makes N times as many of each (600 agencies, 2,000 indicators, 5,000 actions... for 10: many
partnerships' worth of rows on one service), for the benchmark's many-partnerships goal (`bench.py --scale 10`).
Rows are written with bulk_create where nothing else depends on the services. Children are never named:
audits and reviews carry invented case references and age bands only. Not idempotent: run it on an empty
database (the benchmark makes a throwaway one).
"""
import datetime
import random
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from partnership import history
from partnership.models import Action, Agency, Priority, Role, Sector, User, UserRole

AGENCIES = 60
CONTRIBUTORS = 200
INDICATORS = 200
QUARTERS = 20
AUDITS = 20
REVIEWS = 50
BOOKINGS = 2000
ACTIONS = 500
SECTORS = [Sector.HEALTH_ICB, Sector.ACUTE_TRUST, Sector.COMMUNITY_HEALTH, Sector.MENTAL_HEALTH, Sector.EARLY_YEARS,
           Sector.VOLUNTARY, Sector.OTHER, Sector.YOUTH_JUSTICE]
BENCH_PREFIX = "bench-"


def _stamp(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


class Command(BaseCommand):
    help = "Load a large invented partnership (for the benchmarks) on top of the demo data. Refused when DEBUG is off."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Run even with DEBUG off (a test system).")
        parser.add_argument("--scale", type=int, default=1, help="N times the large partnership (default 1).")

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["force"]:
            raise CommandError("Demo data is only loaded with DEBUG on; it must never reach a live system.")
        call_command("seed_demo", stdout=self.stdout, force=options["force"])
        self.rng = random.Random(60)
        self.scale = max(1, options.get("scale") or 1)
        self.today = timezone.localdate()
        self.manager = User.objects.get(email="manager@example.org")
        with transaction.atomic():
            agencies = self._agencies()
            self._section11(agencies)
            self._performance(agencies)
            self._audits(agencies)
            self._reviews(agencies)
            self._learning(agencies)
            self._actions(agencies)
        self.stdout.write(self.style.SUCCESS("Large partnership ready: " + ", ".join(
            f"{n:,} {what}" for what, n in counts().items())))

    # --- the partnership: agencies, their leads and contributors
    def _agencies(self) -> list[Agency]:
        missing = AGENCIES * self.scale - Agency.objects.count()
        Agency.objects.bulk_create([
            Agency(name=f"Invented partner agency {n:02d}", short_name=f"Partner {n:02d}",
                   sector=SECTORS[n % len(SECTORS)], section11_duty=True, statutory_partner=False)
            for n in range(1, missing + 1)])
        agencies = list(Agency.objects.filter(active=True, section11_duty=True).exclude(short_name="MSCP")
                        .order_by("pk"))
        unusable = make_password(None)
        led = set(User.objects.filter(roles__role=Role.AGENCY_LEAD).values_list("agency_id", flat=True))
        leads = [User(email=f"{BENCH_PREFIX}lead-{a.pk}@example.org", full_name=f"Lead {a.pk}", agency=a,
                      job_title="Safeguarding lead", password=unusable) for a in agencies if a.pk not in led]
        contributors = [User(email=f"{BENCH_PREFIX}{n:03d}@example.org", full_name=f"Contributor {n:03d}",
                             agency=agencies[n % len(agencies)], job_title="Safeguarding practitioner",
                             password=unusable) for n in range(CONTRIBUTORS * self.scale)]
        User.objects.bulk_create(leads + contributors)
        made = {u.email: u.pk for u in User.objects.filter(email__startswith=BENCH_PREFIX)}
        history.bulk_create(
            [UserRole(user_id=made[u.email], role=Role.AGENCY_LEAD) for u in leads]
            + [UserRole(user_id=made[u.email], role=Role.AGENCY_CONTRIBUTOR) for u in contributors])
        return agencies

    # --- Section 11: every agency has a return with answers in each of the three cycles
    def _section11(self, agencies):
        from section11.demo import impact_for, narrative_for
        from section11.models import Answer, Criterion, Cycle, RatingLevel, Return

        cycles = list(Cycle.objects.select_related("framework").order_by("pk"))
        for cycle in cycles:
            schools = cycle.framework.code == "schools-kcsie"
            if not schools:
                cycle.agencies.add(*agencies)
            existing = set(cycle.returns.values_list("agency_id", flat=True))
            closed = cycle.status == Cycle.Status.CLOSED
            new = [Return(cycle=cycle, agency_id=agency_id,
                          status=Return.Status.SIGNED_OFF if closed else Return.Status.IN_PROGRESS,
                          started_at=_stamp(cycle.opens_on),
                          submitted_at=_stamp(cycle.deadline) if closed else None)
                   for agency_id in cycle.agencies.values_list("pk", flat=True) if agency_id not in existing]
            reached = _stamp(cycle.deadline if closed else cycle.opens_on)  # when the rows got to this state
            history.bulk_create(new, model=Return, date=reached)
            criteria = list(Criterion.objects.filter(standard__framework=cycle.framework)
                            .select_related("standard__framework").order_by("pk"))
            levels = list(RatingLevel.objects.filter(scale=cycle.framework.scale).order_by("order"))
            answers = []
            for ret in Return.objects.filter(cycle=cycle, agency_id__in=[r.agency_id for r in new]):
                share = 1.0 if closed else self.rng.choice([0.0, 0.3, 0.6])
                for index, criterion in enumerate(criteria):
                    done = index < len(criteria) * share
                    position = self.rng.randrange(len(levels))
                    answers.append(Answer(
                        ret=ret, criterion=criterion, rating=levels[position] if done else None,
                        narrative=narrative_for(criterion, position, self.rng) if done else "",
                        impact=impact_for(criterion) if done else "",
                        status=Answer.Status.DONE if done else Answer.Status.TO_DO))
            history.bulk_create(answers, model=Answer, date=reached, batch_size=2000)

    # --- performance: 200 quarterly indicators × 20 quarters, with data returns and values
    def _performance(self, agencies):
        from performance.models import DataReturn, Frequency, Indicator, Polarity, Quadrant, Unit, Value
        from performance.services.periods import latest_quarters

        periods = latest_quarters(QUARTERS, financial_year=self.today.year,
                                  ending_before=self.today - datetime.timedelta(days=45))
        priorities = list(Priority.objects.all()) or [None]
        missing = INDICATORS * self.scale - Indicator.objects.filter(active=True).count()
        quadrants, polarities = list(Quadrant.values), [Polarity.HIGHER, Polarity.LOWER]
        Indicator.objects.bulk_create([
            Indicator(code=f"large-{n:03d}", title=f"Invented indicator {n:03d}: children seen within timescale",
                      definition="An invented indicator for the large partnership.", unit=Unit.PERCENTAGE,
                      polarity=polarities[n % 2], quadrant=quadrants[n % len(quadrants)],
                      owner_agency=agencies[n % len(agencies)], frequency=Frequency.QUARTERLY, target=Decimal(75),
                      amber_tolerance=Decimal(2), red_tolerance=Decimal(8), priority=priorities[n % len(priorities)],
                      values_are_demo=True, order=100 + n)
            for n in range(missing)])
        indicators = list(Indicator.objects.filter(active=True, frequency=Frequency.QUARTERLY).order_by("order", "pk"))
        owners = {i.owner_agency_id for i in indicators}
        have = set(DataReturn.objects.filter(period__in=periods).values_list("agency_id", "period_id"))
        history.bulk_create([
            DataReturn(agency_id=agency_id, period=p, due_date=p.end + datetime.timedelta(days=30),
                       status=DataReturn.Status.VALIDATED, submitted_at=_stamp(p.end + datetime.timedelta(days=20)),
                       validated_at=_stamp(p.end + datetime.timedelta(days=25)), validated_by=self.manager)
            for agency_id in owners for p in periods if (agency_id, p.pk) not in have],
            model=DataReturn, date=lambda r: r.validated_at)
        returns = {(r.agency_id, r.period_id): r.pk for r in DataReturn.objects.filter(period__in=periods)}
        filled = set(Value.objects.filter(period__in=periods).values_list("indicator_id", "period_id"))
        history.bulk_create([
            Value(indicator=ind, period=p, data_return_id=returns[ind.owner_agency_id, p.pk],
                  value=Decimal(55 + (i * 7 + j * 3) % 40), entered_by=self.manager,
                  entered_at=_stamp(p.end + datetime.timedelta(days=10)),
                  commentary="Staffing, demand and what the partners are doing about it.")
            for i, ind in enumerate(indicators) for j, p in enumerate(periods) if (ind.pk, p.pk) not in filled],
            model=Value, date=lambda v: v.entered_at, batch_size=2000)

    # --- audits: 20 in all, each with invented case references, age bands and agency audits
    def _audits(self, agencies):
        from audits.demo import _audit
        from audits.models import Audit, AuditTool, Programme

        tool = AuditTool.objects.get(slug="general", version="2025")
        programme, _ = Programme.objects.get_or_create(year="2026-27")
        states = [Audit.Status.CLOSED, Audit.Status.MEETING, Audit.Status.IN_PROGRESS]
        for n in range(AUDITS * self.scale - Audit.objects.count()):
            start = (n * 5) % (len(agencies) - 6)
            _audit(programme, tool, f"Invented theme {n + 1:02d}", states[n % len(states)],
                   agencies[start:start + 6], cases=6, rng=self.rng,
                   grades_for=lambda c: "good" if c % 3 else "requires-improvement",
                   question="How well do agencies work together for these children?",
                   planned_month=datetime.date(2026, 4 + n % 9, 1),
                   agency_audits_due=self.today + datetime.timedelta(days=10 + n))

    # --- reviews: 50 serious-incident cases in every state of the clocks (through the services)
    def _reviews(self, agencies):
        from reviews.demo import _case
        from reviews.models import Notification

        by_short = {a.short_name: a for a in Agency.objects.all()}
        reviewer = User.objects.get(email="reviews@example.org")
        fates = ["draft", "notified_only", "gathering", "decided", "signed_off", "responded", "late_sent"]
        once = REVIEWS - Notification.objects.count()  # the cases of one large partnership, repeated at scale
        for n in range(once * self.scale):
            m = n % once  # the same dates and fates as at scale 1 (a fate's dates must lie in the past)
            involved = [agencies[(n * 3 + k) % len(agencies)].short_name for k in range(3)]
            _case(self.today, self.manager, reviewer, by_short, f"MSCP-L-{n + 1:03d}", f"Child L{n + 1}",
                  "serious_harm", 5 + m * 6, fates[m % len(fates)], involved)

    # --- learning: 2,000 bookings across sessions
    def _learning(self, agencies):
        from learning.models import Booking, Course, Session

        need = BOOKINGS * self.scale - Booking.objects.count()
        if need <= 0:
            return
        courses = list(Course.objects.exclude(mode="e_learning").order_by("pk"))
        capacity = 30
        count = -(-need // capacity)
        sessions = []
        for n in range(count):
            day = self.today + datetime.timedelta(days=-300 + n % (-(-BOOKINGS // capacity)) * 7)
            sessions.append(Session(course=courses[n % len(courses)], starts_at=_stamp(day, 9),
                                    ends_at=_stamp(day, 16), venue="Merton Civic Centre", capacity=capacity))
        history.bulk_create(sessions)
        sessions = list(Session.objects.filter(venue="Merton Civic Centre", capacity=capacity).order_by("pk"))
        bookings = []
        for n in range(need):
            session = sessions[n // capacity]
            agency = agencies[n % len(agencies)]
            past = session.starts_at < timezone.now()
            bookings.append(Booking(
                session=session, name=f"Delegate {n:04d}", email=f"delegate.{n:04d}@partner.example.org",
                agency=agency, role="Practitioner", status=Booking.Status.CONFIRMED,
                attendance=(Booking.Attendance.ATTENDED if n % 7 else Booking.Attendance.NO_SHOW) if past else ""))
        history.bulk_create(bookings, batch_size=2000)

    # --- actions across every agency
    def _actions(self, agencies):
        statuses = list(Action.Status.values)
        priorities = list(Priority.objects.all()) or [None]
        history.bulk_create([
            Action(title=f"Invented action {n:03d}: embed the learning in practice",
                   description="Brief the front line and audit ten cases in three months.",
                   owner_agency=agencies[n % len(agencies)], priority=priorities[n % len(priorities)],
                   due_date=self.today + datetime.timedelta(days=(n % 240) - 120), status=statuses[n % len(statuses)],
                   created_by=self.manager, source_kind="priority",
                   not_accepted_reason="Already covered by the agency's own plan.",
                   completion_evidence="Briefing notes and the audit summary.",
                   impact_evidence="Re-audit: 9 of 10 cases now meet the standard.")
            for n in range(ACTIONS * self.scale)], model=Action)


def counts() -> dict[str, int]:
    from audits.models import AgencyAudit, Audit, AuditCase
    from learning.models import Booking
    from performance.models import Indicator, Value
    from reviews.models import Notification, RapidReview, Referral
    from section11.models import Answer, Cycle, Return

    return {"agencies": Agency.objects.count(), "people": User.objects.count(),
            "indicators": Indicator.objects.filter(active=True).count(), "values": Value.objects.count(),
            "Section 11 cycles": Cycle.objects.count(), "returns": Return.objects.count(),
            "answers": Answer.objects.count(), "audits": Audit.objects.count(), "cases": AuditCase.objects.count(),
            "agency audits": AgencyAudit.objects.count(), "referrals": Referral.objects.count(),
            "notifications": Notification.objects.count(), "rapid reviews": RapidReview.objects.count(),
            "bookings": Booking.objects.count(), "actions": Action.objects.count()}
