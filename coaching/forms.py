"""The guidance-session form, built to be filled in on a phone in under half a minute."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kernel.forms import CorrectionReasonField, DateInput, StyledFormMixin, limit_length
from kernel.stale_edits import VersionedFormMixin

from .enums import GuidanceTopic, SessionMode
from .models import GuidanceSession

# Quick choices instead of typing a number: almost every session is one of these.
MINUTE_CHOICES = (15, 30, 45, 60, 90, 120)


def _minute_label(minutes: int) -> str:
    return _("%(minutes)s min") % {"minutes": minutes}


# "choice-chips" lays the options out as large buttons side by side (coaching.css). The class is
# set here, replacing the design-system one the shared mixin would add: Django puts a widget's
# class on the options' wrapper as well, and the Utrecht radio-button class would shrink that
# wrapper to a 1em circle (and the mixin would give checkboxes the radio-button class too).
CHIPS = {"class": "choice-chips"}


class GuidanceSessionForm(VersionedFormMixin, StyledFormMixin, forms.ModelForm):
    minutes = forms.TypedChoiceField(
        label=_("Duration"), coerce=int, widget=forms.RadioSelect(attrs=CHIPS), choices=()
    )
    mode = forms.ChoiceField(
        label=_("How"), choices=SessionMode.choices, widget=forms.RadioSelect(attrs=CHIPS)
    )
    topics = forms.MultipleChoiceField(
        label=_("Topics"),
        choices=GuidanceTopic.choices,
        widget=forms.CheckboxSelectMultiple(attrs=CHIPS),
        required=False,
    )

    class Meta:
        model = GuidanceSession
        fields = ["held_on", "minutes", "mode", "topics", "notes"]
        widgets = {
            "held_on": DateInput(),
            "notes": forms.Textarea(attrs={"rows": 4}),
        }
        labels = {"held_on": _("Date"), "notes": _("Notes")}
        help_texts = {"notes": _("Only what helps the next session; no details of the intern.")}

    def __init__(self, *args, defaults: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        limit_length(self.fields["notes"])
        minutes = list(MINUTE_CHOICES)
        # A session imported or saved with another duration keeps its value when edited.
        if self.instance.minutes and self.instance.minutes not in minutes:
            minutes = sorted([*minutes, self.instance.minutes])
        self.fields["minutes"].choices = [(m, _minute_label(m)) for m in minutes]
        if self.instance.pk is None:
            # A new instance's empty values fill self.initial, so the defaults go there.
            self.initial.update(defaults or {})
            self.initial["held_on"] = timezone.localdate()
        else:
            # Changing a saved session is a correction: the service asks for the reason.
            self.fields["reason"] = CorrectionReasonField()

    def add_service_errors(self, exc: ValidationError) -> None:
        """Show a service's errors at their field, and those of fields not on the form on top."""
        for field, errors in exc.update_error_dict({}).items():
            self.add_error(field if field in self.fields else None, errors)
