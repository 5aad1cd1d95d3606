"""The access table of domain.md, model by model and role by role, over two municipalities."""

import pytest

from coaching.models import Entrepreneur, GuidanceSession
from kernel.models import PilotSettings
from municipalities.access import ScopeNotDefined, editable, visible
from municipalities.enums import Role
from municipalities.models import AuditEvent, Municipality, RoleAssignment, User
from placements.models import (
    BenefitPeriod,
    Jobseeker,
    Placement,
    PlacementStateChange,
    ProgressReview,
)
from tests.factories import (
    BenefitPeriodFactory,
    EntrepreneurFactory,
    GuidanceSessionFactory,
    JobseekerFactory,
    MunicipalityFactory,
    PlacementFactory,
    PlacementStateChangeFactory,
    ProgressReviewFactory,
    UserFactory,
    user_with_role,
)


@pytest.fixture
def pilot(db):
    """Two municipalities, A and B, each with one of every row, and one user per role."""
    rows = {}
    users = {
        "admin": user_with_role(Role.PROGRAMME_ADMIN),
        "funder": user_with_role(Role.FUNDER),
        "researcher": user_with_role(Role.RESEARCHER),
        "nobody": UserFactory(),
    }
    for side, code in (("A", "GM0917"), ("B", "GM0193")):
        municipality = MunicipalityFactory(code=code)
        coach = user_with_role(Role.IMK_COACH)
        jobcoach = user_with_role(Role.JOBCOACH, municipality)
        entrepreneur = EntrepreneurFactory(municipality=municipality, imk_coach=coach)
        jobseeker = JobseekerFactory(municipality=municipality)
        placement = PlacementFactory(jobseeker=jobseeker, entrepreneur=entrepreneur)
        users[f"imk_{side}"] = coach
        users[f"jobcoach_{side}"] = jobcoach
        rows[side] = {
            Municipality: municipality,
            Entrepreneur: entrepreneur,
            Jobseeker: jobseeker,
            Placement: placement,
            BenefitPeriod: BenefitPeriodFactory(jobseeker=jobseeker),
            PlacementStateChange: PlacementStateChangeFactory(placement=placement),
            ProgressReview: ProgressReviewFactory(placement=placement, author=jobcoach),
            GuidanceSession: GuidanceSessionFactory(entrepreneur=entrepreneur, coach=coach),
            AuditEvent: AuditEvent.objects.create(action="test", municipality=municipality),
        }
    return rows, users


TENANT_MODELS = [
    Municipality,
    Entrepreneur,
    Jobseeker,
    Placement,
    BenefitPeriod,
    PlacementStateChange,
    ProgressReview,
    GuidanceSession,
    AuditEvent,
]

# domain.md, "Roles and what each may see": which sides' rows each user reads.
# "A" = municipality A's row (or, for IMK coaches, the rows of their own entrepreneurs).
READS = {
    "admin": dict.fromkeys(TENANT_MODELS, "AB"),
    "jobcoach_A": {
        Municipality: "A",
        Entrepreneur: "A",
        Jobseeker: "A",
        Placement: "A",
        BenefitPeriod: "A",
        PlacementStateChange: "A",
        ProgressReview: "A",
        GuidanceSession: "",
        AuditEvent: "",
    },
    "imk_A": {
        Municipality: "AB",
        Entrepreneur: "A",
        Jobseeker: "A",
        Placement: "A",
        BenefitPeriod: "",
        PlacementStateChange: "",
        ProgressReview: "",
        GuidanceSession: "A",
        AuditEvent: "",
    },
    "funder": {m: ("AB" if m is Municipality else "") for m in TENANT_MODELS},
    "researcher": {m: ("AB" if m is Municipality else "") for m in TENANT_MODELS},
    "nobody": dict.fromkeys(TENANT_MODELS, ""),
}
READS["jobcoach_B"] = {m: s.replace("A", "B") for m, s in READS["jobcoach_A"].items()}
READS["imk_B"] = {
    m: ("AB" if s == "AB" else s.replace("A", "B")) for m, s in READS["imk_A"].items()
}

WRITES = {
    "admin": {m: ("" if m is AuditEvent else "AB") for m in TENANT_MODELS},
    "jobcoach_A": {
        Municipality: "",
        Entrepreneur: "",
        Jobseeker: "A",
        Placement: "A",
        BenefitPeriod: "A",
        PlacementStateChange: "",
        ProgressReview: "A",
        GuidanceSession: "",
        AuditEvent: "",
    },
    "imk_A": {m: ("A" if m in (Entrepreneur, GuidanceSession) else "") for m in TENANT_MODELS},
    "funder": dict.fromkeys(TENANT_MODELS, ""),
    "researcher": dict.fromkeys(TENANT_MODELS, ""),
    "nobody": dict.fromkeys(TENANT_MODELS, ""),
}
WRITES["admin"][PlacementStateChange] = ""  # history is written by the service only


def _expected(rows, sides: str, model) -> set[int]:
    return {rows[side][model].pk for side in sides}


@pytest.mark.parametrize("model", TENANT_MODELS, ids=lambda m: m.__name__)
@pytest.mark.parametrize("who", sorted(READS))
def test_visible_rows_are_exactly_the_roles_own(pilot, who, model):
    rows, users = pilot
    seen = set(visible(users[who], model).values_list("pk", flat=True))
    assert seen == _expected(rows, READS[who][model], model)


@pytest.mark.parametrize("model", TENANT_MODELS, ids=lambda m: m.__name__)
@pytest.mark.parametrize("who", sorted(WRITES))
def test_editable_rows_are_exactly_the_roles_own(pilot, who, model):
    rows, users = pilot
    changeable = set(editable(users[who], model).values_list("pk", flat=True))
    assert changeable == _expected(rows, WRITES[who][model], model)


def test_jobcoach_bound_to_two_municipalities_sees_both(pilot):
    rows, _users = pilot
    both = user_with_role(Role.JOBCOACH, rows["A"][Municipality], rows["B"][Municipality])
    assert set(visible(both, Jobseeker)) == {rows["A"][Jobseeker], rows["B"][Jobseeker]}


def test_person_with_two_roles_sees_the_union(pilot):
    rows, users = pilot
    RoleAssignment.objects.create(
        user=users["imk_B"], role=Role.JOBCOACH, municipality=rows["A"][Municipality]
    )
    coach = User.objects.get(pk=users["imk_B"].pk)
    assert set(visible(coach, Jobseeker)) == {rows["A"][Jobseeker], rows["B"][Jobseeker]}
    assert set(visible(coach, GuidanceSession)) == {rows["B"][GuidanceSession]}


def test_inactive_user_sees_nothing(pilot):
    _rows, users = pilot
    users["admin"].is_active = False
    assert not visible(users["admin"], Jobseeker).exists()


def test_anonymous_user_sees_nothing(pilot):
    from django.contrib.auth.models import AnonymousUser

    assert not visible(AnonymousUser(), Placement).exists()
    assert not visible(None, Municipality).exists()


def test_model_without_rule_fails_closed(db):
    from django.contrib.sessions.models import Session

    with pytest.raises(ScopeNotDefined):
        visible(user_with_role(Role.PROGRAMME_ADMIN), Session)


def test_pilot_settings_read_by_every_role_written_by_admin_only(pilot):
    _rows, users = pilot
    PilotSettings.load()
    assert visible(users["funder"], PilotSettings).count() == 1
    assert not editable(users["funder"], PilotSettings).exists()
    assert editable(users["admin"], PilotSettings).count() == 1
    assert not visible(users["nobody"], PilotSettings).exists()


def test_jobcoach_cannot_reach_other_municipality_row_by_id(pilot):
    rows, users = pilot
    other = rows["B"][Jobseeker]
    assert not visible(users["jobcoach_A"], Jobseeker).filter(pk=other.pk).exists()
    updated = (
        editable(users["jobcoach_A"], Jobseeker).filter(pk=other.pk).update(given_name="Gewijzigd")
    )
    assert updated == 0
    other.refresh_from_db()
    assert other.given_name != "Gewijzigd"
