"""Form rendering in the NL Design System (Utrecht) markup, for every form in the project."""

from django import forms
from django.forms.renderers import TemplatesSetting
from django.forms.widgets import Input
from django.utils.translation import gettext_lazy

from .stale_edits import VersionedFormMixin

# Radio and checkbox groups get no class here: Django puts a widget's class on the group's
# wrapper too, which would style the wrapper as one big radio button. Their inputs are styled by
# .choice-group in pilot.css. (CheckboxSelectMultiple is a RadioSelect, and both are Selects:
# the order of this list matters.)
WIDGET_CLASSES = [
    (forms.RadioSelect, None),
    (forms.Textarea, "utrecht-textarea utrecht-textarea--html-textarea"),
    (forms.Select, "utrecht-select utrecht-select--html-select"),
    (forms.CheckboxInput, "utrecht-checkbox utrecht-checkbox--html-input"),
    (Input, "utrecht-textbox utrecht-textbox--html-input"),
]


class PilotFormRenderer(TemplatesSetting):
    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class StyledFormMixin:
    """Gives every widget its design-system class and ties error messages to their field."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            for widget_class, css in WIDGET_CLASSES:
                if isinstance(field.widget, widget_class):
                    if css:
                        field.widget.attrs.setdefault("class", css)
                    break

    def full_clean(self):
        super().full_clean()
        # Screen readers read the error with the field: point aria-describedby at it.
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                error_id = f"{self[name].auto_id}_error"
                described = widget.attrs.get("aria-describedby", "")
                if error_id not in described:
                    widget.attrs["aria-describedby"] = f"{error_id} {described}".strip()
                widget.attrs["class"] = widget.attrs.get("class", "") + " is-invalid"


class CorrectionReasonField(forms.CharField):
    """Why a recorded fact is corrected or withdrawn. Whether it is needed is the service's
    rule (changing a recorded value needs it, filling in an empty one does not), so the field
    itself is optional and the service's error is shown at it."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", gettext_lazy("Reason for the correction"))
        kwargs.setdefault(
            "help_text",
            gettext_lazy(
                "Needed when you change or withdraw something already recorded; it is kept with "
                "the old and new values. No personal details, please."
            ),
        )
        super().__init__(
            max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}), **kwargs
        )


class WithdrawForm(VersionedFormMixin, StyledFormMixin, forms.Form):
    """Withdraw a record made by mistake; the service requires the reason."""

    reason = CorrectionReasonField(
        label=gettext_lazy("Why is it withdrawn?"),
        help_text=gettext_lazy(
            "Kept in the history with what the record said. No personal details, please."
        ),
    )


# Free text (notes of reviews and guidance sessions): a long page of text, not a document.
NOTES_MAX_LENGTH = 5000


def limit_length(field, max_length: int = NOTES_MAX_LENGTH) -> None:
    """Give a form field (also one made from a model's TextField) a maximum length, checked on
    the server and shown to the browser."""
    from django.core.validators import MaxLengthValidator

    field.max_length = max_length
    field.validators.append(MaxLengthValidator(max_length))
    field.widget.attrs["maxlength"] = str(max_length)
