"""Agencies of the partnership and its priorities."""
from django.db import models

from .actions import ActionSource
from .base import HasPage


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


def domain_list(text: str) -> list[str]:
    """"met.police.uk, @Police.uk" -> ["met.police.uk", "police.uk"]."""
    return [d.strip().lstrip("@").lower().rstrip(".") for d in (text or "").replace(",", " ").split() if d.strip("@.")]


def domain_matches(email: str, domains) -> bool:
    domain = (email or "").rpartition("@")[2].strip().lower().rstrip(".")
    return bool(domain) and any(domain == d or domain.endswith("." + d) for d in domains)


class AgencyQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)

    def partner_domains(self) -> list[str]:
        """Every active agency's staff email domains."""
        return [d for text in self.active().exclude(email_domains="").values_list("email_domains", flat=True)
                for d in domain_list(text)]


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
    email_domains = models.CharField(
        max_length=500, blank=True,
        help_text="The agency's staff email domains, separated by commas or spaces (for example: met.police.uk, "
                  "police.uk). A public booking for this agency must use an address at one of them, or a "
                  "sub-domain of one.")

    objects = AgencyQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"

    def __str__(self):
        return self.name

    @property
    def display_name(self):
        return self.short_name or self.name

    @property
    def domains(self) -> list[str]:
        return domain_list(self.email_domains)

    def clean(self):
        """A personal email provider is no agency's domain (partnership.work_email): the admin shows why."""
        from django.core.exceptions import ValidationError

        from ..work_email import personal_domains_in

        personal = personal_domains_in(self.domains)
        if personal:
            what = "it is a personal email provider" if len(personal) == 1 else "they are personal email providers"
            raise ValidationError({"email_domains": (
                f"Remove {', '.join(personal)}: {what}, not the agency's own domain. List the domains of the "
                "agency's work addresses")})

    def has_address(self, email: str) -> bool:
        """True when `email` is at one of the agency's domains (or a sub-domain of one)."""
        return domain_matches(email, self.domains)


class Priority(HasPage, ActionSource):
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

    url_name = "priority-detail"
