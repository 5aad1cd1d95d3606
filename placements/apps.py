from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlacementsConfig(AppConfig):
    name = "placements"
    verbose_name = _("Jobseekers and placements")

    def ready(self) -> None:
        # Register the import task in every process, so that it can be sent by name.
        from . import tasks  # noqa: F401
