"""The machinery of the leak matrix (tests/security/test_leak_matrix.py): the routes from the
URL resolver, the world of two municipalities with their people, the actors, and the run.

The expectations live in ``expectations.py``: one row per route.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from dataclasses import dataclass
from http.cookies import SimpleCookie
from types import SimpleNamespace

from allauth.account.models import EmailAddress
from django.apps import apps
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from coaching.models import Entrepreneur, GuidanceSession
from municipalities.api_clients import api_client_create
from municipalities.enums import Role
from municipalities.models import AuditEvent, Correction, Municipality, RoleAssignment, User
from municipalities.processing_enums import Action, Activity
from municipalities.processing_log import record
from placements.enums import PlacementStatus
from placements.models import (
    BenefitCheck,
    BenefitPeriod,
    ConsentRecord,
    HostEvaluation,
    ImportRun,
    Jobseeker,
    Placement,
    PlacementStateChange,
    ProgressReview,
)
from privacy.models import Erasure, Restriction, RetentionRun
from reporting.models import ProgressReport, ResearchExport, WorkerHeartbeat
from tests.factories import (
    BenefitCheckFactory,
    BenefitPeriodFactory,
    EntrepreneurFactory,
    GuidanceSessionFactory,
    HostEvaluationFactory,
    JobseekerFactory,
    MunicipalityFactory,
    PlacementFactory,
    PlacementStateChangeFactory,
    ProgressReviewFactory,
    user_with_role,
)

# The kinds of actor, in the order of an expectation's columns.
ACTORS = (
    "anonymous",
    "jobcoach_a",
    "jobcoach_b",
    "imk_coach_1",
    "imk_coach_2",
    "funder",
    "researcher",
    "programme_admin",
    "privacy_officer",
)
TENANTS = ("a", "b")
# The given and family names of the world's jobseekers of A and B.
WORLD_NAMES = {"a": ("Quirijntje", "Zwanenburgh"), "b": ("Xaveria", "Oudekerkhof")}
# A's restricted (and erased) person: only the programme admin and privacy officer see them.
RESTRICTED_NAMES = ("Wendelmoet", "Brakkeveldt")
PAGE_METHODS = ("GET", "POST")
API_WRITE_METHODS = ("PUT", "PATCH", "DELETE")


def routes() -> Iterator[tuple[str, URLPattern]]:
    """Every route the resolver knows, as (its full pattern, the pattern)."""

    def walk(resolver: URLResolver, prefix: str):
        for pattern in resolver.url_patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                yield from walk(pattern, route)
            else:
                yield route, pattern

    # A route spelled twice (the pilot's own answer in front of a library's) is answered by
    # the first; the second is listed once, under the same row.
    seen = set()
    for route, pattern in walk(get_resolver(), ""):
        if route not in seen:
            seen.add(route)
            yield route, pattern


def methods_for(route: str) -> tuple[str, ...]:
    return PAGE_METHODS + API_WRITE_METHODS if route.startswith("api/") else PAGE_METHODS


@dataclass
class World:
    """Two municipalities, each with a jobseeker, a benefit, a proposed placement with a
    review, an entrepreneur with its IMK coach and a guidance session, and a report; a
    research export; one person per kind of actor."""

    users: dict[str, User | None]
    objects: dict[str, dict[str, object]]  # tenant -> kind -> object


def build_world() -> World:
    a = MunicipalityFactory(code="GM0917", name="Heerlen")
    b = MunicipalityFactory(code="GM0935", name="Maastricht")
    users: dict[str, User | None] = {
        "anonymous": None,
        "jobcoach_a": user_with_role(Role.JOBCOACH, a, email="jobcoach.a@example.org"),
        "jobcoach_b": user_with_role(Role.JOBCOACH, b, email="jobcoach.b@example.org"),
        "imk_coach_1": user_with_role(Role.IMK_COACH, email="imk1@example.org"),
        "imk_coach_2": user_with_role(Role.IMK_COACH, email="imk2@example.org"),
        "funder": user_with_role(Role.FUNDER, email="funder@example.org"),
        "researcher": user_with_role(Role.RESEARCHER, email="researcher@example.org"),
        "programme_admin": user_with_role(Role.PROGRAMME_ADMIN, email="admin@example.org"),
        "privacy_officer": user_with_role(Role.PRIVACY_OFFICER, email="privacy@example.org"),
    }
    coaches = {"a": users["imk_coach_1"], "b": users["imk_coach_2"]}
    jobcoaches = {"a": users["jobcoach_a"], "b": users["jobcoach_b"]}
    objects: dict[str, dict[str, object]] = {}
    for tenant, municipality in (("a", a), ("b", b)):
        entrepreneur = EntrepreneurFactory(municipality=municipality, imk_coach=coaches[tenant])
        # Names found nowhere else on a page, so that the processing-log test can tell who
        # a response shows (tests/privacy/test_route_reads.py).
        jobseeker = JobseekerFactory(
            municipality=municipality,
            given_name=WORLD_NAMES[tenant][0],
            family_name=WORLD_NAMES[tenant][1],
        )
        benefit = BenefitPeriodFactory(jobseeker=jobseeker)
        placement = PlacementFactory(
            jobseeker=jobseeker,
            entrepreneur=entrepreneur,
            status=PlacementStatus.ACTIVE,
            planned_start=datetime.date(2025, 1, 6),
            planned_end=datetime.date(2025, 6, 5),
            actual_start=datetime.date(2025, 1, 6),
            actual_end=None,
        )
        review = ProgressReviewFactory(placement=placement)
        # An earlier internship of the same person, ended: its benefit check and evaluation.
        ended = PlacementFactory(jobseeker=jobseeker, entrepreneur=entrepreneur)
        benefit_check = BenefitCheckFactory(placement=ended)
        evaluation = HostEvaluationFactory(placement=ended)
        correction = Correction.objects.create(
            municipality=municipality,
            record_kind="benefit_period",
            record_id=benefit.pk,
            subject_kind="jobseeker",
            subject_id=jobseeker.pk,
            action="corrected",
            changes={"monthly_amount": ["1000.00", "1100.00"]},
            reason="Amount mistyped.",
            source="web",
        )
        state_change = PlacementStateChangeFactory(
            placement=placement,
            from_status=PlacementStatus.AGREED,
            to_status=PlacementStatus.ACTIVE,
        )
        audit = AuditEvent.objects.create(
            action="test",
            object_type="jobseeker",
            object_ref=jobseeker.ref,
            municipality=municipality,
        )
        email = EmailAddress.objects.create(
            user=jobcoaches[tenant], email=jobcoaches[tenant].email, primary=True, verified=True
        )
        session = GuidanceSessionFactory(entrepreneur=entrepreneur, coach=coaches[tenant])
        report = ProgressReport.objects.create(
            kind="municipality",
            as_of=datetime.date(2025, 9, 30),
            municipality=municipality,
            status="done",
            requested_by=jobcoaches[tenant],
        )
        # A checked upload of the jobcoach, waiting for confirmation (its files are gone, so
        # a confirmed run would fail on the worker; the matrix only looks at the answers).
        import_run = ImportRun.objects.create(
            requested_by=jobcoaches[tenant],
            status="checked",
            files=[{"name": "jobseekers.csv", "size": 120}],
            check_counts={"jobseekers.csv": {"created": 1, "updated": 0, "unchanged": 0}},
            upload_dir=f"matrix-{tenant}",
            expires_at=timezone.now() + datetime.timedelta(hours=1),
        )
        import_run.municipalities.set([municipality])
        objects[tenant] = {
            # The write API's key of a benefit period: its jobseeker's ref, type and start.
            "benefit_key": SimpleNamespace(
                ref=jobseeker.ref,
                benefit_type=benefit.benefit_type,
                start_date=benefit.start_date.isoformat(),
            ),
            "municipality": municipality,
            "user": jobcoaches[tenant],
            "entrepreneur": entrepreneur,
            "jobseeker": jobseeker,
            "benefit": benefit,
            # The research consent JobseekerFactory gives (open, so it can be withdrawn).
            "consent": jobseeker.consents.get(),
            "placement": placement,
            "review": review,
            "benefit_check": benefit_check,
            "evaluation": evaluation,
            "correction": correction,
            "state_change": state_change,
            "audit": audit,
            "email": email,
            "session": session,
            "report": report,
            "import_run": import_run,
        }
    export_a = ResearchExport.objects.create(
        as_of=datetime.date(2025, 9, 30),
        format="csv",
        language="nl",
        status="done",
        requested_by=users["researcher"],
    )
    export_b = ResearchExport.objects.create(
        as_of=datetime.date(2025, 9, 30),
        format="csv",
        language="nl",
        status="done",
        requested_by=user_with_role(Role.RESEARCHER, email="other.researcher@example.org"),
    )
    objects["a"]["export"], objects["b"]["export"] = export_a, export_b
    # A restricted and erased person of A, and a retention run, for the privacy admin's rows.
    restricted = JobseekerFactory(
        municipality=a, given_name=RESTRICTED_NAMES[0], family_name=RESTRICTED_NAMES[1]
    )
    objects["a"]["restricted_person"] = restricted
    objects["a"]["restriction"] = Restriction.objects.create(
        jobseeker=restricted, municipality=a, reason="Accuracy disputed."
    )
    objects["a"]["erasure"] = Erasure.objects.create(
        jobseeker=restricted, municipality=a, trigger="request", reason="Request."
    )
    RetentionRun.objects.create(status="done")
    # An API client, so that its admin pages have a row (its own tests are in tests/api).
    api_client_create(name="Matrix system", all_municipalities=True)
    now = timezone.now()
    WorkerHeartbeat.objects.create(hostname="worker@matrix", seen_at=now, started_at=now)
    # The dashboard's figures for today exist, so no page queues a computation.
    from reporting.snapshots import snapshot_compute

    snapshot_compute(as_of=timezone.localdate(), trigger="on_demand")
    # One entry in the processing log (the admin's read-only pages open it).
    record(
        action=Action.READ,
        people=[objects["a"]["jobseeker"]],
        activity=Activity.GUIDANCE,
        actor=jobcoaches["a"],
        route="placements:jobseeker_detail",
    )
    return World(users=users, objects=objects)


# What the writes of each actor may touch: a tenant's rows, or the pilot-wide ones.
MAY_WRITE = {
    "anonymous": set(),
    "jobcoach_a": {"a"},
    "jobcoach_b": {"b"},
    "imk_coach_1": {"a"},
    "imk_coach_2": {"b"},
    "funder": set(),
    "researcher": set(),
    "programme_admin": {"a", "b", "pilot"},
    "privacy_officer": set(),
}

TENANT_MODELS = (
    Jobseeker,
    BenefitPeriod,
    Placement,
    PlacementStateChange,
    ProgressReview,
    BenefitCheck,
    HostEvaluation,
    ConsentRecord,
    Correction,
    Entrepreneur,
    GuidanceSession,
    ProgressReport,
    Restriction,
    Erasure,
)


def fingerprint(world: World) -> dict[str, list]:
    """Every row of each tenant, and the pilot-wide rows that only an admin changes."""
    result: dict[str, list] = {}
    for tenant in TENANTS:
        municipality = world.objects[tenant]["municipality"]
        result[tenant] = [
            list(model.objects.filter(municipality=municipality).order_by("pk").values())
            for model in TENANT_MODELS
        ]
    result["pilot"] = [
        list(Municipality.objects.order_by("pk").values()),
        list(User.objects.order_by("pk").values("pk", "email", "password", "is_active")),
        list(RoleAssignment.objects.order_by("pk").values()),
        list(ResearchExport.objects.order_by("pk").values("pk", "status", "file")),
    ]
    return result


def admin_model(route: str):
    """The model of an admin route such as ``admin/placements/jobseeker/<path:object_id>/``."""
    parts = route.split("/")
    if len(parts) >= 3 and route.startswith("admin/"):
        try:
            return apps.get_model(parts[1], parts[2])
        except (LookupError, ValueError):
            return None
    return None


def admin_object(world: World, model, tenant: str):
    """A row of ``model`` belonging to tenant ``tenant`` (or any row of an untenanted model)."""
    objects = world.objects[tenant]
    for value in objects.values():
        if type(value) is model:
            return value
    if model is Municipality:
        return objects["municipality"]
    if model is User:
        return objects["user"]
    if model is RoleAssignment:
        return objects["user"].role_assignments.first()
    row = model._default_manager.order_by("pk").first()
    return row


def url_kwargs(world: World, route: str, pattern: URLPattern, tenant: str | None) -> dict:
    names = set(pattern.pattern.regex.groupindex)
    kwargs: dict = {}
    if "format" in names:
        kwargs["format"] = "json"
    if not names - {"format"}:
        return kwargs
    from .expectations import expectation_for

    kind = expectation_for(route).obj
    if kind == "admin":
        # admin/r/ (the "view on site" shortcut) takes any row: a jobseeker.
        model = admin_model(route) or Jobseeker
        obj = admin_object(world, model, tenant)
        # A model without rows (say, allauth's e-mail addresses) is asked for a missing one.
        object_id = str(obj.pk) if obj is not None else "0"
        if "object_id" in names:
            kwargs["object_id"] = object_id
        if "id" in names:  # the user admin's set-password page
            kwargs["id"] = object_id
        if "content_type_id" in names:
            from django.contrib.contenttypes.models import ContentType

            kwargs["content_type_id"] = ContentType.objects.get_for_model(model).pk
        if "app_label" in names:
            kwargs["app_label"] = "placements"
        if "url" in names:
            kwargs["url"] = "nothing-here/"
        return kwargs
    if kind == "token":
        # allauth's links from e-mails: a key nobody was sent.
        kwargs.update({k: "x" for k in names if k in {"uidb36", "key"}})
        kwargs.update({"key": "abc-def"} if "key" in names else {})
        return kwargs
    obj = world.objects[tenant][kind]
    for name in names - {"format"}:
        # The benefit-check page names its moment: the first, 3 months after the internship.
        kwargs[name] = 3 if name == "months" else getattr(obj, name)
    return kwargs


def clients(world: World) -> dict[str, Client]:
    result = {}
    for actor, user in world.users.items():
        client = Client(raise_request_exception=False)
        if user is not None:
            client.force_login(user)
        result[actor] = client
    return result


@dataclass(frozen=True)
class Case:
    route: str
    method: str
    actor: str
    tenant: str | None
    path: str
    status: int
    expected: int | None
    leaked_into: tuple[str, ...]


def run_case(world, client, actor, route, pattern, method, tenant, expected) -> Case:
    path = url_path(route, url_kwargs(world, route, pattern, tenant))
    cookies = client.cookies
    client.cookies = SimpleCookie(cookies.output(header="", sep=";"))
    # Every case in a savepoint that is rolled back: a write (or a sign-out) of one case never
    # changes what the next one sees. The rows are compared around every unsafe method.
    unsafe = method != "GET"
    with transaction.atomic():
        before = fingerprint(world) if unsafe else {}
        response = getattr(client, method.lower())(path)
        after = fingerprint(world) if unsafe else {}
        transaction.set_rollback(True)
    client.cookies = cookies
    leaked = tuple(
        part for part in before if before[part] != after[part] and part not in MAY_WRITE[actor]
    )
    return Case(route, method, actor, tenant, path, response.status_code, expected, leaked)


def url_path(route: str, kwargs: dict) -> str:
    """The path of ``route`` with ``kwargs`` filled in (path converters and regex groups)."""
    path = re.sub(r"<drf_format_suffix:format>", ".json", route)
    path = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: str(kwargs[m.group(1)]), path)
    path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(kwargs[m.group(1)]), path)
    path = path.replace("^", "").replace("$", "").replace("\\.", ".").replace("/?", "/")
    return "/" + path
