"""Read-only API of jobseekers and placements, through the access rules."""

from __future__ import annotations

from rest_framework import serializers

from municipalities.access import access_for
from municipalities.api import ScopedReadOnlyViewSet
from municipalities.enums import Role

from .models import Jobseeker, Placement


class JobseekerSerializer(serializers.ModelSerializer):
    municipality_code = serializers.CharField(source="municipality.code")

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
    person_ref_field = "ref"
    filterset_fields = ["research_consent"]

    def scope_queryset(self, queryset):
        return queryset.select_related("municipality").order_by("ref")


class PlacementViewSet(ScopedReadOnlyViewSet):
    model = Placement
    roles = frozenset({Role.PROGRAMME_ADMIN, Role.JOBCOACH, Role.IMK_COACH})
    serializer_class = PlacementSerializer
    person_ref_field = "jobseeker_ref"
    filterset_fields = ["status"]

    def scope_queryset(self, queryset):
        return queryset.select_related("municipality", "entrepreneur", "jobseeker").order_by("ref")
