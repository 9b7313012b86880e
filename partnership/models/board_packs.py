"""A quarter's board pack as the board receives it: drafted, approved by the chair, then published and frozen."""
from django.conf import settings
from django.db import models

from .base import HasPage, TimeStampedModel, VersionedModel, status_is


class BoardPack(HasPage, TimeStampedModel, VersionedModel):
    """The business unit drafts the chair's narrative and the board's asks, the chair approves, and publishing
    makes the PDF once: it is stored here with its SHA-256 and never made again nor changed. A later version for
    the same quarter is a new pack; every published one stays downloadable."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        APPROVED = "approved", "Approved by the chair"
        PUBLISHING = "publishing", "Being published"
        PUBLISHED = "published", "Published"

    STATUS_COLOURS = {Status.DRAFT: "grey", Status.APPROVED: "blue", Status.PUBLISHING: "grey",
                      Status.PUBLISHED: "green"}  # {% status_tag %}
    FROZEN = (Status.PUBLISHING, Status.PUBLISHED)  # its one PDF made or being made: nothing in it changes

    period_code = models.CharField(max_length=10, help_text="The quarter, e.g. 2026-Q2.")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    narrative = models.TextField(
        "Chair's narrative", blank=True,
        help_text="What the quarter says, in the chair's words. Leave a blank line between paragraphs.")
    asks = models.TextField(
        "What the board is asked to note or decide", blank=True,
        help_text="One item on each line, for example: Note the Section 11 completion; Decide on the audit theme.")
    drafted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+")
    published_at = models.DateTimeField(null=True, blank=True)
    as_at = models.DateTimeField(null=True, blank=True, help_text="The moment the published figures were read at.")
    pdf = models.BinaryField(null=True, blank=True, editable=False)
    sha256 = models.CharField(max_length=64, blank=True)
    summary = models.JSONField(default=dict, blank=True, help_text="The published pack's opening page, as data.")

    class Meta:
        ordering = ["-period_code", "-pk"]

    def __str__(self):
        return f"Board pack {self.period_code} ({self.get_status_display()})"

    url_name = "board-pack"

    @property
    def label(self) -> str:
        """ "2026-27 Q2" (the quarter as every page names it)."""
        from partnership.dates import Quarter, QuarterError

        try:
            return Quarter.parse(self.period_code).label
        except QuarterError:
            return self.period_code

    @property
    def status_words(self) -> str:
        """What the PDF says it is: a pack being published is the published copy."""
        if self.status in self.FROZEN:
            return self.Status.PUBLISHED.label
        return self.get_status_display()

    is_editable = status_is(Status.DRAFT)
    is_published = status_is(Status.PUBLISHED)
    is_approved = status_is(Status.APPROVED, doc="Approved by the chair, not yet published.")
    is_publishing = status_is(Status.PUBLISHING, doc="Its PDF is being made, once, in the background.")

    @property
    def narrative_paragraphs(self) -> list[str]:
        return [p.strip() for p in self.narrative.replace("\r\n", "\n").split("\n\n") if p.strip()]

    @property
    def ask_lines(self) -> list[str]:
        return [line.strip(" -•\t") for line in self.asks.splitlines() if line.strip(" -•\t")]
