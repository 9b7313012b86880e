"""Taxonomies any record can be tagged with: the child's journey and inspection/guidance criteria."""
from django.db import models

from .visibility import KindVisibility


class JourneyStage(models.Model):
    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order"]

    def __str__(self):
        return self.name


class InspectionFramework(models.Model):
    """An inspection framework or statutory guidance: ILACS, JTAI, Working Together 2023, KCSIE."""

    class Kind(models.TextChoices):
        INSPECTION = "inspection", "Inspection framework"
        GUIDANCE = "guidance", "Statutory guidance"

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    version = models.CharField(max_length=40, blank=True)
    grades = models.JSONField(default=list, blank=True, help_text="The framework's grading scale, if any.")
    description = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "name"]

    def __str__(self):
        return self.name


class InspectionCriterion(models.Model):
    framework = models.ForeignKey(InspectionFramework, on_delete=models.CASCADE, related_name="criteria")
    parent = models.ForeignKey("self", on_delete=models.CASCADE, null=True, blank=True, related_name="children")
    code = models.CharField(max_length=40)
    name = models.CharField(max_length=300)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["framework__order", "order", "code"]
        verbose_name_plural = "inspection criteria"
        constraints = [models.UniqueConstraint(fields=["framework", "code"], name="unique_criterion_code")]

    def __str__(self):
        return f"{self.framework.code.upper()} {self.code}: {self.name}"


class Tagged(KindVisibility, models.Model):
    """Mix into any record that is tagged with journey stages and inspection/guidance criteria."""

    journey_stages = models.ManyToManyField(JourneyStage, blank=True, related_name="+")
    inspection_criteria = models.ManyToManyField(InspectionCriterion, blank=True, related_name="+")

    class Meta:
        abstract = True


class TagChange(models.Model):
    """One tag put on or taken off a record, when it happened: the tags' history (append-only).

    Tags are many-to-many fields, which django-simple-history does not follow; a past period's coverage map
    replays these changes up to its moment (`partnership.tags.tags_at`). Written by signals on every tagged
    model (`partnership.tags.track`), so no code path can change a tag without leaving its change here.
    """

    class Kind(models.TextChoices):
        STAGE = "stage", "Journey stage"
        CRITERION = "criterion", "Inspection or guidance criterion"

    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    kind = models.CharField(max_length=10, choices=Kind.choices)
    tag_id = models.PositiveIntegerField()
    added = models.BooleanField(help_text="True: the tag was put on; False: it was taken off.")
    at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["content_type", "at"])]

    def __str__(self):
        return f"{'+' if self.added else '-'}{self.kind} {self.tag_id} on {self.content_type_id}/{self.object_id}"
