"""The transactional outbox: the one way work leaves a request."""
from django.db import models
from django.utils import timezone


class OutboxMessage(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        PUBLISHED = "published", "Published"
        FAILED = "failed", "Failed (gave up, before the outbox retried for ever)"

    task = models.CharField(max_length=200, help_text="The Celery task name to publish.")
    kwargs = models.JSONField(default=dict)
    dedup_key = models.CharField(max_length=200, unique=True, null=True, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    available_at = models.DateTimeField(default=timezone.now)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)
    alerted_at = models.DateTimeField(null=True, blank=True, help_text="When the business unit was told it waits.")

    class Meta:
        ordering = ["pk"]
        indexes = [models.Index(fields=["status", "available_at"])]

    def __str__(self):
        return f"{self.task} ({self.status})"


class EmailMessage(models.Model):
    """An email rendered inside the business transaction; sent at most once by its task."""

    to = models.EmailField()
    subject = models.CharField(max_length=250)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    key = models.CharField(max_length=200, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.subject} → {self.to}"
