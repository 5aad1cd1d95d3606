"""Edit forms that carry the version they were based on, and the page for a stale edit.

The form sends back, besides the user's input, the row's version (a hidden field) and the value
each field had when the form was shown (Django's hidden initial inputs). When the service refuses
the write as stale (``kernel.versioning.StaleEdit``), the view shows which fields changed
meanwhile (field, the user's input, the current value) and the form again on the current row:
the fields the user changed keep their input, the others show the current values, and the
hidden version is the current one, so that sending it again redoes their change.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .versioning import StaleEdit

# Not part of the record: never compared, never carried over.
UNTRACKED = frozenset({"version", "based_on_version", "reason"})


@dataclass(frozen=True)
class StaleLine:
    label: str
    yours: str
    current: str
    you_changed_it: bool


def _as_data(field: forms.Field, value) -> list[str]:
    """A value as the browser would send it back, to compare and to re-fill a form."""
    value = field.prepare_value(value)
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    return ["" if value is None else str(value)]


def _display(field: forms.Field, value) -> str:
    if value in (None, "", [], ()):
        return "–"
    if isinstance(value, datetime.date):
        return date_format(value, "j F Y")
    choices = getattr(field, "choices", None)
    if choices is not None and not isinstance(field, forms.ModelChoiceField):
        labels = {str(key): label for key, label in field.choices}
        values = value if isinstance(value, list | tuple) else [value]
        return ", ".join(str(labels.get(str(v), v)) for v in values)
    return str(value)


class VersionedFormMixin:
    """Give an edit form the hidden ``version`` and the shown values (see the module doc).

    ``version`` is the version of the row the form edits (None when it adds a row). A model
    form passes it on to its instance; other forms read ``cleaned_data["version"]``.
    """

    # The admin names it otherwise: its model forms may not name a non-editable model field.
    version_field = "version"

    def __init__(self, *args, version: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if version is None:
            return
        self.fields[self.version_field] = forms.IntegerField(
            widget=forms.HiddenInput, initial=version
        )
        for name in self.tracked_names:
            self.fields[name].show_hidden_initial = True
        if self.is_bound:
            # What the user was shown is what came back as the initial values, not the row as
            # it is now: a form re-shown with errors must keep comparing with that.
            for name in self.tracked_names:
                field = self.fields[name]
                shown = field.hidden_widget().value_from_datadict(
                    self.data, self.files, self.add_initial_prefix(name)
                )
                if shown is None:
                    continue
                try:
                    self.initial[name] = field.to_python(shown)
                except ValidationError:
                    continue

    @property
    def tracked_names(self) -> list[str]:
        return [name for name in self.fields if name not in UNTRACKED]

    def _post_clean(self):
        super()._post_clean()
        instance = getattr(self, "instance", None)
        based_on = self.cleaned_data.get(self.version_field)
        if instance is not None and based_on is not None:
            instance.version = based_on

    def stale_lines(self, current_form: forms.BaseForm) -> list[StaleLine]:
        """The fields whose stored value changed since this form was shown."""
        mine = set(self.changed_data)
        lines = []
        for name in self.tracked_names:
            field = self.fields[name]
            current = current_form[name].initial
            if _as_data(field, self.initial.get(name)) == _as_data(field, current):
                continue
            yours = self.cleaned_data.get(name) if name in mine else self.initial.get(name)
            lines.append(
                StaleLine(
                    label=str(field.label),
                    yours=_display(field, yours),
                    current=_display(field, current),
                    you_changed_it=name in mine,
                )
            )
        return lines

    def rebased_data(self, current_form: forms.BaseForm, *, version: int):
        """The user's input on top of the current row: the data of the form shown again."""
        data = self.data.copy()
        mine = set(self.changed_data)
        for name in self.tracked_names:
            current = _as_data(self.fields[name], current_form[name].initial)
            data.setlist(self.add_initial_prefix(name), current)
            if name not in mine:
                data.setlist(self.add_prefix(name), current)
        data[self.add_prefix(self.version_field)] = str(version)
        return data


class StaleEditViewMixin:
    """For a view whose form is a ``VersionedFormMixin`` on ``self.object``.

    ``form_valid`` calls ``self.stale_edit(form, exc)`` when the service raises StaleEdit;
    the answer is the same page with the changes made meanwhile and the form on the current
    row (HTTP 409), or, when the row is gone, a message on ``gone_url()``.
    """

    _rebased_data = None

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if getattr(self, "object", None) is not None:
            kwargs["version"] = self.object.version
        if self._rebased_data is not None:
            kwargs["data"] = self._rebased_data
        return kwargs

    def gone_url(self) -> str:
        raise NotImplementedError

    def stale_edit(self, form, exc: StaleEdit):
        if exc.current is None:
            messages.warning(
                self.request,
                _("Someone else withdrew this record meanwhile: your change is not saved."),
            )
            return redirect(self.gone_url())
        self.object = exc.current
        unbound = {k: v for k, v in self.get_form_kwargs().items() if k not in {"data", "files"}}
        current_form = self.get_form_class()(**unbound)
        self._rebased_data = form.rebased_data(current_form, version=exc.current.version)
        context = self.get_context_data(
            form=self.get_form(), stale_lines=form.stale_lines(current_form), stale=True
        )
        return self.render_to_response(context, status=409)
