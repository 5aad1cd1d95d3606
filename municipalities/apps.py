from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _


class MunicipalitiesConfig(AppConfig):
    name = "municipalities"
    verbose_name = _("Municipalities and access")

    def ready(self) -> None:
        # The second wall: the database scope is applied to every new connection, and every
        # Celery task starts in the scope it declares (none unless it says pilot_wide).
        from . import db_scope

        db_scope.connect_celery()
        checks.register(db_scope.check_database_role, checks.Tags.database, deploy=True)

        # allauth reports changes of a second factor only through its signals: listening to
        # them is the one way to end the other sessions when one changes.
        from allauth.mfa import signals

        from .sessions import on_authenticator_changed

        for name in ("authenticator_added", "authenticator_removed", "authenticator_reset"):
            getattr(signals, name).connect(
                on_authenticator_changed, dispatch_uid=f"pilot-end-sessions-{name}"
            )
