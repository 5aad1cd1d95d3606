"""Read-only API of jobseekers and placements, through the access rules."""

from __future__ import annotations

import django_filters
from rest_framework import serializers

from municipalities.access import access_for
from municipalities.api import ScopedReadOnlyViewSet
from municipalities.enums import Role

from .consents import with_research_consent
from .enums import ResearchConsent
from .models import Jobseeker, Placement


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


class PlacementSerializer(serializers.ModelSerializer):
    municipality_code = serializers.CharField(source="municipality.code")
    entrepreneur_ref = serializers.CharField(source="entrepreneur.ref")
    jobseeker_ref = serializers.SerializerMethodField()

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
        # the intern is: the jobseeker's key only for the admin and the municipality's jobcoach.
        access = access_for(self.context["request"].user)
        if access.is_programme_admin or placement.municipality_id in (
            access.jobcoach_municipality_ids
        ):
            return placement.jobseeker.ref
        return None


class JobseekerViewSet(ScopedReadOnlyViewSet):
    model = Jobseeker
    roles = frozenset({Role.PROGRAMME_ADMIN, Role.JOBCOACH})
    serializer_class = JobseekerSerializer
    filterset_class = JobseekerApiFilter

    def scope_queryset(self, queryset):
        return with_research_consent(queryset.select_related("municipality").order_by("ref"))


class PlacementViewSet(ScopedReadOnlyViewSet):
    model = Placement
    roles = frozenset({Role.PROGRAMME_ADMIN, Role.JOBCOACH, Role.IMK_COACH})
    serializer_class = PlacementSerializer
    filterset_fields = ["status"]

    def scope_queryset(self, queryset):
        return queryset.select_related("municipality", "entrepreneur", "jobseeker").order_by("ref")
