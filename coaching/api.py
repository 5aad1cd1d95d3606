"""The API of entrepreneurs: reads through the access rules, and PUT upserts for API clients
(api-write.md) through ``placements.api_writes``."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers

from municipalities.api import ScopedReadOnlyViewSet
from municipalities.enums import Role
from placements.api import (
    LIST_ERRORS,
    MUNICIPALITY_CODE_HELP,
    READ_ERRORS,
    REF_PATTERN,
    PutUpsertMixin,
    put_schema,
)
from placements.api_writes import ENTREPRENEUR

from .enums import PriorSupport
from .models import Entrepreneur


class EntrepreneurSerializer(serializers.ModelSerializer):
    municipality_code = serializers.CharField(source="municipality.code")

    class Meta:
        model = Entrepreneur
        fields = ["ref", "municipality_code", "trade_name", "kvk_number", "prior_support"]


class EntrepreneurBodySerializer(serializers.Serializer):
    """The columns of entrepreneurs.csv without ``ref`` (which is in the path)."""

    municipality_code = serializers.RegexField(
        r"^GM[0-9]{4}$", max_length=6, help_text=MUNICIPALITY_CODE_HELP
    )
    trade_name = serializers.CharField(max_length=200)
    kvk_number = serializers.RegexField(r"^[0-9]{8}$", help_text="Exactly 8 digits.")
    prior_support = serializers.ChoiceField(choices=PriorSupport.choices)


@extend_schema_view(
    list=extend_schema(responses={200: EntrepreneurSerializer(many=True), **LIST_ERRORS}),
    retrieve=extend_schema(responses={200: EntrepreneurSerializer, **READ_ERRORS}),
    update=put_schema(
        body=EntrepreneurBodySerializer,
        row=EntrepreneurSerializer,
        example_body={
            "municipality_code": "GM0917",
            "trade_name": "Bakkerij Het Zuiden",
            "kvk_number": "14092231",
            "prior_support": "bbz_start",
        },
        example_row={
            "ref": "ENT-HRL-1",
            "municipality_code": "GM0917",
            "trade_name": "Bakkerij Het Zuiden",
            "kvk_number": "14092231",
            "prior_support": "bbz_start",
        },
    ),
)
class EntrepreneurViewSet(PutUpsertMixin, ScopedReadOnlyViewSet):
    """Entrepreneurs, by ``ref``: the caller's own municipalities' rows."""

    model = Entrepreneur
    resource = ENTREPRENEUR
    roles = frozenset({Role.PROGRAMME_ADMIN, Role.JOBCOACH, Role.IMK_COACH})
    serializer_class = EntrepreneurSerializer
    filterset_fields = ["prior_support"]
    lookup_value_regex = REF_PATTERN

    def scope_queryset(self, queryset):
        return queryset.select_related("municipality").order_by("ref")
