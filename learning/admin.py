"""Learning reference data in the admin: the competency levels (London levels 1–4 by default, loaded by the
first migration from learning/reference/levels.yaml). Courses, sessions and bookings change through the
service's own pages, where the booking rules hold."""
from django.contrib import admin

from .models import Level


@admin.register(Level)
class LevelAdmin(admin.ModelAdmin):
    list_display = ["number", "name"]
