"""The outflow figures (data-exchange.md) and the benefit savings (benefit-savings.md) as JSON,
from the stored snapshot.

The figures are never computed in the request: without a snapshot for the date the worker is
asked for one and the answer is 202. Funder and researcher get the aggregates only; the
participants' list is for the programme admin and for a jobcoach (their own municipalities).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from municipalities.access import access_for, restricted_refs
from municipalities.api import HasPilotRole
from municipalities.processing_enums import Activity
from municipalities.processing_log import LogsApiReads

from .dashboard import dashboard_scope
from .models import MetricsSnapshot
from .snapshots import request_snapshot
from .views import DASHBOARD_ROLES

ZERO = Decimal(0)
FIGURE_KEYS = (
    "planned_places",
    "target_outflow",
    "participants",
    "outflow",
    "outflow_to_work",
    "sustained_outflow",
    "open",
    "no_outflow",
)


class AsOfSerializer(serializers.Serializer):
    as_of = serializers.DateField(required=False, input_formats=["%Y-%m-%d"])

    def validate_as_of(self, value: date) -> date:
        if value > timezone.localdate():
            raise serializers.ValidationError("The as-of date cannot be in the future.")
        return value


class SnapshotFiguresView(LogsApiReads, APIView):
    """A read of one stored snapshot's figures, scoped like the dashboard: the figures are never
    computed in the request (202 while the worker computes them). The participants' list names
    people by reference: the processing log records them."""

    person_ref_field = "ref"
    person_rows_key = "participants"
    processing_activity = Activity.MONITORING

    permission_classes = [permissions.IsAuthenticated, HasPilotRole]
    roles = DASHBOARD_ROLES
    api_clients = True

    @extend_schema(
        parameters=[AsOfSerializer],
        responses={
            200: OpenApiResponse(OpenApiTypes.OBJECT, description="The stored figures."),
            202: OpenApiResponse(
                OpenApiTypes.OBJECT, description="Being computed; ask again in a while."
            ),
            400: OpenApiResponse(OpenApiTypes.OBJECT, description="A bad as_of date."),
            401: OpenApiResponse(OpenApiTypes.OBJECT, description="Not signed in, no token."),
            403: OpenApiResponse(OpenApiTypes.OBJECT, description="The role reads no figures."),
            429: OpenApiResponse(
                OpenApiTypes.OBJECT,
                description="Too many computations asked for; see Retry-After.",
            ),
            503: OpenApiResponse(
                OpenApiTypes.OBJECT, description="The worker cannot be reached; see Retry-After."
            ),
        },
    )
    def get(self, request):
        query = AsOfSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        as_of = query.validated_data.get("as_of") or timezone.localdate()
        access = access_for(request.user)
        scope = dashboard_scope(access)
        if scope is None:
            return Response(status=status.HTTP_403_FORBIDDEN)
        snapshot = self.snapshots(as_of).order_by("-computed_at").first()
        if snapshot is None:
            if not request_snapshot(as_of, requested_by=request.user):
                # The worker cannot be asked: refuse clearly, the client may ask again later.
                return Response(
                    {
                        "as_of": as_of.isoformat(),
                        "status": "unavailable",
                        "detail": "Background processing is unavailable; try again later.",
                    },
                    status=status.HTTP_503_SERVICE_UNAVAILABLE,
                    headers={"Retry-After": "60"},
                )
            return Response(
                {"as_of": as_of.isoformat(), "status": "computing"},
                status=status.HTTP_202_ACCEPTED,
            )
        return Response(self.body(snapshot, access, scope))

    def snapshots(self, as_of: date):
        return MetricsSnapshot.objects.filter(as_of=as_of)

    def body(self, snapshot: MetricsSnapshot, access, scope) -> dict:
        raise NotImplementedError


def _participants_for(participants: list[dict], access, scope) -> list[dict]:
    """Person-level rows: all for the programme admin, their own municipalities' for a
    jobcoach (callers never ask for the funder or researcher), without restricted people for
    those who may not open them (the totals still count them)."""
    hidden = restricted_refs(access)
    return [
        p
        for p in participants
        if (
            access.is_programme_admin
            or access.is_pilot_wide_client
            or p["municipality_code"] in scope.codes
        )
        and p["ref"] not in hidden
    ]


class MetricsView(SnapshotFiguresView):
    def body(self, snapshot, access, scope):
        figures = snapshot.figures
        municipalities = [
            m for m in figures["municipalities"] if scope.codes is None or m["code"] in scope.codes
        ]
        totals = (
            figures["totals"]
            if scope.whole_pilot
            else {key: sum(m[key] for m in municipalities) for key in FIGURE_KEYS}
        )
        body = {
            "as_of": figures["as_of"],
            "target_ratio": figures["target_ratio"],
            "computed_at": snapshot.computed_at.isoformat(),
            "totals": totals,
            "municipalities": municipalities,
        }
        if access.is_programme_admin or access.is_jobcoach or access.is_api_client:
            body["participants"] = _participants_for(figures["participants"], access, scope)
        return body


class SavingsView(SnapshotFiguresView):
    """The savings JSON of benefit-savings.md from the snapshot. The budget, the return on it
    and the curve belong to the whole pilot; a jobcoach gets their municipalities' sums."""

    def snapshots(self, as_of: date):
        # A snapshot stored before the savings were kept has none to give: compute again.
        return super().snapshots(as_of).filter(savings__has_key="rollout")

    def body(self, snapshot, access, scope):
        savings = snapshot.savings
        municipalities = [
            m for m in savings["municipalities"] if scope.codes is None or m["code"] in scope.codes
        ]
        body = {"as_of": savings["as_of"], "computed_at": snapshot.computed_at.isoformat()}
        if scope.whole_pilot:
            body.update(budget=savings["budget"], totals=savings["totals"], curve=savings["curve"])
            # Beside the spec's JSON, as the curve is: the costs (issue 14, item 3).
            body["costs"] = savings["costs"]
        else:
            body["totals"] = {
                "outflow": sum(m["outflow"] for m in municipalities),
                "without_amount": sum(m["without_amount"] for m in municipalities),
                "days_off_benefits": sum(m["days_off_benefits"] for m in municipalities),
                # Sums of the stored two-decimal strings, in Decimal: exact.
                "savings": f"{sum((Decimal(m['savings']) for m in municipalities), ZERO):.2f}",
            }
        body["municipalities"] = municipalities
        if not scope.whole_pilot:
            # A jobcoach: their municipalities' coaching costs (the budget is the whole pilot's).
            body["costs"] = {
                "imk_hourly_rate": savings["costs"]["imk_hourly_rate"],
                "jobcoach_hourly_rate": savings["costs"]["jobcoach_hourly_rate"],
                "jobcoach_hours_per_participant": savings["costs"][
                    "jobcoach_hours_per_participant"
                ],
                "municipalities": [
                    m for m in savings["costs"]["municipalities"] if m["code"] in scope.codes
                ],
            }
        if access.is_programme_admin or access.is_jobcoach or access.is_api_client:
            body["participants"] = _participants_for(savings["participants"], access, scope)
        return body
