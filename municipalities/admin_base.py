"""The admin's base class: every admin list and form goes through the access rules too."""

from django import forms
from django.contrib import admin
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.html import format_html
from django.utils.text import smart_split, unescape_string_literal
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kernel.figures import figures_changed
from kernel.forms import CorrectionReasonField
from kernel.pagination import EstimatingPaginator, JoinedKeysFirstPaginator
from kernel.search import follows_keys, word_found
from kernel.stale_edits import VersionedFormMixin
from kernel.versioning import StaleEdit
from municipalities.processing_enums import Action
from municipalities.processing_log import record_read, record_write

from .access import editable, municipalities_matching, visible
from .enums import ChangeSource, Role
from .history import ChangedBy
from .models import User


class MunicipalitySearchFilter(admin.ListFilter):
    """The municipality as a typed name or code (issue 17): a side bar of 342 links costs more
    than the list itself. Part of a name finds every municipality holding it; an exact name or
    code that one. Only the user's visible municipalities count (``access``). The parameter of
    Django's own filter (``municipality__id__exact``) is still understood, for older links."""

    title = gettext_lazy("municipality")
    template = "admin/municipality_search_filter.html"
    parameter_name = "municipality"
    legacy_parameter_name = "municipality__id__exact"

    def __init__(self, request, params, model, model_admin):
        super().__init__(request, params, model, model_admin)
        value = ""
        for name in (self.legacy_parameter_name, self.parameter_name):
            given = params.pop(name, None)
            if given:
                value = (given[-1] if isinstance(given, list) else given).strip()
                self.used_parameters[name] = value
        self.value = value[:100]

    def has_output(self) -> bool:
        return True

    def expected_parameters(self) -> list[str]:
        return [self.parameter_name, self.legacy_parameter_name]

    def queryset(self, request, queryset):
        if not self.value:
            return queryset
        return self.narrow(queryset, municipalities_matching(request.user, self.value))

    def narrow(self, queryset, municipalities):
        """The rows of ``queryset`` in one of ``municipalities``."""
        return queryset.filter(municipality_id__in=municipalities.values("pk"))

    def choices(self, changelist):
        # One "choice": the form, carrying the list's other parameters along.
        others = changelist.get_query_string(remove=self.expected_parameters() + ["p"])
        hidden = [
            (name, value)
            for name, values in changelist.params.items()
            if name not in self.expected_parameters() and name != "p"
            for value in (values if isinstance(values, list) else [values])
        ]
        yield {
            "parameter": self.parameter_name,
            "value": self.value,
            "hidden": hidden,
            "clear_url": others,
            "selected": bool(self.value),
        }


class ImkCoachFilter(admin.RelatedFieldListFilter):
    """A filter by IMK coach whose links are the IMK coaches, not every user of the pilot
    (Django's own lists each user: every jobcoach of 342 municipalities too, issue 17)."""

    def field_choices(self, field, request, model_admin):
        ordering = self.field_admin_ordering(field, request, model_admin) or ["email"]
        coaches = User.objects.filter(role_assignments__role=Role.IMK_COACH).distinct()
        return [(user.pk, str(user)) for user in coaches.order_by(*ordering)]


class EstimatingChangelistPaginator(EstimatingPaginator):
    # For a changelist of a log of millions (``EstimatingPaginator``); its pagination line
    # says "about" (templates/admin/pagination.html).
    joined_first_page = True


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

    # Pilot-wide lists at national scale (issue 17): deep pages load only their own rows, and
    # the unfiltered total is not counted again beside the filtered one.
    # A changelist's rows come with their related rows (``list_select_related``).
    paginator = JoinedKeysFirstPaginator
    show_full_result_count = False
    # Rendering a row's cells is most of a changelist's time: 25 rows a page, as the pilot's
    # own lists, instead of Django's 100.
    list_per_page = 25

    def get_list_filter(self, request):
        # The municipality as a search field instead of 342 links.
        return [
            MunicipalitySearchFilter if name == "municipality" else name
            for name in super().get_list_filter(request)
        ]

    def get_search_results(self, request, queryset, search_term):
        """Django's search (every word, or "quoted words", in one of the search fields), but
        a field of a related row (``jobseeker__ref``) is searched in that row's table, so that
        each table's trigram indexes answer their part and no join or scan of the whole list
        is needed (``kernel.search``, issue 17). Fields with Django's prefixes (``^``, ``=``,
        ``@``) or through other relations keep Django's own search."""
        fields = [str(field) for field in self.get_search_fields(request)]
        if not fields or not all(follows_keys(self.model, field) for field in fields):
            return super().get_search_results(request, queryset, search_term)
        for word in smart_split(search_term):
            if word.startswith(('"', "'")) and word[0] == word[-1]:
                word = unescape_string_literal(word)
            queryset = queryset.filter(word_found(self.model, fields, word))
        return queryset, False

    def action_checkbox(self, obj):
        # Django renders this checkbox through the form renderer's templates, once per row: a
        # fifth of a changelist's time (issue 17). The same markup, formatted directly
        # (tests/placements/test_pilot_wide_lists.py compares the two).
        label = format_html(_("Select this object for an action - {}"), str(obj))
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            helpers.ACTION_CHECKBOX_NAME,
            str(obj.pk),
            label,
        )

    def lookup_allowed(self, lookup, value, request=None):
        # A municipality filter's older parameter (Django's own filter's, in older links).
        typed = [
            item
            for item in self.get_list_filter(request)
            if isinstance(item, type) and issubclass(item, MunicipalitySearchFilter)
        ]
        if lookup in {item.legacy_parameter_name for item in typed}:
            return True
        return super().lookup_allowed(lookup, value, request)

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
