"""The partnership's yearly report (Working Together 2023) and its feedback record ("you said, we did").

A yearly report covers any 12 months (a financial year by default). Its figures are never stored while it is a
draft: they are read from the records, as they stood at the period's end, each time it is made. The business
unit writes what only people can write (the scrutineer's assessment, the response to national reviews, the
priorities for the year ahead); the three safeguarding partners approve it; publishing makes the tagged PDF once
and keeps it here with its SHA-256. The publication record (date, web address, dates sent to the national Panel
and to the Department for Education) feeds the statutory-duties register (`partnership.yearly_duties`).
"""
import datetime

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from partnership.dates import day_words

from ..history import SET_NULL_KEEPING_HISTORY, person_field
from .base import HasPage, TimeStampedModel, VersionedModel, status_is


class SafeguardingPartner(models.TextChoices):
    """The three statutory safeguarding partners, and the agency sector each one is."""

    LOCAL_AUTHORITY = "local_authority", "Local authority"
    ICB = "icb", "Integrated care board"
    POLICE = "police", "Police"


# The sector of a statutory-partner agency whose lead approves for that partner (partnership.models.Sector).
PARTNER_SECTORS = {
    SafeguardingPartner.LOCAL_AUTHORITY: ("la_childrens", "education"),
    SafeguardingPartner.ICB: ("health_icb",),
    SafeguardingPartner.POLICE: ("police",),
}


class YearlyReport(HasPage, TimeStampedModel, VersionedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHING = "publishing", "Being published"
        PUBLISHED = "published", "Published"

    start = models.DateField(help_text="The first day the report covers.")
    end = models.DateField(help_text="The last day the report covers (12 months after the start, less a day).")
    label = models.CharField(max_length=60, help_text='"2025-26", or the months for another 12-month period.')
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    scrutineer_assessment = models.TextField(
        "The independent scrutineer's assessment", blank=True,
        help_text="In the scrutineer's words: how effective the arrangements have been. Leave a blank line "
                  "between paragraphs.")
    national_response = models.TextField(
        "Decisions and actions on national reviews' recommendations", blank=True,
        help_text="What the partnership decided and did about the national Panel's reviews and reports.")
    priorities_ahead = models.TextField(
        "Priorities for the year ahead", blank=True,
        help_text="One priority on each line, with what the partnership will do about it.")
    drafted_by = person_field(blank=False)
    published_by = person_field()
    as_at = models.DateTimeField(null=True, blank=True, help_text="The moment the published figures were read at.")
    pdf = models.BinaryField(null=True, blank=True, editable=False)
    sha256 = models.CharField(max_length=64, blank=True)
    # The publication record (typed by the business unit once the report is on the partnership's website).
    published_on = models.DateField("Date published on the website", null=True, blank=True)
    web_address = models.URLField("Web address", max_length=300, blank=True)
    sent_to_panel_on = models.DateField("Date sent to the national Panel", null=True, blank=True)
    sent_to_dfe_on = models.DateField("Date sent to the Department for Education", null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-start", "-pk"]

    def __str__(self):
        return f"Yearly report {self.label} ({self.get_status_display()})"

    url_name = "yearly-report"

    is_editable = status_is(Status.DRAFT)
    is_published = status_is(Status.PUBLISHED)
    is_publishing = status_is(Status.PUBLISHING, doc="Its PDF is being made, once, in the background.")

    @property
    def is_published_or_publishing(self) -> bool:
        """Frozen: approved and published, or its one PDF being made."""
        return self.status in (self.Status.PUBLISHING, self.Status.PUBLISHED)

    @property
    def months(self) -> str:
        return f"{self.start:%B %Y} to {self.end:%B %Y}"

    @staticmethod
    def paragraphs(text: str) -> list[str]:
        return [p.strip() for p in (text or "").replace("\r\n", "\n").split("\n\n") if p.strip()]

    @staticmethod
    def lines(text: str) -> list[str]:
        return [line.strip(" -•\t") for line in (text or "").splitlines() if line.strip(" -•\t")]

    @property
    def missing_text(self) -> list[str]:
        """The sections the business unit still has to write before the partners can approve."""
        return [str(self._meta.get_field(name).verbose_name) for name in
                ("scrutineer_assessment", "national_response", "priorities_ahead") if not getattr(self, name).strip()]

    @property
    def sent_by(self) -> datetime.date | None:
        """The later of the two dates it was sent (both are required)."""
        if self.sent_to_panel_on and self.sent_to_dfe_on:
            return max(self.sent_to_panel_on, self.sent_to_dfe_on)
        return None


class YearlyReportApproval(TimeStampedModel):
    """One safeguarding partner's approval of a yearly report: who approved for the partner, on what day, and who
    recorded it (the approver themself, or the business unit or chair recording an approval given at a meeting
    or by letter). Withdrawn (deleted, with history) when the report's text is reopened."""

    report = models.ForeignKey(YearlyReport, on_delete=models.CASCADE, related_name="approvals")
    partner = models.CharField(max_length=20, choices=SafeguardingPartner.choices)
    approver_name = models.CharField("Who approved it", max_length=150)
    approver_role = models.CharField("Their role", max_length=150, blank=True)
    approved_on = models.DateField("Date approved")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["partner"]
        constraints = [models.UniqueConstraint(fields=["report", "partner"], name="yearly_report_one_approval")]

    def __str__(self):
        return f"{self.get_partner_display()}: {self.approver_name}, {day_words(self.approved_on)}"


class Feedback(HasPage, TimeStampedModel, VersionedModel):
    """ "You said, we did": what the partnership heard from children, families or practitioners, and what changed
    because of it, linked to a priority or an action. Free text is checked for personal data like every form."""

    class Source(models.TextChoices):
        CHILDREN = "children", "Children and young people"
        FAMILIES = "families", "Parents, carers and families"
        PRACTITIONERS = "practitioners", "Practitioners"
        OTHER = "other", "Other"

    source = models.CharField("Who said it", max_length=20, choices=Source.choices)
    heard_on = models.DateField("When was it heard?")
    how_sought = models.CharField("How was it sought?", max_length=200, blank=True,
                                  help_text="For example: youth council session, practitioner survey.")
    heard = models.TextField("What was heard (you said)",
                             help_text="In general terms. Never name a child or give a date of birth.")
    changed = models.TextField("What changed (we did)", blank=True,
                               help_text="Leave blank until something has changed.")
    priority = models.ForeignKey("partnership.Priority", on_delete=SET_NULL_KEEPING_HISTORY, null=True, blank=True,
                                 related_name="feedback")
    action = models.ForeignKey("partnership.Action", on_delete=SET_NULL_KEEPING_HISTORY, null=True, blank=True,
                               related_name="feedback")
    recorded_by = person_field(blank=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-heard_on", "-pk"]
        verbose_name_plural = "feedback"

    def __str__(self):
        return f"{self.get_source_display()}, {day_words(self.heard_on)}"

    url_name = "partnership:feedback-edit"
