from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from municipalities.admin_base import ScopedModelAdmin

from .enums import ChangeSource
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


class BenefitPeriodInline(admin.TabularInline):
    model = BenefitPeriod
    extra = 0
    exclude = ["municipality"]
    show_change_link = True
    # Saved through the service (overlap rule) by JobseekerAdmin.save_formset.


@admin.register(Jobseeker)
class JobseekerAdmin(ScopedModelAdmin):
    list_display = ["ref", "given_name", "family_name", "municipality", "research_consent"]
    list_filter = ["municipality", "research_consent"]
    search_fields = ["ref", "given_name", "family_name", "client_number"]
    list_select_related = ["municipality"]
    autocomplete_fields = ["municipality"]
    inlines = [BenefitPeriodInline]

    def save_model(self, request, obj, form, change):
        jobseeker_save(jobseeker=obj)

    def save_formset(self, request, form, formset, change):
        for obj in formset.save(commit=False):
            benefit_period_save(period=obj)
        for obj in formset.deleted_objects:
            obj.delete()


@admin.register(BenefitPeriod)
class BenefitPeriodAdmin(ScopedModelAdmin):
    list_display = ["jobseeker", "benefit_type", "start_date", "end_date", "end_reason"]
    list_filter = ["municipality", "benefit_type", "end_reason"]
    search_fields = ["jobseeker__ref"]
    date_hierarchy = "start_date"
    list_select_related = ["jobseeker"]
    autocomplete_fields = ["jobseeker"]
    exclude = ["municipality"]

    def save_model(self, request, obj, form, change):
        benefit_period_save(period=obj)


class StateChangeInline(admin.TabularInline):
    """The lifecycle history, read-only: it is written by the placement service only."""

    model = PlacementStateChange
    extra = 0
    fields = ["changed_at", "from_status", "to_status", "changed_by", "source"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class ProgressReviewInline(admin.StackedInline):
    model = ProgressReview
    extra = 0
    exclude = ["municipality"]


class PlacementAdminForm(admin.options.forms.ModelForm):
    class Meta:
        model = Placement
        exclude = ["municipality"]

    def _post_clean(self):
        super()._post_clean()
        # Rules that need other rows, and the lifecycle direction, come from the service; run
        # it in validation so that its errors show next to the fields instead of a 500.
        from django.db import transaction

        if self.errors:
            return
        was_adding = self.instance._state.adding
        try:
            with transaction.atomic():
                placement_save(
                    placement=self.instance,
                    actor=None,
                    source=ChangeSource.ADMIN,
                    single_step=False,
                )
                transaction.set_rollback(True)
        except ValidationError as exc:
            self._update_errors(exc)
        finally:
            # The trial save was rolled back: make the instance new again for the real save.
            if was_adding:
                self.instance.pk = None
                self.instance._state.adding = True


@admin.register(Placement)
class PlacementAdmin(ScopedModelAdmin):
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

    def save_model(self, request, obj, form, change):
        placement_save(
            placement=obj, actor=request.user, source=ChangeSource.ADMIN, single_step=False
        )

    def save_formset(self, request, form, formset, change):
        if formset.model is ProgressReview:
            for obj in formset.save(commit=False):
                if obj.author_id is None:
                    obj.author = request.user
                progress_review_save(review=obj)
            for obj in formset.deleted_objects:
                obj.delete()
        else:
            formset.save()


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


@admin.register(ProgressReview)
class ProgressReviewAdmin(ScopedModelAdmin):
    list_display = ["placement", "held_on", "author", "next_review_on"]
    list_filter = ["municipality"]
    search_fields = ["placement__ref"]
    date_hierarchy = "held_on"
    list_select_related = ["placement", "author"]
    autocomplete_fields = ["placement"]
    exclude = ["municipality"]

    def save_model(self, request, obj, form, change):
        if obj.author_id is None:
            obj.author = request.user
        progress_review_save(review=obj)


@admin.register(HostEvaluation)
class HostEvaluationAdmin(ScopedModelAdmin):
    list_display = ["placement", "evaluated_on", "would_host_again", "work_readiness", "offer"]
    list_filter = ["municipality", "would_host_again", "offer"]
    search_fields = ["placement__ref", "placement__entrepreneur__ref"]
    date_hierarchy = "evaluated_on"
    list_select_related = ["placement"]
    autocomplete_fields = ["placement"]
    exclude = ["municipality"]
    readonly_fields = ["recorded_by"]

    def save_model(self, request, obj, form, change):
        host_evaluation_save(evaluation=obj, actor=request.user)


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
