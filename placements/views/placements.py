from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import DetailView, FormView, ListView
from django.views.generic.detail import SingleObjectMixin

from kernel.models import PilotSettings
from kernel.pagination import JoinedKeysFirstPaginator
from kernel.stale_edits import StaleEditViewMixin
from kernel.versioning import StaleEdit
from municipalities.views_base import ScopedQuerysetMixin

from ..enums import ENDED_STATUSES, PlacementStatus
from ..filters import PlacementFilter
from ..forms import (
    AgreeForm,
    CancelForm,
    CompleteForm,
    ProposeForm,
    ReviewForm,
    StartForm,
    StepForm,
    TerminateForm,
    add_service_errors,
)
from ..models import Jobseeker, Placement
from ..selectors import (
    placement_benefit_checks,
    placement_corrections,
    placement_evaluation,
    placement_list_rows,
    placement_reviews,
    placement_state_changes,
)
from ..services import undo_target
from .base import JOBCOACH_ROLES, PartialListMixin


@dataclass(frozen=True)
class Step:
    """One step of the lifecycle as the jobcoach sees it."""

    name: str
    form_class: type[StepForm]
    from_statuses: frozenset[str]
    title: str
    button: str
    done: str  # the confirmation, with %(ref)s

    @property
    def url_name(self) -> str:
        return f"placements:placement_{self.name}"


# In the order the detail page offers them. Only steps whose from_statuses hold the current
# status are offered; the services check the rules again when the form is sent.
STEPS: dict[str, Step] = {
    step.name: step
    for step in (
        Step(
            "agree",
            AgreeForm,
            frozenset({PlacementStatus.PROPOSED}),
            gettext_lazy("Agree dates and hours"),
            gettext_lazy("Record agreement"),
            gettext_lazy("Placement %(ref)s is agreed."),
        ),
        Step(
            "start",
            StartForm,
            frozenset({PlacementStatus.AGREED}),
            gettext_lazy("Start the internship"),
            gettext_lazy("Record start"),
            gettext_lazy("Placement %(ref)s has started."),
        ),
        Step(
            "review",
            ReviewForm,
            frozenset({PlacementStatus.ACTIVE}),
            gettext_lazy("Record a progress review"),
            gettext_lazy("Save review"),
            gettext_lazy("Progress review of %(ref)s saved."),
        ),
        Step(
            "complete",
            CompleteForm,
            frozenset({PlacementStatus.ACTIVE}),
            gettext_lazy("Complete the internship"),
            gettext_lazy("Record completion"),
            gettext_lazy("Placement %(ref)s is completed."),
        ),
        Step(
            "terminate",
            TerminateForm,
            frozenset({PlacementStatus.ACTIVE}),
            gettext_lazy("End the internship early"),
            gettext_lazy("Record early end"),
            gettext_lazy("Placement %(ref)s is terminated."),
        ),
        Step(
            "cancel",
            CancelForm,
            frozenset({PlacementStatus.PROPOSED, PlacementStatus.AGREED}),
            gettext_lazy("Cancel the placement"),
            gettext_lazy("Cancel placement"),
            gettext_lazy("Placement %(ref)s is cancelled."),
        ),
    )
}


def steps_for(placement: Placement) -> list[Step]:
    return [step for step in STEPS.values() if placement.status in step.from_statuses]


class PlacementListView(ScopedQuerysetMixin, PartialListMixin, ListView):
    roles = JOBCOACH_ROLES
    model = Placement
    paginate_by = 25
    # Its rows come with their jobseeker and entrepreneur: page 1 takes its keys first too,
    # or a municipality filter walks the list's order index past thousands of other rows.
    paginator_class = JoinedKeysFirstPaginator
    template_name = "placements/placement_list.html"
    partial_template_name = "placements/_placement_results.html"

    def scope_queryset(self, queryset):
        self.filterset = PlacementFilter(
            self.request.GET or None,
            queryset=placement_list_rows(queryset),
            request=self.request,
        )
        return self.filterset.qs


class PlacementDetailView(ScopedQuerysetMixin, DetailView):
    roles = JOBCOACH_ROLES
    model = Placement
    template_name = "placements/placement_detail.html"

    def scope_queryset(self, queryset):
        return queryset.select_related("jobseeker", "entrepreneur", "municipality")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, placement = self.request.user, self.object
        context.update(
            state_changes=placement_state_changes(user=user, placement=placement),
            reviews=placement_reviews(user=user, placement=placement),
            benefit_checks=placement_benefit_checks(
                user=user, placement=placement, today=timezone.localdate()
            ),
            evaluation_possible=placement.status in ENDED_STATUSES,
            evaluation=placement_evaluation(user=user, placement=placement),
            steps=[
                (step, step.form_class(placement=placement, prefix=step.name))
                for step in steps_for(placement)
            ],
            undo_to=_undo_label(placement),
            corrections=placement_corrections(user=user, placement=placement),
        )
        return context


def _undo_label(placement: Placement) -> str:
    """The status the last step would go back to, as the page names it ("" for none)."""
    target = undo_target(placement)
    return PlacementStatus(target).label if target else ""


def changed_meanwhile(request, placement: Placement):
    """The answer to a step sent on a placement that moved on meanwhile: a clear message on the
    placement's page, never an error page."""
    messages.warning(
        request,
        _(
            "Placement %(ref)s was changed by someone else meanwhile and is now %(status)s. "
            "Your step was not recorded: check the placement and try again if still needed."
        )
        % {"ref": placement.ref, "status": placement.get_status_display()},
    )
    return redirect("placements:placement_detail", pk=placement.pk)


class PlacementStepView(StaleEditViewMixin, ScopedQuerysetMixin, SingleObjectMixin, FormView):
    """One lifecycle step: GET shows its form, POST performs it through the service.

    The form carries the placement's version: of two steps sent at once one succeeds, the
    other gets a message (or, when its step is still possible, its form back on the current
    placement)."""

    roles = JOBCOACH_ROLES
    model = Placement
    for_writing = True
    template_name = "placements/placement_step.html"
    step_name = ""

    @cached_property
    def step(self) -> Step:
        return STEPS[self.step_name]

    def scope_queryset(self, queryset):
        return queryset.select_related("jobseeker", "entrepreneur")

    def _step_not_possible(self):
        messages.warning(
            self.request,
            _("That step is not possible now: placement %(ref)s is %(status)s.")
            % {"ref": self.object.ref, "status": self.object.get_status_display()},
        )
        return redirect("placements:placement_detail", pk=self.object.pk)

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        if self.object.status not in self.step.from_statuses:
            return self._step_not_possible()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        if self.object.status not in self.step.from_statuses:
            return self._step_not_possible()
        return super().post(request, *args, **kwargs)

    def get_form_class(self):
        return self.step.form_class

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "placement": self.object, "prefix": self.step.name}

    def get_context_data(self, **kwargs):
        return super().get_context_data(step=self.step, placement=self.object, **kwargs)

    def form_valid(self, form):
        try:
            form.perform(actor=self.request.user)
        except StaleEdit as exc:
            return self.stale_edit(form, exc)
        except ValidationError as exc:
            # The service changed the object in memory before it refused: show the stored row.
            self.object.refresh_from_db()
            add_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, self.step.done % {"ref": self.object.ref})
        return redirect("placements:placement_detail", pk=self.object.pk)

    def stale_edit(self, form, exc: StaleEdit):
        if exc.current is not None and exc.current.status not in self.step.from_statuses:
            return changed_meanwhile(self.request, exc.current)
        return super().stale_edit(form, exc)

    def gone_url(self) -> str:
        return reverse("placements:placement_list")


class PlacementProposeView(ScopedQuerysetMixin, FormView):
    """Propose a placement; ``?jobseeker=<pk>`` comes from the jobseeker's page and narrows the
    entrepreneurs to that person's municipality."""

    roles = JOBCOACH_ROLES
    # The page reads the jobseeker it proposes for; writing needs the editable set.
    model = Jobseeker
    for_writing = True
    form_class = ProposeForm
    template_name = "placements/placement_propose.html"

    @cached_property
    def jobseeker(self) -> Jobseeker | None:
        pk = self.request.GET.get("jobseeker", "")
        if not pk:
            return None
        if not pk.isdigit():
            return get_object_or_404(self.get_queryset().none())
        return get_object_or_404(self.get_queryset(), pk=int(pk))

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "jobseeker": self.jobseeker}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(jobseeker=self.jobseeker, **kwargs)
        rules = PilotSettings.load()
        context.update(
            min_months=rules.internship_min_months,
            max_months=rules.internship_max_months,
            has_entrepreneurs=context["form"].fields["entrepreneur"].queryset.exists(),
        )
        return context

    def people_shown(self, context):
        # The form's list names every jobseeker the user may propose for.
        return context["form"].fields["jobseeker"].queryset.values_list("pk", flat=True)

    def form_valid(self, form):
        try:
            placement = form.save(actor=self.request.user)
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Placement %(ref)s is proposed.") % {"ref": placement.ref})
        return redirect("placements:placement_detail", pk=placement.pk)
