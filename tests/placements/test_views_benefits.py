import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from placements.models import BenefitPeriod
from tests.factories import BenefitPeriodFactory

from .pages import field_error, other_roles, snapshot, two_municipalities

pytestmark = pytest.mark.django_db


def _end_url(jobseeker) -> str:
    return reverse("placements:benefit_end", args=[jobseeker.pk])


def _start_url(jobseeker) -> str:
    return reverse("placements:benefit_start", args=[jobseeker.pk])


def test_benefit_end_records_date_and_reason(client):
    a, _b = two_municipalities()
    client.force_login(a.jobcoach)
    form = client.get(_end_url(a.jobseeker)).context["form"]
    # The only running period is preselected.
    assert form.fields["period"].initial == a.period.pk
    response = client.post(
        _end_url(a.jobseeker),
        {"period": a.period.pk, "end_date": "2025-06-30", "end_reason": "work"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("placements:jobseeker_detail", args=[a.jobseeker.pk])
    a.period.refresh_from_db()
    assert (a.period.end_date, a.period.end_reason) == (datetime.date(2025, 6, 30), "work")


def test_benefit_end_offers_only_running_periods_of_this_jobseeker(client):
    a, b = two_municipalities()
    BenefitPeriodFactory(
        jobseeker=a.jobseeker,
        benefit_type="ww",
        start_date=datetime.date(2018, 1, 1),
        end_date=datetime.date(2019, 12, 31),
        end_reason="other",
    )
    client.force_login(a.jobcoach)
    offered = client.get(_end_url(a.jobseeker)).context["form"].fields["period"].queryset
    assert list(offered) == [a.period]
    before = snapshot()
    response = client.post(
        _end_url(a.jobseeker),
        {"period": b.period.pk, "end_date": "2025-06-30", "end_reason": "work"},
    )
    assert list(response.context["form"].errors) == ["period"]
    assert snapshot() == before


def test_benefit_end_before_start_is_shown_at_the_field(client):
    a, _b = two_municipalities()
    client.force_login(a.jobcoach)
    before = snapshot()
    response = client.post(
        _end_url(a.jobseeker),
        {"period": a.period.pk, "end_date": "2019-06-30", "end_reason": "work"},
    )
    assert field_error("id_end_date", "The end date cannot be before the start date.") in (
        response.content.decode()
    )
    assert snapshot() == before


def test_benefit_end_without_running_period_says_so(client):
    a, _b = two_municipalities()
    BenefitPeriod.objects.filter(pk=a.period.pk).update(
        end_date=datetime.date(2024, 1, 1), end_reason="work"
    )
    client.force_login(a.jobcoach)
    response = client.get(_end_url(a.jobseeker))
    assert "This jobseeker has no running benefit." in response.content.decode()


def test_benefit_start_records_a_new_period(client):
    a, _b = two_municipalities()
    client.force_login(a.jobcoach)
    response = client.post(
        _start_url(a.jobseeker),
        {"benefit_type": "ww", "start_date": "2025-07-01", "monthly_amount": "1710.00"},
    )
    assert response.status_code == 302
    period = BenefitPeriod.objects.get(jobseeker=a.jobseeker, benefit_type="ww")
    assert (period.start_date, period.monthly_amount, period.municipality) == (
        datetime.date(2025, 7, 1),
        Decimal("1710.00"),
        a.municipality,
    )


def test_benefit_start_overlapping_the_same_type_is_shown_at_the_field(client):
    a, _b = two_municipalities()
    client.force_login(a.jobcoach)
    before = snapshot()
    response = client.post(
        _start_url(a.jobseeker), {"benefit_type": "participatiewet", "start_date": "2025-07-01"}
    )
    assert (
        field_error(
            "id_start_date",
            "Overlaps the Participatiewet (bijstand) period that started on 2020-01-01.",
        )
        in response.content.decode()
    )
    assert snapshot() == before


@pytest.mark.parametrize("url_of", [_end_url, _start_url])
def test_benefit_pages_of_another_municipality_are_404_and_change_nothing(client, url_of):
    a, b = two_municipalities()
    client.force_login(a.jobcoach)
    before = snapshot()
    data = {
        "period": b.period.pk,
        "end_date": "2025-06-30",
        "end_reason": "work",
        "benefit_type": "ww",
        "start_date": "2025-07-01",
    }
    assert client.get(url_of(b.jobseeker)).status_code == 404
    assert client.post(url_of(b.jobseeker), data).status_code == 404
    assert snapshot() == before


@pytest.mark.parametrize("role", ["imk_coach", "funder", "researcher"])
def test_benefit_pages_refuse_other_roles(client, role):
    a, _b = two_municipalities()
    client.force_login(other_roles()[role])
    before = snapshot()
    for url in (_end_url(a.jobseeker), _start_url(a.jobseeker)):
        assert client.get(url).status_code == 403
        assert (
            client.post(url, {"benefit_type": "ww", "start_date": "2025-07-01"}).status_code == 403
        )
    assert snapshot() == before
