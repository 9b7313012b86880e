"""Django admin: the access log is read-only (no add, change or delete for anyone)."""
from django.contrib import admin

from .models import ReviewAccessLog


@admin.register(ReviewAccessLog)
class ReviewAccessLogAdmin(admin.ModelAdmin):
    list_display = ("at", "user", "action", "model_label", "object_pk", "case_reference", "ip_address")
    list_filter = ("action", "model_label")
    search_fields = ("case_reference", "user__email")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
