"""Entrepreneurs who host an intern, and the IMK coaches' guidance of them."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kernel.dates import today
from kernel.validators import not_in_future, validate_not_before_1900
from municipalities.models import (
    Municipality,
    MunicipalityFromParent,
    UniqueAcrossMunicipalities,
)
from municipalities.validators import validate_ref

from .enums import PriorSupport, SessionMode
from .validators import validate_kvk_number, validate_topics


class Entrepreneur(UniqueAcrossMunicipalities, models.Model):
    # Looked up through entrepreneur_mun_name, which starts with it: no index of its own
    # (each one slows every insert; issue 17).
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="entrepreneurs",
        verbose_name=_("municipality"),
        db_index=False,
    )
    ref = models.CharField(_("reference"), max_length=64, unique=True, validators=[validate_ref])
    trade_name = models.CharField(_("trade name"), max_length=200)
    kvk_number = models.CharField(_("KvK number"), max_length=8, validators=[validate_kvk_number])
    prior_support = models.CharField(
        _("prior public support"), max_length=16, choices=PriorSupport.choices
    )
    # Looked up through entrepreneur_coach_name, which starts with it: no index of its own
    # (each one slows every insert; issue 17).
    imk_coach = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="coached_entrepreneurs",
        verbose_name=_("IMK coach"),
        db_index=False,
    )
    contact_name = models.CharField(_("contact person"), max_length=150, blank=True)
    contact_phone = models.CharField(_("phone"), max_length=32, blank=True)
    contact_email = models.EmailField(_("e-mail"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Raised on every save; an edit based on an older version is refused (kernel.versioning).
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        ordering = ["ref"]
        verbose_name = _("entrepreneur")
        verbose_name_plural = _("entrepreneurs")
        indexes = [
            models.Index(fields=["municipality", "trade_name"], name="entrepreneur_mun_name"),
            models.Index(fields=["imk_coach", "trade_name"], name="entrepreneur_coach_name"),
            # The lists' orders (issue 17): by name on the page, by reference in the API and
            # the admin; the page's keys from the index alone.
            models.Index(
                fields=["trade_name", "ref"],
                include=["id", "municipality"],
                name="entrepreneur_list_order",
            ),
            models.Index(
                fields=["ref"], include=["id", "municipality"], name="entrepreneur_ref_list"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.trade_name} ({self.ref})"


class GuidanceSession(MunicipalityFromParent, models.Model):
    """An IMK coach's session with an entrepreneur (begeleidingsgesprek)."""

    municipality_parent = "entrepreneur"

    # Copied from the entrepreneur: every tenant-owned table carries its municipality.
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="+", verbose_name=_("municipality")
    )
    entrepreneur = models.ForeignKey(
        Entrepreneur,
        on_delete=models.CASCADE,
        related_name="guidance_sessions",
        verbose_name=_("entrepreneur"),
    )
    coach = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="guidance_sessions",
        verbose_name=_("IMK coach"),
    )
    held_on = models.DateField(_("date"), validators=[validate_not_before_1900])
    minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"), validators=[MinValueValidator(1), MaxValueValidator(600)]
    )
    mode = models.CharField(_("mode"), max_length=16, choices=SessionMode.choices)
    topics = models.JSONField(_("topics"), default=list, blank=True, validators=[validate_topics])
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Raised on every save; an edit based on an older version is refused (kernel.versioning).
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("guidance session")
        verbose_name_plural = _("guidance sessions")
        indexes = [
            models.Index(fields=["municipality", "held_on"], name="guidance_mun_date"),
            models.Index(fields=["coach", "held_on"], name="guidance_coach_date"),
            models.Index(fields=["entrepreneur", "held_on"], name="guidance_ent_date"),
            # The admin's order (issue 17): a deep page's keys and the row-level security
            # check from the index alone, instead of sorting a year of sessions per page.
            models.Index(
                fields=["-held_on", "-id"], include=["municipality"], name="guidance_list_order"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(minutes__gte=1) & Q(minutes__lte=600), name="guidance_minutes_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.held_on} {self.entrepreneur_id}"

    def clean(self) -> None:
        errors = not_in_future({"held_on": self.held_on}, today=today())
        if errors:
            raise ValidationError(errors)
