from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from municipalities.admin_base import ScopedModelAdmin

from .models import ProcessingEntry


@admin.register(ProcessingEntry)
class ProcessingEntryAdmin(ScopedModelAdmin):
    """The processing log, read-only: it is written by ``privacy.log`` and refuses every change
    in the database itself. The people are not listed here (the privacy officer's page does)."""

    list_display = ["at", "actor", "actor_label", "action", "activity", "route", "result", "people"]
    list_filter = ["activity", "action", "result"]
    date_hierarchy = "at"
    list_select_related = ["actor"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(people_count=Count("subjects"))

    @admin.display(description=_("people"))
    def people(self, obj):
        return obj.people_count

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
