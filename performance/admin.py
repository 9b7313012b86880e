"""The performance dataset in the admin: indicators (with comparators), periods, data returns, turn the curve.

Indicators are loaded from YAML (`manage.py load_indicators`); the admin lets the business unit correct
definitions, targets and comparators between loads. Data returns move through their states only in the
service (performance/services/returns.py), so their status fields are read-only here; figures are
entered on the data return pages, where ratios are computed from their parts.
"""
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Comparator, DataReturn, Indicator, Period, TurnTheCurve, Value


class ComparatorInline(admin.TabularInline):
    model = Comparator
    extra = 0
    fields = ["year", "kind", "value", "is_demo"]


class BlankNamedValuesFilter(admin.AllValuesFieldListFilter):
    """Every value of a text field, a blank one named: Django shows it as a link with no text, which a screen reader
    cannot name (WCAG 2.4.4, found by tests/e2e/test_admin_sweep.py)."""

    def choices(self, changelist):
        for choice in super().choices(changelist):
            yield {**choice, "display": "(blank)"} if choice["display"] == "" else choice


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["title", "code", "quadrant", "unit", "polarity", "frequency", "owner_agency", "target",
                    "values_are_demo", "active", "order"]
    list_filter = ["quadrant", "unit", "polarity", "owner_agency", "frequency", "accountability",
                   ("theme", BlankNamedValuesFilter), "active",
                   "values_are_demo"]
    search_fields = ["code", "title", "definition"]
    list_select_related = ["owner_agency"]
    autocomplete_fields = ["owner_agency"]
    raw_id_fields = ["data_lead"]
    filter_horizontal = ["journey_stages", "inspection_criteria"]
    inlines = [ComparatorInline]
    fieldsets = [
        (None, {"fields": ["code", "title", "definition", "numerator_definition", "denominator_definition"]}),
        ("How it is measured", {"fields": ["unit", "polarity", "frequency", "cumulative", "counting_rule"]}),
        ("Target and tolerances", {
            "fields": ["target", "amber_tolerance", "red_tolerance"],
            "description": "Green on or better than target, or within the amber tolerance of it; amber up to the "
                           "red tolerance worse than target; red beyond. Leave the target empty for polarity "
                           "'none' (context only)."}),
        ("Grouping", {"fields": ["quadrant", "accountability", "theme", "priority", "journey_stages",
                                 "inspection_criteria", "order"]}),
        ("Ownership", {"fields": ["owner_agency", "data_lead", "values_are_demo", "active"]}),
    ]


@admin.register(Period)
class PeriodAdmin(admin.ModelAdmin):
    list_display = ["label", "kind", "start", "end", "financial_year"]
    list_filter = ["kind", "financial_year"]
    search_fields = ["label"]
    date_hierarchy = "start"


class ValueInline(admin.TabularInline):
    """The figures in a return, to look at: they are entered and changed on the data return pages."""

    model = Value
    extra = 0
    can_delete = False
    fields = ["indicator", "numerator", "denominator", "value", "provisional", "commentary", "entered_by",
              "entered_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(DataReturn)
class DataReturnAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "agency", "period", "due_date", "status", "is_late"]
    list_filter = ["status", "period__kind", "period__financial_year", "agency"]
    search_fields = ["agency__name", "agency__short_name", "period__label"]
    list_select_related = ["agency", "period"]
    readonly_fields = ["status", "submitted_at", "submitted_by", "validated_at", "validated_by", "query_message",
                       "version", "created_at", "updated_at"]
    fields = ["agency", "period", "due_date", "status", "submitted_at", "submitted_by", "validated_at",
              "validated_by", "query_message", "version", "created_at", "updated_at"]
    inlines = [ValueInline]

    @admin.display(boolean=True, description="Late")
    def is_late(self, obj):
        return obj.is_late

    def get_readonly_fields(self, request, obj=None):
        """Status moves only through the service; agency and period are fixed once the return exists."""
        return self.readonly_fields + (["agency", "period"] if obj is not None else [])


@admin.register(TurnTheCurve)
class TurnTheCurveAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "indicator", "updated_at", "updated_by"]
    list_filter = ["indicator__quadrant", "indicator__owner_agency"]
    search_fields = ["indicator__code", "indicator__title", "story"]
    list_select_related = ["indicator", "updated_by"]
    autocomplete_fields = ["indicator"]
    fields = ["indicator", "baseline", "forecast", "story", "partners", "what_works", "updated_by", "created_at",
              "updated_at"]
    readonly_fields = ["updated_by", "created_at", "updated_at"]

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)
