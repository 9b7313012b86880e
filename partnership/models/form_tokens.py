from django.db import models


class FormToken(models.Model):
    """A form token that has been used (`partnership.form_tokens`): one row per form sent, so the same rendered
    form sent twice does its work once. `location` is where the first send led (empty while it is being done)."""

    key = models.CharField(max_length=64, unique=True, help_text="SHA-256 of the token; the token is never stored.")
    used_at = models.DateTimeField(auto_now_add=True, db_index=True)
    location = models.CharField(max_length=2000, blank=True)

    def __str__(self):
        return f"{self.key[:8]}… {self.used_at:%Y-%m-%d %H:%M}"
