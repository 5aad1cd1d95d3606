"""The invitation form of the programme admin."""

from django import forms
from django.utils.translation import gettext_lazy as _

from kernel.forms import StyledFormMixin

from .access import visible
from .enums import MUNICIPAL_ROLES, Role
from .models import Municipality, User


class InvitationForm(StyledFormMixin, forms.Form):
    email = forms.EmailField(label=_("E-mail address"))
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    role = forms.ChoiceField(label=_("Role"), choices=[("", "---------"), *Role.choices])
    municipalities = forms.ModelMultipleChoiceField(
        label=_("Municipalities"),
        queryset=Municipality.objects.none(),
        required=False,
        # An explicit class: the shared mixin would give these checkboxes the radio-button style.
        widget=forms.CheckboxSelectMultiple(
            attrs={"class": "utrecht-checkbox utrecht-checkbox--html-input"}
        ),
        help_text=_("Required for a jobcoach; leave empty for the other roles."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipalities"].queryset = visible(user, Municipality).order_by("name")

    def clean_email(self) -> str:
        email = User.objects.normalize_email(self.cleaned_data["email"]).lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(
                _("A person with this e-mail address already has an account."),
                code="email_taken",
            )
        return email

    def clean(self):
        cleaned = super().clean()
        role = cleaned.get("role")
        municipalities = cleaned.get("municipalities")
        if role in MUNICIPAL_ROLES and not municipalities:
            self.add_error(
                "municipalities",
                forms.ValidationError(
                    _("Choose at least one municipality for a jobcoach."),
                    code="municipality_required",
                ),
            )
        if role and role not in MUNICIPAL_ROLES and municipalities:
            self.add_error(
                "municipalities",
                forms.ValidationError(
                    _("This role is pilot-wide; leave the municipalities empty."),
                    code="municipality_not_allowed",
                ),
            )
        return cleaned

    def role_grants(self) -> list[tuple[str, Municipality | None]]:
        role = self.cleaned_data["role"]
        if role in MUNICIPAL_ROLES:
            return [(role, m) for m in self.cleaned_data["municipalities"]]
        return [(role, None)]
