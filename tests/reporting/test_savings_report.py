"""The funder report's savings: equal to pilot_savings, in Dutch, and the same when rendered again
from the same snapshot after the data changed."""

import datetime
import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from placements.models import BenefitPeriod
from reporting.models import ReportKind
from reporting.reports.content import funder_content
from reporting.snapshots import snapshot_compute
from tests.reporting.test_reports import AS_OF, _pdf_text, _render, nl, pilot_small  # noqa: F401

pytestmark = pytest.mark.django_db


def _pilot_savings(as_of: datetime.date) -> dict:
    out = StringIO()
    call_command("pilot_savings", "--as-of", as_of.isoformat(), stdout=out)
    return json.loads(out.getvalue())


def test_funder_report_savings_equal_pilot_savings(pilot_small):  # noqa: F811
    expected = _pilot_savings(AS_OF)

    report = _render(ReportKind.FUNDER)

    assert report.snapshot.savings["totals"] == expected["totals"]
    # Labels may wrap inside their table cell: compare the text with its whitespace collapsed.
    text = " ".join(_pdf_text(report.file.path).split())
    assert nl("Benefit savings and the return on the budget") in text
    # 34272.64 saved, 811 days, 34% of EUR 100.000, not yet at break-even; Dutch separators.
    assert f"{nl('Saved in benefits')} € 34.273 " in text
    assert f"{nl('Days off benefits')} 811 " in text
    assert f"{nl('Return on the budget')} 34% " in text
    assert f"{nl('Break-even')} {nl('not yet')} " in text
    # Then the coaching costs (4 and 3 participants x 24 h x EUR 70), per outflow, and net.
    assert (
        "Zwolle (GM0193) 1 82 € 3.465 0 € 6.720 € 6.720 € -3.255 "
        "Heerlen (GM0917) 2 729 € 30.807 0 € 5.040 € 2.520 € 25.767"
    ) in text
    assert nl("Cumulative benefit savings against the budget") in text


def test_funder_report_savings_rendered_again_from_the_snapshot_are_unchanged(pilot_small):  # noqa: F811
    snapshot, _created = snapshot_compute(as_of=AS_OF, trigger="on_demand")
    before = funder_content(snapshot, previous=None).context["savings"]

    BenefitPeriod.objects.update(monthly_amount=Decimal("9999.99"))
    again = funder_content(snapshot, previous=None).context["savings"]

    assert again == before
    assert (again.savings, again.days_off_benefits) == (Decimal("34272.64"), 811)
