from django.contrib import admin
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from municipalities.admin_base import EstimatingChangelistPaginator, ScopedModelAdmin

from .models import Erasure, ProcessingEntry, ProcessingSubject, Restriction, RetentionRun


class ReadOnlyAdmin(ScopedModelAdmin):
    """Read-only: these rows are written by the privacy services, the retention job and the
    processing log, never by hand. They show record ids, never a person: not logged as reads."""

    logs_reads = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ProcessingEntry)
class ProcessingEntryAdmin(ReadOnlyAdmin):
    """The processing log: written by ``municipalities.processing_log``; the database itself
    refuses every change. The people are not listed here (the privacy officer's page does)."""

    list_display = ["at", "actor", "actor_label", "action", "activity", "route", "result", "people"]
    # The date as a side-bar filter (today, past 7 days, this month, this year), not a
    # date_hierarchy: its year links read the whole log on every page (issue 17).
    list_filter = ["activity", "action", "result", "at"]
    list_select_related = ["actor"]
    # A year of the pilot logs millions of reads: counted exactly only when a filter narrows
    # them to fewer than 10,000, else the planner's estimate ("about …").
    paginator = EstimatingChangelistPaginator

    def get_queryset(self, request):
        # The people of each row counted for that row (a subquery per row of the page), not
        # by grouping the whole log with its people, which every count and page then did.
        people = (
            ProcessingSubject.objects.filter(entry=OuterRef("pk"))
            .order_by()
            .values("entry")
            .annotate(n=Count("*"))
            .values("n")
        )
        return super().get_queryset(request).annotate(people_count=Coalesce(Subquery(people), 0))

    @admin.display(description=_("people"))
    def people(self, obj):
        return obj.people_count

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]


@admin.register(Restriction)
class RestrictionAdmin(ReadOnlyAdmin):
    list_display = ["jobseeker_id", "municipality", "restricted_at", "restricted_by"]
    list_filter = ["municipality"]


@admin.register(Erasure)
class ErasureAdmin(ReadOnlyAdmin):
    list_display = ["jobseeker_id", "municipality", "erased_at", "trigger", "erased_by"]
    list_filter = ["trigger", "municipality"]
    date_hierarchy = "erased_at"


@admin.register(RetentionRun)
class RetentionRunAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "status", "progress", "counts", "finished_at", "attempts"]
    list_filter = ["status"]
