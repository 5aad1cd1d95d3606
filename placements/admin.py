from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from municipalities.admin_base import ScopedModelAdmin, ServiceAdminForm, ServiceModelAdmin

from .consents import consent_give_record, consent_withdraw, with_research_consent
from .enums import ConsentSource
from .models import (
    BenefitCheck,
    BenefitPeriod,
    ConsentRecord,
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


class ConsentInline(ReadOnlyInline):
    model = ConsentRecord
    fields = ["purpose", "given_on", "information_version", "source", "withdrawn_on"]
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
    list_filter = ["municipality"]
    search_fields = ["ref", "given_name", "family_name", "client_number"]
    list_select_related = ["municipality"]
    autocomplete_fields = ["municipality"]
    inlines = [BenefitPeriodInline, ConsentInline]

    def get_queryset(self, request):
        # The list's consent column, derived from the consent records in the same query.
        return with_research_consent(super().get_queryset(request))

    @admin.display(description=_("research consent"))
    def research_consent(self, obj):
        return obj.get_research_consent_display()

    def has_delete_permission(self, request, obj=None):
        # Removing a person is not a correction of a fact: the admin may still do it.
        return ScopedModelAdmin.has_delete_permission(self, request, obj)


class ConsentAdminForm(ServiceAdminForm):
    """Give a consent (a new record) or withdraw an open one (its change page): through
    ``placements.consents``, as on the pages. A given consent is never edited: a mistake is
    withdrawn and given again, so that the history shows both."""

    reason = None

    class Meta:
        model = ConsentRecord
        fields = ["jobseeker", "purpose", "given_on", "information_version", "withdrawn_on"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        version = self.fields["information_version"]
        if self.instance.pk is None:
            self.fields.pop("withdrawn_on", None)
            version.required = False
            version.help_text = _("Leave empty for the current version of the information letter.")
            return
        for name in ("jobseeker", "purpose", "given_on", "information_version"):
            self.fields[name].disabled = True
        withdrawn = self.fields["withdrawn_on"]
        withdrawn.disabled = not self.instance.is_open
        withdrawn.required = self.instance.is_open
        withdrawn.help_text = _("The day the jobseeker withdrew this consent.")

    def service_save(self, change):
        if self.instance._state.adding:
            return consent_give_record(
                record=self.instance, source=ConsentSource.ADMIN, actor=change.actor
            )
        if "withdrawn_on" in self.fields and not self.fields["withdrawn_on"].disabled:
            return consent_withdraw(
                record=self.instance,
                withdrawn_on=self.cleaned_data["withdrawn_on"],
                source=ConsentSource.ADMIN,
                actor=change.actor,
            )
        return self.instance


@admin.register(ConsentRecord)
class ConsentRecordAdmin(ServiceModelAdmin):
    form = ConsentAdminForm
    list_display = ["jobseeker", "purpose", "given_on", "information_version", "withdrawn_on"]
    list_filter = ["municipality", "purpose", "source", "given_on"]
    search_fields = ["jobseeker__ref"]
    list_select_related = ["jobseeker"]
    autocomplete_fields = ["jobseeker"]
    readonly_fields = ["recorded_by", "source", "withdrawn_by", "withdrawal_source"]

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if obj is None:
            # A new consent is given, not withdrawn; who and how are the service's to record.
            hidden = {*self.readonly_fields, "withdrawn_on"}
            return [name for name in fields if name not in hidden]
        return fields


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
    list_filter = ["municipality", "benefit_type", "end_reason", "start_date"]
    search_fields = ["jobseeker__ref"]
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
    list_filter = ["municipality", "status", "end_reason", "planned_start"]
    search_fields = [
        "ref",
        "jobseeker__ref",
        "jobseeker__given_name",
        "jobseeker__family_name",
        "entrepreneur__ref",
        "entrepreneur__trade_name",
    ]
    # Dates as a side-bar filter (today, past 7 days, this month, this year), not a
    # date_hierarchy: its year links read every (matching) row on every page, twice (issue 17).
    list_select_related = ["jobseeker", "entrepreneur"]
    autocomplete_fields = ["jobseeker", "entrepreneur"]
    inlines = [StateChangeInline, ProgressReviewInline]


@admin.register(PlacementStateChange)
class PlacementStateChangeAdmin(ScopedModelAdmin):
    list_display = ["placement", "from_status", "to_status", "changed_by", "changed_at", "source"]
    list_filter = ["municipality", "to_status", "source", "changed_at"]
    search_fields = ["placement__ref"]
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
    list_filter = ["municipality", "held_on"]
    search_fields = ["placement__ref"]
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
    list_filter = ["municipality", "would_host_again", "offer", "evaluated_on"]
    search_fields = ["placement__ref", "placement__entrepreneur__ref"]
    list_select_related = ["placement"]
    autocomplete_fields = ["placement"]
    readonly_fields = ["recorded_by"]


ProgressReviewAdmin.verbose = _("progress reviews")


@admin.register(BenefitCheck)
class BenefitCheckAdmin(ScopedModelAdmin):
    list_display = ["placement", "months", "checked_on", "outcome", "recorded_by"]
    list_filter = ["municipality", "months", "outcome", "checked_on"]
    search_fields = ["placement__ref", "placement__jobseeker__ref"]
    list_select_related = ["placement", "recorded_by"]
    autocomplete_fields = ["placement"]
    exclude = ["municipality", "recorded_by"]

    def save_model(self, request, obj, form, change):
        if obj.recorded_by_id is None:
            obj.recorded_by = request.user
        benefit_check_save(check=obj)
