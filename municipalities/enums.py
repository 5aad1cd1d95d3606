from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    PROGRAMME_ADMIN = "programme_admin", _("programme admin (IMK)")
    JOBCOACH = "jobcoach", _("jobcoach")
    IMK_COACH = "imk_coach", _("IMK coach")
    FUNDER = "funder", _("funder")
    RESEARCHER = "researcher", _("researcher")


# Roles bound to named municipalities; every other role is pilot-wide.
MUNICIPAL_ROLES = frozenset({Role.JOBCOACH})
