"""Who may see and change which rows: the one place where that is decided.

Every view, admin page, API endpoint, export and task asks this module for its queryset:
``visible(user, Model)`` for reading and ``editable(user, Model)`` for writing. The rules are the
table "Roles and what each may see" in domain.md, one function per model and mode.

It fails closed: a model without a rule raises ``ScopeNotDefined`` (so a new table cannot be
listed by accident), and a user without a role that grants access gets an empty queryset. Reads
across every municipality for aggregate figures and research exports do not come through here;
they live in ``reporting/`` under names that start with ``all_municipalities_`` and read in an
explicit pilot-wide database scope.

Behind these rules the database holds a second, coarser wall (row-level security,
``db_scope.py``): ``db_scope_for`` below says which municipalities' rows a request may touch at
all.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.db import models
from django.db.models import Q

from .enums import Role


def _model(label: str) -> type[models.Model]:
    """A domain app's model, by label: the tenant sits below the domain apps and imports none
    of them (docs/architecture.md); the rules that need their rows name them instead."""
    return apps.get_model(label)


class ScopeNotDefined(LookupError):
    """A model was asked for that has no access rule: refuse rather than show everything."""


ALL = Q()  # matches every row


@dataclass(frozen=True)
class Access:
    """What one user's roles add up to; computed once per user object."""

    user_id: int | None
    roles: frozenset[str]
    jobcoach_municipality_ids: frozenset[int]
    # An API client (api-write.md) instead of a person: its id, and the municipalities it is
    # bound to (None: pilot-wide). A client holds no role: only the rules below that name
    # clients give it rows.
    api_client_id: int | None = None
    client_municipality_ids: frozenset[int] | None = None

    @property
    def is_programme_admin(self) -> bool:
        return Role.PROGRAMME_ADMIN in self.roles

    @property
    def is_jobcoach(self) -> bool:
        return Role.JOBCOACH in self.roles and bool(self.jobcoach_municipality_ids)

    @property
    def is_imk_coach(self) -> bool:
        return Role.IMK_COACH in self.roles

    @property
    def is_funder(self) -> bool:
        return Role.FUNDER in self.roles

    @property
    def is_researcher(self) -> bool:
        return Role.RESEARCHER in self.roles

    @property
    def is_privacy_officer(self) -> bool:
        return Role.PRIVACY_OFFICER in self.roles

    @property
    def is_api_client(self) -> bool:
        return self.api_client_id is not None

    @property
    def is_pilot_wide_client(self) -> bool:
        return self.is_api_client and self.client_municipality_ids is None


NO_ACCESS = Access(user_id=None, roles=frozenset(), jobcoach_municipality_ids=frozenset())


def access_for(user) -> Access:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return NO_ACCESS
    cached = getattr(user, "_pilot_access", None)
    if cached is not None:
        return cached
    client = getattr(user, "api_client", None)
    if client is not None:
        access = Access(
            user_id=None,
            roles=frozenset(),
            jobcoach_municipality_ids=frozenset(),
            api_client_id=client.pk,
            client_municipality_ids=None
            if client.all_municipalities
            else frozenset(m.pk for m in client.municipalities.all()),
        )
        user._pilot_access = access
        return access
    rows = list(user.role_assignments.values_list("role", "municipality_id"))
    access = Access(
        user_id=user.pk,
        roles=frozenset(role for role, _m in rows),
        jobcoach_municipality_ids=frozenset(
            m for role, m in rows if role == Role.JOBCOACH and m is not None
        ),
    )
    user._pilot_access = access
    return access


def forget_access(user) -> None:
    """Drop the cached access (and database scope) after a user's roles changed."""
    for name in ("_pilot_access", "_pilot_db_scope"):
        if hasattr(user, name):
            delattr(user, name)


# A rule turns an Access into a Q over the model, or None when it grants nothing.
Rule = Callable[[Access], Q | None]


def _union(*parts: Q | None) -> Q | None:
    result = None
    for part in parts:
        if part is None:
            continue
        if part is ALL:
            return ALL
        result = part if result is None else result | part
    return result


def _admin(a: Access) -> Q | None:
    return ALL if a.is_programme_admin else None


def _admin_or_privacy_officer(a: Access) -> Q | None:
    return ALL if a.is_programme_admin or a.is_privacy_officer else None


def _jobcoach(a: Access, path: str = "municipality_id") -> Q | None:
    return Q(**{f"{path}__in": sorted(a.jobcoach_municipality_ids)}) if a.is_jobcoach else None


def _imk(a: Access, q: Q) -> Q | None:
    return q if a.is_imk_coach else None


def _client(a: Access, path: str = "municipality_id") -> Q | None:
    """An API client: the rows of its municipalities, or every row when pilot-wide."""
    if not a.is_api_client:
        return None
    if a.client_municipality_ids is None:
        return ALL
    return Q(**{f"{path}__in": sorted(a.client_municipality_ids)})


def _read_municipality(a: Access) -> Q | None:
    if a.is_programme_admin or a.is_imk_coach or a.is_funder or a.is_researcher:
        return ALL
    return _union(_jobcoach(a, "id"), _client(a, "id"))


def _read_jobseeker(a: Access) -> Q | None:
    Placement = _model("placements.Placement")

    # An IMK coach sees the interns of their own entrepreneurs (given name only: selectors
    # that serve IMK coaches load no other personal field).
    interns = Placement.objects.filter(entrepreneur__imk_coach_id=a.user_id).values("jobseeker_id")
    return _union(_admin(a), _jobcoach(a), _imk(a, Q(id__in=interns)), _client(a))


def _read_placement(a: Access) -> Q | None:
    return _union(
        _admin(a), _jobcoach(a), _imk(a, Q(entrepreneur__imk_coach_id=a.user_id)), _client(a)
    )


def _read_entrepreneur(a: Access) -> Q | None:
    return _union(_admin(a), _jobcoach(a), _imk(a, Q(imk_coach_id=a.user_id)), _client(a))


def _people_data(a: Access) -> Q | None:
    """Jobseekers, their benefit periods and placements: the admin, the municipality's
    jobcoach, and an API client of the municipality."""
    return _union(_admin(a), _jobcoach(a), _client(a))


def _own_guidance(a: Access) -> Q | None:
    return _union(_admin(a), _imk(a, Q(coach_id=a.user_id)))


def _host_evaluation(a: Access) -> Q | None:
    # The entrepreneur's own IMK coach records it as well as the jobcoach (domain.md: the
    # evaluation is the host's word, which the IMK coach gathers).
    return _union(
        _admin(a), _jobcoach(a), _imk(a, Q(placement__entrepreneur__imk_coach_id=a.user_id))
    )


def _read_correction(a: Access) -> Q | None:
    """Corrections are read by whoever reads the records they are about: the jobcoach those of
    their municipalities' jobseekers and placements, the IMK coach those of the guidance
    sessions with their own entrepreneurs."""
    Entrepreneur = _model("coaching.Entrepreneur")

    from .enums import RecordKind

    sessions = Q(record_kind=RecordKind.GUIDANCE_SESSION)
    own_entrepreneurs = Entrepreneur.objects.filter(imk_coach_id=a.user_id).values("id")
    jobcoach = _jobcoach(a)
    return _union(
        _admin(a),
        jobcoach & ~sessions if jobcoach is not None else None,
        _imk(a, sessions & Q(subject_id__in=own_entrepreneurs)),
    )


def _admin_or_jobcoach(a: Access) -> Q | None:
    return _union(_admin(a), _jobcoach(a))


def _everyone_signed_in(a: Access) -> Q | None:
    return ALL if a.roles else None


def _own_user(a: Access) -> Q | None:
    return _union(_admin(a), Q(id=a.user_id) if a.user_id else None)


def _own_role_assignments(a: Access) -> Q | None:
    return _union(_admin(a), Q(user_id=a.user_id) if a.user_id else None)


READ_RULES: dict[str, Rule] = {
    "pilot.PilotSettings": _everyone_signed_in,
    "municipalities.Municipality": _read_municipality,
    "municipalities.User": _own_user,
    "municipalities.RoleAssignment": _own_role_assignments,
    "municipalities.AuditEvent": _admin,
    "municipalities.Correction": _read_correction,
    "placements.Jobseeker": _read_jobseeker,
    "placements.BenefitPeriod": _people_data,
    "placements.Placement": _read_placement,
    "placements.PlacementStateChange": _admin_or_jobcoach,
    "placements.ProgressReview": _admin_or_jobcoach,
    # Benefit checks say whether someone still lives on benefits: as private as the periods.
    "placements.BenefitCheck": _admin_or_jobcoach,
    "placements.HostEvaluation": _host_evaluation,
    # Consent is part of the person's file: the admin and the municipality's jobcoach only.
    "placements.ConsentRecord": _admin_or_jobcoach,
    "coaching.Entrepreneur": _read_entrepreneur,
    "coaching.GuidanceSession": _own_guidance,
    # Snapshots hold participant refs: only the admin reads rows; the dashboards read the
    # aggregates through reporting's selectors.
    "reporting.MetricsSnapshot": _admin,
    # Restrictions, erasures and retention runs: the privacy officer handles them; the
    # programme admin sees them too.
    "privacy.Restriction": _admin_or_privacy_officer,
    "privacy.Erasure": _admin_or_privacy_officer,
    "privacy.RetentionRun": _admin_or_privacy_officer,
    # Tokens and who holds them: the programme admin only (an API client never reads them).
    "municipalities.ApiClient": _admin,
}

WRITE_RULES: dict[str, Rule] = {
    "pilot.PilotSettings": _admin,
    "municipalities.Municipality": _admin,
    "municipalities.User": _admin,
    "municipalities.RoleAssignment": _admin,
    "municipalities.AuditEvent": lambda a: None,  # append-only, written by services
    "municipalities.Correction": lambda a: None,  # append-only, written by services
    "placements.Jobseeker": _people_data,
    "placements.BenefitPeriod": _people_data,
    "placements.Placement": _people_data,
    "placements.PlacementStateChange": lambda a: None,  # written by the placement service
    "placements.ProgressReview": _admin_or_jobcoach,
    "placements.BenefitCheck": _admin_or_jobcoach,
    "placements.HostEvaluation": _host_evaluation,
    "placements.ConsentRecord": _admin_or_jobcoach,  # given and withdrawn by placements.consents
    "coaching.Entrepreneur": lambda a: _union(
        _admin(a), _imk(a, Q(imk_coach_id=a.user_id)), _client(a)
    ),
    "coaching.GuidanceSession": _own_guidance,
    "reporting.MetricsSnapshot": lambda a: None,  # written by the snapshot task only
    "municipalities.ApiClient": _admin,
    # Written by the privacy services only (privacy/restriction.py, erasure.py, retention.py).
    "privacy.Restriction": lambda a: None,
    "privacy.Erasure": lambda a: None,
    "privacy.RetentionRun": lambda a: None,
}


# Restriction of processing (art. 18, privacy.Restriction): a restricted person and every record
# about them are opened by the privacy officer and the programme admin only. The path from each
# model to the jobseeker; the figures and aggregates (reporting's ``all_municipalities_`` reads)
# do not come through here and still count them.
RESTRICTED_VIA: dict[str, str] = {
    "placements.Jobseeker": "",
    "placements.BenefitPeriod": "jobseeker__",
    "placements.Placement": "jobseeker__",
    "placements.PlacementStateChange": "placement__jobseeker__",
    "placements.ProgressReview": "placement__jobseeker__",
    "placements.BenefitCheck": "placement__jobseeker__",
    "placements.HostEvaluation": "placement__jobseeker__",
}


def sees_restricted(a: Access) -> bool:
    return a.is_programme_admin or a.is_privacy_officer


def _not_restricted(label: str) -> Q | None:
    """The rows of ``label`` that are not about a restricted person (None: no such link)."""
    if label in RESTRICTED_VIA:
        return Q(**{f"{RESTRICTED_VIA[label]}restriction__isnull": True})
    if label == "municipalities.Correction":
        Jobseeker, Placement = _model("placements.Jobseeker"), _model("placements.Placement")

        from .enums import RecordKind

        restricted = Jobseeker.objects.filter(restriction__isnull=False).values("id")
        restricted_placements = Placement.objects.filter(
            jobseeker__restriction__isnull=False
        ).values("id")
        return ~(
            Q(subject_kind=RecordKind.JOBSEEKER, subject_id__in=restricted)
            | Q(subject_kind=RecordKind.PLACEMENT, subject_id__in=restricted_placements)
        )
    return None


def restricted_refs(access: Access) -> frozenset[str]:
    """The references that person-level lists built from stored figures (the metrics API's
    participants) leave out for ``access``: those of restricted people, unless it sees them."""
    if sees_restricted(access):
        return frozenset()
    Jobseeker = _model("placements.Jobseeker")

    return frozenset(
        Jobseeker.objects.filter(restriction__isnull=False).values_list("ref", flat=True)
    )


def privacy_subjects(user) -> models.QuerySet:
    """The jobseekers whose requests (restriction, erasure) ``user`` may handle: the privacy
    officer and the programme admin, every one of them (restricted or not); nobody else."""
    Jobseeker = _model("placements.Jobseeker")

    if sees_restricted(access_for(user)):
        return Jobseeker.objects.all()
    return Jobseeker.objects.none()


def register(label: str, *, read: Rule, write: Rule) -> None:
    """Let another app (reporting) add rules for its own models, still in this one table."""
    READ_RULES[label] = read
    WRITE_RULES[label] = write


def _scoped(rules: dict[str, Rule], user, model: type[models.Model]) -> models.QuerySet:
    label = model._meta.label
    try:
        rule = rules[label]
    except KeyError:
        raise ScopeNotDefined(f"No access rule for {label}") from None
    access = access_for(user)
    q = rule(access)
    manager = model._default_manager
    if q is None:
        return manager.none()
    if not sees_restricted(access):
        hidden = _not_restricted(label)
        if hidden is not None:
            return manager.filter(hidden) if q is ALL else manager.filter(q & hidden)
    if q is ALL:
        return manager.all()
    return manager.filter(q)


def visible(user, model: type[models.Model]) -> models.QuerySet:
    """The rows of ``model`` that ``user`` may read."""
    return _scoped(READ_RULES, user, model)


def editable(user, model: type[models.Model]) -> models.QuerySet:
    """The rows of ``model`` that ``user`` may change."""
    return _scoped(WRITE_RULES, user, model)


def municipalities_matching(user, text: str) -> models.QuerySet:
    """The visible municipalities a list's typed municipality filter means (issue 17: a
    search field instead of a select of 342). A number is a municipality's id (the links of
    earlier pages); an exact name or code is that municipality; any other text every visible
    municipality whose name holds it, so that typing narrows the list as one goes."""
    from .models import Municipality

    rows = visible(user, Municipality)
    text = text.strip()
    if not text:
        return rows
    exact = municipalities_named(rows, text)
    if text.isdigit() or exact.exists():
        return exact
    return rows.filter(name__icontains=text)


def municipalities_named(rows: models.QuerySet, text: str) -> models.QuerySet:
    """The municipalities of ``rows`` that ``text`` names exactly: a number is an id (what a
    select or an earlier page's link sends), anything else a name or a code, in any case."""
    text = text.strip()
    if text.isdigit():
        return rows.filter(pk=int(text))
    return rows.filter(Q(name__iexact=text) | Q(code__iexact=text))


def municipality_suggestions(user, text: str, limit: int = 15) -> list:
    """The visible municipalities to offer while someone types ``text``: names holding it or
    codes starting with it, by name, at most ``limit``."""
    from .models import Municipality

    text = text.strip()
    rows = visible(user, Municipality)
    if text:
        rows = rows.filter(Q(name__icontains=text) | Q(code__istartswith=text))
    return list(rows.order_by("name").only("name", "code")[:limit])


def writable_municipality_ids(user) -> frozenset[int] | None:
    """Municipalities whose people the user may add; None means all (programme admin)."""
    a = access_for(user)
    if a.is_programme_admin or a.is_pilot_wide_client:
        return None
    if a.is_api_client:
        return a.client_municipality_ids
    return a.jobcoach_municipality_ids


# What a jobcoach may create or change with an import (domain.md: read/write in M); the rest
# of an import folder (municipalities, entrepreneurs) they may only leave as it is.
JOBCOACH_IMPORTS = frozenset(
    {"placements.Jobseeker", "placements.Placement", "placements.BenefitPeriod"}
)


@dataclass(frozen=True)
class ImportScope:
    """What one person's CSV import may touch (placements/imports)."""

    # The municipalities whose rows the import may hold; None means every municipality.
    municipality_ids: frozenset[int] | None
    # The models (labels) whose rows it may create or change; None means every one.
    writable: frozenset[str] | None

    def covers(self, municipality_id: int) -> bool:
        return self.municipality_ids is None or municipality_id in self.municipality_ids

    def may_write(self, model: type[models.Model]) -> bool:
        return self.writable is None or model._meta.label in self.writable


def import_scope(user) -> ImportScope | None:
    """What ``user`` may import from the browser; None when they may not import at all.
    The programme admin imports everything, a jobcoach the people of their municipalities."""
    a = access_for(user)
    if a.is_programme_admin:
        return ImportScope(municipality_ids=None, writable=None)
    if a.is_jobcoach:
        return ImportScope(municipality_ids=a.jobcoach_municipality_ids, writable=JOBCOACH_IMPORTS)
    return None


def _read_import_run(a: Access) -> Q | None:
    """A programme admin sees every import; a jobcoach the imports made within their
    municipalities (their own and their colleagues'), never one that held another's rows."""
    ImportRun = _model("placements.ImportRun")

    if a.is_programme_admin:
        return ALL
    if not a.is_jobcoach:
        return None
    ids = sorted(a.jobcoach_municipality_ids)
    through = ImportRun.municipalities.through.objects
    inside = through.filter(municipality_id__in=ids).values("importrun_id")
    outside = through.exclude(municipality_id__in=ids).values("importrun_id")
    return Q(all_municipalities=False, pk__in=inside) & ~Q(pk__in=outside)


READ_RULES["placements.ImportRun"] = _read_import_run
# Written by the import service only.
WRITE_RULES["placements.ImportRun"] = lambda a: None


def has_role(user, *roles: str) -> bool:
    return bool(access_for(user).roles.intersection(roles))


def db_scope_for(user):
    """The database scope (row-level security, ``db_scope.py``) of a request by ``user``.

    Coarser than the rules above, which still decide row by row; what the database itself
    lets through:

    - programme admin: every municipality (they read and write everything);
    - jobcoach: their municipalities;
    - IMK coach: the municipalities of their entrepreneurs and of those entrepreneurs' interns
      (domain.md: they read and write their own entrepreneurs, wherever these are);
    - privacy officer: every municipality (a person's request may concern anyone; the rules
      above still give them only the privacy pages and the processing log);
    - API client: its municipalities, or every municipality when pilot-wide;
    - funder, researcher: no municipality. They read aggregates and exports, which the
      reporting code reads under an explicit ``pilot_wide`` scope.

    Roles add up; no role, or not signed in: no municipality.
    """
    from . import db_scope

    cached = getattr(user, "_pilot_db_scope", None) if user is not None else None
    if cached is not None:
        return cached
    a = access_for(user)
    if a.is_programme_admin:
        scope = db_scope.pilot_wide_scope("programme admin")
    elif a.is_privacy_officer:
        scope = db_scope.pilot_wide_scope("privacy officer: a request may concern anyone")
    elif a.is_pilot_wide_client:
        scope = db_scope.pilot_wide_scope("a pilot-wide API client")
    elif a.is_api_client:
        scope = db_scope.municipalities_scope(a.client_municipality_ids or ())
    else:
        ids = set(a.jobcoach_municipality_ids)
        if a.is_imk_coach:
            ids |= _imk_coach_municipality_ids(a.user_id)
        scope = db_scope.municipalities_scope(ids)
    if a is not NO_ACCESS:
        user._pilot_db_scope = scope
    return scope


def _imk_coach_municipality_ids(user_id: int) -> set[int]:
    Entrepreneur, Placement = _model("coaching.Entrepreneur"), _model("placements.Placement")

    from . import db_scope

    # Read across municipalities to find out where this coach's work is, on every request of
    # theirs: two indexed queries. The interns by their entrepreneurs' ids, not by a join: with
    # the row-level security's condition on every placement, PostgreSQL joined by scanning all
    # of them (14 ms at national scale) rather than looking up the coach's few by index.
    with db_scope.pilot_wide("where an IMK coach's entrepreneurs and their interns are"):
        own = dict(
            Entrepreneur.objects.filter(imk_coach_id=user_id)
            .order_by()
            .values_list("pk", "municipality_id")
        )
        if not own:
            return set()
        hosted = (
            Placement.objects.filter(entrepreneur_id__in=list(own))
            .order_by()
            .values_list("municipality_id", flat=True)
            .distinct()
        )
        return set(own.values()) | set(hosted)
