from django.db import models

from partnership.dates import day_words


class ClosureDay(models.Model):
    """A one-off non-working day beyond the England and Wales bank holidays."""

    date = models.DateField(unique=True)
    reason = models.CharField(max_length=200)

    class Meta:
        ordering = ["date"]

    def __str__(self):
        return f"{day_words(self.date)}: {self.reason}"
