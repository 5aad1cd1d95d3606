from django import forms
from django.utils.translation import gettext_lazy as _

from kernel.forms import StyledFormMixin

NO_PERSONAL_DATA = _(
    "Kept in the log after the request is handled: no name, reference or contact details."
)


class FindPersonForm(StyledFormMixin, forms.Form):
    ref = forms.CharField(
        label=_("Reference of the jobseeker"),
        max_length=64,
        help_text=_("The exact reference, as the municipality gave it."),
    )


class RestrictForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason for the restriction"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=NO_PERSONAL_DATA,
    )


class EraseForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason for the erasure"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=NO_PERSONAL_DATA,
    )
    confirm_ref = forms.CharField(
        label=_("Type the reference to confirm"),
        max_length=64,
        help_text=_("This cannot be undone."),
    )

    def __init__(self, *args, ref: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.ref = ref

    def clean_confirm_ref(self) -> str:
        value = self.cleaned_data["confirm_ref"].strip()
        if value != self.ref:
            raise forms.ValidationError(
                _("This is not the person's reference. Nothing was erased."), code="mismatch"
            )
        return value
