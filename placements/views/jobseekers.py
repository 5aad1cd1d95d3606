from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import CreateView, DetailView, ListView, UpdateView

from kernel.pagination import KeysFirstPaginator
from kernel.stale_edits import StaleEditViewMixin
from kernel.versioning import StaleEdit
from municipalities.views_base import ScopedQuerysetMixin

from ..consents import jobseeker_consents
from ..filters import JobseekerFilter
from ..forms import JobseekerForm, add_service_errors
from ..models import Jobseeker
from ..selectors import (
    jobseeker_benefit_periods,
    jobseeker_corrections,
    jobseeker_list_rows,
    jobseeker_placements,
    jobseeker_timeline,
)
from .base import JOBCOACH_ROLES, PartialListMixin


class JobseekerListView(ScopedQuerysetMixin, PartialListMixin, ListView):
    roles = JOBCOACH_ROLES
    model = Jobseeker
    paginate_by = 25
    paginator_class = KeysFirstPaginator
    template_name = "placements/jobseeker_list.html"
    partial_template_name = "placements/_jobseeker_results.html"

    def scope_queryset(self, queryset):
        self.filterset = JobseekerFilter(
            self.request.GET or None,
            queryset=jobseeker_list_rows(queryset).order_by("ref"),
            request=self.request,
        )
        return self.filterset.qs


class JobseekerDetailView(ScopedQuerysetMixin, DetailView):
    roles = JOBCOACH_ROLES
    model = Jobseeker
    template_name = "placements/jobseeker_detail.html"

    def scope_queryset(self, queryset):
        return queryset.select_related("municipality")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, jobseeker = self.request.user, self.object
        placements = jobseeker_placements(user=user, jobseeker=jobseeker)
        periods = jobseeker_benefit_periods(user=user, jobseeker=jobseeker)
        corrections = jobseeker_corrections(user=user, jobseeker=jobseeker, placements=placements)
        context.update(
            consents=jobseeker_consents(user=user, jobseeker=jobseeker),
            placements=placements,
            periods=periods,
            has_running_benefit=any(p.end_date is None for p in periods),
            timeline=jobseeker_timeline(
                user=user,
                jobseeker=jobseeker,
                placements=placements,
                periods=periods,
                corrections=corrections,
            ),
        )
        return context


class JobseekerFormMixin:
    form_class = JobseekerForm
    template_name = "placements/jobseeker_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        try:
            self.object = form.save()
        except StaleEdit as exc:
            return self.stale_edit(form, exc)
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, self.success_message % {"ref": self.object.ref})
        return redirect("placements:jobseeker_detail", pk=self.object.pk)


class JobseekerCreateView(ScopedQuerysetMixin, JobseekerFormMixin, CreateView):
    roles = JOBCOACH_ROLES
    model = Jobseeker
    for_writing = True

    @property
    def success_message(self):
        return _("Jobseeker %(ref)s added.")


class JobseekerUpdateView(StaleEditViewMixin, ScopedQuerysetMixin, JobseekerFormMixin, UpdateView):
    roles = JOBCOACH_ROLES
    model = Jobseeker
    for_writing = True

    def gone_url(self) -> str:
        return reverse("placements:jobseeker_list")

    @property
    def success_message(self):
        return _("Jobseeker %(ref)s saved.")
