"""Consent per purpose, recorded from the jobseeker's page: given, or withdrawn.

Both pages change rows of the user's editable set (another municipality's jobseeker or consent
is a 404) and call ``placements.consents``, which keeps the history: a withdrawal closes the
consent, it never removes it.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import FormView
from django.views.generic.detail import SingleObjectMixin

from kernel.versioning import StaleEdit
from municipalities.views_base import ScopedQuerysetMixin

from ..forms import ConsentGiveForm, ConsentWithdrawForm, add_service_errors
from ..models import ConsentRecord, Jobseeker
from .base import JOBCOACH_ROLES


def _consent_section(jobseeker_id: int) -> str:
    return reverse("placements:jobseeker_detail", args=[jobseeker_id]) + "#consent"


class ConsentGiveView(ScopedQuerysetMixin, SingleObjectMixin, FormView):
    roles = JOBCOACH_ROLES
    model = Jobseeker
    for_writing = True
    form_class = ConsentGiveForm
    template_name = "placements/consent_form.html"

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        return super().post(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "jobseeker": self.object,
            "purpose": self.request.GET.get("purpose"),
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            jobseeker=self.object,
            title=_("Record consent"),
            button=_("Record consent"),
            back_url=_consent_section(self.object.pk),
            **kwargs,
        )

    def form_valid(self, form):
        try:
            record = form.save(actor=self.request.user)
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Consent for %(purpose)s is recorded.") % {"purpose": record.get_purpose_display()},
        )
        return redirect(_consent_section(self.object.pk))


class ConsentWithdrawView(ScopedQuerysetMixin, SingleObjectMixin, FormView):
    roles = JOBCOACH_ROLES
    model = ConsentRecord
    for_writing = True
    form_class = ConsentWithdrawForm
    template_name = "placements/consent_form.html"

    def scope_queryset(self, queryset):
        return queryset.select_related("jobseeker")

    def _already_withdrawn(self):
        if self.object.is_open:
            return None
        messages.info(self.request, _("This consent has already been withdrawn."))
        return redirect(_consent_section(self.object.jobseeker_id))

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        return self._already_withdrawn() or super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        return self._already_withdrawn() or super().post(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "record": self.object}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            jobseeker=self.object.jobseeker,
            record=self.object,
            title=_("Withdraw consent"),
            button=_("Withdraw consent"),
            back_url=_consent_section(self.object.jobseeker_id),
            **kwargs,
        )

    def form_valid(self, form):
        try:
            record = form.save(actor=self.request.user)
        except StaleEdit:
            # Withdrawn (or changed) by someone else meanwhile: show the page as it is now.
            messages.warning(
                self.request,
                _("Someone else changed this consent meanwhile: check it before you go on."),
            )
            return redirect(_consent_section(self.object.jobseeker_id))
        except ValidationError as exc:
            self.object.refresh_from_db()
            add_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("The consent for %(purpose)s is withdrawn.")
            % {"purpose": record.get_purpose_display()},
        )
        return redirect(_consent_section(record.jobseeker_id))
