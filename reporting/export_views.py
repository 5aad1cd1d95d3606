"""The research export page: request an export, watch it being built, download it.

Open to researchers and programme admins (403 for every other role). Everyone on the page sees
the list of past exports; only the researcher who made one, and programme admins, can download
it (404 for anyone else, as for a row that does not exist).
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.generic import DetailView, ListView, View

from kernel.forms import DateInput, StyledFormMixin
from kernel.ratelimits import work_limit
from municipalities.enums import Role
from municipalities.views_base import RoleRequiredMixin

from .exports.build import validate_as_of
from .exports.services import (
    downloadable_exports,
    export_download_logged,
    export_request,
    export_retry,
    may_download,
    may_retry,
)
from .models import ExportFormat, ExportLanguage, ExportStatus, ResearchExport

EXPORT_ROLES = frozenset({Role.RESEARCHER, Role.PROGRAMME_ADMIN})


class ResearchExportForm(StyledFormMixin, forms.Form):
    as_of = forms.DateField(
        label=gettext_lazy("Export date"),
        widget=DateInput(),
        help_text=gettext_lazy("Only facts dated on or before this date are exported."),
    )
    format = forms.ChoiceField(
        label=gettext_lazy("Format"), choices=ExportFormat.choices, widget=forms.RadioSelect
    )
    language = forms.ChoiceField(
        label=gettext_lazy("Language of the labels"),
        choices=ExportLanguage.choices,
        help_text=gettext_lazy("The codebook always has both languages."),
    )

    def clean_as_of(self):
        as_of = self.cleaned_data["as_of"]
        validate_as_of(as_of)
        return as_of


class ResearchExportListView(RoleRequiredMixin, ListView):
    roles = EXPORT_ROLES
    template_name = "reporting/exports/list.html"
    context_object_name = "exports"
    paginate_by = 25

    def get_queryset(self):
        # Exports are not tenant data: every export-page user sees the list; downloads are
        # decided per row by may_download.
        return ResearchExport.objects.select_related("requested_by").order_by("-created_at", "-id")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if "form" not in context:
            language = (get_language() or "nl")[:2]
            context["form"] = ResearchExportForm(
                initial={
                    "as_of": timezone.localdate(),
                    "format": ExportFormat.CSV,
                    "language": language if language in ExportLanguage.values else "nl",
                }
            )
        context["downloadable_ids"] = set(
            downloadable_exports(self.request.user)
            .filter(pk__in=[export.pk for export in context["exports"]])
            .values_list("pk", flat=True)
        )
        context["retryable_ids"] = {
            export.pk for export in context["exports"] if may_retry(self.request.user, export)
        }
        return context

    def post(self, request, *args, **kwargs):
        form = ResearchExportForm(request.POST)
        if form.is_valid():
            work_limit(user=request.user, action="export")
            try:
                export = export_request(
                    as_of=form.cleaned_data["as_of"],
                    format=form.cleaned_data["format"],
                    language=form.cleaned_data["language"],
                    requested_by=request.user,
                )
            except ValidationError as exc:
                form.add_error("as_of", exc)
            else:
                _tell(request, export)
                return redirect("exports:list")
        self.object_list = self.get_queryset()
        return self.render_to_response(self.get_context_data(form=form), status=400)


def _tell(request, export: ResearchExport) -> None:
    """The message after starting an export: ready (in-process tasks, the demo), being built,
    or refused because the worker cannot be reached (the row offers to start it again)."""
    export.refresh_from_db(fields=["status", "error"])
    if export.status == ExportStatus.DONE:
        messages.success(request, _("The export is ready: download it below."))
    elif export.status == ExportStatus.FAILED:
        messages.error(request, export.reason)
    else:
        messages.success(request, _("The export is being built."))


class ResearchExportRetryView(RoleRequiredMixin, View):
    """Start a failed export again, as the same row (its maker or a programme admin)."""

    roles = EXPORT_ROLES

    def post(self, request, *args, **kwargs):
        export = get_object_or_404(ResearchExport, pk=kwargs["pk"])
        if not may_retry(request.user, export):
            raise Http404
        if export_retry(export=export, user=request.user):
            _tell(request, export)
        else:
            messages.info(request, _("This export is not failed; there is nothing to restart."))
        return redirect("exports:list")


class ResearchExportStatusView(RoleRequiredMixin, DetailView):
    """One row of the export list, polled by htmx while the export is built."""

    roles = EXPORT_ROLES
    template_name = "reporting/exports/_row.html"
    context_object_name = "export"

    def get_queryset(self):
        return ResearchExport.objects.select_related("requested_by")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["downloadable_ids"] = (
            {self.object.pk} if may_download(self.request.user, self.object) else set()
        )
        context["retryable_ids"] = (
            {self.object.pk} if may_retry(self.request.user, self.object) else set()
        )
        return context


class ResearchExportDownloadView(RoleRequiredMixin, View):
    roles = EXPORT_ROLES

    def get(self, request, *args, **kwargs):
        export = get_object_or_404(downloadable_exports(request.user), pk=kwargs["pk"])
        if not export.file:
            raise Http404
        export_download_logged(export=export, user=request.user)
        return FileResponse(
            export.file.open("rb"),
            as_attachment=True,
            filename=export.download_name(),
            content_type="application/zip",
        )
