from django.conf import settings
from django.db import models


class ReminderLog(models.Model):
    """One row per reminder sent: person, item, stage and date are unique, so nothing is sent twice."""

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminders")
    item = models.CharField(max_length=120, help_text='"app_label.model:pk" of what the reminder is about.')
    stage = models.CharField(max_length=40, help_text="e.g. due-in-7-days, due-today, overdue.")
    date = models.DateField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(fields=["person", "item", "stage", "date"], name="unique_reminder")
        ]

    def __str__(self):
        return f"{self.person} · {self.item} · {self.stage} · {self.date}"
