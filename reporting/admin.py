from django.contrib import admin

from municipalities.admin_base import ScopedModelAdmin

from .models import MetricsSnapshot


@admin.register(MetricsSnapshot)
class MetricsSnapshotAdmin(ScopedModelAdmin):
    list_display = ["as_of", "computed_at", "trigger", "duration_ms", "participants", "outflow"]
    list_filter = ["trigger"]
    date_hierarchy = "as_of"
    search_fields = ["data_fingerprint"]
    readonly_fields = [f.name for f in MetricsSnapshot._meta.fields]

    @admin.display(description="participants")
    def participants(self, obj):
        return obj.totals["participants"]

    @admin.display(description="outflow")
    def outflow(self, obj):
        return obj.totals["outflow"]

    # Snapshots are computed, never typed in.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
