"""The partnership's statutory duties as data (loaded from partnership/reference/duties.yaml, edited in the admin).

Each duty names the rule (`check_name`; `check` in the YAML) that reads its status from the records; the rules
live with the records they read (each app's `duties.py`), and the composition root gathers them
(`merton_qa.composition.duty_checks`). Two duties are records the business unit keeps rather than something
another record shows (the published arrangements reviewed, independent scrutiny in place): for those the duty
itself holds when it was last done and where the evidence is.
"""
from django.db import models
from simple_history.models import HistoricalRecords

from .base import TimeStampedModel


class Duty(TimeStampedModel):
    code = models.SlugField(max_length=60, unique=True)
    title = models.CharField(max_length=200)
    reference = models.CharField("Statute or guidance", max_length=300,
                                 help_text="For example, Working Together to Safeguard Children 2023, chapter 5.")
    rule = models.TextField(help_text="The rule in plain English, as the register shows it.")
    check_name = models.CharField(
        "Check", max_length=60,
        help_text="The name of the rule that reads the duty's status from the records (the register names any it "
                  "does not know).")
    parameters = models.JSONField(default=dict, blank=True,
                                  help_text='The rule\'s settings, for example {"working_days": 5} or {"months": 12}.')
    order = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True)
    # For duties the business unit records by hand (the arrangements reviewed, scrutiny in place).
    last_done_on = models.DateField("Last done on", null=True, blank=True,
                                    help_text="For duties kept by hand: when it was last done.")
    evidence_url = models.URLField("Where the evidence is", max_length=500, blank=True,
                                   help_text="A link to the published document or the record that shows it.")
    evidence_note = models.CharField("What the evidence is", max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "title"]
        verbose_name_plural = "duties"

    def __str__(self):
        return self.title

    def parameter(self, name: str, default):
        """A positive whole number from the duty's parameters, or the default when it is missing or not one."""
        value = (self.parameters or {}).get(name, default)
        return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else default
