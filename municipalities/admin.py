from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from .admin_base import MunicipalitySearchFilter, ScopedModelAdmin
from .api_clients import api_client_create, api_client_revoke
from .invitations import invitation_send_again
from .models import ApiClient, AuditEvent, Correction, Municipality, RoleAssignment, User
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


class RoleMunicipalityFilter(MunicipalitySearchFilter):
    """The municipality of a person's roles, typed as on every list (issue 17) instead of
    Django's side bar of 342 links; its parameter still understood, for older links."""

    legacy_parameter_name = "role_assignments__municipality__id__exact"

    def narrow(self, queryset, municipalities):
        holders = RoleAssignment.objects.filter(municipality__in=municipalities)
        return queryset.filter(pk__in=holders.values("user_id"))


@admin.register(User)
class UserAdmin(DjangoUserAdmin, ScopedModelAdmin):
    form = PilotUserChangeForm
    ordering = ["email"]
    list_display = ["email", "full_name", "is_active", "roles"]
    list_filter = ["is_active", "role_assignments__role", RoleMunicipalityFilter]
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
    list_display = [
        "at",
        "action",
        "actor",
        "api_client",
        "object_type",
        "object_ref",
        "municipality",
    ]
    list_filter = ["action", "object_type", "municipality", "api_client"]
    search_fields = ["object_ref", "action"]
    date_hierarchy = "at"
    list_select_related = ["actor", "api_client", "municipality"]

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


class ApiClientAddForm(forms.ModelForm):
    class Meta:
        model = ApiClient
        fields = ["name", "all_municipalities", "municipalities"]

    def clean(self):
        cleaned = super().clean()
        if bool(cleaned.get("all_municipalities")) == bool(cleaned.get("municipalities")):
            raise ValidationError(
                _("Choose either pilot-wide or one or more municipalities."), code="scope"
            )
        return cleaned


@admin.register(ApiClient)
class ApiClientAdmin(ScopedModelAdmin):
    """API clients (api-write.md): made here (the token is shown once), renamed, revoked;
    never deleted, so that the audit log keeps naming them."""

    list_display = ["name", "scope", "created_at", "created_by", "last_used_at", "revoked_at"]
    list_filter = ["all_municipalities", "municipalities"]
    search_fields = ["name"]
    ordering = ["name"]
    list_select_related = ["created_by"]
    readonly_fields = [
        "scope",
        "token_prefix",
        "created_at",
        "created_by",
        "last_used_at",
        "revoked_at",
    ]
    actions = ["revoke"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("municipalities")

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = ApiClientAddForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["name", "all_municipalities", "municipalities"]
        # Renaming is the one change; the scope stays what the token was given for.
        return ["name", *self.readonly_fields]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.readonly_fields

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("reads and writes"))
    def scope(self, obj):
        if obj.all_municipalities:
            return _("every municipality")
        return ", ".join(m.code for m in obj.municipalities.all())

    def save_model(self, request, obj, form, change):
        if change:
            obj.save(update_fields=["name"])
            return
        new = api_client_create(
            name=form.cleaned_data["name"],
            municipalities=list(form.cleaned_data["municipalities"]),
            all_municipalities=form.cleaned_data["all_municipalities"],
            created_by=request.user,
        )
        obj.pk = new.client.pk
        obj._state.adding = False
        # Shown once, on the page that answers this request; never stored or logged.
        request._api_client_token = new.token

    def save_related(self, request, form, formsets, change):
        if change:
            super().save_related(request, form, formsets, change)

    def response_add(self, request, obj, post_url_continue=None):
        return TemplateResponse(
            request,
            "admin/municipalities/apiclient/token.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "client": obj,
                "token": request._api_client_token,
                "title": _("The token of API client %(name)s") % {"name": obj.name},
            },
        )

    @admin.action(description=_("Revoke the token"))
    def revoke(self, request, queryset):
        for client in queryset:
            api_client_revoke(client=client, actor=request.user)
        self.message_user(
            request,
            _("%(count)d API client(s) revoked: their token answers 401 from now on.")
            % {"count": len(queryset)},
            messages.SUCCESS,
        )
