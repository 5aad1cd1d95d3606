from django.contrib import admin

from municipalities.admin_base import ScopedModelAdmin

from .models import Entrepreneur, GuidanceSession
from .services import entrepreneur_save, guidance_session_save


@admin.register(Entrepreneur)
class EntrepreneurAdmin(ScopedModelAdmin):
    list_display = ["ref", "trade_name", "municipality", "prior_support", "imk_coach"]
    list_filter = ["municipality", "prior_support", "imk_coach"]
    search_fields = ["ref", "trade_name", "kvk_number"]
    list_select_related = ["municipality", "imk_coach"]
    autocomplete_fields = ["municipality", "imk_coach"]

    def save_model(self, request, obj, form, change):
        entrepreneur_save(entrepreneur=obj)


@admin.register(GuidanceSession)
class GuidanceSessionAdmin(ScopedModelAdmin):
    list_display = ["held_on", "entrepreneur", "coach", "minutes", "mode", "municipality"]
    list_filter = ["municipality", "mode", "coach"]
    search_fields = ["entrepreneur__ref", "entrepreneur__trade_name"]
    date_hierarchy = "held_on"
    list_select_related = ["entrepreneur", "coach", "municipality"]
    autocomplete_fields = ["entrepreneur", "coach"]
    exclude = ["municipality"]

    def save_model(self, request, obj, form, change):
        guidance_session_save(session=obj)
