from django.contrib.admin.apps import AdminConfig


class PilotAdminConfig(AdminConfig):
    # Replaces django.contrib.admin so that only programme admins enter the admin.
    default_site = "municipalities.admin_site.PilotAdminSite"
