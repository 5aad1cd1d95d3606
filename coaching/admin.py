from django.contrib import admin

from municipalities.admin_base import (
    ImkCoachFilter,
    ScopedModelAdmin,
    ServiceAdminForm,
    ServiceModelAdmin,
)

from .models import Entrepreneur, GuidanceSession
from .services import entrepreneur_save, guidance_session_save


class EntrepreneurAdminForm(ServiceAdminForm):
    # Business and contact details: no correction history, so no reason to ask.
    reason = None

    class Meta:
        model = Entrepreneur
        fields = "__all__"

    def service_save(self, change):
        return entrepreneur_save(entrepreneur=self.instance)


@admin.register(Entrepreneur)
class EntrepreneurAdmin(ServiceModelAdmin):
    form = EntrepreneurAdminForm
    list_display = ["ref", "trade_name", "municipality", "prior_support", "imk_coach"]
    list_filter = ["municipality", "prior_support", ("imk_coach", ImkCoachFilter)]
    search_fields = ["ref", "trade_name", "kvk_number"]
    list_select_related = ["municipality", "imk_coach"]
    autocomplete_fields = ["municipality", "imk_coach"]

    def has_delete_permission(self, request, obj=None):
        return ScopedModelAdmin.has_delete_permission(self, request, obj)


class GuidanceSessionAdminForm(ServiceAdminForm):
    class Meta:
        model = GuidanceSession
        exclude = ["municipality"]

    def service_save(self, change):
        return guidance_session_save(session=self.instance, change=change)


@admin.register(GuidanceSession)
class GuidanceSessionAdmin(ServiceModelAdmin):
    form = GuidanceSessionAdminForm
    list_display = ["held_on", "entrepreneur", "coach", "minutes", "mode", "municipality"]
    list_filter = ["municipality", "mode", ("coach", ImkCoachFilter), "held_on"]
    search_fields = ["entrepreneur__ref", "entrepreneur__trade_name"]
    list_select_related = ["entrepreneur", "coach", "municipality"]
    autocomplete_fields = ["entrepreneur", "coach"]
