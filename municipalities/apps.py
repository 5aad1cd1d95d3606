from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MunicipalitiesConfig(AppConfig):
    name = "municipalities"
    verbose_name = _("Municipalities and access")

    def ready(self) -> None:
        # allauth reports changes of a second factor only through its signals: listening to
        # them is the one way to end the other sessions when one changes.
        from allauth.mfa import signals

        from .sessions import on_authenticator_changed

        for name in ("authenticator_added", "authenticator_removed", "authenticator_reset"):
            getattr(signals, name).connect(
                on_authenticator_changed, dispatch_uid=f"pilot-end-sessions-{name}"
            )
