"""Base models every app may use."""
from django.db import models


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class VersionedModel(models.Model):
    """Optimistic locking: services save with `save_versioned` which refuses a stale version."""

    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        abstract = True
