from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    PROGRAMME_ADMIN = "programme_admin", _("programme admin (IMK)")
    JOBCOACH = "jobcoach", _("jobcoach")
    IMK_COACH = "imk_coach", _("IMK coach")
    FUNDER = "funder", _("funder")
    RESEARCHER = "researcher", _("researcher")
    PRIVACY_OFFICER = "privacy_officer", _("privacy officer")


# Roles bound to named municipalities; every other role is pilot-wide.
MUNICIPAL_ROLES = frozenset({Role.JOBCOACH})


class ChangeSource(models.TextChoices):
    """Which way in a write came through (kept with state changes and corrections)."""

    WEB = "web", _("web")
    ADMIN = "admin", _("admin")
    IMPORT = "import", _("import")
    API = "api", _("API")
    DEMO = "demo", _("demo data")


class CorrectionAction(models.TextChoices):
    CORRECTED = "corrected", _("corrected")
    WITHDRAWN = "withdrawn", _("withdrawn")
    STEP_UNDONE = "step_undone", _("step undone")


class RecordKind(models.TextChoices):
    """The records that can be corrected, and the pages whose history shows them."""

    JOBSEEKER = "jobseeker", _("jobseeker")
    BENEFIT_PERIOD = "benefit_period", _("benefit period")
    PLACEMENT = "placement", _("placement")
    PROGRESS_REVIEW = "progress_review", _("progress review")
    ENTREPRENEUR = "entrepreneur", _("entrepreneur")
    GUIDANCE_SESSION = "guidance_session", _("guidance session")
    HOST_EVALUATION = "host_evaluation", _("host evaluation")
