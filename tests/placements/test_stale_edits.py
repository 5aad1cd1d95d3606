"""An edit based on a version that someone else changed meanwhile: refused with a page that
shows what changed (field, the user's input, the current value) and the form on the current
values with the user's own changes, which can be sent again."""

import datetime

import pytest
from django.urls import reverse

from kernel.stale_edits import StaleLine
from municipalities.models import Correction
from placements.enums import PlacementStatus
from placements.models import BenefitPeriod, Jobseeker, Placement, PlacementStateChange
from placements.services import benefit_period_save, jobseeker_save, placement_save
from tests.factories import PlacementFactory

from .pages import snapshot, two_municipalities

pytestmark = pytest.mark.django_db


def _shown_form_data(response) -> dict:
    """What the browser would send back for the form on the page, unchanged."""
    form = response.context["form"]
    data = {}
    for bound in form:
        value = bound.value()
        data[bound.html_name] = "" if value is None else value
        if bound.field.show_hidden_initial:
            initial = bound.initial
            data[bound.html_initial_name] = (
                "" if initial is None else bound.field.prepare_value(initial)
            )
    return data


def _colleague_saves_jobseeker(pk: int, **changes) -> None:
    jobseeker = Jobseeker.objects.get(pk=pk)
    for name, value in changes.items():
        setattr(jobseeker, name, value)
    jobseeker_save(jobseeker=jobseeker)


def test_stale_jobseeker_edit_shows_what_changed_and_keeps_both_changes(client):
    a, _b = two_municipalities()
    client.force_login(a.jobcoach)
    url = reverse("placements:jobseeker_update", args=[a.jobseeker.pk])
    mine = _shown_form_data(client.get(url))
    _colleague_saves_jobseeker(a.jobseeker.pk, phone="06-12345678")

    mine["email"] = "ayla@example.nl"
    response = client.post(url, mine)

    assert response.status_code == 409
    assert response.context["stale_lines"] == [StaleLine("Phone", "–", "06-12345678", False)]
    html = response.content.decode()
    assert "Someone else changed this while you were working on it." in html
    again = response.context["form"]
    assert (again["email"].value(), again["phone"].value(), again["version"].value()) == (
        "ayla@example.nl",
        "06-12345678",
        "2",
    )
    jobseeker = Jobseeker.objects.get(pk=a.jobseeker.pk)
    assert (jobseeker.email, jobseeker.phone, jobseeker.version) == ("", "06-12345678", 2)

    # Sending the form as shown again redoes the change on top of the colleague's.
    response = client.post(url, _shown_form_data(response))
    assert response.status_code == 302
    jobseeker.refresh_from_db()
    assert (jobseeker.email, jobseeker.phone, jobseeker.version) == (
        "ayla@example.nl",
        "06-12345678",
        3,
    )


def test_stale_jobseeker_edit_of_the_same_field_keeps_the_users_input_in_the_form(client):
    a, _b = two_municipalities()
    client.force_login(a.jobcoach)
    url = reverse("placements:jobseeker_update", args=[a.jobseeker.pk])
    mine = _shown_form_data(client.get(url))
    _colleague_saves_jobseeker(a.jobseeker.pk, phone="06-12345678")

    mine["phone"] = "06-99999999"
    response = client.post(url, mine)

    assert response.status_code == 409
    assert response.context["stale_lines"] == [
        StaleLine("Phone", "06-99999999", "06-12345678", True)
    ]
    assert response.context["form"]["phone"].value() == "06-99999999"
    assert Jobseeker.objects.get(pk=a.jobseeker.pk).phone == "06-12345678"


def test_stale_benefit_correction_is_refused_and_nothing_is_recorded(client):
    a, _b = two_municipalities()
    period = a.period
    period.end_date = datetime.date(2025, 6, 30)
    period.end_reason = "work"
    period.save()
    client.force_login(a.jobcoach)
    url = reverse("placements:benefit_correct", args=[period.pk])
    mine = _shown_form_data(client.get(url))
    colleague = BenefitPeriod.objects.get(pk=period.pk)
    colleague.monthly_amount = "1000.00"
    benefit_period_save(period=colleague)
    before = snapshot()

    mine.update(end_date="", end_reason="", reason="Loopt nog.")
    response = client.post(url, mine)

    assert response.status_code == 409
    assert response.context["stale_lines"] == [
        StaleLine("Monthly amount (EUR)", "–", "1000.00", False)
    ]
    assert snapshot() == before
    assert Correction.objects.count() == 0
    again = _shown_form_data(response)
    assert (again["end_date"], again["monthly_amount"], again["reason"]) == (
        "",
        "1000.00",
        "Loopt nog.",
    )
    assert client.post(url, again).status_code == 302
    period.refresh_from_db()
    assert (period.end_date, period.monthly_amount) == (None, 1000)


def test_same_step_sent_twice_gets_a_message_not_an_error(client):
    a, _b = two_municipalities()
    proposal = PlacementFactory(
        jobseeker__municipality=a.municipality,
        entrepreneur__municipality=a.municipality,
        status=PlacementStatus.PROPOSED,
        actual_start=None,
        actual_end=None,
    )
    client.force_login(a.jobcoach)
    agree = reverse("placements:placement_agree", args=[proposal.pk])
    cancel = reverse("placements:placement_cancel", args=[proposal.pk])
    data = {
        "agree-version": "1",
        "agree-planned_start": proposal.planned_start.isoformat(),
        "agree-planned_end": proposal.planned_end.isoformat(),
        "agree-hours_per_week": "24",
    }
    assert client.post(agree, data).status_code == 302
    # A second tab still shows the proposal: its "agree" is based on version 1.
    response = client.post(agree, {**data, "agree-hours_per_week": "32"}, follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        f"Placement {proposal.ref} is agreed.",
        f"That step is not possible now: placement {proposal.ref} is agreed.",
    ]
    # Its "cancel" is still possible, but based on the old version: the form comes back.
    response = client.post(cancel, {"cancel-version": "1", "cancel-end_reason": "mismatch"})
    assert response.status_code == 409
    assert "Someone else changed this while you were working on it." in (response.content.decode())
    proposal.refresh_from_db()
    assert (proposal.status, proposal.hours_per_week) == (PlacementStatus.AGREED, 24)
    assert PlacementStateChange.objects.filter(placement=proposal).count() == 1


def test_step_still_possible_after_a_change_shows_the_form_again(client):
    a, _b = two_municipalities()
    proposal = PlacementFactory(
        jobseeker__municipality=a.municipality,
        entrepreneur__municipality=a.municipality,
        status=PlacementStatus.PROPOSED,
        actual_start=None,
        actual_end=None,
        hours_per_week=20,
    )
    client.force_login(a.jobcoach)
    colleague = Placement.objects.get(pk=proposal.pk)
    colleague.hours_per_week = 16
    placement_save(placement=colleague, actor=None, source="web", reason="Minder uren.")

    response = client.post(
        reverse("placements:placement_cancel", args=[proposal.pk]),
        {"cancel-version": "1", "cancel-end_reason": "mismatch"},
    )

    assert response.status_code == 409
    assert response.context["form"]["version"].value() == "2"
    assert response.context["form"]["end_reason"].value() == "mismatch"
    proposal.refresh_from_db()
    assert proposal.status == PlacementStatus.PROPOSED


def test_withdraw_of_a_record_withdrawn_meanwhile_says_so(client):
    a, _b = two_municipalities()
    client.force_login(a.jobcoach)
    url = reverse("placements:benefit_withdraw", args=[a.period.pk])
    assert client.post(url, {"version": "1", "reason": "Fout."}).status_code == 302
    assert client.post(url, {"version": "1", "reason": "Fout."}).status_code == 404
    assert Correction.objects.count() == 1


def test_edit_form_without_its_version_is_refused(client):
    a, _b = two_municipalities()
    client.force_login(a.jobcoach)
    before = snapshot()
    response = client.post(
        reverse("placements:jobseeker_update", args=[a.jobseeker.pk]),
        {"given_name": "X", "family_name": "Y"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["version"] == ["This field is required."]
    assert snapshot() == before


def test_stale_withdraw_shows_the_record_as_it_is_now(client):
    a, _b = two_municipalities()
    client.force_login(a.jobcoach)
    url = reverse("placements:benefit_withdraw", args=[a.period.pk])
    colleague = BenefitPeriod.objects.get(pk=a.period.pk)
    colleague.monthly_amount = "1000.00"
    benefit_period_save(period=colleague)
    before = snapshot()

    response = client.post(url, {"version": "1", "reason": "Fout."})

    assert response.status_code == 409
    facts = [(line.label, line.new) for line in response.context["record_facts"]]
    assert facts == [
        ("Benefit type", "Participatiewet (bijstand)"),
        ("Start date", "1 January 2020"),
        ("Monthly amount (EUR)", "1000.00"),
    ]
    assert response.context["form"]["version"].value() == "2"
    assert snapshot() == before
    # Withdrawn after seeing the current values: based on version 2 now.
    assert client.post(url, {"version": "2", "reason": "Fout."}).status_code == 302
    assert not BenefitPeriod.objects.filter(pk=a.period.pk).exists()


def test_stale_page_speaks_dutch(client, settings):
    settings.LANGUAGE_CODE = "nl"
    a, _b = two_municipalities()
    client.force_login(a.jobcoach)
    url = reverse("placements:jobseeker_update", args=[a.jobseeker.pk])
    mine = _shown_form_data(client.get(url))
    _colleague_saves_jobseeker(a.jobseeker.pk, phone="06-12345678")

    html = client.post(url, {**mine, "email": "ayla@example.nl"}).content.decode()

    assert "Iemand anders heeft dit gewijzigd terwijl u ermee bezig was." in html
    assert "Intussen gewijzigd" in html
    assert "Huidige waarde" in html
