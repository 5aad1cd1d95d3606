"""Pages of the programme administration outside the Django admin: inviting people."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import FormView

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
