from django.contrib.admin import AdminSite
from django.utils.translation import gettext_lazy as _

from .enums import Role


class PilotAdminSite(AdminSite):
    site_header = _("Social Return pilot – programme administration")
    site_title = _("Pilot administration")
    index_title = _("Programme administration")

    def has_permission(self, request) -> bool:
        # Only programme admins (IMK staff) enter the admin, whatever their staff flag says.
        from .access import has_role

        return request.user.is_active and has_role(request.user, Role.PROGRAMME_ADMIN)
