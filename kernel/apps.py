from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KernelConfig(AppConfig):
    """What every app shares: the pilot settings, calendar arithmetic, the figures-changed
    signal, the enqueue seam, shared form widgets and the processing log's way in.

    The label stays ``pilot``: the pilot settings' table, migration history, permissions and
    admin address were made under that name when this code lived in the project package, and
    keeping the label moves none of them."""

    name = "kernel"
    label = "pilot"
    verbose_name = _("Pilot")
