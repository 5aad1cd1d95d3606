"""The dashboard and the progress reports' list, progress and download pages."""

from __future__ import annotations

import secrets

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.generic import DetailView, ListView, TemplateView

from kernel.queue import broker_reachable
from kernel.ratelimits import work_limit
from municipalities.access import access_for
from municipalities.enums import Role
from municipalities.models import Municipality
from municipalities.services import audit_record
from municipalities.views_base import RoleRequiredMixin, ScopedQuerysetMixin
from reporting.small_cells import suppress_for_funder

from .dashboard import dashboard_figures_html, dashboard_scope, snapshot_for_dashboard
from .forms import AsOfForm, ReportRequestForm
from .models import ProgressReport, ReportKind, ReportStatus
from .reports.services import report_request
from .rollout_views import ROLLOUT_ROLES
from .snapshots import request_snapshot, snapshot_before

DASHBOARD_ROLES = frozenset({Role.PROGRAMME_ADMIN, Role.JOBCOACH, Role.FUNDER, Role.RESEARCHER})
# The IMK coach sees no dashboard and no reports (domain.md: no reports; the dashboard's
# figures are the municipalities', not an IMK coach's entrepreneurs').
REPORT_ROLES = DASHBOARD_ROLES


class DashboardMixin(RoleRequiredMixin):
    roles = DASHBOARD_ROLES

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.scope = dashboard_scope(access_for(request.user))
            if self.scope is None and access_for(request.user).roles & self.roles:
                # A jobcoach role without a municipality: nothing to show.
                raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def as_of_form(self) -> AsOfForm:
        today = timezone.localdate()
        if "as_of" in self.request.GET:
            form = AsOfForm(self.request.GET)
            self.as_of = form.cleaned_data["as_of"] if form.is_valid() else today
        else:
            form = AsOfForm(initial={"as_of": today})
            self.as_of = today
        return form


class DashboardView(DashboardMixin, TemplateView):
    template_name = "reporting/dashboard.html"
    # The figures' HTML (a megabyte at national scale: every municipality's rows in the charts'
    # tables) is put into the rendered page once, in place of a mark only this response knows:
    # passed through the template, every block and include it sits in would copy it again
    # (the template engine joins each level's output), which cost a warm request more than
    # everything else together.
    _figures: tuple[str, str] | None = None

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        if self._figures is not None:
            mark, html = self._figures

            def put_figures(rendered):
                rendered.content = rendered.content.replace(mark.encode(), html.encode(), 1)

            response.add_post_render_callback(put_figures)
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = self.as_of_form()
        snapshot = snapshot_for_dashboard(as_of=self.as_of)
        if snapshot is None:
            # Never compute in the request: the worker computes and stores; this page polls.
            worker_reachable = request_snapshot(self.as_of, requested_by=self.request.user)
            snapshot = snapshot_for_dashboard(as_of=self.as_of)  # eager mode: already there
            if snapshot is None and not worker_reachable:
                # Nothing can compute them now: show the last stored figures, marked as such.
                snapshot = snapshot_before(as_of=self.as_of)
        else:
            # Saves since the figures were stored cannot be counted while the broker is down.
            worker_reachable = broker_reachable()
        context.update(
            form=form,
            as_of=self.as_of,
            whole_pilot=self.scope.whole_pilot,
            worker_unreachable=not worker_reachable,
            snapshot=snapshot,
        )
        if snapshot is None and not worker_reachable:
            context["pending"] = False
            context["unavailable"] = True
            return context
        if snapshot is None:
            context["pending"] = True
            context["status_url"] = (
                reverse("reporting:dashboard_status") + f"?as_of={self.as_of.isoformat()}"
            )
            return context
        mark = f"<!-- figures {secrets.token_hex(16)} -->"
        self._figures = (
            mark,
            dashboard_figures_html(
                snapshot=snapshot,
                scope=self.scope,
                suppress_small=suppress_for_funder(access_for(self.request.user)),
            ),
        )
        context.update(
            pending=False,
            figures_html=mark_safe(mark),  # noqa: S308 - our own comment, replaced after rendering
            can_rollout=bool(access_for(self.request.user).roles & ROLLOUT_ROLES),
            municipality_names=self.scope.names,
            report_form=self.report_form(),
        )
        return context

    def report_form(self) -> ReportRequestForm | None:
        """The report request form, for this date; it posts to the report list."""
        kinds = report_kinds_for(self.request.user)
        if not kinds:
            return None
        return ReportRequestForm(
            kinds=kinds,
            municipalities=report_municipalities_for(self.request.user),
            initial={"as_of": self.as_of},
            # Ids of their own: the date form above has an "as_of" field too.
            auto_id="report-%s",
        )


class DashboardStatusView(DashboardMixin, TemplateView):
    """Polled by htmx while the figures are computed; reloads the page once they are stored."""

    template_name = "reporting/_dashboard_pending.html"

    def get(self, request, *args, **kwargs):
        self.as_of_form()
        if snapshot_for_dashboard(as_of=self.as_of) is not None:
            response = HttpResponse(status=204)
            response["HX-Refresh"] = "true"
            return response
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["as_of"] = self.as_of
        context["status_url"] = self.request.get_full_path()
        return context


def report_kinds_for(user) -> list[str]:
    a = access_for(user)
    if a.is_programme_admin:
        return [ReportKind.FUNDER, ReportKind.RESEARCH, ReportKind.MUNICIPALITY]
    kinds = []
    if a.is_funder:
        kinds.append(ReportKind.FUNDER)
    if a.is_researcher:
        kinds.append(ReportKind.RESEARCH)
    if a.is_jobcoach:
        kinds.append(ReportKind.MUNICIPALITY)
    return kinds


def report_municipalities_for(user):
    a = access_for(user)
    if a.is_programme_admin:
        return Municipality.objects.order_by("name")
    return Municipality.objects.filter(id__in=sorted(a.jobcoach_municipality_ids)).order_by("name")


class ReportListView(ScopedQuerysetMixin, ListView):
    model = ProgressReport
    roles = REPORT_ROLES
    paginate_by = 25
    template_name = "reporting/report_list.html"
    context_object_name = "reports"

    def scope_queryset(self, queryset):
        return queryset.select_related("municipality").order_by(
            "-as_of", "kind", "municipality__code"
        )

    def request_form(self, data=None) -> ReportRequestForm | None:
        kinds = report_kinds_for(self.request.user)
        if not kinds:
            return None
        return ReportRequestForm(
            data,
            kinds=kinds,
            municipalities=report_municipalities_for(self.request.user),
            initial={"as_of": timezone.localdate()},
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", self.request_form())
        return context

    def post(self, request, *args, **kwargs):
        form = self.request_form(request.POST)
        if form is None:
            raise PermissionDenied
        if not form.is_valid():
            self.object_list = self.get_queryset()
            return self.render_to_response(self.get_context_data(form=form), status=400)
        work_limit(user=request.user, action="report")
        report, queued = report_request(
            kind=form.cleaned_data["kind"],
            as_of=form.cleaned_data["as_of"],
            municipality=form.cleaned_data.get("municipality"),
            requested_by=request.user,
            rerender=form.cleaned_data["rerender"],
        )
        report.refresh_from_db(fields=["status", "error"])
        if report.status == ReportStatus.FAILED:
            # Not queued (the broker is down): say so; asking again queues it again.
            messages.error(request, report.reason)
        elif queued:
            messages.success(request, _("The report is being rendered."))
        elif report.status == ReportStatus.DONE:
            messages.success(request, _("This report is already stored."))
        else:
            messages.success(request, _("This report is being rendered already."))
        return redirect("reporting:report_list")


class ReportStatusView(ScopedQuerysetMixin, DetailView):
    """One row of the report list, polled by htmx while the report is rendered."""

    model = ProgressReport
    roles = REPORT_ROLES
    template_name = "reporting/_report_row.html"
    context_object_name = "report"

    def scope_queryset(self, queryset):
        return queryset.select_related("municipality")


class ReportDownloadView(ScopedQuerysetMixin, DetailView):
    model = ProgressReport
    roles = REPORT_ROLES

    def get(self, request, *args, **kwargs):
        report = self.get_object()
        if not report.file:
            raise Http404
        audit_record(
            actor=request.user,
            action="report_download",
            object_type="progress_report",
            object_ref=str(report.pk),
            municipality=report.municipality,
            kind=report.kind,
            as_of=report.as_of.isoformat(),
        )
        return FileResponse(
            report.file.open("rb"),
            as_attachment=True,
            filename=report.download_name(),
            content_type="application/pdf",
        )

    def scope_queryset(self, queryset):
        return queryset.select_related("municipality")
