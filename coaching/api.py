"""Read-only API of entrepreneurs, through the access rules."""

from __future__ import annotations

from rest_framework import serializers

from municipalities.api import ScopedReadOnlyViewSet
from municipalities.enums import Role

from .models import Entrepreneur


class EntrepreneurSerializer(serializers.ModelSerializer):
    municipality_code = serializers.CharField(source="municipality.code")

    class Meta:
        model = Entrepreneur
        fields = ["ref", "municipality_code", "trade_name", "kvk_number", "prior_support"]


class EntrepreneurViewSet(ScopedReadOnlyViewSet):
    model = Entrepreneur
    roles = frozenset({Role.PROGRAMME_ADMIN, Role.JOBCOACH, Role.IMK_COACH})
    serializer_class = EntrepreneurSerializer
    filterset_fields = ["prior_support"]

    def scope_queryset(self, queryset):
        return queryset.select_related("municipality").order_by("ref")
