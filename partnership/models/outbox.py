"""The transactional outbox: the one way work leaves a request."""
from django.db import models
from django.utils import timezone

from .base import choice_is


class OutboxMessage(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        PUBLISHED = "published", "Published"
        FAILED = "failed", "Failed (gave up, before the outbox retried for ever)"

    # {% status_tag %}: the words and colour the outbox page shows
    STATUS_TAGS = {Status.PENDING: ("Waiting", "grey"), Status.PUBLISHED: ("Handed over, not sent", "yellow"),
                   Status.FAILED: ("Given up", "red")}

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
    """An email rendered inside the business transaction; sent at most once by its task.

    Sent through GOV.UK Notify (partnership.notify), it also holds Notify's id for it and the delivery status
    Notify last reported (partnership.services.notify); through SMTP both stay empty: SMTP only says it took it.
    """

    class Delivery(models.TextChoices):
        SENDING = "sending", "Sending"  # Notify's created, sending and pending
        DELIVERED = "delivered", "Delivered"
        PERMANENT_FAILURE = "permanent-failure", "Not delivered: address refused"  # no such address, or blocked
        TEMPORARY_FAILURE = "temporary-failure", "Not delivered: mailbox full"  # or out of office, unavailable
        TECHNICAL_FAILURE = "technical-failure", "Not delivered: Notify fault"

    FINAL = (Delivery.DELIVERED, Delivery.PERMANENT_FAILURE, Delivery.TEMPORARY_FAILURE, Delivery.TECHNICAL_FAILURE)
    FAILED = (Delivery.PERMANENT_FAILURE, Delivery.TEMPORARY_FAILURE, Delivery.TECHNICAL_FAILURE)

    to = models.EmailField()
    subject = models.CharField(max_length=250)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    key = models.CharField(max_length=200, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    notify_id = models.CharField("GOV.UK Notify id", max_length=36, blank=True, default="", db_index=True)
    delivery_status = models.CharField(max_length=20, choices=Delivery.choices, blank=True, default="")
    delivery_status_at = models.DateTimeField(null=True, blank=True, help_text="When Notify last reported it.")

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.subject} → {self.to}"

    delivery_failed = choice_is("delivery_status", *FAILED)

    @property
    def delivery_tag(self) -> str:
        """The GOV.UK tag colour of its delivery status."""
        return {"delivered": "green", "sending": "blue", "permanent-failure": "red"}.get(self.delivery_status,
                                                                                        "orange")
