"""Shared arrangement for the jobcoach page tests: two municipalities with one of everything."""

import datetime
from dataclasses import dataclass
from html import escape

from coaching.models import Entrepreneur
from municipalities.enums import Role
from municipalities.models import Municipality, User
from placements.enums import PlacementStatus
from placements.models import (
    BenefitPeriod,
    ConsentRecord,
    Jobseeker,
    Placement,
    PlacementStateChange,
    ProgressReview,
)
from tests.factories import (
    BenefitPeriodFactory,
    EntrepreneurFactory,
    JobseekerFactory,
    MunicipalityFactory,
    PlacementFactory,
    user_with_role,
)

ACTIVE_FROM = datetime.date(2025, 3, 3)


@dataclass
class Side:
    municipality: Municipality
    jobcoach: User
    jobseeker: Jobseeker
    entrepreneur: Entrepreneur
    placement: Placement
    period: BenefitPeriod


def make_side(code: str, name: str, prefix: str) -> Side:
    municipality = MunicipalityFactory(code=code, name=name)
    jobseeker = JobseekerFactory(municipality=municipality, ref=f"{prefix}-001")
    entrepreneur = EntrepreneurFactory(municipality=municipality, ref=f"ENT-{prefix}-1")
    placement = PlacementFactory(
        jobseeker=jobseeker,
        entrepreneur=entrepreneur,
        ref=f"{prefix}-001-P1",
        status=PlacementStatus.ACTIVE,
        planned_start=ACTIVE_FROM,
        planned_end=datetime.date(2025, 8, 1),
        actual_start=ACTIVE_FROM,
        actual_end=None,
    )
    return Side(
        municipality=municipality,
        jobcoach=user_with_role(Role.JOBCOACH, municipality),
        jobseeker=jobseeker,
        entrepreneur=entrepreneur,
        placement=placement,
        period=BenefitPeriodFactory(jobseeker=jobseeker),
    )


def two_municipalities() -> tuple[Side, Side]:
    """Heerlen (A) and Zwolle (B), each with a jobcoach, a jobseeker on benefits, an
    entrepreneur and an active placement."""
    return make_side("GM0917", "Heerlen", "HRL"), make_side("GM0193", "Zwolle", "ZWL")


def other_roles() -> dict[str, User]:
    return {
        "imk_coach": user_with_role(Role.IMK_COACH),
        "funder": user_with_role(Role.FUNDER),
        "researcher": user_with_role(Role.RESEARCHER),
    }


def snapshot() -> dict:
    """Everything a jobcoach page can write, to assert that a refused request changed nothing."""
    return {
        "jobseekers": list(Jobseeker.objects.order_by("pk").values()),
        "periods": list(BenefitPeriod.objects.order_by("pk").values()),
        "placements": list(Placement.objects.order_by("pk").values()),
        "changes": list(PlacementStateChange.objects.order_by("pk").values()),
        "reviews": list(ProgressReview.objects.order_by("pk").values()),
        "consents": list(ConsentRecord.objects.order_by("pk").values()),
    }


def field_error(field_id: str, message: str) -> str:
    """The markup of a message shown next to its field (templates/forms/field.html)."""
    return f'id="{field_id}_error"><p>{escape(message)}</p></div>'
