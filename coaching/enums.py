from django.db import models
from django.utils.translation import gettext_lazy as _


class PriorSupport(models.TextChoices):
    BBZ_START = "bbz_start", _("Bbz start")
    BBZ_RESTART = "bbz_restart", _("Bbz restart")
    OTHER = "other", _("other public support")


class SessionMode(models.TextChoices):
    IN_PERSON = "in_person", _("in person")
    PHONE = "phone", _("by phone")
    VIDEO = "video", _("video call")


class GuidanceTopic(models.TextChoices):
    ONBOARDING = "onboarding", _("onboarding the intern")
    INSTRUCTION = "instruction", _("giving instructions")
    SUPERVISION = "supervision", _("supervision and feedback")
    COMMUNICATION = "communication", _("communication")
    ADMINISTRATION = "administration", _("administration and rules")
    FINANCES = "finances", _("costs and subsidies")
    HIRING = "hiring", _("hiring after the internship")
    OTHER = "other", _("other")
