"""Legal holds: a record under an active hold is never anonymised or deleted by the retention job."""
from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords


class LegalHoldQuerySet(models.QuerySet):
    def active(self):
        return self.filter(released_at__isnull=True)


class LegalHold(models.Model):
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    record = GenericForeignKey("content_type", "object_id")
    reason = models.TextField()
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField(default=timezone.now)
    released_at = models.DateTimeField(null=True, blank=True)
    released_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    history = HistoricalRecords()

    objects = LegalHoldQuerySet.as_manager()

    class Meta:
        ordering = ["-set_at", "-pk"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self):
        return f"Hold on {self.content_type.name} {self.object_id}"

    @property
    def is_active(self) -> bool:
        return self.released_at is None
