from django.contrib import admin

from kernel.models import PilotSettings
from municipalities.admin_base import ScopedModelAdmin


@admin.register(PilotSettings)
class PilotSettingsAdmin(ScopedModelAdmin):
    list_display = [
        "name",
        "target_ratio",
        "follow_up_months",
        "internship_min_months",
        "internship_max_months",
        "interns_per_entrepreneur",
        "budget_eur",
        "imk_hourly_rate_eur",
        "jobcoach_hourly_rate_eur",
        "jobcoach_hours_per_participant",
    ]

    # One row: it is created on first use and never deleted.
    def has_add_permission(self, request):
        return not PilotSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False
