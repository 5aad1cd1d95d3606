from django.contrib import admin

from municipalities.admin_base import ScopedModelAdmin

from .models import Erasure, Restriction, RetentionRun


class WrittenByServiceAdmin(ScopedModelAdmin):
    """Read-only: restrictions and erasures are made on the privacy pages, runs by the job."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Restriction)
class RestrictionAdmin(WrittenByServiceAdmin):
    list_display = ["jobseeker_id", "municipality", "restricted_at", "restricted_by"]
    list_filter = ["municipality"]


@admin.register(Erasure)
class ErasureAdmin(WrittenByServiceAdmin):
    list_display = ["jobseeker_id", "municipality", "erased_at", "trigger", "erased_by"]
    list_filter = ["trigger", "municipality"]
    date_hierarchy = "erased_at"


@admin.register(RetentionRun)
class RetentionRunAdmin(WrittenByServiceAdmin):
    list_display = ["created_at", "status", "progress", "counts", "finished_at", "attempts"]
    list_filter = ["status"]
