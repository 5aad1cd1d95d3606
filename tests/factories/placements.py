import datetime

import factory

from placements.enums import (
    BenefitCheckOutcome,
    BenefitType,
    ChangeSource,
    ConsentPurpose,
    ConsentSource,
    EvaluationOffer,
    PlacementStatus,
    ResearchConsent,
    WouldHostAgain,
)
from placements.models import (
    BenefitCheck,
    BenefitPeriod,
    ConsentRecord,
    HostEvaluation,
    Jobseeker,
    Placement,
    PlacementStateChange,
    ProgressReview,
)

from .coaching import EntrepreneurFactory
from .municipalities import MunicipalityFactory


class JobseekerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Jobseeker
        skip_postgeneration_save = True

    municipality = factory.SubFactory(MunicipalityFactory)
    ref = factory.Sequence(lambda n: f"JS-{n:04d}")
    given_name = factory.Sequence(lambda n: f"Voornaam{n}")
    family_name = factory.Sequence(lambda n: f"Achternaam{n}")
    birth_date = datetime.date(1985, 5, 17)

    @factory.post_generation
    def research_consent(obj, create, extracted, **kwargs):
        """``research_consent="yes"`` (the default): research consent given (on 1 January 2024)
        and holding; "no": given then withdrawn; "unknown": none recorded."""
        answer = extracted or ResearchConsent.YES
        if not create or answer == ResearchConsent.UNKNOWN:
            return
        record = ConsentRecordFactory(jobseeker=obj)
        if answer == ResearchConsent.NO:
            record.withdrawn_on = datetime.date(2024, 2, 1)
            record.withdrawal_source = ConsentSource.IMPORT
            record.withdrawn_at = datetime.datetime(2024, 2, 1, 12, tzinfo=datetime.UTC)
            record.save()


class ConsentRecordFactory(factory.django.DjangoModelFactory):
    """An open consent (research by default), recorded through the import."""

    class Meta:
        model = ConsentRecord

    jobseeker = factory.SubFactory(JobseekerFactory, research_consent=ResearchConsent.UNKNOWN)
    municipality = factory.SelfAttribute("jobseeker.municipality")
    purpose = ConsentPurpose.RESEARCH
    given_on = datetime.date(2024, 1, 1)
    information_version = "research-2026-01"
    source = ConsentSource.IMPORT


class BenefitPeriodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BenefitPeriod

    jobseeker = factory.SubFactory(JobseekerFactory)
    municipality = factory.SelfAttribute("jobseeker.municipality")
    benefit_type = BenefitType.PARTICIPATIEWET
    start_date = datetime.date(2020, 1, 1)
    end_date = None
    end_reason = ""


class PlacementFactory(factory.django.DjangoModelFactory):
    """A completed placement of 5 months by default."""

    class Meta:
        model = Placement

    jobseeker = factory.SubFactory(JobseekerFactory)
    municipality = factory.SelfAttribute("jobseeker.municipality")
    entrepreneur = factory.SubFactory(
        EntrepreneurFactory, municipality=factory.SelfAttribute("..municipality")
    )
    ref = factory.Sequence(lambda n: f"PL-{n:04d}")
    status = PlacementStatus.COMPLETED
    planned_start = datetime.date(2024, 1, 8)
    planned_end = datetime.date(2024, 6, 7)
    actual_start = datetime.date(2024, 1, 8)
    actual_end = datetime.date(2024, 6, 7)
    end_reason = ""


class PlacementStateChangeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlacementStateChange

    placement = factory.SubFactory(PlacementFactory)
    municipality = factory.SelfAttribute("placement.municipality")
    from_status = PlacementStatus.ACTIVE
    to_status = PlacementStatus.COMPLETED
    source = ChangeSource.WEB


class ProgressReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgressReview

    placement = factory.SubFactory(PlacementFactory)
    municipality = factory.SelfAttribute("placement.municipality")
    held_on = datetime.date(2024, 2, 8)
    notes = "Gaat goed; werkt zelfstandiger."


class BenefitCheckFactory(factory.django.DjangoModelFactory):
    """The 3-month check of the default placement (which ended on 7 June 2024)."""

    class Meta:
        model = BenefitCheck

    placement = factory.SubFactory(PlacementFactory)
    municipality = factory.SelfAttribute("placement.municipality")
    months = 3
    checked_on = datetime.date(2024, 9, 9)
    outcome = BenefitCheckOutcome.STILL_ON_BENEFITS
    reason = ""


class HostEvaluationFactory(factory.django.DjangoModelFactory):
    """The evaluation of the factory's completed placement, a week after it ended."""

    class Meta:
        model = HostEvaluation

    placement = factory.SubFactory(PlacementFactory)
    municipality = factory.SelfAttribute("placement.municipality")
    evaluated_on = datetime.date(2024, 6, 14)
    would_host_again = WouldHostAgain.YES
    work_readiness = 4
    offer = EvaluationOffer.NONE
    helped = factory.LazyFunction(lambda: ["jobcoach", "clear_tasks"])
    missing = factory.LazyFunction(lambda: ["time"])
    remark = "Fijne stagiair; had wel veel begeleiding nodig."
