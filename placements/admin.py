from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from municipalities.admin_base import ScopedModelAdmin, ServiceAdminForm, ServiceModelAdmin

from .models import (
    BenefitCheck,
    BenefitPeriod,
    HostEvaluation,
    Jobseeker,
    Placement,
    PlacementStateChange,
    ProgressReview,
)
from .services import (
    benefit_check_save,
    benefit_period_save,
    host_evaluation_save,
    jobseeker_save,
    placement_save,
    progress_review_save,
)


class ReadOnlyInline(admin.TabularInline):
    """Child rows shown on their parent's page; they are changed on their own admin page (or
    the jobcoach's pages), where a correction asks for its reason and the version is checked."""

    extra = 0
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class BenefitPeriodInline(ReadOnlyInline):
    model = BenefitPeriod
    fields = ["benefit_type", "start_date", "end_date", "end_reason", "monthly_amount"]
    readonly_fields = fields


class JobseekerAdminForm(ServiceAdminForm):
    # Identity details: no correction history (see jobseeker_save), so no reason to ask.
    reason = None

    class Meta:
        model = Jobseeker
        fields = "__all__"

    def service_save(self, change):
        return jobseeker_save(jobseeker=self.instance)


@admin.register(Jobseeker)
class JobseekerAdmin(ServiceModelAdmin):
    form = JobseekerAdminForm
    list_display = ["ref", "given_name", "family_name", "municipality", "research_consent"]
    list_filter = ["municipality", "research_consent"]
    search_fields = ["ref", "given_name", "family_name", "client_number"]
    list_select_related = ["municipality"]
    autocomplete_fields = ["municipality"]
    inlines = [BenefitPeriodInline]

    def has_delete_permission(self, request, obj=None):
        # Removing a person is not a correction of a fact: the admin may still do it.
        return ScopedModelAdmin.has_delete_permission(self, request, obj)


class BenefitPeriodAdminForm(ServiceAdminForm):
    class Meta:
        model = BenefitPeriod
        exclude = ["municipality"]

    def service_save(self, change):
        return benefit_period_save(period=self.instance, change=change)


@admin.register(BenefitPeriod)
class BenefitPeriodAdmin(ServiceModelAdmin):
    form = BenefitPeriodAdminForm
    list_display = ["jobseeker", "benefit_type", "start_date", "end_date", "end_reason"]
    list_filter = ["municipality", "benefit_type", "end_reason"]
    search_fields = ["jobseeker__ref"]
    date_hierarchy = "start_date"
    list_select_related = ["jobseeker"]
    autocomplete_fields = ["jobseeker"]


class StateChangeInline(admin.TabularInline):
    """The lifecycle history, read-only: it is written by the placement service only."""

    model = PlacementStateChange
    extra = 0
    fields = ["changed_at", "from_status", "to_status", "changed_by", "source"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class ProgressReviewInline(ReadOnlyInline):
    model = ProgressReview
    fields = ["held_on", "author", "next_review_on"]
    readonly_fields = fields


class PlacementAdminForm(ServiceAdminForm):
    class Meta:
        model = Placement
        exclude = ["municipality"]

    def service_save(self, change):
        # The admin may skip steps forward (they happened outside the system), never back.
        return placement_save(
            placement=self.instance,
            actor=change.actor,
            source=change.source,
            single_step=False,
            reason=change.reason,
        )


@admin.register(Placement)
class PlacementAdmin(ServiceModelAdmin):
    form = PlacementAdminForm
    list_display = [
        "ref",
        "jobseeker",
        "entrepreneur",
        "status",
        "planned_start",
        "planned_end",
        "actual_start",
        "actual_end",
    ]
    list_filter = ["municipality", "status", "end_reason"]
    search_fields = ["ref", "jobseeker__ref", "entrepreneur__ref", "entrepreneur__trade_name"]
    date_hierarchy = "planned_start"
    list_select_related = ["jobseeker", "entrepreneur"]
    autocomplete_fields = ["jobseeker", "entrepreneur"]
    inlines = [StateChangeInline, ProgressReviewInline]


@admin.register(PlacementStateChange)
class PlacementStateChangeAdmin(ScopedModelAdmin):
    list_display = ["placement", "from_status", "to_status", "changed_by", "changed_at", "source"]
    list_filter = ["municipality", "to_status", "source"]
    search_fields = ["placement__ref"]
    date_hierarchy = "changed_at"
    list_select_related = ["placement", "changed_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ProgressReviewAdminForm(ServiceAdminForm):
    class Meta:
        model = ProgressReview
        exclude = ["municipality"]

    def service_save(self, change):
        if self.instance.author_id is None:
            self.instance.author = change.actor
        return progress_review_save(review=self.instance, change=change)


@admin.register(ProgressReview)
class ProgressReviewAdmin(ServiceModelAdmin):
    form = ProgressReviewAdminForm
    list_display = ["placement", "held_on", "author", "next_review_on"]
    list_filter = ["municipality"]
    search_fields = ["placement__ref"]
    date_hierarchy = "held_on"
    list_select_related = ["placement", "author"]
    autocomplete_fields = ["placement"]


class HostEvaluationAdminForm(ServiceAdminForm):
    class Meta:
        model = HostEvaluation
        exclude = ["municipality", "recorded_by"]

    def service_save(self, change):
        return host_evaluation_save(evaluation=self.instance, actor=change.actor, change=change)


@admin.register(HostEvaluation)
class HostEvaluationAdmin(ServiceModelAdmin):
    form = HostEvaluationAdminForm
    list_display = ["placement", "evaluated_on", "would_host_again", "work_readiness", "offer"]
    list_filter = ["municipality", "would_host_again", "offer"]
    search_fields = ["placement__ref", "placement__entrepreneur__ref"]
    date_hierarchy = "evaluated_on"
    list_select_related = ["placement"]
    autocomplete_fields = ["placement"]
    readonly_fields = ["recorded_by"]


ProgressReviewAdmin.verbose = _("progress reviews")


@admin.register(BenefitCheck)
class BenefitCheckAdmin(ScopedModelAdmin):
    list_display = ["placement", "months", "checked_on", "outcome", "recorded_by"]
    list_filter = ["municipality", "months", "outcome"]
    search_fields = ["placement__ref", "placement__jobseeker__ref"]
    date_hierarchy = "checked_on"
    list_select_related = ["placement", "recorded_by"]
    autocomplete_fields = ["placement"]
    exclude = ["municipality", "recorded_by"]

    def save_model(self, request, obj, form, change):
        if obj.recorded_by_id is None:
            obj.recorded_by = request.user
        benefit_check_save(check=obj)
