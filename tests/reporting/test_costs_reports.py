"""The costs and the rollout where the funder and the municipalities read them: the dashboard,
the funder report (costs, net, the rollout section at its defaults) and the per-municipality
report (that municipality's savings and coaching costs), all from the snapshot."""

import pytest

from kernel.models import PilotSettings
from municipalities.enums import Role
from municipalities.models import Municipality
from reporting.models import ReportKind
from reporting.reports.content import funder_content
from reporting.snapshots import snapshot_compute
from tests.factories import user_with_role
from tests.reporting.rollout_data import load_closed_windows
from tests.reporting.test_reports import AS_OF, _pdf_text, _render, nl, pilot_small  # noqa: F401

pytestmark = pytest.mark.django_db


def _text(report) -> str:
    return " ".join(_pdf_text(report.file.path).split())


def test_admin_dashboard_shows_the_costs_and_the_net(client, pilot_small):  # noqa: F811
    snapshot_compute(as_of=AS_OF, trigger="on_demand")
    client.force_login(user_with_role(Role.PROGRAMME_ADMIN))

    html = client.get("/dashboard/", {"as_of": AS_OF.isoformat()}).content.decode()

    # 7 participants x 24 h x EUR 70 = EUR 11,760 (no guidance sessions in the example);
    # (EUR 100,000 + 11,760) / 3 outflow = EUR 37,253; EUR 34,272.64 - 111,760 = EUR -77,487.
    assert 'data-figure="coaching-costs">€ 11,760<' in html
    assert 'data-figure="cost-per-outflow">€ 37,253<' in html
    assert 'data-figure="net">€ -77,487<' in html
    assert "Budget per outflow" in html
    assert "Rollout calculator: what these results would mean at a larger scale" in html


def test_researcher_dashboard_has_no_link_to_the_calculator(client, pilot_small):  # noqa: F811
    snapshot_compute(as_of=AS_OF, trigger="on_demand")
    client.force_login(user_with_role(Role.RESEARCHER))

    html = client.get("/dashboard/", {"as_of": AS_OF.isoformat()}).content.decode()

    assert "/rollout/" not in html


def test_jobcoach_dashboard_shows_their_coaching_costs_without_the_budget(client, pilot_small):  # noqa: F811
    snapshot_compute(as_of=AS_OF, trigger="on_demand")
    heerlen = Municipality.objects.get(code="GM0917")
    client.force_login(user_with_role(Role.JOBCOACH, heerlen))

    html = client.get("/dashboard/", {"as_of": AS_OF.isoformat()}).content.decode()

    assert 'data-figure="coaching-costs">€ 5,040<' in html
    assert 'data-figure="coaching-cost-per-outflow">€ 2,520<' in html
    assert 'data-figure="net">€ 25,767<' in html
    assert "Cost per outflow" not in html
    assert "Zwolle" not in html
    assert "/rollout/" not in html


def test_funder_report_shows_the_costs_and_that_nothing_can_be_extrapolated_yet(pilot_small):  # noqa: F811
    report = _render(ReportKind.FUNDER)

    text = _text(report)
    assert f"{nl('Coaching costs')} € 11.760 " in text
    assert f"{nl('Cost per outflow')} € 37.253 " in text
    assert f"{nl('Savings minus costs')} € -77.487 " in text
    assert nl("Rollout: the pilot's results at a larger scale") in text
    # 6 windows closed in the example: too few to extrapolate from.
    assert "Er valt nog niets door te rekenen: pas van 6 deelnemers" in text
    assert nl("Expected outflow") not in text


def test_funder_report_rollout_at_the_default_scale(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    load_closed_windows()

    report = _render(ReportKind.FUNDER)

    text = _text(report)
    assert nl("%(m)s municipalities, %(p)s places each") % {"m": 342, "p": 10} in text
    assert f"{nl('Expected outflow')} 1368 " in text
    assert "met 95% zekerheid tussen 840 en 1973" in text
    # (The label wraps in its narrow cell: the amount is followed by its sentence.)
    assert "€ 13.492.584 Uitkeringen die de gemeenten in het eerste jaar" in text
    assert f"{nl('Costs')} € 14.381.100 " in text
    assert f"{nl('Savings minus costs')} € -888.516 " in text
    assert nl("Savings and costs at this scale, first year after the internship") in text
    assert nl("Observations") in text


def test_funder_report_rollout_rendered_again_is_unchanged_after_a_rate_change(settings):
    load_closed_windows()
    snapshot, _created = snapshot_compute(as_of=AS_OF, trigger="on_demand")
    before = funder_content(snapshot, previous=None).context["projection"]
    pilot = PilotSettings.load()
    pilot.jobcoach_hourly_rate_eur = 500
    pilot.save()

    again = funder_content(snapshot, previous=None).context["projection"]

    assert again == before
    assert again.costs == 14381100


def test_municipality_report_shows_that_municipalitys_savings_and_costs(pilot_small):  # noqa: F811
    heerlen = Municipality.objects.get(code="GM0917")

    report = _render(ReportKind.MUNICIPALITY, municipality=heerlen)

    text = _text(report)
    assert nl("Benefit savings and coaching costs") in text
    assert f"{nl('Saved in benefits')} € 30.807 " in text
    assert f"{nl('Days off benefits')} 729 " in text
    assert f"{nl('Coaching costs')} € 5.040 " in text
    # (Longer labels wrap in their narrow cell: "Begeleidingskosten per [amount] ... uitstroom".)
    assert "Begeleidingskosten per € 2.520 " in text
    assert "Besparing min € 25.767 " in text
    assert "Heerlen (GM0917) 2 729 € 30.807 0 € 5.040 € 2.520 € 25.767" in text
    # Neither the whole pilot's budget nor another municipality.
    assert nl("Return on the budget") not in text
    assert nl("Break-even") not in text
    assert "Zwolle" not in text


def test_a_snapshot_stored_before_the_costs_still_shows_its_savings(pilot_small):  # noqa: F811
    # Shown only while the worker is down (the last stored figures); it has no costs to show.
    from reporting.dashboard import WHOLE_PILOT, dashboard_figures_html
    from reporting.models import MetricsSnapshot

    snapshot, _created = snapshot_compute(as_of=AS_OF, trigger="on_demand")
    older = {k: v for k, v in snapshot.savings.items() if k not in ("costs", "rollout")}
    MetricsSnapshot.objects.filter(pk=snapshot.pk).update(savings=older)
    snapshot.refresh_from_db()

    html = dashboard_figures_html(snapshot=snapshot, scope=WHOLE_PILOT)

    assert 'data-figure="savings">€ 34,273<' in html
    assert "Coaching costs" not in html
