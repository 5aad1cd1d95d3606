"""The API's default permission (settings.REST_FRAMEWORK), apart from ``api.py``: DRF imports
its defaults while its own views load, so this module imports nothing of DRF's views."""

from rest_framework import permissions

from .access import access_for
from .enums import Role


class NotOnlyPrivacyOfficer(permissions.BasePermission):
    """The privacy officer sees the processing log and nothing else: not the API either (its
    root and schema are open to every other signed-in person)."""

    def has_permission(self, request, view) -> bool:
        return access_for(request.user).roles != {Role.PRIVACY_OFFICER}
