"""Importing CSV files from the browser: upload and check, confirm, follow the job.

The programme admin imports for every municipality and sees every import; a jobcoach imports
the people of their own municipalities and sees the imports made within them (access.py).
Another municipality's import is 404, as a row that does not exist.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import DetailView, ListView, View

from kernel.forms import StyledFormMixin
from kernel.ratelimits import work_limit
from municipalities.access import import_scope, visible
from municipalities.views_base import RoleRequiredMixin

from ..imports.browser import import_confirm, import_progress, import_upload, may_confirm
from ..imports.kinds import KINDS
from ..models import ImportRun, ImportStatus
from .base import JOBCOACH_ROLES

FILE_NAMES = tuple(kind.file for kind in KINDS)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class ImportUploadForm(StyledFormMixin, forms.Form):
    """A folder (Chrome, Edge, Firefox and Safari send every file in it) or loose files."""

    folder = MultipleFileField(
        label=gettext_lazy("Choose the folder with the CSV files"),
        widget=MultipleFileInput(attrs={"webkitdirectory": True, "accept": ".csv,text/csv"}),
    )
    files = MultipleFileField(
        label=gettext_lazy("Or choose the CSV files themselves"),
        widget=MultipleFileInput(attrs={"accept": ".csv,text/csv"}),
        help_text=gettext_lazy(
            "Hold Ctrl (on a Mac: Cmd) to choose several files. Files with other names are "
            "left out."
        ),
    )

    def clean(self):
        cleaned = super().clean()
        chosen = [*cleaned.get("folder", []), *cleaned.get("files", [])]
        recognised: dict = {}
        ignored = 0
        for upload in chosen:
            name = upload.name.rsplit("/", 1)[-1]
            if name not in FILE_NAMES:
                ignored += 1
                continue
            if name in recognised:
                raise ValidationError(
                    _("You chose %(name)s twice; choose each file once.") % {"name": name}
                )
            recognised[name] = upload
        if not recognised:
            raise ValidationError(
                _("Choose at least one of the files %(names)s.") % {"names": ", ".join(FILE_NAMES)}
            )
        cleaned["recognised"] = recognised
        cleaned["ignored"] = ignored
        return cleaned


def _scoped_runs(user):
    return visible(user, ImportRun).select_related("requested_by", "confirmed_by")


class ImportListView(RoleRequiredMixin, ListView):
    """The upload form and every import the person may see."""

    roles = JOBCOACH_ROLES
    template_name = "placements/imports/list.html"
    context_object_name = "runs"
    paginate_by = 25

    def get_queryset(self):
        return _scoped_runs(self.request.user).prefetch_related("municipalities")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", ImportUploadForm())
        context["file_names"] = FILE_NAMES
        context["max_size"] = settings.IMPORT_UPLOAD_MAX_SIZE
        return context

    def post(self, request, *args, **kwargs):
        if import_scope(request.user) is None:
            raise PermissionDenied
        form = ImportUploadForm(request.POST, request.FILES)
        if form.is_valid():
            work_limit(user=request.user, action="import")
            run = import_upload(
                user=request.user,
                files=form.cleaned_data["recognised"],
                ignored=form.cleaned_data["ignored"],
            )
            run.refresh_from_db(fields=["status", "error"])
            if run.status == ImportStatus.FAILED:
                messages.error(request, run.reason)
            return redirect("placements:import_detail", pk=run.pk)
        self.object_list = self.get_queryset()
        return self.render_to_response(self.get_context_data(form=form), status=400)


class ImportDetailView(RoleRequiredMixin, DetailView):
    """What the check found (or the import did): counts per file, every problem."""

    roles = JOBCOACH_ROLES
    template_name = "placements/imports/detail.html"
    context_object_name = "run"

    def get_queryset(self):
        return _scoped_runs(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        run = self.object
        context["may_confirm"] = may_confirm(self.request.user, run)
        context["progress"] = import_progress(run)
        context["rows"] = _count_rows(run)
        return context


class ImportStatusView(ImportDetailView):
    """The progress block of a running import, polled by htmx; once the import has ended,
    htmx is told to load the whole page again (with the counts or the problems)."""

    template_name = "placements/imports/_status.html"

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)
        if not self.object.is_active:
            response["HX-Refresh"] = "true"
        return response


class ImportConfirmView(RoleRequiredMixin, View):
    """Run the checked import (only its uploader; 404 for anyone else)."""

    roles = JOBCOACH_ROLES

    def post(self, request, *args, **kwargs):
        run = get_object_or_404(_scoped_runs(request.user), pk=kwargs["pk"])
        if run.requested_by_id != request.user.pk:
            raise Http404
        if import_confirm(run=run, user=request.user):
            run.refresh_from_db(fields=["status", "error"])
            if run.status == ImportStatus.FAILED:
                messages.error(request, run.reason)
            else:
                messages.success(request, _("The import has started."))
        else:
            messages.info(request, _("This upload cannot be imported (any more)."))
        return redirect("placements:import_detail", pk=run.pk)


def _count_rows(run: ImportRun) -> list[dict]:
    counts = run.shown_counts()
    return [{"file": kind.file, **counts[kind.file]} for kind in KINDS if kind.file in counts]


def upload_too_large(request) -> HttpResponse:
    """The page for an upload over IMPORT_UPLOAD_MAX_SIZE (answered by the body limit
    middleware before anything reads the files)."""
    language = translation.get_language_from_request(request)
    with translation.override(language):
        body = render_to_string(
            "placements/imports/too_large.html",
            {
                "max_size": settings.IMPORT_UPLOAD_MAX_SIZE,
                "back": request.path_info,
                "language": language,
            },
        )
    return HttpResponse(body, status=413)
