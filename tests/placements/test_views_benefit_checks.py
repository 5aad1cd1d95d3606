"""Recording the benefit checks 3, 6 and 12 months after an internship, and where they show."""

import datetime
from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from kernel.dates import add_months
from municipalities.access import editable, visible
from placements.enums import PlacementStatus
from placements.models import BenefitCheck, Placement
from placements.selectors import benefit_checks_due
from tests.factories import BenefitCheckFactory, JobseekerFactory, PlacementFactory

from .pages import field_error, other_roles, snapshot, two_municipalities

pytestmark = pytest.mark.django_db


def _today() -> datetime.date:
    return timezone.localdate()


def _ended(side, *, months_ago: int = 3, ref: str = "") -> Placement:
    """A completed internship of ``side``'s municipality that ended ``months_ago`` months ago
    (so its ``months_ago``-month check is due today), for a jobseeker on benefits."""
    end = add_months(_today(), -months_ago)
    start = add_months(end, -4)
    jobseeker = JobseekerFactory(municipality=side.municipality, ref=f"{side.jobseeker.ref}-E")
    side.period.jobseeker = jobseeker  # the side's running benefit belongs to this person now
    side.period.save()
    return PlacementFactory(
        jobseeker=jobseeker,
        ref=ref or f"{jobseeker.ref}-P1",
        status=PlacementStatus.COMPLETED,
        planned_start=start,
        planned_end=end,
        actual_start=start,
        actual_end=end,
    )


def _url(placement: Placement, months: int = 3) -> str:
    return reverse("placements:benefit_check", args=[placement.pk, months])


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_benefit_check_still_on_benefits_is_recorded_and_leaves_the_todo(client):
    a, _b = two_municipalities()
    placement = _ended(a)
    client.force_login(a.jobcoach)
    assert [
        (c.placement_id, c.months) for c in benefit_checks_due(user=a.jobcoach, today=_today())
    ] == [(placement.pk, 3)]
    form = client.get(_url(placement)).context["form"]
    assert form.fields["checked_on"].initial == _today()

    response = client.post(
        _url(placement), {"checked_on": _today().isoformat(), "outcome": "still_on_benefits"}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse(
        "placements:jobseeker_detail", args=[placement.jobseeker_id]
    )
    assert _messages(response) == ["The check is recorded."]
    check = BenefitCheck.objects.get()
    assert (
        check.placement,
        check.municipality,
        check.months,
        check.checked_on,
        check.outcome,
        check.reason,
        check.recorded_by,
    ) == (placement, a.municipality, 3, _today(), "still_on_benefits", "", a.jobcoach)
    assert benefit_checks_due(user=a.jobcoach, today=_today()) == []


def test_benefit_check_benefits_ended_goes_on_to_record_the_end(client):
    a, _b = two_municipalities()
    placement = _ended(a)
    client.force_login(a.jobcoach)

    response = client.post(
        _url(placement),
        {"checked_on": _today().isoformat(), "outcome": "benefits_ended"},
        follow=True,
    )

    end_url = reverse("placements:benefit_end", args=[placement.jobseeker_id])
    assert response.redirect_chain == [(end_url, 302)]
    assert _messages(response) == ["The check is recorded. Now record when the benefit ended."]
    assert response.context["form"].fields["period"].initial == a.period.pk
    assert BenefitCheck.objects.get().outcome == "benefits_ended"


def test_benefit_check_could_not_check_needs_a_reason(client):
    a, _b = two_municipalities()
    placement = _ended(a)
    client.force_login(a.jobcoach)
    before = snapshot()
    data = {"checked_on": _today().isoformat(), "outcome": "could_not_check", "reason": ""}

    response = client.post(_url(placement), data)

    assert response.status_code == 200
    assert (
        field_error("id_reason", "Say why the benefit status could not be checked.")
        in response.content.decode()
    )
    assert not BenefitCheck.objects.exists()
    assert snapshot() == before

    response = client.post(_url(placement), {**data, "reason": "Moved abroad; no answer."})
    assert response.status_code == 302
    assert BenefitCheck.objects.values_list("outcome", "reason").get() == (
        "could_not_check",
        "Moved abroad; no answer.",
    )


def test_benefit_check_in_the_future_is_refused_at_the_field(client):
    a, _b = two_municipalities()
    placement = _ended(a)
    client.force_login(a.jobcoach)
    tomorrow = _today() + timedelta(days=1)
    response = client.post(
        _url(placement), {"checked_on": tomorrow.isoformat(), "outcome": "still_on_benefits"}
    )
    assert (
        field_error(
            "id_checked_on",
            "This date lies in the future; record it on or after the day it happens.",
        )
        in response.content.decode()
    )
    assert not BenefitCheck.objects.exists()


def test_benefit_check_of_another_municipality_is_404_and_changes_nothing(client):
    a, b = two_municipalities()
    theirs = _ended(b)
    client.force_login(a.jobcoach)
    before = snapshot()
    assert client.get(_url(theirs)).status_code == 404
    data = {"checked_on": _today().isoformat(), "outcome": "still_on_benefits"}
    assert client.post(_url(theirs), data).status_code == 404
    assert not BenefitCheck.objects.exists()
    assert snapshot() == before


@pytest.mark.parametrize("role", ["imk_coach", "funder", "researcher"])
def test_benefit_check_page_refuses_other_roles_and_changes_nothing(client, role):
    a, _b = two_municipalities()
    placement = _ended(a)
    user = other_roles()[role]
    placement.entrepreneur.imk_coach = user  # even the intern's own IMK coach
    placement.entrepreneur.save()
    client.force_login(user)
    data = {"checked_on": _today().isoformat(), "outcome": "still_on_benefits"}
    assert client.get(_url(placement)).status_code == 403
    assert client.post(_url(placement), data).status_code == 403
    assert not BenefitCheck.objects.exists()


@pytest.mark.parametrize("months", [0, 1, 9, 24])
def test_benefit_check_page_for_another_moment_is_404(client, months):
    a, _b = two_municipalities()
    placement = _ended(a)
    client.force_login(a.jobcoach)
    assert client.get(_url(placement, months)).status_code == 404


def test_benefit_check_of_a_running_placement_is_not_offered(client):
    a, _b = two_municipalities()
    client.force_login(a.jobcoach)
    response = client.post(
        _url(a.placement), {"checked_on": _today().isoformat(), "outcome": "still_on_benefits"}
    )
    assert response["Location"] == reverse("placements:placement_detail", args=[a.placement.pk])
    assert _messages(response) == [
        "Placement HRL-001-P1 has not ended: there is no benefit check yet."
    ]
    assert not BenefitCheck.objects.exists()


def test_benefit_check_already_recorded_is_not_recorded_twice(client):
    a, _b = two_municipalities()
    placement = _ended(a)
    BenefitCheckFactory(placement=placement, months=3, checked_on=_today())
    client.force_login(a.jobcoach)
    response = client.post(
        _url(placement), {"checked_on": _today().isoformat(), "outcome": "benefits_ended"}
    )
    assert response["Location"] == reverse("placements:placement_detail", args=[placement.pk])
    assert _messages(response) == [
        f"The check 3 months after placement {placement.ref} is already recorded."
    ]
    assert list(BenefitCheck.objects.values_list("outcome", flat=True)) == ["still_on_benefits"]


# --- where checks show ------------------------------------------------------------------------


def test_benefit_checks_are_on_the_timeline_of_their_municipality_only(client):
    a, b = two_municipalities()
    ours = BenefitCheckFactory(
        placement=_ended(a), months=3, checked_on=_today(), recorded_by=a.jobcoach
    )
    BenefitCheckFactory(
        placement=_ended(b),
        months=3,
        checked_on=_today(),
        outcome="could_not_check",
        reason="Geen contact.",
    )
    client.force_login(a.jobcoach)

    response = client.get(
        reverse("placements:jobseeker_detail", args=[ours.placement.jobseeker_id])
    )

    events = [
        (e.kind, e.on, e.title, e.detail)
        for e in response.context["timeline"]
        if e.kind == "benefit_check"
    ]
    assert events == [
        (
            "benefit_check",
            _today(),
            f"Benefit check 3 months after {ours.placement.ref}: still on benefits",
            f"recorded by {a.jobcoach.get_full_name()}",
        )
    ]
    assert "Geen contact." not in response.content.decode()
    assert set(visible(a.jobcoach, BenefitCheck)) == {ours}
    assert set(editable(a.jobcoach, BenefitCheck)) == {ours}


def test_benefit_checks_are_never_visible_to_other_roles():
    a, _b = two_municipalities()
    BenefitCheckFactory(placement=_ended(a), months=3, checked_on=_today())
    for user in other_roles().values():
        assert not visible(user, BenefitCheck).exists()
        assert not editable(user, BenefitCheck).exists()


def test_home_marks_an_overdue_check_and_links_to_its_form(client):
    a, b = two_municipalities()
    overdue = _ended(a, months_ago=6, ref="HRL-LATE-P1")  # 3 months: due 3 months ago
    BenefitCheckFactory(placement=overdue, months=6, checked_on=_today())
    _ended(b, months_ago=3)  # another municipality's: never listed
    client.force_login(a.jobcoach)

    response = client.get(reverse("home"))

    todo = response.context["todo"]
    assert [(c.placement_id, c.months, c.overdue) for c in todo.benefit_checks] == [
        (overdue.pk, 3, True)
    ]
    page = response.content.decode()
    assert f'href="{_url(overdue, 3)}"' in page
    assert '<span class="utrecht-status-badge utrecht-status-badge--warning">overdue</span>' in page


def test_placement_page_lists_the_three_checks(client):
    a, _b = two_municipalities()
    placement = _ended(a, months_ago=7)
    BenefitCheckFactory(placement=placement, months=3, checked_on=add_months(_today(), -4))
    client.force_login(a.jobcoach)

    response = client.get(reverse("placements:placement_detail", args=[placement.pk]))

    rows = response.context["benefit_checks"]
    assert [(r.months, r.check_on, r.recorded is not None, r.overdue) for r in rows] == [
        (3, add_months(placement.actual_end, 3), True, False),
        (6, add_months(placement.actual_end, 6), False, True),
        (12, add_months(placement.actual_end, 12), False, False),
    ]
    page = response.content.decode()
    assert f'href="{_url(placement, 6)}"' in page
    assert f'href="{_url(placement, 12)}"' in page
    assert f'href="{_url(placement, 3)}"' not in page


@pytest.mark.parametrize("rows", [1, 3])
def test_benefit_checks_due_query_count_is_constant(django_assert_num_queries, rows):
    a, _b = two_municipalities()
    for n in range(rows):
        placement = PlacementFactory(
            jobseeker=JobseekerFactory(municipality=a.municipality, ref=f"Q-{n}"),
            actual_end=add_months(_today(), -6),
            planned_end=add_months(_today(), -6),
            actual_start=add_months(_today(), -10),
            planned_start=add_months(_today(), -10),
        )
        BenefitCheckFactory(placement=placement, months=3, checked_on=add_months(_today(), -3))
    benefit_checks_due(user=a.jobcoach, today=_today())  # the user's roles are read once

    with django_assert_num_queries(2):  # the people with their latest internship; the checks
        checks = benefit_checks_due(user=a.jobcoach, today=_today())

    assert [c.months for c in checks] == [6] * rows


def test_benefit_check_page_speaks_dutch(client, settings):
    settings.LANGUAGE_CODE = "nl"
    a, _b = two_municipalities()
    placement = _ended(a)
    client.force_login(a.jobcoach)
    response = client.post(
        _url(placement),
        {"checked_on": _today().isoformat(), "outcome": "could_not_check", "reason": ""},
    )
    page = response.content.decode()
    assert "Uitkeringscontrole 3 maanden na de stage" in page
    assert (
        field_error(
            "id_reason", "Geef aan waarom de uitkeringssituatie niet kon worden gecontroleerd."
        )
        in page
    )
    assert "niet te controleren" in page
