from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import AgencyAudit, Audit, AuditTool, ImmediateConcern, Programme


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["year"]


@admin.register(AuditTool)
class AuditToolAdmin(admin.ModelAdmin):
    list_display = ["name", "version", "active"]


@admin.register(Audit)
class AuditAdmin(SimpleHistoryAdmin):
    list_display = ["theme", "programme", "status", "inspection_mode"]
    list_filter = ["status", "programme"]


@admin.register(AgencyAudit)
class AgencyAuditAdmin(SimpleHistoryAdmin):
    list_display = ["case", "agency", "status", "submitted_at"]


@admin.register(ImmediateConcern)
class ImmediateConcernAdmin(SimpleHistoryAdmin):
    list_display = ["case", "agency", "raised_at", "acknowledged_at", "escalated_at"]
