"""What every jobcoach page shares: who may open it, and how htmx requests are answered."""

from django.utils.cache import patch_vary_headers

from municipalities.enums import Role

from ..selectors import sees_several_municipalities

# The jobcoach's pages; the programme admin sees every municipality through the same pages.
JOBCOACH_ROLES = frozenset({Role.JOBCOACH, Role.PROGRAMME_ADMIN})


def wants_partial(request) -> bool:
    """An htmx request that swaps part of the page; a history restore needs the whole page."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request


class PartialListMixin:
    """A list page that answers htmx requests with its results block only.

    Without JavaScript the filter form submits as a plain GET and the whole page comes back.
    """

    partial_template_name: str

    def get_template_names(self):
        if wants_partial(self.request):
            return [self.partial_template_name]
        return super().get_template_names()

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)
        # The same URL answers with a fragment or a page: caches must keep them apart.
        patch_vary_headers(response, ("HX-Request",))
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filter"] = self.filterset
        context["show_municipality"] = sees_several_municipalities(self.request.user)
        context["is_partial"] = wants_partial(self.request)
        return context
