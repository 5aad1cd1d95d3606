"""The host's end-of-internship evaluation: who records it, when, and where it shows."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from municipalities.enums import CorrectionAction, RecordKind, Role
from municipalities.models import Correction
from placements.enums import PlacementStatus
from placements.models import HostEvaluation
from tests.factories import (
    EntrepreneurFactory,
    HostEvaluationFactory,
    JobseekerFactory,
    MunicipalityFactory,
    PlacementFactory,
    user_with_role,
)

pytestmark = pytest.mark.django_db

FORM = {
    "evaluated_on": "2024-06-14",
    "would_host_again": "unsure",
    "work_readiness": "3",
    "offer": "job_offer",
    "helped": ["imk_coach", "motivation"],
    "missing": ["skills", "time"],
    "remark": "Wil graag nog eens, maar met meer tijd.",
}


@pytest.fixture
def pilot():
    heerlen = MunicipalityFactory(code="GM0917", name="Heerlen")
    kerkrade = MunicipalityFactory(code="GM0928", name="Kerkrade")
    coach = user_with_role(Role.IMK_COACH, full_name="Coach Anna")
    other_coach = user_with_role(Role.IMK_COACH, full_name="Coach Bert")
    bakery = EntrepreneurFactory(municipality=heerlen, imk_coach=coach, trade_name="Bakkerij")
    garage = EntrepreneurFactory(municipality=kerkrade, imk_coach=other_coach, trade_name="Garage")
    return {
        "heerlen": heerlen,
        "kerkrade": kerkrade,
        "coach": coach,
        "other_coach": other_coach,
        "jobcoach": user_with_role(Role.JOBCOACH, heerlen, full_name="Jan Jobcoach"),
        "other_jobcoach": user_with_role(Role.JOBCOACH, kerkrade),
        "bakery": bakery,
        "garage": garage,
        "completed": PlacementFactory(
            jobseeker=JobseekerFactory(municipality=heerlen, given_name="Sanne"),
            entrepreneur=bakery,
            ref="PL-HRL-1",
        ),
        "elsewhere": PlacementFactory(
            jobseeker=JobseekerFactory(municipality=kerkrade), entrepreneur=garage
        ),
    }


def _url(placement) -> str:
    return reverse("placements:placement_evaluation", args=[placement.pk])


def test_evaluation_recorded_by_the_entrepreneurs_imk_coach(client, pilot):
    client.force_login(pilot["coach"])

    response = client.post(_url(pilot["completed"]), FORM)

    assert response.status_code == 302
    assert response["Location"] == reverse(
        "coaching:entrepreneur_detail", args=[pilot["bakery"].pk]
    )
    evaluation = HostEvaluation.objects.get()
    assert (
        evaluation.placement,
        evaluation.municipality,
        evaluation.evaluated_on,
        evaluation.would_host_again,
        evaluation.work_readiness,
        evaluation.offer,
        evaluation.helped,
        evaluation.missing,
        evaluation.remark,
        evaluation.recorded_by,
    ) == (
        pilot["completed"],
        pilot["heerlen"],
        datetime.date(2024, 6, 14),
        "unsure",
        3,
        "job_offer",
        ["imk_coach", "motivation"],
        ["skills", "time"],
        "Wil graag nog eens, maar met meer tijd.",
        pilot["coach"],
    )


def test_evaluation_recorded_by_the_jobcoach_of_a_terminated_placement(client, pilot):
    placement = PlacementFactory(
        jobseeker=JobseekerFactory(municipality=pilot["heerlen"]),
        entrepreneur=pilot["bakery"],
        status=PlacementStatus.TERMINATED,
        actual_end=datetime.date(2024, 3, 1),
        end_reason="mismatch",
    )
    client.force_login(pilot["jobcoach"])

    response = client.post(_url(placement), {**FORM, "evaluated_on": "2024-03-01"})

    assert response.status_code == 302
    assert response["Location"] == reverse("placements:placement_detail", args=[placement.pk])
    evaluation = HostEvaluation.objects.get()
    assert (evaluation.placement, evaluation.recorded_by) == (placement, pilot["jobcoach"])


def test_evaluation_changed_keeps_one_row_and_its_recorder(client, pilot):
    HostEvaluationFactory(placement=pilot["completed"], recorded_by=pilot["coach"])
    client.force_login(pilot["jobcoach"])

    response = client.post(
        _url(pilot["completed"]),
        {**FORM, "work_readiness": "5", "version": 1, "reason": "Typed 3 instead of 5."},
    )

    assert response.status_code == 302
    evaluation = HostEvaluation.objects.get()
    assert (evaluation.work_readiness, evaluation.recorded_by, evaluation.version) == (
        5,
        pilot["coach"],
        2,
    )


def _recorded(pilot) -> HostEvaluation:
    """The coach's evaluation as FORM would have recorded it, at version 1."""
    return HostEvaluationFactory(
        placement=pilot["completed"],
        recorded_by=pilot["coach"],
        evaluated_on=datetime.date(2024, 6, 14),
        would_host_again="unsure",
        work_readiness=3,
        offer="job_offer",
        helped=["imk_coach", "motivation"],
        missing=["skills", "time"],
        remark="Wil graag nog eens, maar met meer tijd.",
    )


def test_evaluation_correction_keeps_old_and_new_codes_who_and_why(client, pilot):
    evaluation = _recorded(pilot)
    client.force_login(pilot["jobcoach"])

    response = client.post(
        _url(pilot["completed"]),
        {
            **FORM,
            "offer": "contract",
            "remark": "Toch een contract.",
            "version": 1,
            "reason": "The contract was signed a day later.",
        },
    )

    assert response.status_code == 302
    correction = Correction.objects.get()
    assert (
        correction.record_kind,
        correction.record_id,
        correction.subject_kind,
        correction.subject_id,
        correction.action,
        correction.changes,
        correction.reason,
        correction.changed_by,
    ) == (
        RecordKind.HOST_EVALUATION,
        evaluation.pk,
        RecordKind.PLACEMENT,
        pilot["completed"].pk,
        CorrectionAction.CORRECTED,
        # The remark's text stays out of the history: only that it changed.
        {"offer": ["job_offer", "contract"], "remark": None},
        "The contract was signed a day later.",
        pilot["jobcoach"],
    )


def test_evaluation_correction_without_a_reason_changes_nothing(client, pilot):
    _recorded(pilot)
    client.force_login(pilot["coach"])

    response = client.post(_url(pilot["completed"]), {**FORM, "offer": "none", "version": 1})

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["reason"]
    assert HostEvaluation.objects.get().offer == "job_offer"
    assert Correction.objects.count() == 0


def test_evaluation_stale_edit_shows_what_changed_and_loses_nothing(client, pilot):
    evaluation = _recorded(pilot)
    client.force_login(pilot["coach"])
    shown = client.get(_url(pilot["completed"])).context["form"]
    # The jobcoach corrects the readiness while the coach has the form open.
    HostEvaluation.objects.filter(pk=evaluation.pk).update(work_readiness=4, version=2)
    initial = {f"initial-{name}": value for name, value in FORM.items()}

    response = client.post(
        _url(pilot["completed"]),
        {**FORM, **initial, "offer": "none", "version": shown["version"].value(), "reason": "x"},
    )

    assert response.status_code == 409
    assert [(line.label, line.you_changed_it) for line in response.context["stale_lines"]] == [
        ("How ready for work is the intern now?", False)
    ]
    again = response.context["form"]
    # Sent again, the form redoes the coach's change on top of the jobcoach's.
    assert (again["version"].value(), again["offer"].value(), again["work_readiness"].value()) == (
        "2",
        "none",
        "4",
    )
    stored = HostEvaluation.objects.get()
    assert (stored.offer, stored.work_readiness, stored.version) == ("job_offer", 4, 2)


@pytest.mark.parametrize("status", [PlacementStatus.ACTIVE, PlacementStatus.AGREED])
def test_evaluation_refused_for_an_internship_that_has_not_ended(client, pilot, status):
    dates = {"actual_end": None}
    if status == PlacementStatus.AGREED:
        dates["actual_start"] = None
    placement = PlacementFactory(
        jobseeker=JobseekerFactory(municipality=pilot["heerlen"]),
        entrepreneur=pilot["bakery"],
        status=status,
        **dates,
    )
    client.force_login(pilot["jobcoach"])

    response = client.post(_url(placement), FORM, follow=True)

    assert response.redirect_chain == [
        (reverse("placements:placement_detail", args=[placement.pk]), 302)
    ]
    assert "An evaluation can only be recorded once the internship has ended." in (
        response.content.decode()
    )
    assert HostEvaluation.objects.count() == 0


def test_evaluation_dated_in_the_future_is_refused_at_the_field(client, pilot):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    client.force_login(pilot["coach"])

    response = client.post(_url(pilot["completed"]), {**FORM, "evaluated_on": tomorrow})

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "evaluated_on": ["This date lies in the future; record it on or after the day it happens."]
    }
    assert HostEvaluation.objects.count() == 0


def test_evaluation_before_the_internship_started_is_refused(client, pilot):
    client.force_login(pilot["coach"])

    response = client.post(_url(pilot["completed"]), {**FORM, "evaluated_on": "2023-12-31"})

    assert response.context["form"].errors == {
        "evaluated_on": ["The evaluation cannot be before the internship started."]
    }
    assert HostEvaluation.objects.count() == 0


@pytest.mark.parametrize("who", ["other_coach", "other_jobcoach"])
def test_evaluation_of_another_coachs_or_municipalitys_placement_is_404(client, pilot, who):
    client.force_login(pilot[who])

    get = client.get(_url(pilot["completed"]))
    post = client.post(_url(pilot["completed"]), FORM)

    assert (get.status_code, post.status_code) == (404, 404)
    assert HostEvaluation.objects.count() == 0


def test_evaluation_of_another_municipality_cannot_be_changed(client, pilot):
    HostEvaluationFactory(placement=pilot["elsewhere"], work_readiness=2)
    client.force_login(pilot["jobcoach"])

    response = client.post(_url(pilot["elsewhere"]), FORM)

    assert response.status_code == 404
    assert HostEvaluation.objects.get().work_readiness == 2


@pytest.mark.parametrize("role", [Role.FUNDER, Role.RESEARCHER])
def test_evaluation_page_refuses_roles_without_access(client, pilot, role):
    client.force_login(user_with_role(role))

    assert client.get(_url(pilot["completed"])).status_code == 403


def test_entrepreneur_page_shows_the_evaluation_to_the_imk_coach(client, pilot):
    HostEvaluationFactory(placement=pilot["completed"])
    client.force_login(pilot["coach"])

    response = client.get(reverse("coaching:entrepreneur_detail", args=[pilot["bakery"].pk]))

    (placement,) = response.context["evaluations"]
    assert (placement.ref, placement.intern_given_name) == ("PL-HRL-1", "Sanne")
    assert placement.evaluation.helped_labels() == [
        "support of the jobcoach",
        "clear tasks and agreements",
    ]
    html = response.content.decode()
    assert "Fijne stagiair; had wel veel begeleiding nodig." in html
    assert "time to supervise" in html


def test_entrepreneur_page_offers_the_jobcoach_to_record_a_missing_evaluation(client, pilot):
    client.force_login(pilot["jobcoach"])

    response = client.get(reverse("coaching:entrepreneur_detail", args=[pilot["bakery"].pk]))

    (placement,) = response.context["evaluations"]
    assert placement.evaluation is None
    assert f'href="{_url(pilot["completed"])}"' in response.content.decode()


def test_placement_page_shows_the_evaluation(client, pilot):
    HostEvaluationFactory(placement=pilot["completed"], offer="contract")
    client.force_login(pilot["jobcoach"])

    response = client.get(reverse("placements:placement_detail", args=[pilot["completed"].pk]))

    assert response.context["evaluation"].offer == "contract"
    assert "employment contract" in response.content.decode()


def test_admin_records_an_evaluation_through_the_service(client, pilot):
    admin = user_with_role(Role.PROGRAMME_ADMIN, is_staff=True)
    client.force_login(admin)

    response = client.post(
        reverse("admin:placements_hostevaluation_add"),
        {**FORM, "placement": pilot["elsewhere"].pk, "helped": '["training"]', "missing": "[]"},
    )

    assert response.status_code == 302
    evaluation = HostEvaluation.objects.get()
    assert (evaluation.municipality, evaluation.helped, evaluation.recorded_by) == (
        pilot["kerkrade"],
        ["training"],
        admin,
    )


def test_admin_refuses_an_evaluation_of_a_running_internship(client, pilot):
    running = PlacementFactory(
        jobseeker=JobseekerFactory(municipality=pilot["heerlen"]),
        entrepreneur=pilot["bakery"],
        status=PlacementStatus.ACTIVE,
        actual_end=None,
    )
    client.force_login(user_with_role(Role.PROGRAMME_ADMIN, is_staff=True))

    response = client.post(
        reverse("admin:placements_hostevaluation_add"),
        {**FORM, "placement": running.pk, "helped": "[]", "missing": "[]"},
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "placement": ["An evaluation can only be recorded once the internship has ended."]
    }
    assert HostEvaluation.objects.count() == 0
