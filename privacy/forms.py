from django import forms
from django.utils.translation import gettext_lazy as _

from municipalities.access import privacy_request_people
from pilot.forms import StyledFormMixin


class FindPersonForm(StyledFormMixin, forms.Form):
    """Open a person by reference, pilot-wide (sent by POST: the reference stays out of URLs)."""

    ref = forms.CharField(label=_("Reference of the person"), max_length=64)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_ref(self):
        ref = self.cleaned_data["ref"].strip()
        self.person = privacy_request_people(self.user).filter(ref=ref).first()
        if self.person is None:
            raise forms.ValidationError(_("No person has this reference."), code="not_found")
        return ref
