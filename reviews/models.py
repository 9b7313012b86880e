"""Serious incidents and practice reviews: referrals, screening, notifications, rapid reviews, LCSPRs.

Children are identified by case reference and pseudonym only (never names or dates of birth). Every read
of a case page is written to the append-only `ReviewAccessLog`. Clocks count working days
(partnership.dates); deadlines are fixed by the services when the anchor date is recorded.
"""
import datetime

from django.apps import apps
from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from partnership.child_details import ETHNICITY_CHOICES, ETHNICITY_NOT_KNOWN, AgeBand, Disability, Sex
from partnership.dates import add_months  # noqa: F401 - the reviews' deadlines count in months
from partnership.links import pk_url
from partnership.models import ActionSource, Role, Tagged
from partnership.models.base import HasPage, TimeStampedModel, VersionedModel, choice_is, status_is, text_needed_when

from .roles import is_reviews_user

USER = settings.AUTH_USER_MODEL


class AppendOnlyError(Exception):
    """The access log can be added to, never changed or deleted."""


class ReviewAccessLogQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("The reviews access log cannot be changed.")

    def delete(self):
        raise AppendOnlyError("The reviews access log cannot be deleted.")


class ReviewAccessLog(models.Model):
    """Who looked at or changed which incident or review record, and when. Append-only."""

    class Action(models.TextChoices):
        VIEW = "view", "Viewed"
        CREATE = "create", "Created"
        UPDATE = "update", "Updated"
        EXPORT = "export", "Exported"

    user = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    model_label = models.CharField(max_length=60)
    object_pk = models.PositiveIntegerField()
    case_reference = models.CharField(max_length=40, blank=True)
    action = models.CharField(max_length=10, choices=Action.choices, default=Action.VIEW)
    path = models.CharField(max_length=300, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = ReviewAccessLogQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["case_reference"]), models.Index(fields=["user", "at"])]

    def __str__(self):
        return f"{self.user_id} {self.action} {self.model_label}:{self.object_pk}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("The reviews access log cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("The reviews access log cannot be deleted.")

    @property
    def record_words(self) -> str:
        """What was read, in words: "Rapid review 5", or for a list page "The list of rapid reviews" or "The
        clocks" (reviews.access.log_listing), never the model's code."""
        if self.model_label == "reviews.clocks":
            return "The clocks of every open case"
        try:
            meta = apps.get_model(self.model_label)._meta
        except (LookupError, ValueError):
            return self.model_label
        name = meta.object_name if meta.object_name.isupper() else str(meta.verbose_name)  # "LCSPR", an acronym
        if not self.object_pk:
            return f"The list of {meta.object_name + 's' if meta.object_name.isupper() else meta.verbose_name_plural}"
        return f"{name[:1].upper()}{name[1:]} {self.object_pk}"


class Referral(HasPage, TimeStampedModel):
    """A case referred for consideration by any partner. The summary carries no names."""

    case_reference = models.CharField(max_length=40, unique=True, help_text="For example, MSCP-2026-07.")
    referring_agency = models.ForeignKey("partnership.Agency", on_delete=models.PROTECT, related_name="+")
    referred_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    referred_on = models.DateField()
    summary = models.TextField(help_text="What happened, without names or dates of birth.")
    history = HistoricalRecords()

    class Meta:
        ordering = ["-referred_on", "-pk"]

    def __str__(self):
        return self.case_reference

    url_name = "reviews:referral-detail"


class ScreeningDecision(TimeStampedModel):
    """The three partners' decision whether the case is notifiable, with the rationale (also for 'no')."""

    referral = models.OneToOneField(Referral, on_delete=models.PROTECT, related_name="screening")
    notifiable = models.BooleanField()
    rationale = models.TextField()
    decided_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    decided_on = models.DateField()
    history = HistoricalRecords()

    def __str__(self):
        return f"Screening of {self.referral}"


class ParallelProcess(models.TextChoices):
    POLICE = "police", "Police investigation"
    INQUEST = "inquest", "Inquest"
    CHILD_DEATH_REVIEW = "cdr", "Child death review"
    DHR = "dhr", "Domestic homicide review"
    SAR = "sar", "Safeguarding adult review"
    DISCIPLINARY = "disciplinary", "Disciplinary"


class Notification(HasPage, TimeStampedModel, VersionedModel):
    """A serious incident notification to the national Panel (or, for looked-after children and care
    leavers, to the Secretary of State and Ofsted). Due 5 working days after the LA became aware."""

    class Nature(models.TextChoices):
        DEATH = "death", "Death (abuse or neglect known or suspected)"
        SERIOUS_HARM = "serious_harm", "Serious harm (abuse or neglect known or suspected)"
        LAC_DEATH = "lac_death", "Death of a looked-after child"
        CARE_LEAVER_DEATH = "care_leaver_death", "Death of a care leaver (up to and including 24)"

    class Location(models.TextChoices):
        IN_AREA = "in_area", "In the area"
        OUTSIDE_ENGLAND = "outside_england", "Resident, harmed outside England"

    class Status(models.TextChoices):
        DRAFT = "draft", "Not yet notified"
        NOTIFIED = "notified", "Notified"

    DEADLINE_WORKING_DAYS = 5
    NO_RAPID_REVIEW = (Nature.LAC_DEATH, Nature.CARE_LEAVER_DEATH)

    referral = models.OneToOneField(Referral, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="notification")
    case_reference = models.CharField(max_length=40, unique=True)
    pseudonym = models.CharField(max_length=60, help_text="For example, Child R. Never a real name.")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    incident_on = models.DateField()
    became_aware_on = models.DateField()
    due_on = models.DateField(help_text="5 working days after the local authority became aware.")
    notified_on = models.DateField(null=True, blank=True)
    partners_told_on = models.DateField(null=True, blank=True)
    late_reason = models.TextField(blank=True)
    nature = models.CharField(max_length=20, choices=Nature.choices)
    suspected_suicide = models.BooleanField(default=False)
    location = models.CharField(max_length=20, choices=Location.choices, default=Location.IN_AREA)
    media_interest = models.BooleanField(default=False)
    parallel_processes = models.JSONField(default=list, blank=True)
    rules_version = models.CharField(max_length=20, default="2023")
    panel_reference = models.CharField(max_length=40, blank=True)
    agencies = models.ManyToManyField("partnership.Agency", blank=True, related_name="+")
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["-became_aware_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(status="draft") | Q(notified_on__isnull=False),
                                   name="reviews_notified_has_date"),
            models.CheckConstraint(condition=Q(notified_on__isnull=True) | Q(notified_on__lte=models.F("due_on"))
                                   | ~Q(late_reason=""), name="reviews_late_notification_reason"),
        ]

    def __str__(self):
        return self.case_reference

    url_name = "reviews:notification-detail"

    is_draft = status_is(Status.DRAFT, doc="Not yet sent: its details may still change.")
    is_notified = status_is(Status.NOTIFIED)

    @property
    def needs_rapid_review(self) -> bool:
        return self.nature not in self.NO_RAPID_REVIEW

    @property
    def is_late(self) -> bool:
        return self.notified_on is not None and self.notified_on > self.due_on

    def parallel_process_labels(self) -> list[str]:
        return [ParallelProcess(v).label for v in self.parallel_processes if v in ParallelProcess.values]


class NotifiedChild(models.Model):
    """One of up to four children in a notification: no name, no date of birth."""

    AgeBand = AgeBand  # the service's one scheme, and its standard categories (partnership.child_details)
    Sex = Sex
    Disability = Disability

    class LegalStatus(models.TextChoices):
        NONE = "none", "None"
        CIN = "cin", "Child in need"
        CPP = "cpp", "Child protection plan"
        LAC = "lac", "Looked after"
        CARE_LEAVER = "care_leaver", "Care leaver"

    MAX_PER_NOTIFICATION = 4

    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="children")
    age_band = models.CharField(max_length=10, choices=AgeBand.choices)
    sex = models.CharField(max_length=30, choices=Sex.choices)
    ethnicity = models.CharField(max_length=80, choices=ETHNICITY_CHOICES, default=ETHNICITY_NOT_KNOWN)
    disability = models.CharField(max_length=120, choices=Disability.choices, default=Disability.NOT_KNOWN)
    legal_status = models.CharField(max_length=12, choices=LegalStatus.choices, default=LegalStatus.NONE)
    history = HistoricalRecords()

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return f"{self.get_age_band_display()}, {self.get_sex_display()}"


class ReviewActionSource(ActionSource):
    """A serious-incident record that produces tracker actions: named and linked only for the reviews group,
    who follow every action of these kinds whichever agency owns it."""

    action_readers = (Role.REVIEWS_MEMBER,)
    hidden_kind_label = "A practice review action"

    class Meta:
        abstract = True

    @classmethod
    def kind_visible_to(cls, user) -> bool:
        """Serious-incident records are named, linked and counted only for the reviews group (and the business
        unit): everywhere else their actions are "a practice review action" and their tags are not counted."""
        return is_reviews_user(user)


class RapidReview(HasPage, TimeStampedModel, VersionedModel, Tagged, ReviewActionSource):
    """The rapid review that follows a notification, expected within 15 working days."""

    action_source_kind = "rapid_review"
    action_source_label = "A serious-incident rapid review"

    class Status(models.TextChoices):
        GATHERING = "gathering", "Gathering agency summaries"
        DECIDED = "decided", "Decision drafted, awaiting sign-off"
        SIGNED_OFF = "signed_off", "Signed off by the three partners"
        SENT = "sent", "Sent to the Panel"
        RESPONDED = "responded", "Panel has responded"

    CONTENT_OPEN = (Status.GATHERING, Status.DECIDED)  # content and decision may still change
    OPEN = (*CONTENT_OPEN, Status.SIGNED_OFF)  # not yet sent to the national Panel

    class Outcome(models.TextChoices):
        LCSPR = "lcspr", "Commission a local child safeguarding practice review"
        OTHER_LEARNING = "other_learning", "No LCSPR: other learning (single-agency review, audit, learning event)"
        NFA = "nfa", "No further action"

    class PanelResponse(models.TextChoices):
        AGREES = "agrees", "Agrees"
        RECONSIDER = "reconsider", "Asks the partnership to reconsider"
        MORE_INFORMATION = "more_information", "Asks for more information"
        NATIONAL_REVIEW = "national_review", "Considering a national review"

    DEADLINE_WORKING_DAYS = 15
    # Working day of the timetable on which each milestone falls (from the anchor date).
    MILESTONES = [
        ("summaries_requested", "Agency summaries requested", 1),
        ("summaries_due", "Agency summaries due", 10),
        ("panel_meeting", "Rapid review panel meets", 11),
        ("sign_off", "Partners sign off", 14),
        ("sent", "Sent to the Panel", 15),
    ]

    notification = models.OneToOneField(Notification, on_delete=models.PROTECT, related_name="rapid_review")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.GATHERING)
    anchor = models.CharField(max_length=10, default="notified", help_text="notified or aware")
    anchor_on = models.DateField()
    ANCHORED_ON_AWARENESS = "aware"  # the clock runs from the day the local authority became aware
    due_on = models.DateField()
    summaries_requested_on = models.DateField(null=True, blank=True)
    panel_met_on = models.DateField(null=True, blank=True)
    # Content
    context = models.TextField("Context of the child and family, including protected characteristics", blank=True)
    incident = models.TextField("The incident", blank=True)
    practice_episodes = models.TextField("Key practice episodes and analysis", blank=True)
    strengths = models.TextField(blank=True)
    learning = models.TextField(blank=True)
    immediate_actions = models.TextField("Immediate safeguarding actions", blank=True)
    parallel_processes_note = models.TextField("Parallel processes", blank=True)
    # Decision
    criterion_a = models.BooleanField("(a) highlights or may highlight improvements needed", default=False)
    criterion_b = models.BooleanField("(b) highlights recurrent themes", default=False)
    criterion_c = models.BooleanField("(c) concerns two or more agencies working together", default=False)
    criterion_d = models.BooleanField("(d) the Panel thinks a local review more appropriate", default=False)
    decision_rationale = models.TextField(blank=True)
    outcome = models.CharField(max_length=16, choices=Outcome.choices, blank=True)
    panel_leading_national_review = models.BooleanField(default=False)
    decided_on = models.DateField(null=True, blank=True)
    decided_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    # Sign-off by the three safeguarding partners
    la_signed_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    la_signed_at = models.DateTimeField(null=True, blank=True)
    police_signed_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    police_signed_at = models.DateTimeField(null=True, blank=True)
    health_signed_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    health_signed_at = models.DateTimeField(null=True, blank=True)
    sent_on = models.DateField(null=True, blank=True)
    panel_response = models.CharField(max_length=20, choices=PanelResponse.choices, blank=True)
    panel_response_on = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    PARTNERS = [("la", "Local authority"), ("police", "Police"), ("health", "Health")]

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="gathering") | ~Q(outcome="") & ~Q(decision_rationale=""),
                name="reviews_rr_decision_needs_outcome_and_rationale",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["sent", "responded"]) | Q(
                    la_signed_at__isnull=False, police_signed_at__isnull=False, health_signed_at__isnull=False,
                    sent_on__isnull=False),
                name="reviews_rr_sent_needs_three_sign_offs",
            ),
        ]

    def __str__(self):
        return f"Rapid review {self.notification.case_reference}"

    anchored_on_awareness = choice_is("anchor", ANCHORED_ON_AWARENESS)

    url_name = "reviews:rapid-review-detail"

    @property
    def case_reference(self) -> str:
        return self.notification.case_reference

    is_open = status_is(*OPEN)
    can_change_content = status_is(*CONTENT_OPEN,
                                   doc="The content and the decision may change until the partners sign off.")

    @property
    def can_be_sent(self) -> bool:
        return self.status == self.Status.SIGNED_OFF and self.all_signed

    awaits_panel_response = status_is(Status.SENT)
    awaits_sign_off = status_is(Status.DECIDED)

    @property
    def decided_to_commission_lcspr(self) -> bool:
        """Signed off (and perhaps sent) with the decision to commission a local review."""
        return self.outcome == self.Outcome.LCSPR and self.status in (
            self.Status.SIGNED_OFF, self.Status.SENT, self.Status.RESPONDED)

    def sign_offs(self) -> list[dict]:
        return [{"key": key, "label": label, "by": getattr(self, f"{key}_signed_by"),
                 "at": getattr(self, f"{key}_signed_at")} for key, label in self.PARTNERS]

    @property
    def all_signed(self) -> bool:
        return all(getattr(self, f"{key}_signed_at") for key, _ in self.PARTNERS)

    def criteria_met(self) -> list[str]:
        return [self._meta.get_field(f).verbose_name for f in ("criterion_a", "criterion_b", "criterion_c",
                                                                "criterion_d") if getattr(self, f)]


class AgencySummary(HasPage, TimeStampedModel, VersionedModel):
    """An individual agency summary for a rapid review, written by that agency's designated lead."""

    rapid_review = models.ForeignKey(RapidReview, on_delete=models.CASCADE, related_name="summaries")
    agency = models.ForeignKey("partnership.Agency", on_delete=models.PROTECT, related_name="+")
    requested_on = models.DateField()
    due_on = models.DateField()
    submitted_on = models.DateField(null=True, blank=True)
    submitted_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    involvement = models.TextField("Your agency's involvement", blank=True)
    analysis = models.TextField("Analysis of practice", blank=True)
    learning = models.TextField("Learning", blank=True)
    immediate_actions = models.TextField("Immediate actions taken", blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["agency__name"]
        constraints = [
            models.UniqueConstraint(fields=["rapid_review", "agency"], name="reviews_one_summary_per_agency"),
        ]

    def __str__(self):
        return f"{self.agency} summary for {self.rapid_review_id}"

    url_name = "reviews:summary-write"

    @property
    def case_reference(self) -> str:
        return self.rapid_review.notification.case_reference


class LCSPR(HasPage, TimeStampedModel, VersionedModel, ReviewActionSource):
    """A local child safeguarding practice review commissioned from a rapid review decision."""

    action_source_kind = "lcspr"
    action_source_label = "A child safeguarding practice review"

    class Stage(models.TextChoices):
        DECIDED = "decided", "Decided"
        TOR_AGREED = "tor_agreed", "Terms of reference agreed"
        REVIEWER_APPOINTED = "reviewer_appointed", "Reviewer appointed"
        INFORMATION = "information", "Information gathering"
        DRAFT = "draft", "Draft"
        PARTNER_QA = "partner_qa", "Partner quality assurance"
        FINAL_APPROVED = "final_approved", "Final approved"
        PRE_PUBLICATION = "pre_publication", "Pre-publication notice sent"
        PUBLISHED = "published", "Published"
        IMPROVEMENTS_ONLY = "improvements_only", "Improvements published (not the full report)"
        DEFERRED = "deferred", "Publication deferred"
        MONITORING = "monitoring", "Action plan monitoring"
        CLOSED = "closed", "Closed"

    OPEN_STAGES = ("decided", "tor_agreed", "reviewer_appointed", "information", "draft", "partner_qa",
                   "final_approved", "pre_publication", "deferred")

    rapid_review = models.OneToOneField(RapidReview, on_delete=models.PROTECT, related_name="lcspr")
    stage = models.CharField(max_length=20, choices=Stage.choices, default=Stage.DECIDED)
    decided_on = models.DateField()
    reviewer_name = models.CharField(max_length=150, blank=True)
    terms_of_reference = models.TextField(blank=True)
    prepublication_notice_on = models.DateField(null=True, blank=True)
    planned_publication_on = models.DateField(null=True, blank=True)
    published_on = models.DateField(null=True, blank=True)
    deferred_reason = models.TextField(blank=True)
    published_title = models.CharField(max_length=120, blank=True, help_text='For example, "Child M".')
    history = HistoricalRecords()

    class Meta:
        ordering = ["decided_on", "pk"]
        constraints = [
            text_needed_when("deferred_reason", stage="deferred", name="reviews_lcspr_deferred_needs_reason"),
        ]

    def __str__(self):
        return f"LCSPR {self.rapid_review.notification.case_reference}"

    url_name = "reviews:lcspr-detail"

    @property
    def case_reference(self) -> str:
        return self.rapid_review.notification.case_reference

    @property
    def target_publication_on(self) -> datetime.date:
        return add_months(self.decided_on, 6)

    is_open = choice_is("stage", *OPEN_STAGES)


class LCSPRCheck(models.Model):
    """A progress or quality check by the partners, or a written request to the reviewer (regulation 14)."""

    class Kind(models.TextChoices):
        PROGRESS = "progress", "Progress check"
        QUALITY = "quality", "Quality check"
        WRITTEN_REQUEST = "written_request", "Written request for information or a draft (regulation 14)"

    lcspr = models.ForeignKey(LCSPR, on_delete=models.CASCADE, related_name="checks")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    on = models.DateField()
    note = models.TextField()
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["on", "pk"]

    def __str__(self):
        return f"{self._meta.verbose_name} on {self.on:%d/%m/%Y}"


class LCSPRDelay(models.Model):
    """A dated reason the review will miss its six-month target (parallel proceedings, inquest...)."""

    lcspr = models.ForeignKey(LCSPR, on_delete=models.CASCADE, related_name="delays")
    on = models.DateField()
    reason = models.TextField()
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["on", "pk"]

    def __str__(self):
        return f"{self._meta.verbose_name} on {self.on:%d/%m/%Y}"


class Recommendation(TimeStampedModel, Tagged, ReviewActionSource):
    """A recommendation of a rapid review or an LCSPR; each becomes actions in the shared tracker."""

    action_source_kind = "review_recommendation"
    action_source_label = "A recommendation of a serious-incident review"

    rapid_review = models.ForeignKey(RapidReview, on_delete=models.CASCADE, null=True, blank=True,
                                     related_name="recommendations")
    lcspr = models.ForeignKey(LCSPR, on_delete=models.CASCADE, null=True, blank=True,
                              related_name="recommendations")
    text = models.TextField()
    made_on = models.DateField(help_text="Date of the recommendation (or publication).")
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["made_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(rapid_review__isnull=False, lcspr__isnull=True)
                                   | Q(rapid_review__isnull=True, lcspr__isnull=False),
                                   name="reviews_recommendation_one_source"),
        ]

    def __str__(self):
        # Shown on the shared action tracker to people outside the reviews group: no case detail.
        return f"Practice review recommendation R-{self.pk}"

    def get_absolute_url(self):
        """The page of the LCSPR or rapid review it came from, from their ids (no record read for it)."""
        return pk_url(LCSPR.url_name, self.lcspr_id) if self.lcspr_id else pk_url(RapidReview.url_name,
                                                                                   self.rapid_review_id)

    @property
    def case_reference(self) -> str:
        return (self.lcspr.rapid_review if self.lcspr_id else self.rapid_review).notification.case_reference

    @property
    def response_due_on(self) -> datetime.date:
        return add_months(self.made_on, 2)

    @property
    def action_plan_due_on(self) -> datetime.date:
        return add_months(self.made_on, 3)

    @property
    def impact_review_due_on(self) -> datetime.date:
        return add_months(self.made_on, 12)
