from django.conf import settings
from django.db import models

from .base import HasPage, status_is


class ReportExport(HasPage, models.Model):
    """A report generated in the background: queued → running → ready or failed."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    FINISHED = (Status.READY, Status.FAILED)  # nothing more will happen to it
    # {% status_tag %}: the words and colour its pages show
    STATUS_TAGS = {Status.QUEUED: ("Waiting to start", "grey"), Status.RUNNING: ("Being made", ""),
                   Status.READY: ("Ready", "green"), Status.FAILED: ("Failed", "red")}

    kind = models.CharField(max_length=60)
    parameters = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    file = models.FileField(upload_to="reports/%Y/%m/", blank=True)
    filename = models.CharField(max_length=200, blank=True)
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True, help_text="Last sign of life of the run making it.")
    runs = models.PositiveSmallIntegerField(default=0, help_text="Runs started to make it (a run that died is "
                                                                 "taken over by another).")
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]

    def __str__(self):
        return f"{self.kind} ({self.get_status_display()})"

    url_name = "partnership:export-detail"

    @property
    def title(self) -> str:
        """What the report is, in words (its registered title), never its kind's code."""
        from partnership.services.exports import export_title  # the registry imports this model

        return export_title(self.kind)

    is_ready = status_is(Status.READY, doc="Made: its file may be downloaded.")
    has_failed = status_is(Status.FAILED)

    @property
    def duration(self):
        if self.started_at and self.finished_at:
            return self.finished_at - self.started_at
        return None
