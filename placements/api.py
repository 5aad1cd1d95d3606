"""The API of jobseekers, placements and benefit periods: reads through the access rules, and
PUT upserts for API clients (api-write.md) through ``placements.api_writes``."""

from __future__ import annotations

from datetime import date

import django_filters
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import generics, permissions, serializers
from rest_framework.exceptions import NotFound
from rest_framework.parsers import JSONParser
from rest_framework.response import Response

from municipalities.access import access_for, visible
from municipalities.api import (
    ErrorBodySerializer,
    HasPilotRole,
    ScopedReadOnlyViewSet,
    error_body_handler,
)
from municipalities.api_clients import client_of
from municipalities.enums import Role
from municipalities.validators import REF_RE

from .api_writes import BENEFIT_PERIOD, JOBSEEKER, PLACEMENT, Resource, WriteRefused, api_put
from .consents import with_research_consent
from .enums import (
    BenefitEndReason,
    BenefitType,
    PlacementEndReason,
    PlacementStatus,
    ResearchConsent,
)
from .models import BenefitPeriod, Jobseeker, Placement

REF_PATTERN = r"[A-Za-z0-9_-]{1,64}"
MUNICIPALITY_CODE_HELP = "The municipality's CBS code, e.g. GM0917."


class EmptyAsNullChoiceField(serializers.ChoiceField):
    """A choice that may be empty: ``null`` in JSON, as an empty CSV cell."""

    def __init__(self, **kwargs):
        kwargs.setdefault("allow_null", True)
        super().__init__(**kwargs)

    def to_representation(self, value):
        return None if value in ("", None) else super().to_representation(value)


# --- errors ----------------------------------------------------------------------------------

ERROR_RESPONSES = {
    400: OpenApiResponse(
        ErrorBodySerializer,
        description="Invalid input: every problem is listed; nothing is written.",
        examples=[
            OpenApiExample(
                "Invalid placement",
                value={
                    "errors": [
                        {
                            "field": "planned_end",
                            "message": "The planned end must be at least 3 months after the start.",
                        },
                        {"field": None, "message": "Unknown field 'hours'; the fields are ..."},
                    ]
                },
                status_codes=["400"],
            )
        ],
    ),
    401: OpenApiResponse(ErrorBodySerializer, description="No token, or a wrong or revoked one."),
    403: OpenApiResponse(
        ErrorBodySerializer,
        description="The body names a municipality this client does not write (or the caller "
        "is not an API client); nothing is written.",
    ),
    404: OpenApiResponse(
        ErrorBodySerializer,
        description="No such row for this client (another municipality's row is 404 too).",
    ),
    429: OpenApiResponse(
        ErrorBodySerializer,
        description="Over the client's rate limit; the Retry-After header says when to try again.",
    ),
}
FORBIDDEN_TO_READ = OpenApiResponse(
    ErrorBodySerializer, description="The caller's role does not read these rows."
)
READ_ERRORS = {**ERROR_RESPONSES, 403: FORBIDDEN_TO_READ}
READ_ERRORS = {status: READ_ERRORS[status] for status in (401, 403, 404, 429)}
LIST_ERRORS = {
    400: OpenApiResponse(ErrorBodySerializer, description="A filter value it does not know."),
    **READ_ERRORS,
    404: OpenApiResponse(ErrorBodySerializer, description="No such page."),
}


def put_schema(*, body, row, example_body: dict, example_row: dict):
    """The OpenAPI description of one PUT upsert."""
    return extend_schema(
        request=body,
        responses={
            200: OpenApiResponse(row, description="Changed, or already as sent."),
            201: OpenApiResponse(row, description="Created."),
            **ERROR_RESPONSES,
        },
        examples=[
            OpenApiExample("Body", value=example_body, request_only=True),
            OpenApiExample("Row as stored", value=example_row, response_only=True),
        ],
        description="Creates the row (201) or changes it (200) to exactly the body, with the "
        "rules of the CSV import. Sending the same body again changes nothing.",
    )


class PutUpsertMixin:
    """PUT on a row's path: ``api_put`` with the path's key; the answer is the row as stored."""

    resource: Resource
    parser_classes = [JSONParser]

    def key_from_path(self, kwargs) -> dict[str, str]:
        return {"ref": kwargs["ref"]}

    def update(self, request, *args, **kwargs):
        if client_of(request.user) is None:
            # Before the body is read: a person's PUT is refused whatever it carries.
            message = _("Only API clients write through the API.")
            return Response({"errors": [{"field": None, "message": message}]}, status=403)
        try:
            result = api_put(
                resource=self.resource,
                key=self.key_from_path(kwargs),
                body=request.data,
                user=request.user,
            )
        except WriteRefused as exc:
            return Response({"errors": [e.as_dict() for e in exc.errors]}, status=exc.status)
        data = self.get_serializer(result.obj).data
        return Response(data, status=201 if result.created else 200)


# --- jobseekers ------------------------------------------------------------------------------


class JobseekerApiFilter(django_filters.FilterSet):
    research_consent = django_filters.ChoiceFilter(
        field_name="research_consent_status", choices=ResearchConsent.choices
    )

    class Meta:
        model = Jobseeker
        fields: list[str] = []


class JobseekerSerializer(serializers.ModelSerializer):
    municipality_code = serializers.CharField(source="municipality.code")
    # Derived from the consent records as of today (yes, no or unknown, as jobseekers.csv).
    research_consent = serializers.ChoiceField(choices=ResearchConsent.choices, read_only=True)

    class Meta:
        model = Jobseeker
        fields = [
            "ref",
            "municipality_code",
            "given_name",
            "family_name",
            "birth_date",
            "client_number",
            "research_consent",
        ]


class JobseekerBodySerializer(serializers.Serializer):
    """The columns of jobseekers.csv without ``ref`` (which is in the path)."""

    municipality_code = serializers.RegexField(
        r"^GM[0-9]{4}$", max_length=6, help_text=MUNICIPALITY_CODE_HELP
    )
    given_name = serializers.CharField(max_length=100)
    family_name = serializers.CharField(max_length=150)
    birth_date = serializers.DateField(allow_null=True, help_text="A date in the past, or null.")
    research_consent = serializers.ChoiceField(choices=["yes", "no", "unknown"])


@extend_schema_view(
    list=extend_schema(responses={200: JobseekerSerializer(many=True), **LIST_ERRORS}),
    retrieve=extend_schema(responses={200: JobseekerSerializer, **READ_ERRORS}),
    update=put_schema(
        body=JobseekerBodySerializer,
        row=JobseekerSerializer,
        example_body={
            "municipality_code": "GM0917",
            "given_name": "Ayla",
            "family_name": "Jansen",
            "birth_date": "1988-04-12",
            "research_consent": "yes",
        },
        example_row={
            "ref": "HRL-001",
            "municipality_code": "GM0917",
            "given_name": "Ayla",
            "family_name": "Jansen",
            "birth_date": "1988-04-12",
            "client_number": "",
            "research_consent": "yes",
        },
    ),
)
class JobseekerViewSet(PutUpsertMixin, ScopedReadOnlyViewSet):
    """Jobseekers, by ``ref``: the caller's own municipalities' rows."""

    model = Jobseeker
    resource = JOBSEEKER
    roles = frozenset({Role.PROGRAMME_ADMIN, Role.JOBCOACH})
    serializer_class = JobseekerSerializer
    filterset_class = JobseekerApiFilter
    lookup_value_regex = REF_PATTERN
    person_ref_field = "ref"

    def scope_queryset(self, queryset):
        return with_research_consent(queryset.select_related("municipality").order_by("ref"))


# --- placements ------------------------------------------------------------------------------


class PlacementSerializer(serializers.ModelSerializer):
    municipality_code = serializers.CharField(source="municipality.code")
    entrepreneur_ref = serializers.CharField(source="entrepreneur.ref")
    jobseeker_ref = serializers.SerializerMethodField()
    end_reason = EmptyAsNullChoiceField(choices=PlacementEndReason.choices)

    class Meta:
        model = Placement
        fields = [
            "ref",
            "municipality_code",
            "jobseeker_ref",
            "entrepreneur_ref",
            "status",
            "planned_start",
            "planned_end",
            "hours_per_week",
            "actual_start",
            "actual_end",
            "end_reason",
        ]

    def get_jobseeker_ref(self, placement: Placement) -> str | None:
        # An IMK coach reads the placements of their entrepreneurs (dates and status), not who
        # the intern is: the jobseeker's key only for the admin, the municipality's jobcoach
        # and an API client (which reads only its own municipalities' rows).
        access = access_for(self.context["request"].user)
        if (
            access.is_programme_admin
            or access.is_api_client
            or placement.municipality_id in access.jobcoach_municipality_ids
        ):
            return placement.jobseeker.ref
        return None


class PlacementBodySerializer(serializers.Serializer):
    """The columns of placements.csv without ``ref`` (which is in the path)."""

    jobseeker_ref = serializers.RegexField(f"^{REF_PATTERN}$")
    entrepreneur_ref = serializers.RegexField(f"^{REF_PATTERN}$")
    status = serializers.ChoiceField(choices=PlacementStatus.choices)
    planned_start = serializers.DateField()
    planned_end = serializers.DateField(help_text="3 to 6 months after planned_start.")
    actual_start = serializers.DateField(allow_null=True, help_text="As the status requires.")
    actual_end = serializers.DateField(allow_null=True, help_text="As the status requires.")
    end_reason = serializers.ChoiceField(
        choices=PlacementEndReason.choices,
        allow_null=True,
        help_text="Required for terminated and cancelled, null otherwise.",
    )


@extend_schema_view(
    list=extend_schema(responses={200: PlacementSerializer(many=True), **LIST_ERRORS}),
    retrieve=extend_schema(responses={200: PlacementSerializer, **READ_ERRORS}),
    update=put_schema(
        body=PlacementBodySerializer,
        row=PlacementSerializer,
        example_body={
            "jobseeker_ref": "HRL-001",
            "entrepreneur_ref": "ENT-HRL-1",
            "status": "completed",
            "planned_start": "2024-01-08",
            "planned_end": "2024-06-07",
            "actual_start": "2024-01-08",
            "actual_end": "2024-06-07",
            "end_reason": None,
        },
        example_row={
            "ref": "PL-HRL-001",
            "municipality_code": "GM0917",
            "jobseeker_ref": "HRL-001",
            "entrepreneur_ref": "ENT-HRL-1",
            "status": "completed",
            "planned_start": "2024-01-08",
            "planned_end": "2024-06-07",
            "hours_per_week": None,
            "actual_start": "2024-01-08",
            "actual_end": "2024-06-07",
            "end_reason": None,
        },
    ),
)
class PlacementViewSet(PutUpsertMixin, ScopedReadOnlyViewSet):
    """Placements, by ``ref``: the caller's own municipalities' rows."""

    model = Placement
    resource = PLACEMENT
    roles = frozenset({Role.PROGRAMME_ADMIN, Role.JOBCOACH, Role.IMK_COACH})
    serializer_class = PlacementSerializer
    person_ref_field = "jobseeker_ref"
    filterset_fields = ["status"]
    lookup_value_regex = REF_PATTERN

    def scope_queryset(self, queryset):
        return queryset.select_related("municipality", "entrepreneur", "jobseeker").order_by("ref")


# --- benefit periods -------------------------------------------------------------------------


class BenefitPeriodSerializer(serializers.ModelSerializer):
    jobseeker_ref = serializers.CharField(source="jobseeker.ref")
    end_reason = EmptyAsNullChoiceField(choices=BenefitEndReason.choices)
    monthly_amount = serializers.DecimalField(
        max_digits=9, decimal_places=2, allow_null=True, help_text='Euros, e.g. "1285.40".'
    )

    class Meta:
        model = BenefitPeriod
        fields = [
            "jobseeker_ref",
            "benefit_type",
            "start_date",
            "end_date",
            "end_reason",
            "monthly_amount",
        ]


class BenefitPeriodBodySerializer(serializers.Serializer):
    """The columns of benefit_periods.csv without the key (jobseeker_ref, benefit_type,
    start_date), which is in the path."""

    end_date = serializers.DateField(allow_null=True, help_text="Not before start_date.")
    end_reason = serializers.ChoiceField(
        choices=BenefitEndReason.choices,
        allow_null=True,
        help_text="Required when end_date is set, null otherwise.",
    )
    monthly_amount = serializers.RegexField(
        r"^[0-9]{1,7}(\.[0-9]{1,2})?$",
        allow_null=True,
        help_text="Euros with a '.' decimal point, e.g. \"1285.40\"; null when unknown.",
    )


BENEFIT_PATH_PARAMETERS = [
    OpenApiParameter(
        "ref",
        OpenApiTypes.STR,
        OpenApiParameter.PATH,
        pattern=f"^{REF_PATTERN}$",
        description="The jobseeker's ref.",
    ),
]
BENEFIT_KEY_PARAMETERS = [
    *BENEFIT_PATH_PARAMETERS,
    OpenApiParameter(
        "benefit_type", OpenApiTypes.STR, OpenApiParameter.PATH, enum=BenefitType.values
    ),
    OpenApiParameter(
        "start_date",
        OpenApiTypes.DATE,
        OpenApiParameter.PATH,
        description="The period's start, YYYY-MM-DD.",
    ),
]


class BenefitPeriodViewMixin:
    permission_classes = [permissions.IsAuthenticated, HasPilotRole]
    roles = frozenset({Role.PROGRAMME_ADMIN, Role.JOBCOACH})
    api_clients = True
    serializer_class = BenefitPeriodSerializer
    # For the OpenAPI description only: the rows always come from periods().
    queryset = BenefitPeriod.objects.none()

    def get_exception_handler(self):
        return error_body_handler

    def jobseeker(self) -> Jobseeker:
        ref = self.kwargs["ref"]
        jobseeker = (
            visible(self.request.user, Jobseeker).filter(ref=ref).first()
            if REF_RE.fullmatch(ref)
            else None
        )
        if jobseeker is None:
            raise NotFound()
        return jobseeker

    def periods(self):
        return (
            visible(self.request.user, BenefitPeriod)
            .filter(jobseeker=self.jobseeker())
            .select_related("jobseeker")
            .order_by("start_date", "benefit_type")
        )


@extend_schema(
    parameters=BENEFIT_PATH_PARAMETERS,
    responses={200: BenefitPeriodSerializer(many=True), **READ_ERRORS},
)
class BenefitPeriodList(BenefitPeriodViewMixin, generics.ListAPIView):
    """A jobseeker's benefit periods, oldest first."""

    def get_queryset(self):
        return self.periods()


class BenefitPeriodDetail(BenefitPeriodViewMixin, PutUpsertMixin, generics.GenericAPIView):
    """One benefit period of a jobseeker, by its key (benefit type, start date)."""

    resource = BENEFIT_PERIOD

    def key_from_path(self, kwargs) -> dict[str, str]:
        return {
            "jobseeker_ref": kwargs["ref"],
            "benefit_type": kwargs["benefit_type"],
            "start_date": kwargs["start_date"],
        }

    @extend_schema(
        parameters=BENEFIT_KEY_PARAMETERS,
        responses={200: BenefitPeriodSerializer, **READ_ERRORS},
    )
    def get(self, request, *args, **kwargs):
        try:
            start = date.fromisoformat(kwargs["start_date"])
        except ValueError:
            raise NotFound() from None
        period = self.periods().filter(benefit_type=kwargs["benefit_type"], start_date=start)
        obj = period.first()
        if obj is None:
            raise NotFound()
        return Response(self.get_serializer(obj).data)

    @extend_schema(parameters=BENEFIT_KEY_PARAMETERS)
    @put_schema(
        body=BenefitPeriodBodySerializer,
        row=BenefitPeriodSerializer,
        example_body={"end_date": None, "end_reason": None, "monthly_amount": "1285.40"},
        example_row={
            "jobseeker_ref": "HRL-003",
            "benefit_type": "participatiewet",
            "start_date": "2024-06-01",
            "end_date": None,
            "end_reason": None,
            "monthly_amount": "1285.40",
        },
    )
    def put(self, request, *args, **kwargs):
        return self.update(request, *args, **kwargs)
