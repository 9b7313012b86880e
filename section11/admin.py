"""Section 11 reference data in the admin: rating scales and frameworks (standards and criteria).

Frameworks are loaded from YAML (`manage.py load_section11_frameworks`); the admin lets the business
unit correct wording and guidance between cycles. Returns and answers are changed through the service.
"""
from django.contrib import admin

from .models import Criterion, Cycle, Framework, RatingLevel, RatingScale, Standard


class RatingLevelInline(admin.TabularInline):
    model = RatingLevel
    extra = 0


@admin.register(RatingScale)
class RatingScaleAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "allows_not_applicable"]
    inlines = [RatingLevelInline]


class StandardInline(admin.TabularInline):
    model = Standard
    extra = 0
    fields = ["number", "title"]
    show_change_link = True


@admin.register(Framework)
class FrameworkAdmin(admin.ModelAdmin):
    list_display = ["name", "version", "audience", "scale", "active"]
    list_filter = ["audience", "active"]
    inlines = [StandardInline]


class CriterionInline(admin.StackedInline):
    model = Criterion
    extra = 0
    fields = ["code", "order", "text", "guidance", "evidence_examples", "journey_stages", "inspection_criteria"]
    filter_horizontal = ["journey_stages", "inspection_criteria"]


@admin.register(Standard)
class StandardAdmin(admin.ModelAdmin):
    list_display = ["__str__", "framework"]
    list_filter = ["framework"]
    inlines = [CriterionInline]


@admin.register(Cycle)
class CycleAdmin(admin.ModelAdmin):
    list_display = ["name", "framework", "opens_on", "deadline", "status"]
    readonly_fields = ["status", "launched_at", "launched_by"]
    filter_horizontal = ["agencies"]
