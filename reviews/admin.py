"""Django admin: the business unit reads the access log; nobody adds, changes or deletes it there.

The case records themselves are deliberately not in the admin: every read of them goes through the
logged pages of the app.
"""
from django.contrib import admin

from .access import is_business_unit
from .models import ReviewAccessLog


@admin.register(ReviewAccessLog)
class ReviewAccessLogAdmin(admin.ModelAdmin):
    list_display = ("at", "user", "action", "model_label", "object_pk", "case_reference", "ip_address")
    list_filter = ("action", "model_label")
    search_fields = ("case_reference", "user__email")

    def has_module_permission(self, request):
        return is_business_unit(request.user)

    def has_view_permission(self, request, obj=None):
        return is_business_unit(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
