from django.contrib.admin import AdminSite
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from .enums import Role


class PilotAdminSite(AdminSite):
    site_header = _("Social Return pilot – programme administration")
    site_title = _("Pilot administration")
    index_title = _("Programme administration")

    # The navigation side bar repeats the index's list of every admin page on every page:
    # building and rendering it was a fifth of a changelist's time at national scale (issue
    # 17). The index (Home, in every page's breadcrumbs) and each app's index still list them.
    enable_nav_sidebar = False

    def has_permission(self, request) -> bool:
        # Only programme admins (IMK staff) enter the admin, whatever their staff flag says.
        from .access import has_role

        return request.user.is_active and has_role(request.user, Role.PROGRAMME_ADMIN)

    def get_app_list(self, request, app_label=None):
        # Django builds the list for every page (``each_context``), for the side bar; built
        # now only when a page shows it (the index pages). It asks every admin for its
        # permissions, one of them the database.
        return SimpleLazyObject(
            lambda: super(PilotAdminSite, self).get_app_list(request, app_label)
        )
