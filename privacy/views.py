"""The privacy officer's pages for a person's requests (restriction, erasure) and retention.

The person is found by their exact reference, sent in a form (never in a URL); the pages then
address the record by its id. Who may open them: the privacy officer and the programme admin
(``access.privacy_subjects``).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView

from municipalities.access import privacy_subjects, visible
from municipalities.enums import Role
from municipalities.views_base import RoleRequiredMixin

from .erasure import erase_jobseeker
from .forms import EraseForm, FindPersonForm, RestrictForm
from .models import Erasure, Restriction, RetentionRun
from .restriction import restriction_lift, restriction_set
from .retention import retention_due

PRIVACY_ROLES = frozenset({Role.PRIVACY_OFFICER, Role.PROGRAMME_ADMIN})


def _errors_to_form(form, exc: ValidationError) -> None:
    for field, errors in exc.update_error_dict({}).items():
        form.add_error(field if field in form.fields else None, errors)


class PersonFindView(RoleRequiredMixin, FormView):
    roles = PRIVACY_ROLES
    form_class = FindPersonForm
    template_name = "privacy/person_find.html"

    def form_valid(self, form):
        person = privacy_subjects(self.request.user).filter(ref=form.cleaned_data["ref"]).first()
        if person is None:
            form.add_error("ref", _("No jobseeker has this reference."))
            return self.form_invalid(form)
        return redirect("privacy:person_detail", pk=person.pk)


class PersonMixin(RoleRequiredMixin):
    roles = PRIVACY_ROLES

    @cached_property
    def person(self):
        return get_object_or_404(
            privacy_subjects(self.request.user).select_related("municipality"),
            pk=self.kwargs["pk"],
        )

    @cached_property
    def restriction(self) -> Restriction | None:
        return Restriction.objects.filter(jobseeker=self.person).first()

    @cached_property
    def erasure(self) -> Erasure | None:
        return Erasure.objects.filter(jobseeker=self.person).first()

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "person": self.person,
            "restriction": self.restriction,
            "erasure": self.erasure,
        }


class PersonDetailView(PersonMixin, TemplateView):
    template_name = "privacy/person_detail.html"

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "placement_count": self.person.placements.count(),
            "restrict_form": RestrictForm(),
        }


class RestrictView(PersonMixin, FormView):
    form_class = RestrictForm
    template_name = "privacy/restrict.html"

    def form_valid(self, form):
        try:
            restriction_set(
                self.person, reason=form.cleaned_data["reason"], actor=self.request.user
            )
        except ValidationError as exc:
            _errors_to_form(form, exc)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Processing is restricted: only you and the programme admin can open this person."),
        )
        return redirect("privacy:person_detail", pk=self.person.pk)


class LiftRestrictionView(PersonMixin, View):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        if restriction_lift(self.person, actor=request.user):
            messages.success(request, _("The restriction is lifted."))
        else:
            messages.info(request, _("This person was not restricted."))
        return redirect("privacy:person_detail", pk=self.person.pk)


class EraseView(PersonMixin, FormView):
    form_class = EraseForm
    template_name = "privacy/erase.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "ref": self.person.ref}

    def form_valid(self, form):
        try:
            erase_jobseeker(
                self.person, reason=form.cleaned_data["reason"], actor=self.request.user
            )
        except ValidationError as exc:
            _errors_to_form(form, exc)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("The person's data is erased. The figures keep their facts under a new reference."),
        )
        return redirect("privacy:person_detail", pk=self.person.pk)


class RetentionView(RoleRequiredMixin, TemplateView):
    """Who is due for erasure under the retention periods, and the job's last runs."""

    roles = PRIVACY_ROLES
    template_name = "privacy/retention.html"

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "due": retention_due(),
            "runs": visible(self.request.user, RetentionRun)[:5],
            "after_window_days": settings.PILOT_RETENTION_AFTER_WINDOW_DAYS,
            "after_end_days": settings.PILOT_RETENTION_AFTER_PILOT_END_DAYS,
            "pilot_end": settings.PILOT_END_DATE,
        }
