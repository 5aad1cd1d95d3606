"""Base classes for every page that shows tenant data.

A page declares its ``model`` and which roles may open it; its queryset always starts from
``access.visible`` (or ``access.editable`` for pages that change rows) and a page may only narrow
it further in ``scope_queryset``. Overriding ``get_queryset`` itself is refused when the class is
defined, so that no page can forget the tenant scope. A row that is missing or not yours gives
the same 404; a page the role may not open at all gives 403.
"""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ImproperlyConfigured, PermissionDenied

from municipalities.processing_log import LogsReads

from .access import access_for, editable, visible


class RoleRequiredMixin(LoginRequiredMixin):
    """Only users holding one of ``roles`` may open the page (403 for the others)."""

    roles: frozenset[str] = frozenset()

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not self.roles:
            raise ImproperlyConfigured(f"{type(self).__name__} declares no roles")
        if not access_for(request.user).roles & self.roles:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class ScopedQuerysetMixin(LogsReads, RoleRequiredMixin):
    """Rows come from the access rules; ``for_writing`` pages use the editable set. Every page
    rendered records the people it shows in the processing log (``LogsReads``)."""

    model = None
    for_writing = False

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "get_queryset" in cls.__dict__:
            raise TypeError(
                f"{cls.__name__} overrides get_queryset; narrow the scoped rows in "
                "scope_queryset() instead"
            )

    def get_queryset(self):
        if self.model is None:
            raise ImproperlyConfigured(f"{type(self).__name__} declares no model")
        rows = editable if self.for_writing else visible
        return self.scope_queryset(rows(self.request.user, self.model))

    def scope_queryset(self, queryset):
        return queryset
