"""Learning and development: the training offer, public bookings, attendance, evaluation and briefings.

Delegates are not users: they book with a work email and reach their booking and evaluations through
tokenised links. Only the SHA-256 of a token is stored; the raw token goes into the email link only.
"""
import datetime
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from partnership.dates import add_working_days, day_words, is_working_day
from partnership.models import Agency, Priority, Tagged
from partnership.models.base import HasPage, TimeStampedModel, VersionedModel, choice_is, status_is


class Level(models.Model):
    number = models.PositiveSmallIntegerField(unique=True)
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["number"]

    def __str__(self):
        return self.name


class Course(HasPage, TimeStampedModel, VersionedModel, Tagged):
    class Mode(models.TextChoices):
        IN_PERSON = "in_person", "In person"
        ONLINE_LIVE = "online_live", "Online (live)"
        E_LEARNING = "e_learning", "E-learning"

    class Duration(models.TextChoices):
        HALF_DAY = "half_day", "Half day"
        FULL_DAY = "full_day", "Full day"
        OTHER = "other", "Other (hours)"

    title = models.CharField(max_length=200)
    summary = models.TextField()
    level = models.ForeignKey(Level, on_delete=models.PROTECT, related_name="courses")
    audience = models.TextField(help_text="Who the course is for.")
    mode = models.CharField(max_length=20, choices=Mode.choices, default=Mode.IN_PERSON)
    duration = models.CharField(max_length=20, choices=Duration.choices, default=Duration.FULL_DAY)
    duration_hours = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True,
                                         help_text="Only for 'other' durations.")
    prerequisites = models.ManyToManyField("self", symmetrical=False, blank=True, related_name="required_by")
    priorities = models.ManyToManyField(Priority, blank=True, related_name="+")
    requires_manager_approval = models.BooleanField(default=False)
    responds_to = models.TextField(blank=True, help_text="Reviews or audits this course responds to.")
    active = models.BooleanField(default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["level__number", "title"]

    def __str__(self):
        return self.title

    url_name = "learning:course"

    is_in_person = choice_is("mode", Mode.IN_PERSON)

    @property
    def duration_label(self) -> str:
        if self.duration == self.Duration.OTHER and self.duration_hours:
            return f"{self.duration_hours.normalize()} hours"
        return self.get_duration_display()

    # Continuing professional development: the learning time of a half or full day, breaks left out.
    CPD_HOURS = {Duration.HALF_DAY: Decimal("3"), Duration.FULL_DAY: Decimal("6")}

    @property
    def cpd_hours(self) -> Decimal | None:
        """Hours of CPD the certificate states: the stated hours of an 'other' course, else the day's."""
        if self.duration == self.Duration.OTHER:
            return self.duration_hours
        return self.CPD_HOURS.get(self.duration)


class LearningOutcome(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="outcomes")
    text = models.CharField(max_length=300)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["course", "order", "pk"]

    def __str__(self):
        return self.text


class Session(HasPage, TimeStampedModel, VersionedModel):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        CANCELLED = "cancelled", "Cancelled"

    STATUS_COLOURS = {Status.SCHEDULED: "blue", Status.CANCELLED: "red"}  # {% status_tag %}

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="sessions")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    venue = models.TextField(blank=True, help_text="Address, for sessions in person.")
    online_link = models.URLField(blank=True, help_text="Shown only to confirmed delegates.")
    joining_instructions = models.TextField(blank=True, help_text="Shown only to confirmed delegates.")
    capacity = models.PositiveIntegerField()
    booking_cutoff_days = models.PositiveSmallIntegerField(default=2, help_text="Working days before the session.")
    cancellation_cutoff_days = models.PositiveSmallIntegerField(default=2,
                                                                help_text="Working days before the session.")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SCHEDULED)
    history = HistoricalRecords()

    class Meta:
        ordering = ["starts_at", "pk"]
        constraints = [models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")),
                                              name="learning_session_ends_after_start")]

    def __str__(self):
        return f"{self.course.title}, {day_words(timezone.localtime(self.starts_at))}"

    url_name = "learning:session"

    @property
    def date(self) -> datetime.date:
        return timezone.localtime(self.starts_at).date()

    def _before(self, n: int) -> datetime.date:
        """`n` working days before the session's date (the date itself when n is 0)."""
        if not n:
            return self.date
        closures = getattr(self, "_closures", None)
        if closures is None:
            return add_working_days(self.date, -n)
        day = self.date
        while n:
            day -= datetime.timedelta(days=1)
            if is_working_day(day, closures=closures):
                n -= 1
        return day

    @property
    def booking_closes_on(self) -> datetime.date:
        """The last day a booking is taken: `booking_cutoff_days` working days before the session."""
        return self._before(self.booking_cutoff_days)

    @property
    def cancellation_closes_on(self) -> datetime.date:
        """The last day to cancel without it counting as a late cancellation."""
        return self._before(self.cancellation_cutoff_days)

    is_scheduled = status_is(Status.SCHEDULED)
    is_cancelled = status_is(Status.CANCELLED)

    def is_open_for_booking(self, today: datetime.date) -> bool:
        return self.is_scheduled and today <= self.booking_closes_on

    @classmethod
    def with_closures(cls, sessions: list["Session"]) -> list["Session"]:
        """Attach the closure days around these sessions (one query), so cut-offs need no more queries."""
        from partnership.dates import closure_days

        if sessions:
            dates = [s.date for s in sessions]
            closures = closure_days(min(dates) - datetime.timedelta(days=60), max(dates))
            for s in sessions:
                s._closures = closures
        return sessions

    @property
    def has_started(self) -> bool:
        return self.starts_at <= timezone.now()


class SessionTrainer(models.Model):
    """A trainer on a session; trainers lent by agencies count as trainer days given in kind."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="trainers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="+")
    name = models.CharField(max_length=200)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                               help_text="The agency that lends the trainer.")
    days = models.DecimalField(max_digits=4, decimal_places=1, default=Decimal("1.0"))

    def __str__(self):
        return self.name


class Booking(TimeStampedModel):
    class Status(models.TextChoices):
        REQUESTED = "requested", "Awaiting manager approval"
        CONFIRMED = "confirmed", "Confirmed"
        WAITING = "waiting", "On the waiting list"
        CANCELLED_BY_BOOKER = "cancelled_booker", "Cancelled by the delegate"
        CANCELLED_BY_COORDINATOR = "cancelled_coordinator", "Cancelled by the coordinator"
        DECLINED = "declined", "Not approved by the manager"

    class Attendance(models.TextChoices):
        UNMARKED = "", "Not marked"
        ATTENDED = "attended", "Attended"
        CANCELLED_IN_TIME = "cancelled_in_time", "Cancelled in time"
        LATE_CANCELLATION = "late_cancellation", "Late cancellation"
        NO_SHOW = "no_show", "No-show"

    ACTIVE = (Status.REQUESTED, Status.CONFIRMED, Status.WAITING)
    HOLDS_PLACE = (Status.REQUESTED, Status.CONFIRMED)
    STATUS_COLOURS = {Status.REQUESTED: "yellow", Status.CONFIRMED: "green", Status.WAITING: "yellow",
                      Status.CANCELLED_BY_BOOKER: "grey", Status.CANCELLED_BY_COORDINATOR: "grey",
                      Status.DECLINED: "grey"}  # {% status_tag %}

    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="bookings")
    name = models.CharField(max_length=200)
    email = models.EmailField(help_text="Work email, stored in lower case.")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    other_agency_name = models.CharField(max_length=200, blank=True)
    role = models.CharField(max_length=200)
    manager_email = models.EmailField(blank=True)
    status = models.CharField(max_length=30, choices=Status.choices)
    attendance = models.CharField(max_length=30, choices=Attendance.choices, blank=True, default="")
    cancelled_at = models.DateTimeField(null=True, blank=True)
    promoted_at = models.DateTimeField(null=True, blank=True)
    organisation_checked = models.BooleanField(
        default=True, help_text="False when the address is not at a domain of the chosen agency (an 'Other' "
                                "organisation, or an agency with no domains recorded).")
    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["session", "email"], condition=Q(status__in=["requested", "confirmed",
                                                                                          "waiting"]),
                                    name="learning_one_active_booking_per_email"),
            models.CheckConstraint(condition=Q(email=models.functions.Lower("email")),
                                   name="learning_booking_email_lower"),
        ]
        indexes = [models.Index(fields=["session", "status", "created_at"])]

    def __str__(self):
        return f"{self.name} – {self.session}"

    @property
    def agency_name(self) -> str:
        return str(self.agency) if self.agency_id else self.other_agency_name

    @property
    def certificate_number(self) -> str:
        """The certificate's own number, the same each time it is downloaded, and one the business unit can look
        up (the booking): LD-<year of the session>-<booking>."""
        return f"LD-{timezone.localtime(self.session.starts_at):%Y}-{self.pk:06d}"

    is_active = status_is(*ACTIVE)
    is_confirmed = status_is(Status.CONFIRMED, doc="A place is booked: the joining details are shown.")
    is_waiting = status_is(Status.WAITING, doc="On the waiting list.")
    is_requested = status_is(Status.REQUESTED, doc="Waiting for the manager's approval.")
    is_cancelled_by_coordinator = status_is(Status.CANCELLED_BY_COORDINATOR)
    is_late_cancellation = choice_is("attendance", Attendance.LATE_CANCELLATION,
                                     doc="Cancelled after the free cancellation date.")


class BookingRequest(models.Model):
    """A booking asked for on the public form, waiting for the address's owner to confirm it from the emailed link.

    It holds no place and appears on no list: a `Booking` is made only when the link is followed, before
    `expires_at`. Only the link's hash is stored. Unconfirmed requests are deleted a while after they expire."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=200)
    email = models.EmailField()
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    other_agency_name = models.CharField(max_length=200, blank=True)
    organisation_checked = models.BooleanField(default=False)
    role = models.CharField(max_length=200)
    manager_email = models.EmailField(blank=True)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    confirmed_at = models.DateTimeField(null=True, blank=True)
    booking = models.ForeignKey("Booking", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        indexes = [models.Index(fields=["expires_at"])]

    def __str__(self):
        return f"Booking request {self.pk} for session {self.session_id}"


class BookingToken(models.Model):
    """A link to a booking: `manage` (the personal booking page) or one evaluation stage (single use)."""

    class Purpose(models.TextChoices):
        MANAGE = "manage", "Manage the booking"
        APPROVE = "approve", "Manager approval"
        PRE = "pre", "Before the course"
        POST = "post", "After the course"
        FOLLOW_UP = "follow_up", "Follow-up"

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="tokens")
    purpose = models.CharField(max_length=20, choices=Purpose.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"{self.get_purpose_display()} link for booking {self.booking_id}"


class BookingReminder(models.Model):
    """A reminder or invitation sent to a delegate: once per (booking, stage), ever."""

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="reminders")
    stage = models.CharField(max_length=40)
    sent_on = models.DateField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["booking", "stage"], name="learning_reminder_once")]

    def __str__(self):
        return f"{self.stage} for booking {self.booking_id}"


class ConfidenceRating(models.Model):
    """Self-rated confidence against one learning outcome, before (pre) or after (post) the course: 1–10."""

    class Stage(models.TextChoices):
        PRE = "pre", "Before"
        POST = "post", "After"

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="ratings")
    outcome = models.ForeignKey(LearningOutcome, on_delete=models.CASCADE, related_name="ratings")
    stage = models.CharField(max_length=10, choices=Stage.choices)
    score = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["booking", "outcome", "stage"], name="learning_rating_once"),
            models.CheckConstraint(condition=Q(score__gte=1, score__lte=10), name="learning_rating_1_10"),
        ]

    def __str__(self):
        return f"{self.stage} {self.score}/10"


class PostCourseEvaluation(models.Model):
    booking = models.OneToOneField(Booking, on_delete=models.CASCADE, related_name="evaluation")
    quality = models.PositiveSmallIntegerField()
    relevance = models.PositiveSmallIntegerField()
    comments = models.TextField(blank=True)
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(quality__gte=1, quality__lte=5, relevance__gte=1, relevance__lte=5),
                                   name="learning_evaluation_1_5"),
        ]

    def __str__(self):
        return f"Evaluation of booking {self.booking_id}"


class FollowUp(models.Model):
    booking = models.OneToOneField(Booking, on_delete=models.CASCADE, related_name="follow_up")
    practice_changed = models.BooleanField()
    practice_change = models.TextField(blank=True)
    examples = models.TextField(blank=True)
    impact_on_children = models.TextField(blank=True)
    manager_involved = models.BooleanField(default=False)
    submitted_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"Follow-up of booking {self.booking_id}"


class Briefing(HasPage, TimeStampedModel, VersionedModel, Tagged):
    """A 7-minute briefing: the learning from a review, an audit or a theme, on one page."""

    class SourceKind(models.TextChoices):
        LOCAL_REVIEW = "local_review", "Local review"
        LOCAL_AUDIT = "local_audit", "Local audit"
        NATIONAL_REVIEW = "national_review", "National review"
        THEME = "theme", "Theme"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    STATUS_COLOURS = {Status.DRAFT: "grey", Status.PUBLISHED: "green"}  # {% status_tag %}

    title = models.CharField(max_length=200)
    background = models.TextField()
    why_it_matters = models.TextField()
    key_points = models.TextField(help_text="One point a line.")
    what_to_do = models.TextField(help_text="One action a line.")
    reflection_questions = models.TextField(help_text="One question a line.")
    source_kind = models.CharField(max_length=30, choices=SourceKind.choices)
    source_title = models.CharField(max_length=300, blank=True)
    source_reference = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    published_on = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-published_on", "title"]

    def __str__(self):
        return self.title

    url_name = "learning:briefing"

    is_draft = status_is(Status.DRAFT, doc="Only the L&D team sees it until it is published.")
    is_published = status_is(Status.PUBLISHED)

    @staticmethod
    def _lines(text: str) -> list[str]:
        return [line.strip(" -•\t") for line in text.splitlines() if line.strip(" -•\t")]

    @property
    def key_point_list(self):
        return self._lines(self.key_points)

    @property
    def what_to_do_list(self):
        return self._lines(self.what_to_do)

    @property
    def question_list(self):
        return self._lines(self.reflection_questions)


class BriefingUse(models.Model):
    """An agency's use of a briefing: where, when, with how many people, and what came of it."""

    briefing = models.ForeignKey(Briefing, on_delete=models.CASCADE, related_name="uses")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    team = models.CharField(max_length=200)
    used_on = models.DateField()
    attendees = models.PositiveIntegerField()
    reflections = models.TextField(blank=True)
    actions = models.TextField(blank=True)
    logged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    logged_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-used_on", "-pk"]

    def __str__(self):
        return f"{self.briefing_id} used by {self.team}"
