"""The escalation ladder: how the partnership holds an agency to account when it does not engage.

Stage 1 is a letter from the business unit, stage 2 from the independent chair (or scrutineer), stage 3 a referral
to the lead safeguarding partners. Each stage is one record: the reason, the facts of the agency's accountability
profile it cites (kept as text as they stood that day, so the letter never changes), the letter's date, when a
response is due, and the response when it comes.
"""
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from ..history import person_field
from .base import HasPage, TimeStampedModel, VersionedModel, status_is, text_needed_when


class Escalation(HasPage, TimeStampedModel, VersionedModel):
    class Stage(models.IntegerChoices):
        BUSINESS_UNIT = 1, "Stage 1: letter from the business unit"
        CHAIR = 2, "Stage 2: letter from the independent chair"
        PARTNERS = 3, "Stage 3: referral to the lead safeguarding partners"

    class Status(models.TextChoices):
        OPEN = "open", "Open: awaiting a response"
        RESPONDED = "responded", "Response received"
        CLOSED = "closed", "Closed"

    OPEN_STATUSES = (Status.OPEN, Status.RESPONDED)
    STATUS_COLOURS = {Status.OPEN: "yellow", Status.RESPONDED: "blue", Status.CLOSED: "grey"}  # {% status_tag %}

    agency = models.ForeignKey("partnership.Agency", on_delete=models.PROTECT, related_name="escalations")
    stage = models.PositiveSmallIntegerField(choices=Stage.choices)
    previous = models.OneToOneField("self", on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="next_stage", help_text="The stage this one escalated.")
    reason = models.TextField("Why the partnership is escalating",
                              help_text="What the agency has not done, in plain words. No child's details.")
    cited_facts = models.TextField(blank=True, help_text="The profile's facts the letter cites, as they stood.")
    letter_date = models.DateField()
    response_due = models.DateField("Response due by")
    signatory = models.CharField(max_length=150)
    signatory_role = models.CharField(max_length=150)
    addressee = models.CharField(max_length=150, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    response_received_on = models.DateField(null=True, blank=True)
    response = models.TextField("The agency's response", blank=True)
    closed_on = models.DateField(null=True, blank=True)
    closing_note = models.TextField(blank=True)
    raised_by = person_field(blank=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-letter_date", "-pk"]
        indexes = [models.Index(fields=["agency", "status"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(response_due__gte=models.F("letter_date")),
                                   name="escalation_response_due_after_letter"),
            text_needed_when("response", status="responded", name="escalation_responded_needs_response"),
        ]

    def __str__(self):
        return f"{self.agency}: stage {self.stage}"

    url_name = "escalation-detail"

    @property
    def reference(self) -> str:
        return f"ESC-{self.pk:03d}"

    is_open = status_is(*OPEN_STATUSES)

    @property
    def stage_words(self) -> str:
        return self.Stage(self.stage).label

    @property
    def cited_lines(self) -> list[str]:
        return [line for line in self.cited_facts.splitlines() if line.strip()]

    def response_overdue_on(self, day) -> bool:
        return self.status == self.Status.OPEN and day > self.response_due

    is_responded = status_is(Status.RESPONDED)

    def status_tag_parts(self) -> tuple[str, str]:
        """Its tag: "Response overdue" in red while an open escalation's response is late, else its status."""
        if self.response_due and self.response_overdue_on(timezone.localdate()):
            return "Response overdue", "red"
        return self.get_status_display(), self.STATUS_COLOURS[self.status]
