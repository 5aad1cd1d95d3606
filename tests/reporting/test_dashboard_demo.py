"""On the demo data: a funder sees every chart, downloads the funder report, and the numbers
match pilot_metrics for the same date."""

import datetime
import json
import re
import shutil
import subprocess
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from demo.credentials import demo_accounts
from demo.timeline import DATA_UNTIL
from municipalities.models import User
from reporting.models import ReportKind
from reporting.reports.services import report_render, report_request
from reporting.snapshots import snapshot_compute

pytestmark = pytest.mark.django_db

AS_OF = datetime.date(2025, 9, 30)


def test_funder_sees_demo_dashboard_and_report_matching_pilot_metrics(client, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    call_command("seed_demo", "--today", DATA_UNTIL.isoformat(), stdout=StringIO())
    out = StringIO()
    call_command("pilot_metrics", "--as-of", AS_OF.isoformat(), stdout=out)
    expected = json.loads(out.getvalue())
    totals = expected["totals"]
    assert totals["participants"] > 0
    snapshot_compute(as_of=AS_OF, trigger="on_demand")

    funder_email = next(a.email for a in demo_accounts() if a.role == "funder")
    funder = User.objects.get(email=funder_email)
    client.force_login(funder)
    html = client.get(reverse("reporting:dashboard"), {"as_of": "2025-09-30"}).content.decode()
    assert f'<strong data-figure="outflow">{totals["outflow"]} participants left benefits' in html
    assert f'<span data-figure="target">target: {totals["target_outflow"]:g}</span>' in html
    for key in ("participants", "outflow_to_work", "sustained_outflow", "open"):
        assert f"<dd>{totals[key]}</dd>" in html, key
    # The five charts and the savings against the budget.
    assert html.count('role="img"') == 6
    assert html.count('<details class="chart-details"') == 6

    report, _queued = report_request(kind=ReportKind.FUNDER, as_of=AS_OF, enqueue=False)
    report_render(report_id=report.pk)
    response = client.get(reverse("reporting:report_download", args=[report.pk]))
    assert response.status_code == 200
    pdf = tmp_path / "downloaded.pdf"
    pdf.write_bytes(b"".join(response.streaming_content))
    text = subprocess.run(  # noqa: S603
        [shutil.which("pdftotext"), "-layout", str(pdf), "-"],
        capture_output=True,
        check=True,
        text=True,  # noqa: S607
    ).stdout
    cells = [
        totals[k]
        for k in (
            "planned_places",
            "target_outflow",
            "participants",
            "outflow",
            "outflow_to_work",
            "sustained_outflow",
            "open",
            "no_outflow",
        )
    ]
    cells[1] = f"{cells[1]:g}"
    with translation.override("nl"):
        total = translation.gettext("Total")
    assert re.search(re.escape(total) + r"\s+" + r"\s+".join(str(c) for c in cells), text)
    for municipality in expected["municipalities"]:
        assert re.search(
            rf"{municipality['code']}\s+{municipality['name']}\s+{municipality['planned_places']}",
            text,
        )
