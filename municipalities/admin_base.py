"""The admin's base class: every admin list and form goes through the access rules too."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kernel.figures import figures_changed
from kernel.forms import CorrectionReasonField
from kernel.stale_edits import VersionedFormMixin
from kernel.versioning import StaleEdit
from municipalities.processing_enums import Action
from municipalities.processing_log import record_read, record_write

from .access import editable, visible
from .enums import ChangeSource
from .history import ChangedBy


class ScopedModelAdmin(admin.ModelAdmin):
    """Reads through ``access.visible`` and writes only to ``access.editable`` rows.

    Only programme admins enter the admin (see PilotAdminSite), and they see everything; routing
    the admin through the same rules anyway means a role change can never widen it by accident.
    """

    # The pages that show people's data are recorded in the processing log (one read per page):
    # the list, with the people of its rows, and a row opened for reading (GET; a form sent back
    # with errors shows what was sent). The history and delete pages show a row's key only.
    # ``logs_reads = False`` for a model whose pages show no person (a record id at most).
    logs_reads = True

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = (getattr(response, "context_data", None) or {}).get("cl")
        if changelist is not None and self.logs_reads:
            record_read(changelist.result_list)
        return response

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        response = super().changeform_view(request, object_id, form_url, extra_context)
        if request.method == "GET" and self.logs_reads:
            self._record_object_read(response, "original")
        return response

    @staticmethod
    def _record_object_read(response, key: str) -> None:
        obj = (getattr(response, "context_data", None) or {}).get(key)
        if obj is not None and getattr(response, "status_code", 0) == 200:
            record_read([obj])

    def get_queryset(self, request):
        qs = visible(request.user, self.model)
        ordering = self.get_ordering(request)
        return qs.order_by(*ordering) if ordering else qs

    def has_change_permission(self, request, obj=None):
        if obj is not None and not editable(request.user, self.model).filter(pk=obj.pk).exists():
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and not editable(request.user, self.model).filter(pk=obj.pk).exists():
            return False
        return super().has_delete_permission(request, obj)

    # Any change made in the admin may move the outflow figures: have them recomputed (a no-op
    # when the data they read did not change).
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        figures_changed()

    def delete_model(self, request, obj):
        with transaction.atomic():
            _record_deletes([obj])
            super().delete_model(request, obj)
        figures_changed()

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            _record_deletes(list(queryset))
            super().delete_queryset(request, queryset)
        figures_changed()


def _record_deletes(rows) -> None:
    """A deleted record about a person goes into the processing log (in the admin's own
    transaction). A person's own row is not logged here: the log points to it, so it can only
    be erased, never deleted (privacy's erasure)."""
    records = [row for row in rows if row._meta.label != "placements.Jobseeker"]
    if records:
        record_write(Action.DELETE, records)


class ServiceAdminForm(VersionedFormMixin, forms.ModelForm):
    """An admin form whose row is saved by a domain service (``service_save``).

    The service runs once during validation inside a transaction that is rolled back, so that
    its rules (and the reason a correction needs) show at the fields instead of as a server
    error. The form carries the version it was based on, like every edit form.
    """

    version_field = "based_on_version"
    based_on_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    reason = CorrectionReasonField()

    def __init__(self, *args, **kwargs):
        instance = kwargs.get("instance")
        version = instance.version if instance is not None and instance.pk else None
        super().__init__(*args, version=version, **kwargs)

    def service_save(self, change: ChangedBy):
        raise NotImplementedError

    def change_by(self, actor) -> ChangedBy:
        return ChangedBy(
            actor=actor, source=ChangeSource.ADMIN, reason=self.cleaned_data.get("reason", "")
        )

    def _post_clean(self):
        super()._post_clean()
        if self.errors:
            return
        adding = self.instance._state.adding
        based_on = self.instance.version
        try:
            with transaction.atomic():
                self.service_save(self.change_by(None))
                transaction.set_rollback(True)
        except StaleEdit:
            self.add_error(
                None,
                _(
                    "Someone else changed this meanwhile. Open it again to see the current "
                    "values, then make your change again."
                ),
            )
        except ValidationError as exc:
            self._update_errors(exc)
        finally:
            # The trial was rolled back: make the instance what it was for the real save.
            self.instance.version = based_on
            if adding:
                self.instance.pk = None
                self.instance._state.adding = True


class ServiceModelAdmin(ScopedModelAdmin):
    """Saves through the form's service, records who made the change, and offers no delete:
    withdrawing a record needs a reason, which the withdraw pages ask for."""

    form = ServiceAdminForm

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        if obj is None:
            # A new row corrects nothing and is based on no version.
            fields = [name for name in fields if name not in {"reason", "based_on_version"}]
        return fields

    def save_model(self, request, obj, form, change):
        form.service_save(form.change_by(request.user))

    def has_delete_permission(self, request, obj=None):
        return False
