from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    """The AVG's own concerns: the processing log, a person's requests, erasure and retention."""

    name = "privacy"
    verbose_name = _("Privacy")
