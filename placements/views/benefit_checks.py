"""The benefit check 3, 6 or 12 months after an internship, recorded by the jobcoach."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import FormView
from django.views.generic.detail import SingleObjectMixin

from kernel.dates import add_months
from municipalities.views_base import ScopedQuerysetMixin

from ..enums import ENDED_STATUSES, BenefitCheckOutcome
from ..forms import BenefitCheckForm, add_service_errors
from ..models import BenefitCheck, Placement
from ..selectors import BENEFIT_CHECK_MONTHS
from .base import JOBCOACH_ROLES


class BenefitCheckView(ScopedQuerysetMixin, SingleObjectMixin, FormView):
    """GET shows the form for one check moment of an ended placement; POST records it.

    "Benefits ended" goes straight on to the form that records the end of the benefit, so
    that the outflow figure follows the check.
    """

    roles = JOBCOACH_ROLES
    model = Placement
    for_writing = True
    form_class = BenefitCheckForm
    template_name = "placements/benefit_check_form.html"

    def scope_queryset(self, queryset):
        return queryset.select_related("jobseeker", "entrepreneur")

    def get_object(self, queryset=None):
        # Only 3, 6 and 12 months exist: any other number is a page that is not there.
        if self.kwargs["months"] not in BENEFIT_CHECK_MONTHS:
            raise Http404
        return super().get_object(queryset)

    def _not_possible(self):
        """A placement that has not ended, or a check already recorded: nothing to record."""
        placement = self.object
        if placement.status not in ENDED_STATUSES:
            messages.warning(
                self.request,
                _("Placement %(ref)s has not ended: there is no benefit check yet.")
                % {"ref": placement.ref},
            )
            return redirect("placements:placement_detail", pk=placement.pk)
        if BenefitCheck.objects.filter(placement=placement, months=self.kwargs["months"]).exists():
            messages.info(
                self.request,
                _("The check %(months)s months after placement %(ref)s is already recorded.")
                % {"months": self.kwargs["months"], "ref": placement.ref},
            )
            return redirect("placements:placement_detail", pk=placement.pk)
        return None

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        return self._not_possible() or super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        return self._not_possible() or super().post(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "placement": self.object,
            "months": self.kwargs["months"],
        }

    def get_context_data(self, **kwargs):
        months = self.kwargs["months"]
        return super().get_context_data(
            placement=self.object,
            months=months,
            check_on=add_months(self.object.actual_end, months),
            **kwargs,
        )

    def form_valid(self, form):
        try:
            check = form.save(actor=self.request.user)
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        jobseeker_id = self.object.jobseeker_id
        if check.outcome == BenefitCheckOutcome.BENEFITS_ENDED:
            messages.success(
                self.request, _("The check is recorded. Now record when the benefit ended.")
            )
            return redirect("placements:benefit_end", pk=jobseeker_id)
        messages.success(self.request, _("The check is recorded."))
        return redirect("placements:jobseeker_detail", pk=jobseeker_id)
