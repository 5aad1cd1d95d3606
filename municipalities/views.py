"""Pages of the programme administration outside the Django admin: inviting people."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView

from .access import municipality_suggestions
from .enums import Role
from .forms import InvitationForm
from .invitations import invite_user
from .views_base import RoleRequiredMixin


class InvitationCreateView(RoleRequiredMixin, FormView):
    roles = frozenset({Role.PROGRAMME_ADMIN})
    form_class = InvitationForm
    template_name = "municipalities/invitation_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        try:
            invite_user(
                email=form.cleaned_data["email"],
                full_name=form.cleaned_data["full_name"],
                roles=form.role_grants(),
                invited_by=self.request.user,
                request=self.request,
            )
        except ValidationError as exc:
            for field, errors in exc.update_error_dict({}).items():
                form.add_error(field if field in form.fields else None, errors)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Invitation sent to %(email)s.") % {"email": form.cleaned_data["email"]},
        )
        return redirect("municipalities:invitation_create")


class MunicipalitySuggestView(RoleRequiredMixin, TemplateView):
    """The options of a list's municipality field while someone types: htmx puts them in the
    field's datalist. Only municipalities the user may see; no people, so nothing to log."""

    roles = frozenset({Role.PROGRAMME_ADMIN, Role.JOBCOACH})
    template_name = "municipalities/_municipality_options.html"
    http_method_names = ["get"]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["municipalities"] = municipality_suggestions(
            self.request.user, self.request.GET.get("municipality", "")[:100]
        )
        return context
