"""The host's end-of-internship evaluation: recorded by the entrepreneur's IMK coach or by the
jobcoach, once the internship has ended."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.generic import FormView
from django.views.generic.detail import SingleObjectMixin

from kernel.versioning import StaleEdit
from municipalities.access import access_for, editable
from municipalities.enums import Role
from municipalities.views_base import ScopedQuerysetMixin

from ..enums import ENDED_STATUSES
from ..forms import HostEvaluationForm, add_service_errors
from ..models import HostEvaluation, Placement

EVALUATION_ROLES = frozenset({Role.JOBCOACH, Role.PROGRAMME_ADMIN, Role.IMK_COACH})


class HostEvaluationView(ScopedQuerysetMixin, SingleObjectMixin, FormView):
    """Record, or change, the evaluation of one placement.

    The placement comes from the user's visible placements: for these roles that is exactly
    where access.py lets them write evaluations (the IMK coach's own entrepreneurs, the
    jobcoach's municipalities, everything for the programme admin); any other is a 404.
    """

    roles = EVALUATION_ROLES
    model = Placement
    template_name = "placements/host_evaluation_form.html"
    form_class = HostEvaluationForm
    context_object_name = "placement"

    def scope_queryset(self, queryset):
        return queryset.select_related("entrepreneur")

    @cached_property
    def evaluation(self) -> HostEvaluation | None:
        existing = HostEvaluation.objects.filter(placement_id=self.object.pk)
        if not existing.exists():
            return None
        # An evaluation the user may see but not change is not theirs to edit: 404 as well.
        found = editable(self.request.user, HostEvaluation).filter(pk__in=existing).first()
        if found is None:
            raise Http404
        return found

    def _back_url(self) -> str:
        # The IMK coach has no placement page: they come from, and go back to, the entrepreneur.
        access = access_for(self.request.user)
        if access.is_programme_admin or access.is_jobcoach:
            return reverse("placements:placement_detail", kwargs={"pk": self.object.pk})
        return reverse("coaching:entrepreneur_detail", kwargs={"pk": self.object.entrepreneur_id})

    def _not_ended(self):
        messages.warning(
            self.request,
            _("An evaluation can only be recorded once the internship has ended.")
            + " "
            + _("Placement %(ref)s is %(status)s.")
            % {"ref": self.object.ref, "status": self.object.get_status_display()},
        )
        return redirect(self._back_url())

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        if self.object.status not in ENDED_STATUSES:
            return self._not_ended()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        if self.object.status not in ENDED_STATUSES:
            return self._not_ended()
        return super().post(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "placement": self.object,
            "instance": self.evaluation,
            "version": self.evaluation.version if self.evaluation else None,
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            evaluation=self.evaluation, back_url=self._back_url(), **kwargs
        )

    def _stale(self, form, exc: StaleEdit):
        """Someone changed the evaluation meanwhile: show what, and the form on the current
        evaluation with this user's changes, so that saving again redoes them (HTTP 409)."""
        current = exc.current
        current_form = HostEvaluationForm(
            placement=self.object, instance=current, version=current.version
        )
        again = HostEvaluationForm(
            data=form.rebased_data(current_form, version=current.version),
            placement=self.object,
            instance=current,
            version=current.version,
        )
        context = self.get_context_data(
            form=again, stale_lines=form.stale_lines(current_form), stale=True
        )
        return self.render_to_response(context, status=409)

    def form_valid(self, form):
        try:
            form.save(actor=self.request.user)
        except StaleEdit as exc:
            return self._stale(form, exc)
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(
            self.request, _("Evaluation of placement %(ref)s saved.") % {"ref": self.object.ref}
        )
        return redirect(self._back_url())
