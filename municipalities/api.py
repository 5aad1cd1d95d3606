"""The API's base class: the same access rules as the pages, impossible to bypass.

A viewset declares ``model`` and ``roles``; its rows always start from ``access.visible`` and a
viewset may only narrow them in ``scope_queryset``. Overriding ``get_queryset`` is refused when
the class is defined (as for the pages in ``views_base``). Missing and not-yours are both 404.
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured
from rest_framework import permissions, viewsets

from privacy.log import LogsApiReads

from .access import access_for, visible


class HasPilotRole(permissions.BasePermission):
    """The user holds one of the view's ``roles`` (403 otherwise)."""

    def has_permission(self, request, view) -> bool:
        if not view.roles:
            raise ImproperlyConfigured(f"{type(view).__name__} declares no roles")
        return bool(access_for(request.user).roles & view.roles)


class ScopedReadOnlyViewSet(LogsApiReads, viewsets.ReadOnlyModelViewSet):
    """A viewset whose rows name people sets ``person_ref_field``: every answer is recorded in
    the processing log with the people it holds."""

    model = None
    roles: frozenset[str] = frozenset()
    permission_classes = [permissions.IsAuthenticated, HasPilotRole]
    lookup_field = "ref"

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
