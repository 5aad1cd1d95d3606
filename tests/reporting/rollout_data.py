"""A small pilot whose windows have closed, enough to extrapolate from: 30 participants in
Deventer (40 planned places), internships 8 January - 7 June 2024 (windows close 7 June 2025),
a benefit of EUR 1,200 a month; 12 leave benefits for work on 30 September 2024 (250 days off
benefits in their window: EUR 9,863.01 each), 18 stay on benefits. One entrepreneur had 600
minutes of IMK guidance before 30 September 2025."""

import datetime
from decimal import Decimal

from municipalities.models import Municipality
from placements.enums import BenefitEndReason
from tests.factories import (
    BenefitPeriodFactory,
    EntrepreneurFactory,
    GuidanceSessionFactory,
    JobseekerFactory,
    PlacementFactory,
)

AS_OF = datetime.date(2025, 9, 30)


def load_closed_windows(*, participants: int = 30, outflow: int = 12) -> Municipality:
    deventer = Municipality.objects.create(code="GM0150", name="Deventer", planned_places=40)
    entrepreneur = EntrepreneurFactory(municipality=deventer)
    for i in range(participants):
        jobseeker = JobseekerFactory(municipality=deventer, ref=f"DEV-{i:03d}")
        PlacementFactory(jobseeker=jobseeker, entrepreneur=entrepreneur, ref=f"PL-DEV-{i:03d}")
        left = i < outflow
        BenefitPeriodFactory(
            jobseeker=jobseeker,
            monthly_amount=Decimal("1200.00"),
            end_date=datetime.date(2024, 9, 30) if left else None,
            end_reason=BenefitEndReason.WORK if left else "",
        )
    for held_on in (datetime.date(2024, 2, 1), datetime.date(2024, 4, 1)):
        GuidanceSessionFactory(entrepreneur=entrepreneur, held_on=held_on, minutes=300)
    # After the date of the figures: not counted.
    GuidanceSessionFactory(entrepreneur=entrepreneur, held_on=AS_OF + datetime.timedelta(1))
    return deventer
