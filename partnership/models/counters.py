from django.db import models


class Counter(models.Model):
    """The last number handed out for one kind of reference (for example "referral:REF-2026-").

    Read and moved on only under a row lock (`partnership.counters.next_number`), so two people pressing the same
    button at once get two numbers, never the same one."""

    name = models.CharField(max_length=100, unique=True)
    value = models.PositiveBigIntegerField(default=0)

    def __str__(self):
        return f"{self.name}: {self.value}"
