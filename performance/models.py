"""The performance framework: indicators as data, periods, agencies' data returns and their values.

RAG and direction of travel are computed (performance/rules.py), never stored.
"""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from partnership.contract import OBA_QUESTIONS
from partnership.history import person_field
from partnership.models import ActionSource, Agency, Priority, Tagged
from partnership.models.base import HasPage, TimeStampedModel, VersionedModel, choice_is, status_is


class Unit(models.TextChoices):
    COUNT = "count", "Count"
    PERCENTAGE = "percentage", "Percentage"
    RATE_PER_10K = "rate_per_10k", "Rate per 10,000 children"
    DAYS = "days", "Days"
    YES_NO = "yes_no", "Yes or no"


class Polarity(models.TextChoices):
    HIGHER = "higher", "Higher is better"
    LOWER = "lower", "Lower is better"
    NONE = "none", "Neither (context only)"


class Quadrant(models.TextChoices):
    """The OBA question an indicator answers: the first three of the partnership's four, in their values and words
    (`partnership.contract.OBA_QUESTIONS`); the fourth, what next, is answered by a plan, not a figure."""

    HOW_MUCH, HOW_WELL, BETTER_OFF = OBA_QUESTIONS[:3]


class Frequency(models.TextChoices):
    MONTHLY = "monthly", "Monthly"
    QUARTERLY = "quarterly", "Quarterly"
    TERMLY = "termly", "Termly"
    ANNUAL = "annual", "Annual"


class Indicator(ActionSource, Tagged):
    """One line of the dataset, defined by the business unit (loaded from YAML, edited in the admin)."""

    action_source_kind = "performance"

    class Accountability(models.TextChoices):
        POPULATION = "population", "Population (all children in the area)"
        PERFORMANCE = "performance", "Performance (a service's own clients)"

    class CountingRule(models.TextChoices):
        CHILDREN = "children", "Children"
        EVENTS = "events", "Events"

    code = models.SlugField(max_length=40, unique=True)
    title = models.CharField(max_length=200)
    definition = models.TextField(help_text="What it measures, in plain English.")
    numerator_definition = models.TextField(blank=True)
    denominator_definition = models.TextField(blank=True)
    unit = models.CharField(max_length=20, choices=Unit.choices)
    polarity = models.CharField(max_length=10, choices=Polarity.choices)
    quadrant = models.CharField("OBA question", max_length=12, choices=Quadrant.choices)
    accountability = models.CharField(max_length=12, choices=Accountability.choices,
                                      default=Accountability.PERFORMANCE)
    owner_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="indicators")
    data_lead = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+")
    frequency = models.CharField(max_length=10, choices=Frequency.choices, default=Frequency.QUARTERLY)
    cumulative = models.BooleanField(default=False, help_text="Year to date (cumulative) rather than a snapshot.")
    counting_rule = models.CharField(max_length=10, choices=CountingRule.choices, default=CountingRule.CHILDREN)
    target = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    amber_tolerance = models.DecimalField(
        max_digits=12, decimal_places=2, default=0,
        help_text="How far worse than target still counts as green (0: green only on or better than target).")
    red_tolerance = models.DecimalField(
        max_digits=12, decimal_places=2, null=True, blank=True,
        help_text="How far worse than target is still amber; beyond it is red.")
    priority = models.ForeignKey(Priority, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    theme = models.CharField(max_length=80, blank=True, help_text="DfE performance information theme.")
    values_are_demo = models.BooleanField(default=False, help_text="Comparators or values are invented (demo).")
    active = models.BooleanField(default=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "code"]
        constraints = [
            models.CheckConstraint(condition=Q(amber_tolerance__gte=0), name="indicator_amber_tolerance_positive"),
            models.CheckConstraint(condition=Q(red_tolerance__isnull=True) | Q(red_tolerance__gte=models.F(
                "amber_tolerance")), name="indicator_red_beyond_amber"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("performance:indicator-detail", args=[self.code])

    @property
    def uses_ratio(self) -> bool:
        return self.unit in (Unit.PERCENTAGE, Unit.RATE_PER_10K)


class Comparator(models.Model):
    class Kind(models.TextChoices):
        ENGLAND = "england", "England"
        LONDON = "london", "London"
        NEIGHBOURS = "neighbours", "Statistical neighbours"

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="comparators")
    year = models.PositiveSmallIntegerField(help_text="The year the published figure is for (e.g. 2024).")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    value = models.DecimalField(max_digits=12, decimal_places=2)
    is_demo = models.BooleanField(default=False, help_text="Invented for the demo, not a published figure.")

    class Meta:
        ordering = ["indicator", "year", "kind"]
        constraints = [models.UniqueConstraint(fields=["indicator", "year", "kind"], name="unique_comparator")]

    def __str__(self):
        return f"{self.indicator.code} {self.year} {self.get_kind_display()}: {self.value}"


class Period(models.Model):
    """A reporting period: a month, quarter, school term or financial year."""

    kind = models.CharField(max_length=10, choices=Frequency.choices)
    label = models.CharField(max_length=40, help_text='e.g. "2026-27 Q2".')
    start = models.DateField()
    end = models.DateField()
    financial_year = models.PositiveSmallIntegerField(help_text="The year it starts in (2026 for 2026-27).")

    class Meta:
        ordering = ["start", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "start"], name="unique_period"),
            models.CheckConstraint(condition=Q(end__gte=models.F("start")), name="period_end_after_start"),
        ]

    def __str__(self):
        return self.label


class DataReturn(HasPage, TimeStampedModel, VersionedModel):
    """One agency's figures for one period: requested, submitted, validated or queried."""

    class Status(models.TextChoices):
        REQUESTED = "requested", "Requested"
        SUBMITTED = "submitted", "Submitted"
        VALIDATED = "validated", "Validated"
        QUERIED = "queried", "Queried"

    EDITABLE = (Status.REQUESTED, Status.QUERIED)
    QUERYABLE = (Status.SUBMITTED, Status.VALIDATED)  # the agency has sent its figures: the business unit may ask
    STATUS_COLOURS = {Status.REQUESTED: "grey", Status.SUBMITTED: "blue", Status.VALIDATED: "green",
                      Status.QUERIED: "orange"}  # {% status_tag %}

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="data_returns")
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="data_returns")
    due_date = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.REQUESTED)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = person_field()
    validated_at = models.DateTimeField(null=True, blank=True)
    validated_by = person_field()
    query_message = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["period__start", "agency__name"]
        constraints = [models.UniqueConstraint(fields=["agency", "period"], name="one_data_return_per_agency_period")]

    def __str__(self):
        return f"{self.agency} – {self.period}"

    url_name = "performance:data-return-detail"

    is_editable = status_is(*EDITABLE)
    is_queried = status_is(Status.QUERIED,
                           doc="The business unit asked the agency about its figures: waiting for the agency.")

    is_submitted = status_is(Status.SUBMITTED,
                             doc="Sent by the agency and waiting for the business unit to validate it.")

    is_validated = status_is(Status.VALIDATED)
    is_queryable = status_is(*QUERYABLE)

    @property
    def is_late(self) -> bool:
        """Computed: past the due date and not yet submitted."""
        return self.status in self.EDITABLE and timezone.localdate() > self.due_date


class DataReturnMessage(TimeStampedModel):
    """One message in a data return's query thread: the business unit's query, then replies from the agency and
    the business unit, oldest first. Written once, never edited (so no history); emails carry only a link."""

    class Side(models.TextChoices):
        BUSINESS_UNIT = "business_unit", "The business unit"
        AGENCY = "agency", "The agency"

    class Kind(models.TextChoices):
        QUERY = "query", "Query"
        REPLY = "reply", "Reply"

    data_return = models.ForeignKey(DataReturn, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="+")
    side = models.CharField(max_length=15, choices=Side.choices,
                            help_text="Who wrote it: kept as written, whatever later happens to the account.")
    kind = models.CharField(max_length=5, choices=Kind.choices, default=Kind.REPLY)
    text = models.TextField()

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()} on {self.data_return} ({self.get_side_display().lower()})"

    from_agency = choice_is("side", Side.AGENCY)
    is_query = choice_is("kind", Kind.QUERY,
                         doc="The business unit's query that opens the thread (the rest are replies).")

    def get_absolute_url(self):
        return reverse("performance:data-return-detail", args=[self.data_return_id]) + f"#message-{self.pk}"


class Value(VersionedModel):
    """An indicator's figure for a period. For ratios the value is computed from numerator and denominator."""

    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="values")
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="values")
    data_return = models.ForeignKey(DataReturn, on_delete=models.CASCADE, related_name="values")
    numerator = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    denominator = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    value = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    provisional = models.BooleanField(default=False)
    commentary = models.TextField(blank=True, help_text="The story behind the number.")
    entered_by = person_field()
    entered_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["indicator", "period__start"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "period"], name="one_value_per_indicator_period"),
            models.CheckConstraint(condition=Q(denominator__isnull=True) | ~Q(denominator=0),
                                   name="value_denominator_not_zero"),
        ]

    def __str__(self):
        return f"{self.indicator.code} {self.period}: {self.value}"


class TurnTheCurve(ActionSource, TimeStampedModel):
    """The OBA turn-the-curve record for an indicator: baseline, forecast, story, partners, what works."""

    action_source_kind = "performance"

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="turn_the_curve")
    baseline = models.TextField(help_text="Where we are, and the trend so far.")
    forecast = models.TextField(help_text="What happens if we do nothing differently.")
    story = models.TextField("Story behind the curve", help_text="Contributing and limiting factors.")
    partners = models.TextField("Partners with a role")
    what_works = models.TextField("What works", help_text="Including no-cost and low-cost ideas.")
    updated_by = person_field(blank=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = "turn-the-curve record"

    def __str__(self):
        return f"Turning the curve: {self.indicator}"

    def get_absolute_url(self):
        return reverse("performance:indicator-detail", args=[self.indicator.code]) + "#turn-the-curve"
