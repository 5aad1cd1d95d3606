"""The rollout calculator page (issue 14) for the funder and the programme admin.

It reads a stored snapshot only (the basis ``reporting.rollout`` kept in it) and projects during
the request: pure arithmetic, nothing from the live tables. Without a stored snapshot it says so
and points to the dashboard, which has the figures computed.
"""

from __future__ import annotations

from django.db.models.fields.json import KeyTransform
from django.views.generic import TemplateView

from municipalities.enums import Role
from municipalities.views_base import RoleRequiredMixin

from .charts.rollout import rollout_chart
from .forms import RolloutForm
from .models import MetricsSnapshot
from .rollout import (
    DEFAULT_PLACES,
    MIN_CLOSED_WINDOWS,
    MUNICIPALITIES_IN_NL,
    assumptions,
    project,
)
from .snapshots import current_snapshots

# The funder and the programme admin (issue 14).
ROLLOUT_ROLES = frozenset({Role.PROGRAMME_ADMIN, Role.FUNDER})


def rollout_section(
    snapshot: MetricsSnapshot,
    *,
    municipalities: int = MUNICIPALITIES_IN_NL,
    places: int = DEFAULT_PLACES,
) -> dict:
    """The context of the calculator's figures (page and funder report) for one snapshot."""
    # The page reads only these two parts of the stored savings (``latest_rollout_snapshot``);
    # a report has the whole snapshot.
    basis = getattr(snapshot, "rollout_basis", None) or snapshot.savings["rollout"]
    costs = getattr(snapshot, "rollout_costs", None) or snapshot.savings["costs"]
    projection = project(basis=basis, costs=costs, municipalities=municipalities, places=places)
    return {
        "projection": projection,
        "assumptions": assumptions(basis, costs),
        "rollout_chart": rollout_chart(projection) if projection.savings_enough else None,
        "min_closed_windows": MIN_CLOSED_WINDOWS,
        "basis_as_of": snapshot.as_of,
    }


def latest_rollout_snapshot(as_of=None) -> MetricsSnapshot | None:
    if as_of is not None:
        snapshots = current_snapshots(as_of=as_of)
    else:
        snapshots = (
            MetricsSnapshot.objects.exclude(figures_as_of={})
            .filter(savings__has_key="rollout")
            .order_by("-as_of")
        )
    # Not the whole savings JSON (every outflow participant at national scale): its two parts.
    return (
        snapshots.order_by("-as_of", "-computed_at")
        .only("id", "as_of")
        .annotate(
            rollout_basis=KeyTransform("rollout", "savings"),
            rollout_costs=KeyTransform("costs", "savings"),
        )
        .first()
    )


class RolloutView(RoleRequiredMixin, TemplateView):
    roles = ROLLOUT_ROLES
    template_name = "reporting/rollout.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        scale = {"municipalities": MUNICIPALITIES_IN_NL, "places": DEFAULT_PLACES}
        data = self.request.GET.copy()
        if not any(key in data for key in scale):
            # The first visit (or a link with a date only): the default scale.
            data.update({key: str(value) for key, value in scale.items()})
        form = RolloutForm(data)
        valid = form.is_valid()
        if valid:
            scale = {key: form.cleaned_data[key] for key in scale}
        as_of = form.cleaned_data.get("as_of") if valid else None
        snapshot = latest_rollout_snapshot(as_of)
        context.update(form=form, snapshot=snapshot, invalid=not valid)
        if snapshot is None or not valid:
            return context
        if not data.get("as_of"):
            # The date of the figures goes with every next calculation.
            data["as_of"] = snapshot.as_of.isoformat()
            form = RolloutForm(data)
            form.is_valid()
            context["form"] = form
        context.update(rollout_section(snapshot, **scale))
        return context

    def render_to_response(self, context, **kwargs):
        # A form with errors is a 400, so that tools and tests see the refusal.
        if context.get("invalid"):
            kwargs.setdefault("status", 400)
        return super().render_to_response(context, **kwargs)
