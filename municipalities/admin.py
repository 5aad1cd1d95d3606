from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _

from .admin_base import ScopedModelAdmin
from .invitations import invitation_send_again
from .models import AuditEvent, Correction, Municipality, RoleAssignment, User
from .services import login_email_changed
from .sessions import second_factor_reset, sessions_sign_out_everywhere


@admin.register(Municipality)
class MunicipalityAdmin(ScopedModelAdmin):
    list_display = ["code", "name", "planned_places"]
    search_fields = ["code", "name"]
    ordering = ["code"]


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    extra = 1
    autocomplete_fields = ["municipality"]


class PilotUserChangeForm(UserChangeForm):
    """The one place a login e-mail changes: never to an address another account uses (in any
    capitalisation)."""

    def clean_email(self) -> str:
        email = User.objects.normalize_email(self.cleaned_data["email"]).lower()
        if User.objects.filter(email__iexact=email).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(
                _("A person with this e-mail address already has an account."),
                code="email_taken",
            )
        return email


@admin.register(User)
class UserAdmin(DjangoUserAdmin, ScopedModelAdmin):
    form = PilotUserChangeForm
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
    actions = ["send_invitation_again", "sign_out_everywhere", "reset_second_factor"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("role_assignments__municipality")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "email" in form.changed_data:
            login_email_changed(user=obj, actor=request.user)

    @admin.action(description=_("Sign out everywhere"))
    def sign_out_everywhere(self, request, queryset):
        ended = sum(
            sessions_sign_out_everywhere(user=user, actor=request.user) for user in queryset
        )
        self.message_user(
            request, _("%(count)d session(s) ended.") % {"count": ended}, messages.SUCCESS
        )

    @admin.action(description=_("Reset second factor"))
    def reset_second_factor(self, request, queryset):
        for user in queryset:
            second_factor_reset(user=user, actor=request.user)
        self.message_user(
            request,
            _(
                "Second factor reset for %(count)d person(s): they set up a new one at their "
                "next sign-in."
            )
            % {"count": len(queryset)},
            messages.SUCCESS,
        )

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


# Second factors and sessions are managed through the user's actions above, never row by row
# (allauth's own admin pages would show authenticator secrets and sign-in addresses).
for model in (Authenticator, UserSession):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
