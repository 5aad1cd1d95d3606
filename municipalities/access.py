"""Who may see and change which rows: the one place where that is decided.

Every view, admin page, API endpoint, export and task asks this module for its queryset:
``visible(user, Model)`` for reading and ``editable(user, Model)`` for writing. The rules are the
table "Roles and what each may see" in domain.md, one function per model and mode.

It fails closed: a model without a rule raises ``ScopeNotDefined`` (so a new table cannot be
listed by accident), and a user without a role that grants access gets an empty queryset. Reads
across every municipality for aggregate figures and research exports do not come through here;
they live in ``reporting/`` under names that start with ``all_municipalities_``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import models
from django.db.models import Q

from .enums import Role


class ScopeNotDefined(LookupError):
    """A model was asked for that has no access rule: refuse rather than show everything."""


ALL = Q()  # matches every row


@dataclass(frozen=True)
class Access:
    """What one user's roles add up to; computed once per user object."""

    user_id: int | None
    roles: frozenset[str]
    jobcoach_municipality_ids: frozenset[int]

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


NO_ACCESS = Access(user_id=None, roles=frozenset(), jobcoach_municipality_ids=frozenset())


def access_for(user) -> Access:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return NO_ACCESS
    cached = getattr(user, "_pilot_access", None)
    if cached is not None:
        return cached
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
    """Drop the cached access after a user's roles changed."""
    if hasattr(user, "_pilot_access"):
        del user._pilot_access


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


def _jobcoach(a: Access, path: str = "municipality_id") -> Q | None:
    return Q(**{f"{path}__in": sorted(a.jobcoach_municipality_ids)}) if a.is_jobcoach else None


def _imk(a: Access, q: Q) -> Q | None:
    return q if a.is_imk_coach else None


def _read_municipality(a: Access) -> Q | None:
    if a.is_programme_admin or a.is_imk_coach or a.is_funder or a.is_researcher:
        return ALL
    return _jobcoach(a, "id")


def _read_jobseeker(a: Access) -> Q | None:
    from placements.models import Placement

    # An IMK coach sees the interns of their own entrepreneurs (given name only: selectors
    # that serve IMK coaches load no other personal field).
    interns = Placement.objects.filter(entrepreneur__imk_coach_id=a.user_id).values("jobseeker_id")
    return _union(_admin(a), _jobcoach(a), _imk(a, Q(id__in=interns)))


def _read_placement(a: Access) -> Q | None:
    return _union(_admin(a), _jobcoach(a), _imk(a, Q(entrepreneur__imk_coach_id=a.user_id)))


def _read_entrepreneur(a: Access) -> Q | None:
    return _union(_admin(a), _jobcoach(a), _imk(a, Q(imk_coach_id=a.user_id)))


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
    from coaching.models import Entrepreneur

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
    "placements.BenefitPeriod": _admin_or_jobcoach,
    "placements.Placement": _read_placement,
    "placements.PlacementStateChange": _admin_or_jobcoach,
    "placements.ProgressReview": _admin_or_jobcoach,
    # Benefit checks say whether someone still lives on benefits: as private as the periods.
    "placements.BenefitCheck": _admin_or_jobcoach,
    "placements.HostEvaluation": _host_evaluation,
    "coaching.Entrepreneur": _read_entrepreneur,
    "coaching.GuidanceSession": _own_guidance,
    # Snapshots hold participant refs: only the admin reads rows; the dashboards read the
    # aggregates through reporting's selectors.
    "reporting.MetricsSnapshot": _admin,
}

WRITE_RULES: dict[str, Rule] = {
    "pilot.PilotSettings": _admin,
    "municipalities.Municipality": _admin,
    "municipalities.User": _admin,
    "municipalities.RoleAssignment": _admin,
    "municipalities.AuditEvent": lambda a: None,  # append-only, written by services
    "municipalities.Correction": lambda a: None,  # append-only, written by services
    "placements.Jobseeker": _admin_or_jobcoach,
    "placements.BenefitPeriod": _admin_or_jobcoach,
    "placements.Placement": _admin_or_jobcoach,
    "placements.PlacementStateChange": lambda a: None,  # written by the placement service
    "placements.ProgressReview": _admin_or_jobcoach,
    "placements.BenefitCheck": _admin_or_jobcoach,
    "placements.HostEvaluation": _host_evaluation,
    "coaching.Entrepreneur": lambda a: _union(_admin(a), _imk(a, Q(imk_coach_id=a.user_id))),
    "coaching.GuidanceSession": _own_guidance,
    "reporting.MetricsSnapshot": lambda a: None,  # written by the snapshot task only
}


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
    q = rule(access_for(user))
    manager = model._default_manager
    if q is None:
        return manager.none()
    if q is ALL:
        return manager.all()
    return manager.filter(q)


def visible(user, model: type[models.Model]) -> models.QuerySet:
    """The rows of ``model`` that ``user`` may read."""
    return _scoped(READ_RULES, user, model)


def editable(user, model: type[models.Model]) -> models.QuerySet:
    """The rows of ``model`` that ``user`` may change."""
    return _scoped(WRITE_RULES, user, model)


def writable_municipality_ids(user) -> frozenset[int] | None:
    """Municipalities whose people the user may add; None means all (programme admin)."""
    a = access_for(user)
    if a.is_programme_admin:
        return None
    return a.jobcoach_municipality_ids


def privacy_request_people(user) -> models.QuerySet:
    """Every person, for the privacy officer answering a person's request (pilot-wide, AVG
    art. 15 to 21); nobody for anyone else. Used by the privacy officer's pages only."""
    from placements.models import Jobseeker

    if access_for(user).is_privacy_officer:
        return Jobseeker.objects.all()
    return Jobseeker.objects.none()


def has_role(user, *roles: str) -> bool:
    return bool(access_for(user).roles.intersection(roles))
