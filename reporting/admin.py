from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from kernel.jobs import job_cancel, job_retry
from municipalities.admin_base import ScopedModelAdmin
from placements.models import ImportRun

from .models import MetricsSnapshot, ProgressReport, ResearchExport, WorkerHeartbeat


@admin.register(MetricsSnapshot)
class MetricsSnapshotAdmin(ScopedModelAdmin):
    list_display = ["as_of", "computed_at", "trigger", "duration_ms", "participants", "outflow"]
    list_filter = ["trigger"]
    date_hierarchy = "as_of"
    search_fields = ["data_fingerprint"]
    readonly_fields = [f.name for f in MetricsSnapshot._meta.fields]

    @admin.display(description="participants")
    def participants(self, obj):
        return obj.totals["participants"]

    @admin.display(description="outflow")
    def outflow(self, obj):
        return obj.totals["outflow"]

    # Snapshots are computed, never typed in.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class JobAdmin(ScopedModelAdmin):
    """Reports and exports as jobs: every one, with its lease, and the two things a programme
    admin can do about one that is stuck or failed: start it again, or cancel it."""

    list_filter = ["status"]
    actions = ["retry_jobs", "cancel_jobs"]
    job_fields = [
        "status",
        "progress",
        "attempts",
        "worker",
        "heartbeat_at",
        "error",
        "created_at",
        "finished_at",
    ]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    # Jobs are requested through the pages and run by the worker, never typed in.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Start the selected jobs again (failed or stalled ones)"))
    def retry_jobs(self, request, queryset):
        started = sum(job_retry(job) for job in queryset)
        self.message_user(
            request,
            ngettext("%(n)d job started again.", "%(n)d jobs started again.", started)
            % {"n": started},
            messages.SUCCESS,
        )

    @admin.action(description=_("Cancel the selected jobs (queued or running ones)"))
    def cancel_jobs(self, request, queryset):
        cancelled = sum(job_cancel(job) for job in queryset)
        self.message_user(
            request,
            ngettext("%(n)d job cancelled.", "%(n)d jobs cancelled.", cancelled) % {"n": cancelled},
            messages.SUCCESS,
        )


@admin.register(ProgressReport)
class ProgressReportAdmin(JobAdmin):
    list_display = ["__str__", "status", "progress", "attempts", "heartbeat_at", "error"]
    list_filter = ["status", "kind", "trigger"]
    search_fields = ["municipality__code", "municipality__name", "kind"]
    date_hierarchy = "as_of"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("municipality")


@admin.register(ResearchExport)
class ResearchExportAdmin(JobAdmin):
    list_display = ["__str__", "status", "progress", "attempts", "heartbeat_at", "error"]
    list_filter = ["status", "format"]
    search_fields = ["format", "requested_by__email"]
    date_hierarchy = "as_of"


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(ScopedModelAdmin):
    list_display = ["hostname", "seen_at", "started_at"]
    search_fields = ["hostname"]
    readonly_fields = ["hostname", "seen_at", "started_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ImportRun)
class ImportRunAdmin(JobAdmin):
    """Imports from the browser as jobs (their check, then their import), beside the other
    jobs: read-only, with the jobs' actions; the import page shows them to their makers."""

    list_display = ["__str__", "phase", "status", "requested_by", "problem_count", "created_at"]
    list_filter = ["phase", "status", "all_municipalities"]
    search_fields = ["requested_by__email"]
    date_hierarchy = "created_at"
