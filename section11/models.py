"""Section 11 (and schools' s175/s157) self-assessments: frameworks as data, one row per answer."""
from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from partnership.dates import day_words
from partnership.history import SET_NULL_KEEPING_HISTORY, person_field
from partnership.models import ActionSource, Agency, Tagged
from partnership.models.base import HasPage, StoredFile, TimeStampedModel, VersionedModel, choice_is, status_is


# --- Templates as data -------------------------------------------------------------------------
class RatingScale(models.Model):
    """A rating scale (RAG; Fully/Mostly/Partially/Not met; ...). Scores for charts come from here."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=120)
    allows_not_applicable = models.BooleanField(default=True)

    def __str__(self):
        return self.name

    @property
    def max_score(self) -> int:
        return max((lvl.score for lvl in self.levels.all()), default=0)


class RatingLevel(models.Model):
    class Colour(models.TextChoices):
        RED = "red", "Red"
        AMBER = "amber", "Amber"
        GREEN = "green", "Green"
        GREY = "grey", "Grey"

    scale = models.ForeignKey(RatingScale, on_delete=models.CASCADE, related_name="levels")
    code = models.SlugField(max_length=40)
    label = models.CharField(max_length=80)
    description = models.CharField(max_length=300, blank=True)
    score = models.PositiveSmallIntegerField(help_text="Higher is better. Used for charts and the heat map.")
    colour = models.CharField(max_length=10, choices=Colour.choices)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["scale", "order"]
        constraints = [models.UniqueConstraint(fields=["scale", "code"], name="unique_rating_level")]

    def __str__(self):
        return self.label

    @property
    def tag_colour(self) -> str:
        """Its colour as a GOV.UK tag (GOV.UK's amber is "yellow")."""
        return "yellow" if self.colour == self.Colour.AMBER else self.colour


class Framework(models.Model):
    """A versioned template of standards and criteria (the partnership template, KCSIE for schools)."""

    class Audience(models.TextChoices):
        AGENCIES = "agencies", "Partner agencies (Section 11)"
        SCHOOLS = "schools", "Schools and colleges (section 175/157, KCSIE)"

    code = models.SlugField(max_length=60)
    version = models.CharField(max_length=20)
    name = models.CharField(max_length=200)
    audience = models.CharField(max_length=20, choices=Audience.choices, default=Audience.AGENCIES)
    description = models.TextField(blank=True)
    scale = models.ForeignKey(RatingScale, on_delete=models.PROTECT, related_name="frameworks")
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name", "-version"]
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="unique_framework_version")]

    def __str__(self):
        return f"{self.name} ({self.version})"

    is_schools = choice_is("audience", Audience.SCHOOLS)


class Standard(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="standards")
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=250)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["framework", "number"]
        constraints = [models.UniqueConstraint(fields=["framework", "number"], name="unique_standard_number")]

    def __str__(self):
        return f"Standard {self.number}: {self.title}"

    def neighbours(self) -> tuple[int | None, int | None]:
        """The numbers of the standards before and after this one in its framework (one query)."""
        numbers = list(Standard.objects.filter(framework_id=self.framework_id).order_by("number")
                       .values_list("number", flat=True))
        index = numbers.index(self.number)
        return (numbers[index - 1] if index > 0 else None, numbers[index + 1] if index + 1 < len(numbers) else None)


class Criterion(Tagged):
    standard = models.ForeignKey(Standard, on_delete=models.CASCADE, related_name="criteria")
    code = models.CharField(max_length=20, help_text="e.g. 1.3")
    text = models.TextField()
    guidance = models.TextField(blank=True)
    evidence_examples = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["standard__number", "order"]
        verbose_name_plural = "criteria"
        constraints = [models.UniqueConstraint(fields=["standard", "code"], name="unique_s11_criterion_code")]

    def __str__(self):
        return f"{self.code} {self.text[:60]}"

    @property
    def evidence_examples_list(self) -> list[str]:
        return [e.strip() for e in self.evidence_examples.split(";") if e.strip()]


# --- Cycles and returns ------------------------------------------------------------------------
class Cycle(HasPage, TimeStampedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", "Being prepared"
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    STATUS_COLOURS = {Status.DRAFT: "grey", Status.OPEN: "blue", Status.CLOSED: "green"}  # {% status_tag %}

    name = models.CharField(max_length=120)
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="cycles")
    agencies = models.ManyToManyField(Agency, related_name="section11_cycles", blank=True)
    opens_on = models.DateField()
    deadline = models.DateField()
    cycle_length_months = models.PositiveSmallIntegerField(
        default=24, help_text="How often the partnership runs this self-assessment (for planning the next)."
    )
    previous = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        help_text="The cycle to compare with, and to copy answers from.",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    launched_at = models.DateTimeField(null=True, blank=True)
    launched_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")

    class Meta:
        ordering = ["-opens_on"]
        constraints = [
            models.CheckConstraint(condition=Q(deadline__gte=models.F("opens_on")), name="cycle_deadline_after_open")
        ]

    def __str__(self):
        return self.name

    url_name = "section11:cycle-detail"

    is_draft = status_is(Status.DRAFT, doc="Being prepared: not launched yet.")


def answered_q(prefix: str = "") -> Q:
    """The one rule for an answered criterion: rated or not applicable, and (when copied from the last return)
    confirmed as still holding. A copied answer waiting for its check is not answered yet: submission refuses it
    (`services.returns.missing_answers`), so no count may call it answered."""
    return (Q(**{f"{prefix}rating__isnull": False}) | Q(**{f"{prefix}not_applicable": True})) & Q(
        **{f"{prefix}needs_check": False})


def to_check_q(prefix: str = "") -> Q:
    """A copied answer not yet confirmed."""
    return Q(**{f"{prefix}needs_check": True})


@dataclass(frozen=True)
class StandardProgress:
    """One standard on a return's task list: its criteria answered (`answered_q`), copied to check
    (`to_check_q`), started (not to do) and in all; and where it stands, asked by name, never by a string."""

    standard: Standard
    total: int = 0
    answered: int = 0
    to_check: int = 0
    started: int = 0

    @property
    def is_completed(self) -> bool:
        """Every criterion answered."""
        return bool(self.total) and self.answered == self.total

    @property
    def needs_check(self) -> bool:
        """Not completed, and a copied answer waits for its check."""
        return not self.is_completed and bool(self.to_check)

    @property
    def is_in_progress(self) -> bool:
        return not self.is_completed and not self.to_check and bool(self.started)

    @property
    def is_not_started(self) -> bool:
        return not (self.is_completed or self.to_check or self.started)


class ReturnQuerySet(models.QuerySet):
    def with_progress(self):
        """Annotate answered (`answered_q`), copied-to-check and total criteria counts: one query. Pages show them
        through `{% return_progress ret %}` (section11/templatetags/section11_returns.py)."""
        return self.annotate(
            answered_count=Count("answers", filter=answered_q("answers__"), distinct=True),
            to_check_count=Count("answers", filter=to_check_q("answers__"), distinct=True),
            criteria_count=Count("answers", distinct=True),
        )


class Return(HasPage, TimeStampedModel, VersionedModel):
    """One agency's self-assessment in one cycle."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        IN_PROGRESS = "in_progress", "In progress"
        SUBMITTED = "submitted", "Submitted"
        SIGNED_OFF = "signed_off", "Signed off"
        RETURNED = "returned", "Returned for clarification"

    EDITABLE = (Status.NOT_STARTED, Status.IN_PROGRESS, Status.RETURNED)
    FINISHED = (Status.SUBMITTED, Status.SIGNED_OFF)  # the agency has made its return
    NOT_IN = EDITABLE  # the agency still owes its return (the agenda's late returns)
    STATUS_COLOURS = {Status.NOT_STARTED: "grey", Status.IN_PROGRESS: "", Status.SUBMITTED: "teal",
                      Status.SIGNED_OFF: "green", Status.RETURNED: "orange"}  # {% status_tag %}

    is_submitted = status_is(Status.SUBMITTED, doc="Submitted and waiting for its senior officer's sign-off.")
    is_returned = status_is(Status.RETURNED, doc="Sent back to the agency for clarification.")

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="returns")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="section11_returns")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NOT_STARTED)
    completed_by = person_field()
    deputy_name = models.CharField("Deputy contact", max_length=150, blank=True)
    deputy_email = models.EmailField("Deputy contact's email", blank=True)
    senior_officer = person_field(help_text="The senior officer who signs the return off, when they have an account.")
    senior_officer_name = models.CharField("Senior officer's name", max_length=150, blank=True,
                                           help_text="A senior officer without an account, who signs off by a link.")
    senior_officer_email = models.EmailField("Senior officer's email", blank=True)
    # Schools' header facts (section 175/157)
    dsl_name = models.CharField("Designated safeguarding lead", max_length=150, blank=True)
    dsl_trained_on = models.DateField("DSL last trained", null=True, blank=True)
    deputy_dsl_name = models.CharField("Deputy DSL", max_length=150, blank=True)
    deputy_dsl_trained_on = models.DateField("Deputy DSL last trained", null=True, blank=True)
    governor_name = models.CharField("Nominated safeguarding governor", max_length=150, blank=True)
    governors_reviewed_on = models.DateField("Governing body reviewed this return", null=True, blank=True)

    started_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = person_field()
    signed_off_at = models.DateTimeField(null=True, blank=True)
    signed_off_by = person_field()
    signed_off_name = models.CharField(max_length=150, blank=True)
    returned_at = models.DateTimeField(null=True, blank=True)
    return_message = models.TextField(blank=True)
    copied_from = models.ForeignKey("self", on_delete=SET_NULL_KEEPING_HISTORY, null=True, blank=True, related_name="+")
    history = HistoricalRecords()

    objects = ReturnQuerySet.as_manager()

    class Meta:
        ordering = ["agency__name"]
        constraints = [models.UniqueConstraint(fields=["cycle", "agency"], name="one_return_per_agency_per_cycle")]

    def __str__(self):
        return f"{self.agency} – {self.cycle}"

    url_name = "section11:return-detail"

    is_editable = status_is(*EDITABLE)

    @property
    def is_late(self) -> bool:
        """Computed, never stored: past the deadline and not yet submitted."""
        return self.is_late_on(timezone.localdate())

    def is_late_on(self, day) -> bool:
        """Late on `day`: past the deadline and not yet submitted (as the return stood then, for a past day)."""
        return self.status in self.EDITABLE and day > self.cycle.deadline

    is_done = status_is(*FINISHED, doc="Submitted or signed off: the agency has made its return.")

    @property
    def officer_name(self) -> str:
        return self.senior_officer.full_name if self.senior_officer_id else self.senior_officer_name

    @property
    def officer_email(self) -> str:
        return (self.senior_officer.email if self.senior_officer_id else self.senior_officer_email or "").lower()

    def sign_off_refusal(self, *, user=None, email: str = "") -> str | None:
        """The one rule for who may sign off: never the person who completed the return or submitted it (a person
        with an account by who they are, one without by their email). None when `user`/`email` may."""
        authors = [person for person in (self.completed_by, self.submitted_by) if person is not None]
        email = (email or (user.email if user is not None else "") or "").strip().lower()
        if any((user is not None and user.pk == person.pk) or (email and email == (person.email or "").lower())
               for person in authors):
            return ("The senior officer signs off someone else's work: they cannot be the person who completed "
                    "or submitted the return. Name another senior officer.")
        return None


class SignOffLink(models.Model):
    """The emailed single-use link by which the named senior officer signs a return off, with or without an
    account. Only the token's hash is stored (`partnership.tokens`)."""

    ret = models.ForeignKey(Return, on_delete=models.CASCADE, related_name="sign_off_links")
    email = models.EmailField()
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"Sign-off link for return {self.ret_id}"


class Answer(ActionSource, VersionedModel):
    """One criterion's answer in one return: workflow status and judgement are separate fields."""

    action_source_kind = "section11"

    class Status(models.TextChoices):
        TO_DO = "to_do", "To do"
        IN_PROGRESS = "in_progress", "In progress"
        DONE = "done", "Done"

    ret = models.ForeignKey(Return, on_delete=models.CASCADE, related_name="answers")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="answers")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.TO_DO)
    rating = models.ForeignKey(RatingLevel, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    not_applicable = models.BooleanField(default=False)
    not_applicable_reason = models.TextField(blank=True)
    narrative = models.TextField("How do you know?", blank=True)
    impact = models.TextField("Impact on children and families", blank=True)
    needs_check = models.BooleanField(
        default=False, help_text="Copied from the last return: confirm it still holds."
    )
    moderated_rating = models.ForeignKey(RatingLevel, on_delete=models.PROTECT, null=True, blank=True,
                                         related_name="+")
    moderator_comment = models.TextField(blank=True)
    moderated_by = person_field()
    moderated_at = models.DateTimeField(null=True, blank=True)
    updated_by = person_field()
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["criterion__standard__number", "criterion__order"]
        constraints = [
            models.UniqueConstraint(fields=["ret", "criterion"], name="one_answer_per_criterion"),
            models.CheckConstraint(
                condition=Q(not_applicable=False) | ~Q(not_applicable_reason=""),
                name="answer_not_applicable_needs_reason",
            ),
            models.CheckConstraint(
                condition=Q(not_applicable=False) | Q(rating__isnull=True),
                name="answer_not_applicable_has_no_rating",
            ),
        ]

    def __str__(self):
        return f"{self.ret} · {self.criterion.code}"

    def get_absolute_url(self):
        return reverse("section11:standard", args=[self.ret_id, self.criterion.standard.number]) + f"#c-{self.pk}"

    @property
    def is_answered(self) -> bool:
        return self.rating_id is not None or self.not_applicable

    @property
    def is_not_met(self) -> bool:
        """Rated at the scale's red level ("Not met", "No"): the partnership expects an improvement action."""
        return self.rating_id is not None and self.rating.colour == RatingLevel.Colour.RED

    # How the moderated rating compares with the agency's own, and its words on the moderation summary.
    AGREEMENT_WORDS = {"same": "Agrees", "lower": "Lower than self rating", "higher": "Higher than self rating",
                       "moderated": "Moderated", "not_moderated": ""}

    @property
    def agreement(self) -> str:
        """same, higher, lower, moderated (no self rating to compare) or not_moderated. Reads both ratings."""
        if self.moderated_rating_id is None:
            return "not_moderated"
        if self.rating_id is None:
            return "moderated"
        if self.moderated_rating.score == self.rating.score:
            return "same"
        return "higher" if self.moderated_rating.score > self.rating.score else "lower"

    @property
    def agreement_words(self) -> str:
        return self.AGREEMENT_WORDS[self.agreement]


def evidence_path(instance, filename):
    return f"section11/evidence/{instance.answer.ret.cycle_id}/{instance.stored_name}"


class Evidence(HasPage, StoredFile):
    """An uploaded evidence file on one answer: a `StoredFile` (a return copied from the last one points to the files
    it copied, which stay stored once)."""

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(upload_to=evidence_path, max_length=300)
    copied_from = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta(StoredFile.Meta):
        verbose_name_plural = "evidence"

    url_name = "section11:evidence-download"


class ChallengeSession(TimeStampedModel):
    """The partnership's challenge of an agency's return, and the feedback letter it produces."""

    ret = models.ForeignKey(Return, on_delete=models.CASCADE, related_name="challenge_sessions")
    held_on = models.DateField()
    panel_members = models.TextField(help_text="One per line: name and role.")
    agency_attendees = models.TextField(help_text="One per line: name and role.")
    questions = models.TextField("Questions asked", help_text="One per line.")
    outcome = models.TextField()
    letter_signatory = models.CharField(max_length=150, blank=True)
    created_by = person_field(blank=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-held_on"]

    def __str__(self):
        return f"Challenge session with {self.ret.agency} on {day_words(self.held_on)}"
