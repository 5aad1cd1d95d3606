"""One internship at a time per jobseeker and the entrepreneur's places, from the first step:
a proposed or agreed placement holds its planned dates, a started one its actual dates."""

import datetime
import threading
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from kernel.dates import add_months
from kernel.models import PilotSettings
from municipalities.enums import Role
from placements.enums import ChangeSource, PlacementStatus
from placements.models import BenefitCheck, Placement
from placements.selectors import entrepreneurs_with_free_place
from placements.services import benefit_check_save, placement_save, placement_transition
from tests.db_roles import in_tests_scope
from tests.factories import (
    EntrepreneurFactory,
    JobseekerFactory,
    MunicipalityFactory,
    PlacementFactory,
    user_with_role,
)

from .pages import field_error, snapshot

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def heerlen():
    return MunicipalityFactory(code="GM0917", name="Heerlen")


def _existing(municipality, ref, status, start, end, *, jobseeker=None, entrepreneur=None):
    """A placement already in the database: planned from ``start`` to ``end``, and for a
    started one actually so (an active one without its end)."""
    started = status in {
        PlacementStatus.ACTIVE,
        PlacementStatus.COMPLETED,
        PlacementStatus.TERMINATED,
    }
    return PlacementFactory(
        jobseeker=jobseeker or JobseekerFactory(municipality=municipality),
        entrepreneur=entrepreneur or EntrepreneurFactory(municipality=municipality),
        ref=ref,
        status=status,
        planned_start=start,
        planned_end=end,
        actual_start=start if started else None,
        actual_end=end if status != PlacementStatus.ACTIVE and started else None,
        end_reason="mismatch"
        if status in {PlacementStatus.CANCELLED, PlacementStatus.TERMINATED}
        else "",
    )


def _propose(jobseeker, entrepreneur, start, end, ref="NEW-1") -> Placement:
    return placement_save(
        placement=Placement(
            ref=ref,
            jobseeker=jobseeker,
            entrepreneur=entrepreneur,
            status=PlacementStatus.PROPOSED,
            planned_start=start,
            planned_end=end,
        ),
        source=ChangeSource.WEB,
    )


def _refused_propose(*args) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as info:
        _propose(*args)
    return info.value.message_dict


# --- the jobseeker: one internship at a time --------------------------------------------------


@pytest.mark.parametrize(
    ("status", "message"),
    [
        (
            PlacementStatus.PROPOSED,
            "The jobseeker already has placement OLD (proposed) in this period.",
        ),
        (
            PlacementStatus.AGREED,
            "The jobseeker already has placement OLD (agreed) in this period.",
        ),
        (PlacementStatus.ACTIVE, "The jobseeker already has placement OLD running in this period."),
    ],
)
def test_propose_overlapping_the_jobseekers_other_placement_is_refused(heerlen, status, message):
    old = _existing(heerlen, "OLD", status, D(2027, 1, 4), D(2027, 5, 31))
    other_host = EntrepreneurFactory(municipality=heerlen)
    assert _refused_propose(old.jobseeker, other_host, D(2027, 5, 31), D(2027, 9, 30)) == {
        "planned_start": [message]
    }
    assert list(Placement.objects.values_list("ref", flat=True)) == ["OLD"]


def test_propose_after_a_running_ones_planned_end_is_accepted(heerlen):
    # A follow-up may be arranged while the internship runs: it holds until its planned end.
    today = timezone.localdate()
    old = _existing(
        heerlen, "OLD", PlacementStatus.ACTIVE, add_months(today, -2), add_months(today, 2)
    )
    other_host = EntrepreneurFactory(municipality=heerlen)
    assert _refused_propose(
        old.jobseeker, other_host, add_months(today, 2), add_months(today, 6)
    ) == {"planned_start": ["The jobseeker already has placement OLD running in this period."]}
    placement = _propose(
        old.jobseeker,
        other_host,
        add_months(today, 2) + timedelta(days=1),
        add_months(today, 6),
    )
    assert placement.status == PlacementStatus.PROPOSED


def test_a_running_one_past_its_planned_end_holds_until_today(heerlen):
    today = timezone.localdate()
    old = _existing(
        heerlen, "OLD", PlacementStatus.ACTIVE, add_months(today, -5), add_months(today, -1)
    )
    other_host = EntrepreneurFactory(municipality=heerlen)
    assert _refused_propose(old.jobseeker, other_host, today, add_months(today, 4)) == {
        "planned_start": ["The jobseeker already has placement OLD running in this period."]
    }
    tomorrow = today + timedelta(days=1)
    assert _propose(old.jobseeker, other_host, tomorrow, add_months(tomorrow, 4)).pk


@pytest.mark.parametrize(
    ("status", "start", "end"),
    [
        (PlacementStatus.CANCELLED, D(2027, 1, 4), D(2027, 5, 31)),  # holds nothing
        (PlacementStatus.PROPOSED, D(2026, 9, 1), D(2027, 1, 3)),  # ends the day before
        (PlacementStatus.COMPLETED, D(2024, 1, 8), D(2024, 6, 7)),  # long over
        (PlacementStatus.TERMINATED, D(2026, 9, 1), D(2026, 10, 15)),
    ],
)
def test_propose_next_to_the_jobseekers_other_placement_is_accepted(heerlen, status, start, end):
    old = _existing(heerlen, "OLD", status, start, end)
    placement = _propose(
        old.jobseeker, EntrepreneurFactory(municipality=heerlen), D(2027, 1, 4), D(2027, 5, 31)
    )
    assert placement.status == PlacementStatus.PROPOSED


def test_agree_moving_the_dates_onto_another_proposal_is_refused(heerlen):
    first = _existing(heerlen, "FIRST", PlacementStatus.PROPOSED, D(2027, 1, 4), D(2027, 5, 31))
    second = _existing(
        heerlen,
        "SECOND",
        PlacementStatus.PROPOSED,
        D(2027, 6, 7),
        D(2027, 10, 29),
        jobseeker=first.jobseeker,
    )
    with pytest.raises(ValidationError) as info:
        placement_transition(
            placement=second,
            to_status=PlacementStatus.AGREED,
            actor=None,
            planned_start=D(2027, 5, 3),
            planned_end=D(2027, 9, 30),
            hours_per_week=24,
        )
    assert info.value.message_dict == {
        "planned_start": ["The jobseeker already has placement FIRST (proposed) in this period."]
    }
    second.refresh_from_db()
    assert (second.status, second.planned_start) == (PlacementStatus.PROPOSED, D(2027, 6, 7))


def test_an_internship_that_ran_longer_is_not_refused_for_a_later_plan(heerlen):
    # Plans give way to facts: the overrun is recorded, the follow-up is refused when agreed.
    today = timezone.localdate()
    running = _existing(
        heerlen, "RAN-LONG", PlacementStatus.ACTIVE, add_months(today, -5), add_months(today, -1)
    )
    follow_up = PlacementFactory(
        jobseeker=running.jobseeker,
        entrepreneur=EntrepreneurFactory(municipality=heerlen),
        ref="FOLLOW-UP",
        status=PlacementStatus.PROPOSED,
        planned_start=today - timedelta(days=14),
        planned_end=add_months(today, 4),
        actual_start=None,
        actual_end=None,
    )

    placement_transition(
        placement=running, to_status=PlacementStatus.COMPLETED, actor=None, actual_end=today
    )

    with pytest.raises(ValidationError) as info:
        placement_transition(
            placement=follow_up,
            to_status=PlacementStatus.AGREED,
            actor=None,
            planned_start=follow_up.planned_start,
            planned_end=follow_up.planned_end,
            hours_per_week=24,
        )
    assert info.value.message_dict == {
        "planned_start": ["The jobseeker already has placement RAN-LONG running in this period."]
    }


# --- the entrepreneur: places --------------------------------------------------------------


def test_propose_at_an_entrepreneur_whose_place_is_proposed_to_another_is_refused(heerlen):
    held = _existing(heerlen, "HELD", PlacementStatus.PROPOSED, D(2027, 1, 4), D(2027, 5, 31))
    jobseeker = JobseekerFactory(municipality=heerlen)
    assert _refused_propose(jobseeker, held.entrepreneur, D(2027, 3, 1), D(2027, 7, 30)) == {
        "entrepreneur": ["The entrepreneur already hosts 1 intern(s) in this period (HELD)."]
    }


def test_a_cancelled_proposal_gives_its_place_back(heerlen):
    held = _existing(heerlen, "HELD", PlacementStatus.PROPOSED, D(2027, 1, 4), D(2027, 5, 31))
    placement_transition(
        placement=held, to_status=PlacementStatus.CANCELLED, actor=None, end_reason="mismatch"
    )
    jobseeker = JobseekerFactory(municipality=heerlen)
    placement = _propose(jobseeker, held.entrepreneur, D(2027, 3, 1), D(2027, 7, 30))
    assert placement.entrepreneur == held.entrepreneur


def test_agree_at_an_entrepreneur_full_in_the_new_dates_is_refused(heerlen):
    host = EntrepreneurFactory(municipality=heerlen)
    _existing(
        heerlen, "RUNNING", PlacementStatus.ACTIVE, D(2026, 9, 7), D(2027, 1, 29), entrepreneur=host
    )
    later = _existing(
        heerlen,
        "LATER",
        PlacementStatus.PROPOSED,
        D(2027, 6, 7),
        D(2027, 10, 29),
        entrepreneur=host,
    )
    # Agreed on earlier dates, it would start while RUNNING is planned to run.
    with pytest.raises(ValidationError) as info:
        placement_transition(
            placement=later,
            to_status=PlacementStatus.AGREED,
            actor=None,
            planned_start=D(2027, 1, 25),
            planned_end=D(2027, 5, 31),
            hours_per_week=24,
        )
    assert info.value.message_dict == {
        "entrepreneur": ["The entrepreneur already hosts 1 intern(s) in this period (RUNNING)."]
    }


def test_places_above_one_count_the_busiest_day(heerlen):
    settings = PilotSettings.load()
    settings.interns_per_entrepreneur = 2
    settings.save()
    host = EntrepreneurFactory(municipality=heerlen)
    # Two interns one after the other: never more than one at a time.
    _existing(
        heerlen, "SPRING", PlacementStatus.AGREED, D(2027, 1, 4), D(2027, 4, 30), entrepreneur=host
    )
    _existing(
        heerlen,
        "SUMMER",
        PlacementStatus.PROPOSED,
        D(2027, 5, 3),
        D(2027, 8, 31),
        entrepreneur=host,
    )
    placement = _propose(
        JobseekerFactory(municipality=heerlen), host, D(2027, 3, 1), D(2027, 6, 30), "SECOND"
    )
    assert placement.pk is not None
    # Now March and April hold SPRING and SECOND, May and June SUMMER and SECOND: both full.
    assert _refused_propose(
        JobseekerFactory(municipality=heerlen), host, D(2027, 4, 1), D(2027, 7, 30), "THIRD"
    ) == {
        "entrepreneur": [
            "The entrepreneur already hosts 2 intern(s) in this period (SECOND, SPRING)."
        ]
    }


def test_entrepreneurs_with_free_place_counts_proposed_and_agreed(heerlen):
    jobcoach = user_with_role(Role.JOBCOACH, heerlen)
    proposed = _existing(heerlen, "P", PlacementStatus.PROPOSED, D(2027, 1, 4), D(2027, 5, 31))
    agreed = _existing(heerlen, "A", PlacementStatus.AGREED, D(2027, 1, 4), D(2027, 5, 31))
    done = _existing(heerlen, "C", PlacementStatus.COMPLETED, D(2024, 1, 8), D(2024, 6, 7))
    gone = _existing(heerlen, "X", PlacementStatus.CANCELLED, D(2027, 1, 4), D(2027, 5, 31))
    free = set(entrepreneurs_with_free_place(user=jobcoach))
    assert free == {done.entrepreneur, gone.entrepreneur}
    assert not free & {proposed.entrepreneur, agreed.entrepreneur}


# --- the pages name the clash at the first step ----------------------------------------------


def test_propose_page_names_the_clashing_proposal_at_the_field(client, heerlen):
    old = _existing(heerlen, "HRL-001-P1", PlacementStatus.PROPOSED, D(2027, 1, 4), D(2027, 5, 31))
    jobcoach = user_with_role(Role.JOBCOACH, heerlen)
    other_host = EntrepreneurFactory(municipality=heerlen)
    client.force_login(jobcoach)
    before = snapshot()
    response = client.post(
        reverse("placements:placement_propose"),
        {
            "jobseeker": old.jobseeker.pk,
            "entrepreneur": other_host.pk,
            "planned_start": "2027-03-01",
            "planned_end": "2027-07-30",
        },
    )
    assert response.status_code == 200
    assert (
        field_error(
            "id_planned_start",
            "The jobseeker already has placement HRL-001-P1 (proposed) in this period.",
        )
        in response.content.decode()
    )
    assert snapshot() == before


def test_agree_page_names_the_entrepreneurs_other_intern_above_the_form(client, heerlen):
    host = EntrepreneurFactory(municipality=heerlen)
    _existing(
        heerlen, "HELD", PlacementStatus.AGREED, D(2027, 1, 4), D(2027, 5, 31), entrepreneur=host
    )
    # Proposed before the pilot allowed only one intern: agreeing now meets the limit.
    waiting = _existing(
        heerlen,
        "WAITING",
        PlacementStatus.PROPOSED,
        D(2027, 6, 7),
        D(2027, 10, 29),
        entrepreneur=host,
    )
    jobcoach = user_with_role(Role.JOBCOACH, heerlen)
    client.force_login(jobcoach)
    before = snapshot()
    response = client.post(
        reverse("placements:placement_agree", args=[waiting.pk]),
        {
            "agree-version": waiting.version,
            "agree-planned_start": "2027-05-03",
            "agree-planned_end": "2027-09-30",
            "agree-hours_per_week": "24",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "The entrepreneur already hosts 1 intern(s) in this period (HELD)."
    ]
    assert snapshot() == before


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_proposals_for_one_jobseeker_one_is_refused():
    """Two connections propose overlapping internships at once: the jobseeker's row lock makes
    the second wait for the first, and then see it."""
    municipality = MunicipalityFactory(code="GM0917", name="Heerlen")
    jobseeker = JobseekerFactory(municipality=municipality)
    hosts = [EntrepreneurFactory(municipality=municipality) for _ in range(2)]
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def propose(ref: str, host) -> None:
        try:
            barrier.wait(timeout=10)
            with in_tests_scope():
                _propose(jobseeker, host, D(2027, 1, 4), D(2027, 5, 31), ref)
            outcomes[ref] = "saved"
        except ValidationError as exc:
            outcomes[ref] = exc.message_dict["planned_start"][0]
        finally:
            connection.close()

    threads = [
        threading.Thread(target=propose, args=(f"RACE-{n}", host)) for n, host in enumerate(hosts)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    saved = list(Placement.objects.values_list("ref", flat=True))
    assert len(saved) == 1
    refused = "RACE-1" if saved == ["RACE-0"] else "RACE-0"
    assert outcomes == {
        saved[0]: "saved",
        refused: f"The jobseeker already has placement {saved[0]} (proposed) in this period.",
    }


# --- benefit checks ---------------------------------------------------------------------------


def _check(placement, **fields) -> BenefitCheck:
    values = {"months": 3, "checked_on": D(2024, 9, 9), "outcome": "still_on_benefits"}
    values.update(fields)
    return BenefitCheck(placement=placement, **values)


def test_benefit_check_save_copies_the_municipality_and_saves():
    placement = PlacementFactory()
    check = benefit_check_save(check=_check(placement))
    check.refresh_from_db()
    assert (check.municipality, check.months, check.outcome) == (
        placement.municipality,
        3,
        "still_on_benefits",
    )


def test_benefit_check_save_refuses_a_future_date_and_a_second_record():
    placement = PlacementFactory()
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(ValidationError) as info:
        benefit_check_save(check=_check(placement, checked_on=tomorrow))
    assert info.value.message_dict == {
        "checked_on": ["This date lies in the future; record it on or after the day it happens."]
    }
    benefit_check_save(check=_check(placement))
    with pytest.raises(ValidationError) as info:
        benefit_check_save(check=_check(placement, outcome="benefits_ended"))
    assert info.value.messages == ["This check has already been recorded."]
    assert list(BenefitCheck.objects.values_list("outcome", flat=True)) == ["still_on_benefits"]


def test_benefit_check_save_refuses_a_running_placement():
    running = PlacementFactory(status=PlacementStatus.ACTIVE, actual_end=None)
    with pytest.raises(ValidationError) as info:
        benefit_check_save(check=_check(running))
    assert info.value.message_dict == {
        "placement": [
            "A benefit check follows an internship that has been completed or terminated."
        ]
    }
    assert not BenefitCheck.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_people_recording_one_check_at_once_one_learns_it_is_done():
    placement = PlacementFactory()
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def record(outcome: str) -> None:
        try:
            barrier.wait(timeout=10)
            with in_tests_scope():
                benefit_check_save(check=_check(placement, outcome=outcome))
            outcomes.append("saved")
        except ValidationError as exc:
            outcomes.append(exc.messages[0])
        finally:
            connection.close()

    threads = [
        threading.Thread(target=record, args=(outcome,))
        for outcome in ("still_on_benefits", "benefits_ended")
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == ["This check has already been recorded.", "saved"]
    assert BenefitCheck.objects.count() == 1
