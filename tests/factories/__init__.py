"""factory-boy factories for every model. Rows go through the ORM directly; tests of the rules
call the services instead."""

from .coaching import EntrepreneurFactory, GuidanceSessionFactory
from .municipalities import (
    TOTP_SECRET,
    MunicipalityFactory,
    RoleAssignmentFactory,
    UserFactory,
    totp_code,
    user_with_role,
)
from .placements import (
    BenefitCheckFactory,
    BenefitPeriodFactory,
    ConsentRecordFactory,
    HostEvaluationFactory,
    JobseekerFactory,
    PlacementFactory,
    PlacementStateChangeFactory,
    ProgressReviewFactory,
)

__all__ = [
    "BenefitCheckFactory",
    "BenefitPeriodFactory",
    "ConsentRecordFactory",
    "EntrepreneurFactory",
    "GuidanceSessionFactory",
    "HostEvaluationFactory",
    "JobseekerFactory",
    "MunicipalityFactory",
    "PlacementFactory",
    "PlacementStateChangeFactory",
    "ProgressReviewFactory",
    "RoleAssignmentFactory",
    "TOTP_SECRET",
    "UserFactory",
    "totp_code",
    "user_with_role",
]
