"""Restriction of processing (art. 18): the person and their records are opened by the privacy
officer and the programme admin only; the figures still count them."""

import datetime

import pytest

from coaching.models import Entrepreneur
from municipalities.access import editable, privacy_subjects, visible
from municipalities.enums import Role
from municipalities.models import AuditEvent, Correction
from placements.models import (
    BenefitCheck,
    BenefitPeriod,
    HostEvaluation,
    Jobseeker,
    Placement,
    PlacementStateChange,
    ProgressReview,
)
from privacy.erasure import ErasureRefused
from privacy.restriction import restriction_lift, restriction_set
from reporting.metrics import metrics_as_json_dict
from reporting.selectors import compute_metrics
from tests.factories import (
    BenefitCheckFactory,
    BenefitPeriodFactory,
    EntrepreneurFactory,
    HostEvaluationFactory,
    JobseekerFactory,
    MunicipalityFactory,
    PlacementFactory,
    PlacementStateChangeFactory,
    ProgressReviewFactory,
    user_with_role,
)

pytestmark = pytest.mark.django_db

MODELS = [
    Jobseeker,
    BenefitPeriod,
    Placement,
    PlacementStateChange,
    ProgressReview,
    BenefitCheck,
    HostEvaluation,
    Correction,
]


def _person(municipality, entrepreneur):
    jobseeker = JobseekerFactory(municipality=municipality)
    benefit = BenefitPeriodFactory(
        jobseeker=jobseeker, end_date=datetime.date(2024, 8, 31), end_reason="work"
    )
    ended = PlacementFactory(jobseeker=jobseeker, entrepreneur=entrepreneur)
    PlacementStateChangeFactory(placement=ended)
    ProgressReviewFactory(placement=ended)
    BenefitCheckFactory(placement=ended)
    HostEvaluationFactory(placement=ended)
    Correction.objects.create(
        municipality=municipality,
        record_kind="benefit_period",
        record_id=benefit.pk,
        subject_kind="jobseeker",
        subject_id=jobseeker.pk,
        action="corrected",
        changes={"end_date": ["2024-08-30", "2024-08-31"]},
        reason="Typed wrong.",
        source="web",
    )
    Correction.objects.create(
        municipality=municipality,
        record_kind="placement",
        record_id=ended.pk,
        subject_kind="placement",
        subject_id=ended.pk,
        action="corrected",
        changes={"actual_end": ["2024-06-06", "2024-06-07"]},
        reason="Typed wrong.",
        source="web",
    )
    return jobseeker


@pytest.fixture
def world():
    municipality = MunicipalityFactory()
    imk = user_with_role(Role.IMK_COACH)
    entrepreneur = EntrepreneurFactory(municipality=municipality, imk_coach=imk)
    restricted = _person(municipality, entrepreneur)
    other = _person(municipality, EntrepreneurFactory(municipality=municipality, imk_coach=imk))
    return {
        "municipality": municipality,
        "restricted": restricted,
        "other": other,
        "jobcoach": user_with_role(Role.JOBCOACH, municipality),
        "imk": imk,
        "admin": user_with_role(Role.PROGRAMME_ADMIN),
        "officer": user_with_role(Role.PRIVACY_OFFICER),
    }


def _about(model, jobseeker) -> set[int]:
    """The ids of ``model``'s rows about ``jobseeker``."""
    if model is Jobseeker:
        return {jobseeker.pk}
    if model in (BenefitPeriod, Placement):
        return set(model.objects.filter(jobseeker=jobseeker).values_list("pk", flat=True))
    if model is Correction:
        placements = Placement.objects.filter(jobseeker=jobseeker).values("pk")
        return set(
            Correction.objects.filter(subject_kind="jobseeker", subject_id=jobseeker.pk)
            .union(Correction.objects.filter(subject_kind="placement", subject_id__in=placements))
            .values_list("pk", flat=True)
        )
    return set(model.objects.filter(placement__jobseeker=jobseeker).values_list("pk", flat=True))


def test_restricted_rows_leave_the_jobcoach_and_imk_coach_but_not_admin(world):
    restricted, other = world["restricted"], world["other"]
    restriction_set(restricted, reason="Accuracy disputed.", actor=world["officer"])

    for model in MODELS:
        mine, theirs = _about(model, restricted), _about(model, other)
        assert mine and theirs, model
        seen = set(visible(world["jobcoach"], model).values_list("pk", flat=True))
        assert seen.isdisjoint(mine), model
        assert theirs <= seen, model
        assert set(editable(world["jobcoach"], model).values_list("pk", flat=True)).isdisjoint(
            mine
        ), model
        assert mine | theirs <= set(visible(world["admin"], model).values_list("pk", flat=True))
    imk_jobseekers = set(visible(world["imk"], Jobseeker).values_list("pk", flat=True))
    assert imk_jobseekers == {other.pk}
    imk_placements = set(visible(world["imk"], Placement).values_list("jobseeker_id", flat=True))
    assert imk_placements == {other.pk}
    assert set(visible(world["imk"], Entrepreneur).values_list("pk", flat=True))
    assert set(privacy_subjects(world["officer"]).values_list("pk", flat=True)) == {
        restricted.pk,
        other.pk,
    }
    assert not privacy_subjects(world["jobcoach"]).exists()


def test_restricted_person_pages_are_404_for_the_jobcoach_and_open_for_the_admin(world, client):
    restricted = world["restricted"]
    placement = Placement.objects.get(jobseeker=restricted)
    restriction_set(restricted, reason="Accuracy disputed.", actor=world["officer"])

    client.force_login(world["jobcoach"])
    assert client.get(f"/jobseekers/{restricted.pk}/").status_code == 404
    assert client.get(f"/placements/{placement.pk}/").status_code == 404
    listing = client.get("/jobseekers/").content.decode()
    assert restricted.family_name not in listing
    assert world["other"].family_name in listing
    client.force_login(world["admin"])
    assert client.get(f"/jobseekers/{restricted.pk}/").status_code == 200


def test_the_figures_still_count_a_restricted_person(world):
    day = datetime.date(2025, 9, 30)
    before = metrics_as_json_dict(compute_metrics(as_of=day))
    assert before["totals"]["participants"] == 2

    restriction_set(world["restricted"], reason="Accuracy disputed.", actor=world["officer"])

    assert metrics_as_json_dict(compute_metrics(as_of=day)) == before


def test_set_and_lift_are_logged_pointing_to_the_record(world):
    restricted = world["restricted"]
    restriction_set(restricted, reason="Accuracy disputed.", actor=world["officer"])

    assert restriction_lift(restricted, actor=world["officer"]) is True
    assert restriction_lift(restricted, actor=world["officer"]) is False

    assert restricted.pk in visible(world["jobcoach"], Jobseeker).values_list("pk", flat=True)
    events = list(
        AuditEvent.objects.order_by("at", "pk").values_list("action", "object_type", "object_ref")
    )
    assert events == [
        ("restriction_set", "jobseeker", str(restricted.pk)),
        ("restriction_lifted", "jobseeker", str(restricted.pk)),
    ]


def test_a_second_restriction_or_one_naming_the_person_is_refused(world):
    restricted = world["restricted"]
    with pytest.raises(ErasureRefused):
        restriction_set(restricted, reason=f"Call {restricted.ref}", actor=None)
    restriction_set(restricted, reason="Accuracy disputed.", actor=None)
    with pytest.raises(ErasureRefused) as refused:
        restriction_set(restricted, reason="Again.", actor=None)
    assert refused.value.messages == ["This person is restricted already."]


def test_the_metrics_api_leaves_a_restricted_ref_out_of_the_jobcoach_participant_list(
    world, client
):
    from reporting.snapshots import snapshot_compute

    day = datetime.date(2025, 9, 30)
    restricted, other = world["restricted"], world["other"]
    restriction_set(restricted, reason="Accuracy disputed.", actor=world["officer"])
    snapshot_compute(as_of=day, trigger="on_demand")

    client.force_login(world["jobcoach"])
    body = client.get(f"/api/v1/metrics/?as_of={day.isoformat()}").json()
    assert [p["ref"] for p in body["participants"]] == [other.ref]
    assert body["totals"]["participants"] == 2
    client.force_login(world["admin"])
    body = client.get(f"/api/v1/metrics/?as_of={day.isoformat()}").json()
    assert sorted(p["ref"] for p in body["participants"]) == sorted([restricted.ref, other.ref])
