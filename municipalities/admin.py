from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _

from .admin_base import ScopedModelAdmin
from .invitations import invitation_send_again
from .models import AuditEvent, Correction, Municipality, RoleAssignment, User


@admin.register(Municipality)
class MunicipalityAdmin(ScopedModelAdmin):
    list_display = ["code", "name", "planned_places"]
    search_fields = ["code", "name"]
    ordering = ["code"]


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    extra = 1
    autocomplete_fields = ["municipality"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin, ScopedModelAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "is_active", "roles"]
    list_filter = ["is_active", "role_assignments__role", "role_assignments__municipality"]
    search_fields = ["email", "full_name"]
    inlines = [RoleAssignmentInline]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Person"), {"fields": ("full_name",)}),
        (_("Status"), {"fields": ("is_active", "is_staff", "is_superuser")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "full_name", "password1", "password2")}),
    )
    readonly_fields = ["last_login", "date_joined"]
    actions = ["send_invitation_again"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("role_assignments__municipality")

    @admin.action(description=_("Send invitation again"))
    def send_invitation_again(self, request, queryset):
        sent = skipped = 0
        for user in queryset:
            if invitation_send_again(user=user, invited_by=request.user, request=request):
                sent += 1
            else:
                skipped += 1
        if sent:
            self.message_user(
                request,
                _("Invitation sent again to %(count)d person(s).") % {"count": sent},
                messages.SUCCESS,
            )
        if skipped:
            self.message_user(
                request,
                _(
                    "%(count)d person(s) skipped: they already set a password or their account "
                    "is inactive."
                )
                % {"count": skipped},
                messages.WARNING,
            )

    @admin.display(description=_("roles"))
    def roles(self, obj):
        return ", ".join(str(r) for r in obj.role_assignments.all())


@admin.register(AuditEvent)
class AuditEventAdmin(ScopedModelAdmin):
    list_display = ["at", "action", "actor", "object_type", "object_ref", "municipality"]
    list_filter = ["action", "object_type", "municipality"]
    search_fields = ["object_ref", "action"]
    date_hierarchy = "at"
    list_select_related = ["actor", "municipality"]

    # The audit log is append-only, in the admin too.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# Access comes from roles (RoleAssignment), not from Django's groups.
admin.site.unregister(Group)


@admin.register(Correction)
class CorrectionAdmin(ScopedModelAdmin):
    list_display = ["changed_at", "record_kind", "record_id", "action", "changed_by", "source"]
    list_filter = ["record_kind", "action", "source", "municipality"]
    search_fields = ["reason"]
    date_hierarchy = "changed_at"
    list_select_related = ["changed_by"]

    # The history is append-only, in the admin too: written by the services with each write.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
