"""The tenant (municipality), the people who sign in, and the roles that bind them."""

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .enums import MUNICIPAL_ROLES, ChangeSource, CorrectionAction, RecordKind, Role
from .validators import validate_cbs_code


class Municipality(models.Model):
    code = models.CharField(
        _("CBS code"), max_length=6, unique=True, validators=[validate_cbs_code]
    )
    name = models.CharField(_("name"), max_length=100)
    planned_places = models.PositiveIntegerField(_("planned places"), default=10)

    class Meta:
        ordering = ["code"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=r"^GM[0-9]{4}$"), name="municipality_code_cbs"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        user = self.create_user(email, password, **extra)
        RoleAssignment.objects.create(user=user, role=Role.PROGRAMME_ADMIN)
        return user


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in with their e-mail address."""

    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(
        _("staff"), default=False, help_text=_("Technical staff; roles decide what data is seen.")
    )
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)
    # The language this person chose with the language switch; empty: the site's (Dutch),
    # whatever the browser asks for (portal/middleware.py).
    language = models.CharField(
        _("language"), max_length=8, blank=True, default="", choices=settings.LANGUAGES
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        ordering = ["email"]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email

    # Model permissions follow the roles: a programme admin may use every admin page (which
    # still reads through access.py); nobody else has admin permissions.
    def has_perm(self, perm, obj=None) -> bool:
        from .access import has_role

        if self.is_active and has_role(self, Role.PROGRAMME_ADMIN):
            return True
        return super().has_perm(perm, obj)

    def has_module_perms(self, app_label) -> bool:
        from .access import has_role

        if self.is_active and has_role(self, Role.PROGRAMME_ADMIN):
            return True
        return super().has_module_perms(app_label)


_MUNICIPAL_ROLE_VALUES = sorted(r.value for r in MUNICIPAL_ROLES)


class RoleAssignment(models.Model):
    """One role of one person; a jobcoach role is bound to exactly one municipality per row."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="role_assignments",
        verbose_name=_("municipality"),
    )

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(role__in=_MUNICIPAL_ROLE_VALUES, municipality__isnull=False)
                    | (~Q(role__in=_MUNICIPAL_ROLE_VALUES) & Q(municipality__isnull=True))
                ),
                name="roleassignment_municipality_iff_municipal_role",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "municipality"],
                name="roleassignment_unique_municipal",
                condition=Q(municipality__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["user", "role"],
                name="roleassignment_unique_pilot_wide",
                condition=Q(municipality__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        label = self.get_role_display()
        return f"{label} – {self.municipality}" if self.municipality_id else str(label)

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.role in MUNICIPAL_ROLES and not self.municipality_id:
            raise ValidationError(
                {"municipality": _("A jobcoach is bound to a municipality.")},
                code="municipality_required",
            )
        if self.role not in MUNICIPAL_ROLES and self.municipality_id:
            raise ValidationError(
                {"municipality": _("This role is pilot-wide; leave the municipality empty.")},
                code="municipality_not_allowed",
            )


class AuditEvent(models.Model):
    """Who did what, when. ``detail`` holds keys and counts, never personal data."""

    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("actor")
    )
    # The system that did it through the API (api-write.md); the actor is then empty.
    api_client = models.ForeignKey(
        "ApiClient",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("API client"),
    )
    action = models.CharField(_("action"), max_length=64)
    municipality = models.ForeignKey(Municipality, on_delete=models.SET_NULL, null=True, blank=True)
    object_type = models.CharField(_("object type"), max_length=64, blank=True)
    object_ref = models.CharField(_("object reference"), max_length=64, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit log")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_ref}"


class Correction(models.Model):
    """One correction or withdrawal of a recorded fact: old and new values, who, when and why.

    Generic over the records that can be corrected (``record_kind`` + ``record_id``), so that a
    withdrawn record keeps its history after its row is gone. ``subject`` is the page whose
    history shows it (the jobseeker, the placement or the entrepreneur). ``changes`` is
    ``{field: [old, new]}`` for the fact's own values (dates, codes, amounts); free text such as
    notes is recorded as ``{field: null}`` (changed, text not kept): this table is read by more
    people and kept longer than the notes, and the figures never depend on them. Written by
    ``municipalities.history.correction_record`` only, in the transaction of the write itself.
    """

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="+", verbose_name=_("municipality")
    )
    record_kind = models.CharField(_("record"), max_length=24, choices=RecordKind.choices)
    record_id = models.PositiveBigIntegerField(_("record id"))
    subject_kind = models.CharField(_("shown with"), max_length=24, choices=RecordKind.choices)
    subject_id = models.PositiveBigIntegerField(_("shown with id"))
    action = models.CharField(_("action"), max_length=16, choices=CorrectionAction.choices)
    changes = models.JSONField(_("changes"), default=dict)
    reason = models.CharField(_("reason"), max_length=500)
    changed_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
    )
    changed_by_client = models.ForeignKey(
        "ApiClient",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by API client"),
    )
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now)
    source = models.CharField(_("source"), max_length=8, choices=ChangeSource.choices)

    class Meta:
        ordering = ["changed_at", "id"]
        verbose_name = _("correction")
        verbose_name_plural = _("corrections")
        constraints = [
            # A correction without its why is what this table exists to prevent.
            models.CheckConstraint(condition=~Q(reason=""), name="correction_has_reason"),
        ]
        indexes = [
            models.Index(
                fields=["subject_kind", "subject_id", "changed_at"], name="correction_subject"
            ),
            models.Index(fields=["municipality", "changed_at"], name="correction_mun_at"),
        ]

    def __str__(self) -> str:
        return f"{self.record_kind} {self.record_id} {self.action}"


class UniqueAcrossMunicipalities:
    """Mixin for tenant rows with a key unique across the whole pilot (a ``ref``).

    The database's unique index holds across municipalities whatever the scope; so does the
    check that reports a taken key at its field: it reads in a pilot-wide database scope
    (municipalities/db_scope.py). What leaves is only that the key is taken, as before there
    was a second wall.
    """

    def validate_unique(self, exclude=None):
        from .db_scope import pilot_wide

        with pilot_wide("references are unique across the pilot"):
            super().validate_unique(exclude=exclude)


class MunicipalityFromParent:
    """Mixin for tenant-owned rows whose municipality follows a parent row.

    The municipality key is stored on the row itself (so every query and constraint can use it)
    but never chosen separately: it is copied from the parent before validation, for every way
    in (forms, admin, import, API) since they all call full_clean().
    """

    municipality_parent: str

    def full_clean(self, *args, **kwargs):
        if getattr(self, f"{self.municipality_parent}_id", None):
            self.municipality_id = getattr(self, self.municipality_parent).municipality_id
        super().full_clean(*args, **kwargs)


class ApiClient(models.Model):
    """A system (not a person) that reads and writes the pilot's data through the API with a
    bearer token (api-write.md). Bound to municipalities, or pilot-wide.

    The token is shown once when the client is made (``municipalities.api_clients``); only its
    SHA-256 hash is kept, with a short prefix of the token to find the row by.
    """

    name = models.CharField(_("name"), max_length=100, unique=True)
    all_municipalities = models.BooleanField(
        _("pilot-wide"),
        default=False,
        help_text=_("Reads and writes the rows of every municipality (IMK's own systems)."),
    )
    municipalities = models.ManyToManyField(
        Municipality,
        blank=True,
        related_name="api_clients",
        verbose_name=_("municipalities"),
        help_text=_("The municipalities whose rows this client reads and writes."),
    )
    token_prefix = models.CharField(_("token prefix"), max_length=16, unique=True, editable=False)
    token_hash = models.CharField(_("token hash"), max_length=64, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("created by"),
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True, editable=False)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("API client")
        verbose_name_plural = _("API clients")

    def __str__(self) -> str:
        return self.name

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None
