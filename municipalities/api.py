"""The API's base class: the same access rules as the pages, impossible to bypass.

A viewset declares ``model`` and ``roles``; its rows always start from ``access.visible`` and a
viewset may only narrow them in ``scope_queryset``. Overriding ``get_queryset`` is refused when
the class is defined (as for the pages in ``views_base``). Missing and not-yours are both 404.
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured
from rest_framework import permissions, serializers, viewsets
from rest_framework.views import exception_handler

from municipalities.processing_log import LogsApiReads

from .access import access_for, visible


class ErrorSerializer(serializers.Serializer):
    field = serializers.CharField(
        allow_null=True, help_text="The field (column) the problem is about; null for the row."
    )
    message = serializers.CharField()


class ErrorBodySerializer(serializers.Serializer):
    """The error body of api-write.md: every problem, each with its field (or null)."""

    errors = ErrorSerializer(many=True)


def _error_items(data, field=None) -> list[dict]:
    if isinstance(data, dict):
        if set(data) == {"detail"}:
            return _error_items(data["detail"], field)
        items = []
        for name, value in data.items():
            name = None if name in ("non_field_errors", "detail") else name
            items.extend(_error_items(value, name if field is None else field))
        return items
    if isinstance(data, list):
        return [item for value in data for item in _error_items(value, field)]
    return [{"field": field, "message": str(data)}]


def error_body_handler(exc, context):
    """DRF's answer to an exception, with the body ``{"errors": [{"field", "message"}]}``
    (api-write.md); status and headers (WWW-Authenticate, Retry-After) stay."""
    response = exception_handler(exc, context)
    if response is not None:
        response.data = {"errors": _error_items(response.data)}
    return response


class HasPilotRole(permissions.BasePermission):
    """The user holds one of the view's ``roles`` (403 otherwise); an API client passes when
    the view says ``api_clients = True`` (its rows are then scoped by ``access`` as well)."""

    def has_permission(self, request, view) -> bool:
        if not view.roles:
            raise ImproperlyConfigured(f"{type(view).__name__} declares no roles")
        access = access_for(request.user)
        if access.is_api_client:
            return bool(getattr(view, "api_clients", False))
        return bool(access.roles & view.roles)


class ScopedReadOnlyViewSet(LogsApiReads, viewsets.ReadOnlyModelViewSet):
    """A viewset whose rows name people sets ``person_ref_field``: every answer is recorded in
    the processing log with the people it holds."""

    model = None
    roles: frozenset[str] = frozenset()
    # API clients read (and, where a view adds PUT, write) these rows too, scoped by access.
    api_clients = True
    permission_classes = [permissions.IsAuthenticated, HasPilotRole]
    lookup_field = "ref"

    def get_exception_handler(self):
        return error_body_handler

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "get_queryset" in cls.__dict__:
            raise TypeError(
                f"{cls.__name__} overrides get_queryset; narrow the rows in scope_queryset()"
            )

    def get_queryset(self):
        if self.model is None:
            raise ImproperlyConfigured(f"{type(self).__name__} declares no model")
        return self.scope_queryset(visible(self.request.user, self.model))

    def scope_queryset(self, queryset):
        return queryset
