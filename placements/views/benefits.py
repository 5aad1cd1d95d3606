"""Benefit changes, recorded from the jobseeker's page: a benefit ended, or a new one started."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy
from django.views.generic import FormView
from django.views.generic.detail import SingleObjectMixin

from municipalities.views_base import ScopedQuerysetMixin

from ..forms import BenefitEndForm, BenefitStartForm, add_service_errors
from ..models import Jobseeker
from .base import JOBCOACH_ROLES


class BenefitChangeView(ScopedQuerysetMixin, SingleObjectMixin, FormView):
    roles = JOBCOACH_ROLES
    model = Jobseeker
    for_writing = True
    template_name = "placements/benefit_form.html"
    title = ""
    button = ""
    done = ""

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        return super().post(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "jobseeker": self.object}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            jobseeker=self.object, title=self.title, button=self.button, **kwargs
        )

    def form_valid(self, form):
        try:
            form.save(actor=self.request.user)
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, str(self.done))
        return redirect("placements:jobseeker_detail", pk=self.object.pk)


class BenefitEndView(BenefitChangeView):
    form_class = BenefitEndForm
    title = gettext_lazy("Record that a benefit ended")
    button = gettext_lazy("Record end of benefit")
    done = gettext_lazy("The end of the benefit is recorded.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["nothing_to_end"] = not context["form"].running
        return context


class BenefitStartView(BenefitChangeView):
    form_class = BenefitStartForm
    title = gettext_lazy("Record a new benefit")
    button = gettext_lazy("Record new benefit")
    done = gettext_lazy("The new benefit is recorded.")
