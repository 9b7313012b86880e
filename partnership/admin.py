"""The Django admin for the business unit's reference data. Only business unit staff reach it."""
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db import models
from simple_history.admin import SimpleHistoryAdmin

from partnership import access
from partnership.models import (
    Action,
    Agency,
    ClosureDay,
    Duty,
    EmailMessage,
    IdentityProvider,
    InspectionCriterion,
    InspectionFramework,
    JourneyStage,
    Membership,
    OutboxMessage,
    Priority,
    ReminderLog,
    ReportExport,
    Subgroup,
    User,
    UserRole,
)


def _business_unit_only(request) -> bool:
    return request.user.is_active and request.user.is_staff and access.is_business_unit(request.user)


admin.site.has_permission = _business_unit_only
admin.site.site_header = "Quality Assurance: reference data"
admin.site.site_title = "QA admin"


class UserRoleInline(admin.TabularInline):
    model = UserRole
    extra = 1


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["full_name"]
    list_display = ["full_name", "email", "agency", "is_active", "last_login"]
    list_filter = ["is_active", "agency__sector", "roles__role"]
    search_fields = ["full_name", "email"]
    inlines = [UserRoleInline]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Person", {"fields": ["full_name", "job_title", "agency"]}),
        ("Access", {"fields": ["is_active", "is_staff", "is_superuser"]}),
        ("Dates", {"fields": ["last_login", "date_joined", "invited_at"]}),
    ]
    add_fieldsets = [(None, {"fields": ["email", "full_name", "agency", "password1", "password2"]})]
    readonly_fields = ["last_login", "date_joined", "invited_at"]


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["name", "sector", "statutory_partner", "section11_duty", "active"]
    list_filter = ["sector", "statutory_partner", "section11_duty", "active"]
    search_fields = ["name", "short_name"]


@admin.register(IdentityProvider)
class IdentityProviderAdmin(admin.ModelAdmin):
    """Work-account sign-in (docs/sign-in.md). The client secret is never here: the record names the server's
    entry in the server's OIDC_CLIENT_SECRETS, and the list says only whether that entry is set."""

    list_display = ["name", "issuer", "email_domains", "password_sign_in_allowed", "mfa_satisfies_two_factor",
                    "has_secret", "active"]
    list_filter = ["active", "password_sign_in_allowed", "mfa_satisfies_two_factor"]
    filter_horizontal = ["agencies"]
    readonly_fields = ["has_secret"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = [
        (None, {"fields": ["name", "agencies", "email_domains", "active"]}),
        ("The provider", {"fields": ["issuer", "client_id", "client_secret_name", "has_secret"]}),
        ("Rules", {"fields": ["password_sign_in_allowed", "mfa_satisfies_two_factor", "mfa_values"]}),
    ]


@admin.register(Priority)
class PriorityAdmin(admin.ModelAdmin):
    list_display = ["title", "start_date", "end_date", "order"]
    exclude = ["actions"]
    filter_horizontal = ["journey_stages"]


@admin.register(Duty)
class DutyAdmin(SimpleHistoryAdmin):
    """The statutory duties register: the rule and its settings, and for duties kept by hand, when and where."""

    list_display = ["title", "check_name", "last_done_on", "order", "active"]
    list_filter = ["active"]
    search_fields = ["title", "code", "reference"]
    fieldsets = [
        (None, {"fields": ["code", "title", "reference", "rule", "order", "active"]}),
        ("How its status is read", {"fields": ["check_name", "parameters"]}),
        ("Kept by hand", {"fields": ["last_done_on", "evidence_url", "evidence_note"]}),
    ]


@admin.register(JourneyStage)
class JourneyStageAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "order"]


class CriterionInline(admin.TabularInline):
    model = InspectionCriterion
    extra = 0
    fields = ["code", "name", "parent", "order"]


@admin.register(InspectionFramework)
class FrameworkAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "version"]
    inlines = [CriterionInline]


@admin.register(ClosureDay)
class ClosureDayAdmin(admin.ModelAdmin):
    list_display = ["date", "reason"]


@admin.register(Action)
class ActionAdmin(SimpleHistoryAdmin):
    list_display = ["title", "owner_agency", "status", "due_date"]
    list_filter = ["status", "source_kind"]
    search_fields = ["title"]
    readonly_fields = ["version", "status", "signed_off_by", "signed_off_at", "completed_at"]


@admin.register(OutboxMessage)
class OutboxAdmin(admin.ModelAdmin):
    list_display = ["task", "status", "attempts", "created_at", "published_at"]
    list_filter = ["status", "task"]
    readonly_fields = [f.name for f in OutboxMessage._meta.fields]


@admin.register(EmailMessage)
class EmailMessageAdmin(admin.ModelAdmin):
    list_display = ["subject", "to", "created_at", "sent_at", "delivery_status"]
    list_filter = ["delivery_status"]
    search_fields = ["to", "subject", "notify_id"]
    readonly_fields = ["to", "subject", "key", "created_at", "sent_at", "notify_id", "delivery_status",
                       "delivery_status_at"]
    exclude = ["body_text", "body_html"]  # may hold one-time links


@admin.register(ReminderLog)
class ReminderLogAdmin(admin.ModelAdmin):
    list_display = ["person", "item", "stage", "date", "sent_at"]
    list_filter = ["stage"]
    readonly_fields = ["person", "item", "stage", "date", "sent_at"]


@admin.register(ReportExport)
class ReportExportAdmin(admin.ModelAdmin):
    list_display = ["kind", "status", "requested_by", "requested_at", "finished_at"]
    list_filter = ["kind", "status"]
    readonly_fields = [f.name for f in ReportExport._meta.fields]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    autocomplete_fields = ()
    fields = ["person", "agency", "role", "deputy", "start_date", "end_date"]


@admin.register(Subgroup)
class SubgroupAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "active"]
    list_filter = ["kind", "active"]
    filter_horizontal = ["priorities"]
    inlines = [MembershipInline]
