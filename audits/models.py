"""Multi-agency case audits: the yearly programme, thematic audits, cases, agency returns, consensus, learning.

Children are never named: a case is a partnership reference (validated in `validators.py`) and an age band.
"""
from django.conf import settings
from django.db import models
from django.db.models.functions import Coalesce
from simple_history.models import HistoricalRecords

from partnership.child_details import AgeBand
from partnership.history import SET_NULL_KEEPING_HISTORY, person_field
from partnership.models import ActionSource, Agency, Tagged
from partnership.models.base import HasPage, TimeStampedModel, VersionedModel, status_is

from .validators import validate_case_reference


class Programme(HasPage, TimeStampedModel):
    year = models.CharField(max_length=7, unique=True, help_text="For example, 2025-26")
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["-year"]

    def __str__(self):
        return f"Audit programme {self.year}"

    url_name = "audits:programme"


# --- The audit tool (data, loaded from audits/tools/*.yaml)
class AuditTool(models.Model):
    slug = models.SlugField(max_length=60)
    version = models.CharField(max_length=20)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name", "-version"]
        constraints = [models.UniqueConstraint(fields=["slug", "version"], name="audit_tool_slug_version")]

    def __str__(self):
        return f"{self.name} (version {self.version})"


class ToolDomain(models.Model):
    tool = models.ForeignKey(AuditTool, on_delete=models.CASCADE, related_name="domains")
    code = models.SlugField(max_length=60)
    order = models.PositiveIntegerField(default=0)
    title = models.CharField(max_length=200)
    prompts = models.TextField(blank=True, help_text="One prompt a line.")
    is_overall = models.BooleanField(default=False)

    class Meta:
        ordering = ["tool", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["tool", "code"], name="audit_domain_tool_code")]

    def __str__(self):
        return self.title

    @property
    def prompt_list(self) -> list[str]:
        return [line.strip() for line in self.prompts.splitlines() if line.strip()]


class Grade(models.Model):
    tool = models.ForeignKey(AuditTool, on_delete=models.CASCADE, related_name="grades")
    code = models.SlugField(max_length=40)
    label = models.CharField(max_length=80)
    score = models.PositiveSmallIntegerField()
    order = models.PositiveIntegerField(default=0)
    good_or_better = models.BooleanField(default=False)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["tool", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["tool", "code"], name="audit_grade_tool_code")]

    def __str__(self):
        return self.label


# --- The one date an audit is reported by
# Every report that places an audit in a period (the board pack's quarter, the yearly report's year and its quarters,
# the priorities' evidence) places it by this date, so an audit belongs to one quarter only: the meeting at which
# its cases were graded or, when no meeting date is recorded, the day its report was agreed. (Selecting on either
# date counted an audit that met in one quarter and agreed its report in the next in both.)
REPORTED_ON = Coalesce("meeting_date", "report_agreed_on")  # for a queryset: .annotate(reported_on=REPORTED_ON)


def reported_on(audit):
    """REPORTED_ON for one audit (or one of its history rows)."""
    return audit.meeting_date or audit.report_agreed_on


# --- A thematic audit
class Audit(HasPage, TimeStampedModel, VersionedModel, Tagged, ActionSource):
    action_source_kind = "audit"

    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        SCOPING = "scoping", "Scoping"
        IN_PROGRESS = "in_progress", "Agency audits in progress"
        MEETING = "meeting", "Audit meeting"
        DRAFTING = "drafting", "Report drafting"
        AGREED = "agreed", "Report agreed"
        MONITORED = "monitored", "Actions monitored"
        CLOSED = "closed", "Closed"

    STATUS_COLOURS = {Status.PLANNED: "grey", Status.SCOPING: "purple", Status.IN_PROGRESS: "blue",
                      Status.MEETING: "yellow", Status.DRAFTING: "orange", Status.AGREED: "teal",
                      Status.MONITORED: "teal", Status.CLOSED: "green"}
    # Named stages (the pages, priorities' evidence and the agenda ask these, never a status string).
    BEFORE_MEETING = (Status.PLANNED, Status.SCOPING, Status.IN_PROGRESS)  # agency audits not all in yet
    CASES_REMOVABLE = (Status.PLANNED, Status.SCOPING)  # a case may still be taken out (added: BEFORE_MEETING)
    AT_MEETING = (Status.MEETING, Status.DRAFTING)  # consensus grades, findings and recommendations are written
    TAKES_ACTIONS = (Status.DRAFTING, Status.AGREED, Status.MONITORED)  # actions go to the tracker
    REPORT_AGREED = (Status.AGREED, Status.MONITORED, Status.CLOSED)  # its report is the partnership's
    UNDER_WAY = (Status.IN_PROGRESS, Status.MEETING, Status.DRAFTING)  # agencies' work on it open or in hand

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="audits")
    theme = models.CharField(max_length=200)
    question = models.TextField(blank=True, help_text="The question the audit asks.")
    terms_of_reference = models.TextField(blank=True)
    prompted_by = models.TextField(blank=True, help_text="The reviews, inspection findings or data that prompted it.")
    priority = models.ForeignKey("partnership.Priority", on_delete=SET_NULL_KEEPING_HISTORY, null=True, blank=True,
                                 related_name="+")
    sample_criteria = models.TextField(blank=True)
    agencies = models.ManyToManyField(Agency, blank=True, related_name="+")
    tool = models.ForeignKey(AuditTool, on_delete=models.PROTECT, related_name="audits")
    planned_month = models.DateField(null=True, blank=True, help_text="The first day of the planned month.")
    agency_audits_due = models.DateField(null=True, blank=True)
    meeting_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PLANNED)
    follow_up_of = models.ForeignKey("self", on_delete=SET_NULL_KEEPING_HISTORY, null=True, blank=True,
                                     related_name="follow_ups")
    inspection_mode = models.BooleanField("Inspection (JTAI) mode", default=False)
    summary = models.TextField(blank=True, help_text="The chair's summary for the report.")
    report_agreed_on = models.DateField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    history = HistoricalRecords(m2m_fields=[])

    class Meta:
        ordering = ["planned_month", "pk"]

    def __str__(self):
        return self.theme

    url_name = "audits:audit-detail"

    is_closed = status_is(Status.CLOSED)
    is_collecting = status_is(Status.IN_PROGRESS,
                              doc="Agency audits in progress: the agencies are auditing their cases.")

    is_before_meeting = status_is(*BEFORE_MEETING)
    cases_removable = status_is(*CASES_REMOVABLE)
    is_at_meeting = status_is(*AT_MEETING)
    takes_actions = status_is(*TAKES_ACTIONS)

    @property
    def reference(self) -> str:
        return f"MAA-{self.pk:03d}"


class AuditCase(HasPage, TimeStampedModel):
    AgeBand = AgeBand  # the service's one scheme (partnership.child_details)

    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="cases")
    case_reference = models.CharField(max_length=30, validators=[validate_case_reference])
    age_band = models.CharField(max_length=10, choices=AgeBand.choices)
    agencies = models.ManyToManyField(Agency, related_name="+")
    named_by_inspectors = models.BooleanField(default=False)
    discussion_notes = models.TextField(blank=True)

    class Meta:
        ordering = ["case_reference"]
        constraints = [models.UniqueConstraint(fields=["audit", "case_reference"], name="audit_case_unique_ref")]

    def __str__(self):
        return self.case_reference

    url_name = "audits:case-detail"


class AgencyAudit(HasPage, TimeStampedModel, VersionedModel):
    """One agency's single-agency audit of one case: a grade and notes per domain of the tool."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"

    # {% status_tag aa %}: the audit pages ask "outstanding or in?", so a draft is shown as outstanding.
    STATUS_TAGS = {Status.DRAFT: ("Outstanding", "yellow"), Status.SUBMITTED: ("Submitted", "green")}

    case = models.ForeignKey(AuditCase, on_delete=models.CASCADE, related_name="agency_audits")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    auditor = person_field()
    submitted_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["case", "agency__name"]
        constraints = [models.UniqueConstraint(fields=["case", "agency"], name="agency_audit_case_agency")]

    def __str__(self):
        return f"{self.agency} audit of {self.case}"

    url_name = "audits:agency-audit"

    is_draft = status_is(Status.DRAFT)


class AgencyAuditAnswer(models.Model):
    agency_audit = models.ForeignKey(AgencyAudit, on_delete=models.CASCADE, related_name="answers")
    domain = models.ForeignKey(ToolDomain, on_delete=models.PROTECT, related_name="+")
    grade = models.ForeignKey(Grade, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    good_practice = models.TextField(blank=True)
    areas_for_development = models.TextField(blank=True)
    recommendations = models.TextField(blank=True)

    class Meta:
        ordering = ["domain__order", "pk"]
        constraints = [models.UniqueConstraint(fields=["agency_audit", "domain"], name="agency_answer_domain")]

    def __str__(self):
        return f"{self.agency_audit}: {self.domain}"


class ImmediateConcern(HasPage, TimeStampedModel):
    """A child may be unsafe now: routed to the responsible agency at once, and must be acknowledged."""

    case = models.ForeignKey(AuditCase, on_delete=models.CASCADE, related_name="concerns")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+",
                               verbose_name="responsible agency")
    description = models.TextField()
    raised_by = person_field(blank=False)
    raised_at = models.DateTimeField()
    acknowledged_by = person_field()
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    action_taken = models.TextField(blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-raised_at", "-pk"]

    def __str__(self):
        return f"Immediate concern on {self.case}"

    url_name = "audits:concern-detail"

    @property
    def acknowledged(self) -> bool:
        return self.acknowledged_at is not None


class Meeting(TimeStampedModel):
    audit = models.OneToOneField(Audit, on_delete=models.CASCADE, related_name="meeting")
    held_on = models.DateField()
    attendees = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    attending_agencies = models.ManyToManyField(Agency, blank=True, related_name="+")
    notes = models.TextField(blank=True)

    def __str__(self):
        return f"Audit meeting for {self.audit}"


class ConsensusGrade(VersionedModel):
    """The grade the audit meeting agrees for one domain of one case. Versioned: two people recording the
    meeting's grades at once cannot revert each other's (`services.meeting.consensus_save`)."""

    case = models.ForeignKey(AuditCase, on_delete=models.CASCADE, related_name="consensus")
    domain = models.ForeignKey(ToolDomain, on_delete=models.PROTECT, related_name="+")
    grade = models.ForeignKey(Grade, on_delete=models.PROTECT, related_name="+")
    notes = models.TextField(blank=True)
    history = HistoricalRecords()  # a past period's board pack reads the grades as they stood then

    class Meta:
        ordering = ["domain__order"]
        constraints = [models.UniqueConstraint(fields=["case", "domain"], name="consensus_case_domain")]

    def __str__(self):
        return f"{self.case}: {self.domain} {self.grade}"


class Finding(TimeStampedModel, Tagged):
    class Kind(models.TextChoices):
        STRENGTH = "strength", "Strength"
        DEVELOPMENT = "development", "Area for development"

    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="findings")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    theme = models.CharField(max_length=120, help_text="Findings are grouped by theme in the report.")
    text = models.TextField()

    class Meta:
        ordering = ["theme", "kind", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.theme}"


class Recommendation(TimeStampedModel):
    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="recommendations")
    text = models.TextField()

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return self.text[:60]


class PractitionerFeedback(TimeStampedModel):
    case = models.ForeignKey(AuditCase, on_delete=models.CASCADE, related_name="feedback")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    given_on = models.DateField()
    given_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-given_on", "-pk"]
