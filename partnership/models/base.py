"""Base models every app may use."""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from ..links import pk_url


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


class StoredFile(models.Model):
    """An uploaded file, checked and stored under a random name by the upload funnel (`partnership.uploads`), with
    what was learnt of it then: the name it came with, its type by content, size and SHA-256, who sent it and when.
    It is served only through a permission-checked view (`partnership.downloads`). Each model declares its own
    `file` field (the folder it is stored in) and what the file belongs to."""

    stored_name = models.CharField(max_length=80)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return self.original_name


class HasPage:
    """A record with a page of its own: `url_name` names the route, which takes the record's pk
    (`get_absolute_url`, through `pk_url`, so a list of many records' links costs no reverse each)."""

    url_name: str

    def get_absolute_url(self) -> str:
        return pk_url(self.url_name, self.pk)


def choice_is(field: str, *values, doc: str | None = None) -> property:
    """A model's predicate on one of its choice fields, as a property: `is_completion = choice_is("kind",
    Kind.COMPLETION)` makes `record.is_completion` True when `record.kind` is one of `values`. Templates and
    services ask the predicate, never the field against a value (docs/architecture.md: status is named once)."""
    def predicate(self) -> bool:
        return getattr(self, field) in values
    return property(predicate, doc=doc)


def status_is(*values, doc: str | None = None) -> property:
    """`choice_is` on the status field: `is_draft = status_is(Status.DRAFT)`, or a named set,
    `is_editable = status_is(*EDITABLE)`."""
    return choice_is("status", *values, doc=doc)


def text_needed_when(text_field: str, *, name: str, **when) -> models.CheckConstraint:
    """The database's rule that a record in a state (`when`, a lookup: `status="responded"`,
    `status__in=[...]`) has its text (`text_field`, not empty): a reason, a response, the evidence."""
    return models.CheckConstraint(condition=~Q(**when) | ~Q(**{text_field: ""}), name=name)
