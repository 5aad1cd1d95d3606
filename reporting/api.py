"""The outflow figures (data-exchange.md) and the benefit savings (benefit-savings.md) as JSON,
from the stored snapshot.

The figures are never computed in the request: without a snapshot for the date the worker is
asked for one and the answer is 202. Funder and researcher get the aggregates only; the
participants' list is for the programme admin and for a jobcoach (their own municipalities).
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models.fields.json import KeyTransform
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

from .dashboard import dashboard_scope, municipality_scope
from .models import MetricsSnapshot, SnapshotMunicipality, SnapshotParticipantChunk
from .snapshot_parts import CHUNK
from .snapshots import current_snapshots, request_snapshot
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


COST_RATES = ("imk_hourly_rate", "jobcoach_hourly_rate", "jobcoach_hours_per_participant")
PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000


class AsOfSerializer(serializers.Serializer):
    as_of = serializers.DateField(required=False, input_formats=["%Y-%m-%d"])
    # Pages of the participants' list (issue 17): without ``page`` the list is whole, as
    # data-exchange.md's document has it; with it, one page of that list in the same order
    # (by ref), ``page_size`` participants (default 100, at most 1000), and the headers
    # X-Total-Count and Link (rel="next"/"prev") say how many there are and where the
    # neighbouring pages are. The rest of the answer is the same on every page.
    page = serializers.IntegerField(required=False, min_value=1)
    page_size = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_PAGE_SIZE, default=PAGE_SIZE
    )

    def validate_as_of(self, value: date) -> date:
        if value > timezone.localdate():
            raise serializers.ValidationError("The as-of date cannot be in the future.")
        return value


@dataclass(frozen=True)
class Page:
    number: int
    size: int

    @property
    def start(self) -> int:
        return (self.number - 1) * self.size

    @property
    def end(self) -> int:
        return self.number * self.size


class SnapshotFiguresView(LogsApiReads, APIView):
    """A read of one stored snapshot's figures, scoped like the dashboard: the figures are never
    computed in the request (202 while the worker computes them). Each request reads its
    scope's part of the snapshot only (reporting.snapshot_parts): the whole pilot's aggregates,
    or its municipalities' rows. The participants' list names people by reference: the
    processing log records them."""

    person_ref_field = "ref"
    person_rows_key = "participants"
    processing_activity = Activity.MONITORING

    permission_classes = [permissions.IsAuthenticated, HasPilotRole]
    roles = DASHBOARD_ROLES
    api_clients = True
    savings_list = False  # which participants' list the view answers with

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
            404: OpenApiResponse(OpenApiTypes.OBJECT, description="A page past the last one."),
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
        page = None
        if "page" in query.validated_data:
            page = Page(query.validated_data["page"], query.validated_data["page_size"])
        access = access_for(request.user)
        scope = dashboard_scope(access)
        if scope is None:
            return Response(status=status.HTTP_403_FORBIDDEN)
        snapshot = (
            self.snapshots(as_of)
            .order_by("-computed_at")
            .only("id", "as_of", "computed_at")
            .first()
        )
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
        parts = None if scope.whole_pilot else self.parts(snapshot, scope)
        body = self.body(snapshot, access, scope, parts)
        headers = {}
        if access.is_programme_admin or access.is_jobcoach or access.is_api_client:
            people, total = self.participants(snapshot, access, scope, parts, page)
            if page is not None:
                if page.number > 1 and page.start >= total:
                    return Response({"detail": "Invalid page."}, status=status.HTTP_404_NOT_FOUND)
                headers = _page_headers(request, page, total)
            body["participants"] = people
        return Response(body, headers=headers)

    def snapshots(self, as_of: date):
        return current_snapshots(as_of=as_of)

    def parts(self, snapshot, scope) -> list[dict]:
        """The scope's municipalities' rows (row-level security lets only the scope's own
        municipalities through as well)."""
        return list(
            SnapshotMunicipality.objects.filter(snapshot_id=snapshot.pk, code__in=scope.codes)
            .order_by("code")
            .values("code", "figures", "savings", "costs")
        )

    def body(self, snapshot: MetricsSnapshot, access, scope, parts) -> dict:
        raise NotImplementedError

    def participants(self, snapshot, access, scope, parts, page) -> tuple[list[dict], int]:
        """Person-level rows (one page, or all), and how many there are: all for the
        programme admin, their own municipalities' for a jobcoach (callers never ask for the
        funder or researcher), without restricted people for those who may not open them
        (the totals still count them)."""
        hidden = restricted_refs(access)
        column = "savings_participants" if self.savings_list else "participants"
        if access.is_programme_admin or access.is_pilot_wide_client:
            if scope.whole_pilot:
                return self.pilot_participants(snapshot, hidden, page)
            codes = scope.codes
        elif scope.whole_pilot:
            # A jobcoach who is also a funder: their municipalities' people.
            codes = municipality_scope(access.jobcoach_municipality_ids).codes
        else:
            codes = scope.codes
        lists = SnapshotMunicipality.objects.filter(
            snapshot_id=snapshot.pk, code__in=sorted(codes)
        ).values_list(column, flat=True)
        people = [p for p in heapq.merge(*lists, key=_ref) if p["ref"] not in hidden]
        if page is None:
            return people, len(people)
        return people[page.start : page.end], len(people)

    def pilot_participants(self, snapshot, hidden, page) -> tuple[list[dict], int]:
        """The whole pilot's list from its stretches: for a page only the one or two that
        hold it (unless people are hidden: then all, to number the rest exactly)."""
        chunks = SnapshotParticipantChunk.objects.filter(
            snapshot_id=snapshot.pk, savings=self.savings_list
        ).order_by("start")
        column = "pilot_savings" if self.savings_list else "pilot_figures"
        total = (
            MetricsSnapshot.objects.filter(pk=snapshot.pk)
            .values_list(KeyTransform("participants_count", column), flat=True)
            .first()
        )
        if page is not None and not hidden and total is not None:
            stretches = chunks.filter(start__lt=page.end, start__gt=page.start - CHUNK).values_list(
                "start", "participants"
            )
            people = [
                p for start, stretch in stretches for p in stretch[max(0, page.start - start) :]
            ]
            return people[: page.size], total
        people = [p for people in chunks.values_list("participants", flat=True) for p in people]
        people = [p for p in people if p["ref"] not in hidden] if hidden else people
        if page is None:
            return people, len(people)
        return people[page.start : page.end], len(people)


def _ref(participant: dict) -> str:
    return participant["ref"]


def _page_headers(request, page: Page, total: int) -> dict:
    links = []
    if page.end < total:
        links.append(f'<{_page_url(request, page.number + 1)}>; rel="next"')
    if page.number > 1:
        links.append(f'<{_page_url(request, page.number - 1)}>; rel="prev"')
    headers = {"X-Total-Count": str(total)}
    if links:
        headers["Link"] = ", ".join(links)
    return headers


def _page_url(request, number: int) -> str:
    query = request.query_params.copy()
    query["page"] = str(number)
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")


class MetricsView(SnapshotFiguresView):
    def body(self, snapshot, access, scope, parts):
        if scope.whole_pilot:
            figures = (
                MetricsSnapshot.objects.filter(pk=snapshot.pk)
                .values_list("pilot_figures", flat=True)
                .get()
            )
            municipalities = figures["municipalities"]
            totals = figures["totals"]
        else:
            municipalities = [part["figures"] for part in parts]
            totals = {key: sum(m[key] for m in municipalities) for key in FIGURE_KEYS}
            figures = (
                MetricsSnapshot.objects.filter(pk=snapshot.pk)
                .values_list(
                    KeyTransform("as_of", "pilot_figures"),
                    KeyTransform("target_ratio", "pilot_figures"),
                )
                .get()
            )
            figures = dict(zip(("as_of", "target_ratio"), figures, strict=True))
        return {
            "as_of": figures["as_of"],
            "target_ratio": figures["target_ratio"],
            "computed_at": snapshot.computed_at.isoformat(),
            "totals": totals,
            "municipalities": municipalities,
        }


class SavingsView(SnapshotFiguresView):
    """The savings JSON of benefit-savings.md from the snapshot. The budget, the return on it
    and the curve belong to the whole pilot; a jobcoach gets their municipalities' sums."""

    savings_list = True

    def body(self, snapshot, access, scope, parts):
        if scope.whole_pilot:
            savings = (
                MetricsSnapshot.objects.filter(pk=snapshot.pk)
                .values_list("pilot_savings", flat=True)
                .get()
            )
            body = {"as_of": savings["as_of"], "computed_at": snapshot.computed_at.isoformat()}
            body.update(budget=savings["budget"], totals=savings["totals"], curve=savings["curve"])
            # Beside the spec's JSON, as the curve is: the costs (issue 14, item 3).
            body["costs"] = savings["costs"]
            body["municipalities"] = savings["municipalities"]
            return body
        pilot = (
            MetricsSnapshot.objects.filter(pk=snapshot.pk)
            .values_list(
                KeyTransform("as_of", "pilot_savings"),
                *(KeyTransform(key, KeyTransform("costs", "pilot_savings")) for key in COST_RATES),
            )
            .get()
        )
        pilot = dict(zip(("as_of", *COST_RATES), pilot, strict=True))
        municipalities = [part["savings"] for part in parts]
        body = {"as_of": pilot["as_of"], "computed_at": snapshot.computed_at.isoformat()}
        body["totals"] = {
            "outflow": sum(m["outflow"] for m in municipalities),
            "without_amount": sum(m["without_amount"] for m in municipalities),
            "days_off_benefits": sum(m["days_off_benefits"] for m in municipalities),
            # Sums of the stored two-decimal strings, in Decimal: exact.
            "savings": f"{sum((Decimal(m['savings']) for m in municipalities), ZERO):.2f}",
        }
        body["municipalities"] = municipalities
        # A jobcoach: their municipalities' coaching costs (the budget is the whole pilot's).
        body["costs"] = {
            **{key: pilot[key] for key in COST_RATES},
            "municipalities": [part["costs"] for part in parts if part["costs"]],
        }
        return body
