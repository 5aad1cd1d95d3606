"""The savings on the dashboard: from the stored snapshot, scoped per role, in Dutch and English.

Every participant here left a Participatiewet benefit of EUR 1,285.40 a month on 1 August 2024;
as of 31 March 2025 that is 242 days off benefits and EUR 10,226.85 each (1285.40 x 12 / 365
x 242, rounded to cents).
"""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from kernel.models import PilotSettings
from municipalities.enums import Role
from reporting.dashboard import WHOLE_PILOT, municipality_scope
from reporting.savings_figures import snapshot_savings
from reporting.snapshots import snapshot_compute
from tests.factories import (
    BenefitPeriodFactory,
    MunicipalityFactory,
    PlacementFactory,
    user_with_role,
)

pytestmark = pytest.mark.django_db

AS_OF = datetime.date(2025, 3, 31)


def _left_benefits(municipality, ref):
    placement = PlacementFactory(
        jobseeker__municipality=municipality, jobseeker__ref=ref, ref=f"PL-{ref}"
    )
    BenefitPeriodFactory(
        jobseeker=placement.jobseeker,
        end_date=datetime.date(2024, 8, 1),
        end_reason="work",
        monthly_amount=Decimal("1285.40"),
    )


@pytest.fixture
def two_municipalities():
    heerlen = MunicipalityFactory(code="GM0917", name="Heerlen")
    zwolle = MunicipalityFactory(code="GM0193", name="Zwolle")
    _left_benefits(heerlen, "HRL-1")
    _left_benefits(zwolle, "ZWL-1")
    _left_benefits(zwolle, "ZWL-2")
    return heerlen, zwolle


def _html(client, user, language="en"):
    client.force_login(user)
    user.language = language  # the language this person chose with the switch
    user.save(update_fields=["language"])
    response = client.get(reverse("reporting:dashboard"), {"as_of": AS_OF.isoformat()})
    assert response.status_code == 200
    return response.content.decode()


def _figure(html, name):
    return re.search(rf'data-figure="{name}">([^<]*)<', html).group(1)


def test_savings_dashboard_funder_sees_savings_return_and_not_yet_break_even(
    client, two_municipalities
):
    snapshot_compute(as_of=AS_OF, trigger="on_demand")

    html = _html(client, user_with_role(Role.FUNDER))

    assert [_figure(html, n) for n in ("savings", "days", "return", "break-even")] == [
        "€ 30,681",
        "726",
        "31%",
        "not yet",
    ]
    assert ">Cumulative benefit savings against the budget</title>" in html
    assert "The savings have not yet reached the budget." in html
    assert "at 100% the pilot has paid for itself" in html
    assert 'data-figure="without-amount"' not in html


def test_savings_dashboard_marks_the_break_even_day(client, two_municipalities):
    # 3 x 1285.40 x 12 / 365 a day: EUR 9,888.78 after 78 days, EUR 10,015.56 after 79.
    pilot = PilotSettings.load()
    pilot.budget_eur = Decimal("10000")
    pilot.save()
    snapshot_compute(as_of=AS_OF, trigger="on_demand")

    html = _html(client, user_with_role(Role.FUNDER))

    assert _figure(html, "break-even") == "19 October 2024"
    assert _figure(html, "return") == "307%"
    assert "break-even 19 October 2024" in html
    assert "The savings reached the budget on 19 October 2024." in html


def test_savings_dashboard_lists_savings_per_municipality_next_to_the_outflow(
    client, two_municipalities
):
    snapshot_compute(as_of=AS_OF, trigger="on_demand")

    html = _html(client, user_with_role(Role.PROGRAMME_ADMIN))
    table = html.split('id="savings-title"')[1].split("</table>")[0]
    rows = [
        re.findall(r">([^<>]+)</t[hd]>", row) for row in table.split("<tbody")[1].split("</tr>")
    ]

    assert [row for row in rows if row] == [
        # ... then the coaching costs (participants x 24 h x EUR 70), per outflow, and net.
        ["Zwolle", "2", "484", "€ 20,454", "0", "€ 3,360", "€ 1,680", "€ 17,094"],
        ["Heerlen", "1", "242", "€ 10,227", "0", "€ 1,680", "€ 1,680", "€ 8,547"],
    ]


def test_savings_dashboard_jobcoach_sees_own_municipality_without_the_pilot_budget(
    client, two_municipalities
):
    heerlen, _zwolle = two_municipalities
    snapshot_compute(as_of=AS_OF, trigger="on_demand")

    html = _html(client, user_with_role(Role.JOBCOACH, heerlen))

    assert (_figure(html, "savings"), _figure(html, "days")) == ("€ 10,227", "242")
    assert "Zwolle" not in html.split('id="savings-title"')[1].split("</section>")[0]
    assert 'data-figure="return"' not in html
    assert "Cumulative benefit savings against the budget" not in html


def test_savings_dashboard_in_dutch_uses_dots_for_thousands(client, two_municipalities):
    snapshot_compute(as_of=AS_OF, trigger="on_demand")

    html = _html(client, user_with_role(Role.FUNDER), language="nl")

    assert _figure(html, "savings") == "€ 30.681"
    assert _figure(html, "break-even") == "nog niet"
    assert "Besparing op uitkeringen per 31 maart 2025" in html


def test_savings_dashboard_counts_outflow_without_amount_but_not_its_euros(client):
    heerlen = MunicipalityFactory(code="GM0917", name="Heerlen")
    _left_benefits(heerlen, "HRL-1")
    placement = PlacementFactory(jobseeker__municipality=heerlen, jobseeker__ref="HRL-2")
    BenefitPeriodFactory(
        jobseeker=placement.jobseeker, end_date=datetime.date(2024, 8, 1), end_reason="work"
    )
    snapshot_compute(as_of=AS_OF, trigger="on_demand")

    html = _html(client, user_with_role(Role.FUNDER))

    assert [_figure(html, n) for n in ("savings", "days", "without-amount")] == [
        "€ 10,227",
        "484",
        "1",
    ]


def test_savings_summary_is_read_from_the_snapshot_not_the_live_tables(
    two_municipalities, django_assert_num_queries
):
    heerlen, _zwolle = two_municipalities
    snapshot, _created = snapshot_compute(as_of=AS_OF, trigger="on_demand")
    # A budget changed after the snapshot does not change the figures rendered from it.
    PilotSettings.objects.update(budget_eur=Decimal("1"))
    scope = municipality_scope([heerlen.id])

    with django_assert_num_queries(0):
        whole = snapshot_savings(snapshot, WHOLE_PILOT)
        own = snapshot_savings(snapshot, scope)

    assert (whole.savings, whole.budget, whole.return_ratio) == (
        Decimal("30680.55"),
        Decimal("100000.00"),
        Decimal("0.3068"),
    )
    assert (own.savings, own.outflow, own.budget, own.curve) == (
        Decimal("10226.85"),
        1,
        None,
        [],
    )
    assert whole.curve[0] == (datetime.date(2024, 8, 31), Decimal("3803.37"))
    assert whole.curve[-1] == (AS_OF, Decimal("30680.55"))
