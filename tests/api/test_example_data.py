"""The example data set pushed through the API by two clients (Heerlen's own system, and a
pilot-wide one for the rest) gives exactly the figures of importing it from CSV; pushing it
again changes nothing."""

from __future__ import annotations

import shutil
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction

from municipalities.models import AuditEvent, Correction
from placements.imports import import_folder
from placements.models import PlacementStateChange

from .helpers import PILOT_SMALL, bearer, example_requests, make_client

pytestmark = pytest.mark.django_db

DATES = ("2024-12-31", "2025-09-30")


def figures() -> dict[str, str]:
    """pilot_metrics and pilot_savings as JSON text, at each date."""
    result = {}
    for command in ("pilot_metrics", "pilot_savings"):
        for as_of in DATES:
            out = StringIO()
            call_command(command, as_of=as_of, format="json", stdout=out)
            result[f"{command} {as_of}"] = out.getvalue()
    return result


def test_example_data_through_the_api_gives_the_figures_of_the_csv_import(client, tmp_path):
    with transaction.atomic():
        assert import_folder(PILOT_SMALL).problems == []
        from_csv = figures()
        transaction.set_rollback(True)
    # The published figures of the example data set are what the import gives.
    assert from_csv["pilot_metrics 2025-09-30"] == (
        PILOT_SMALL.parent / "pilot-small.expected.2025-09-30.json"
    ).read_text(encoding="utf-8")

    # Municipalities are the programme admin's (not the API's): only they come from CSV.
    shutil.copy(PILOT_SMALL / "municipalities.csv", tmp_path)
    assert import_folder(tmp_path).problems == []
    _heerlen, heerlen_token = make_client("Heerlen benefits", "GM0917")
    _imk, imk_token = make_client("IMK lists", pilot_wide=True)
    requests = example_requests()
    assert {code for *_rest, code in requests} == {"GM0917", "GM0193"}

    def push() -> list[int]:
        statuses = []
        for _file, path, body, code in requests:
            token = heerlen_token if code == "GM0917" else imk_token
            response = client.put(path, body, content_type="application/json", **bearer(token))
            assert response.status_code in (200, 201), (path, response.json())
            statuses.append(response.status_code)
        return statuses

    assert push() == [201] * len(requests)
    assert figures() == from_csv
    trace = (
        AuditEvent.objects.count(),
        Correction.objects.count(),
        PlacementStateChange.objects.count(),
    )
    assert trace[0] == 1 + 2 + len(requests)  # the import of municipalities, two clients, rows
    assert push() == [200] * len(requests)
    assert figures() == from_csv
    assert (
        AuditEvent.objects.count(),
        Correction.objects.count(),
        PlacementStateChange.objects.count(),
    ) == trace
