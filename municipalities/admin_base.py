"""The admin's base class: every admin list and form goes through the access rules too."""

from django.contrib import admin

from pilot.figures import figures_changed

from .access import editable, visible


class ScopedModelAdmin(admin.ModelAdmin):
    """Reads through ``access.visible`` and writes only to ``access.editable`` rows.

    Only programme admins enter the admin (see PilotAdminSite), and they see everything; routing
    the admin through the same rules anyway means a role change can never widen it by accident.
    """

    def get_queryset(self, request):
        qs = visible(request.user, self.model)
        ordering = self.get_ordering(request)
        return qs.order_by(*ordering) if ordering else qs

    def has_change_permission(self, request, obj=None):
        if obj is not None and not editable(request.user, self.model).filter(pk=obj.pk).exists():
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and not editable(request.user, self.model).filter(pk=obj.pk).exists():
            return False
        return super().has_delete_permission(request, obj)

    # Any change made in the admin may move the outflow figures: have them recomputed (a no-op
    # when the data they read did not change).
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        figures_changed()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        figures_changed()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        figures_changed()
