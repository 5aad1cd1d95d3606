"""The fixed lists of the processing log: what was done, for which purpose, with what result."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Activity(models.TextChoices):
    """The processing activities (purposes) of the register of processing activities. A small
    fixed list: every log entry names one of them."""

    GUIDANCE = "guidance", _("carrying out the pilot and guidance")
    MONITORING = "monitoring", _("monitoring and accountability")
    RESEARCH = "research", _("research")
    PRIVACY_REQUEST = "privacy_request", _("privacy request")
    ADMINISTRATION = "administration", _("system administration")


class Action(models.TextChoices):
    READ = "read", _("read")
    CREATE = "create", _("create")
    UPDATE = "update", _("update")
    DELETE = "delete", _("delete")
    EXPORT = "export", _("export")


class Result(models.TextChoices):
    SUCCESS = "success", _("success")
    REFUSED = "refused", _("refused")
    NOT_FOUND = "not_found", _("not found")
