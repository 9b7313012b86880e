"""Agencies of the partnership and its priorities."""
from django.db import models
from django.urls import reverse

from .actions import ActionSource


class Sector(models.TextChoices):
    LA_CHILDRENS = "la_childrens", "Local authority children's services"
    EDUCATION = "education", "Education (local authority)"
    SCHOOL = "school", "School"
    HEALTH_ICB = "health_icb", "Health: integrated care board"
    ACUTE_TRUST = "acute_trust", "Health: acute trust"
    COMMUNITY_HEALTH = "community_health", "Health: community health"
    MENTAL_HEALTH = "mental_health", "Health: mental health"
    POLICE = "police", "Police"
    PROBATION = "probation", "Probation"
    YOUTH_JUSTICE = "youth_justice", "Youth justice"
    VOLUNTARY = "voluntary", "Voluntary and community"
    EARLY_YEARS = "early_years", "Early years"
    OTHER = "other", "Other"


class AgencyQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)


class Agency(models.Model):
    name = models.CharField(max_length=200, unique=True)
    short_name = models.CharField(max_length=60, blank=True)
    sector = models.CharField(max_length=32, choices=Sector.choices)
    statutory_partner = models.BooleanField(
        "Statutory safeguarding partner", default=False,
        help_text="The local authority, the integrated care board or the police.",
    )
    section11_duty = models.BooleanField("Has a Section 11 duty", default=False)
    active = models.BooleanField(default=True)
    works_in_other_partnerships = models.BooleanField(default=False)

    objects = AgencyQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"

    def __str__(self):
        return self.name

    @property
    def display_name(self):
        return self.short_name or self.name


class Priority(ActionSource):
    action_source_kind = "priority"

    code = models.SlugField(max_length=40, unique=True)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    journey_stages = models.ManyToManyField(
        "partnership.JourneyStage", blank=True, related_name="+",
        help_text="The stages of the child's journey the priority is about: Section 11 standards and review "
                  "recommendations tagged with them count as its evidence.")

    class Meta:
        ordering = ["order", "title"]
        verbose_name_plural = "priorities"

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("priority-detail", args=[self.pk])
