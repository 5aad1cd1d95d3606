from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """The front of the site: each role's home page, the navigation, health checks, error
    pages, request middleware and the admin of the pilot settings. It sits on top of the
    apps and may use any of them; none of them uses it."""

    name = "portal"
    verbose_name = _("Portal")
