"""Concurrent PUTs to one row never lose an update: they are applied one after the other
(kernel/versioning.py's rule, and a lock on the key), each on the row the other left."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.test import Client

from municipalities.models import Correction
from placements.models import BenefitPeriod, Placement
from tests.factories import MunicipalityFactory

from .helpers import make_client
from .test_write import ENTREPRENEUR, JOBSEEKER, PERIOD, PERIOD_PATH, PLACEMENT, put

pytestmark = pytest.mark.django_db(transaction=True)


def _race(requests: list[tuple[str, dict]], token: str) -> list[int]:
    """Send the PUTs at the same moment, each from a thread (and connection) of its own."""
    barrier = threading.Barrier(len(requests))
    statuses: list[int] = [0] * len(requests)

    def send(index: int, path: str, body: dict) -> None:
        try:
            barrier.wait()
            statuses[index] = put(Client(), path, body, token).status_code
        finally:
            connection.close()

    threads = [
        threading.Thread(target=send, args=(i, path, body))
        for i, (path, body) in enumerate(requests)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


def test_concurrent_puts_to_one_row_are_applied_one_after_the_other():
    MunicipalityFactory(code="GM0917", name="Heerlen")
    _client, token = make_client("Heerlen", "GM0917")
    api = Client()
    put(api, "/api/v1/entrepreneurs/ENT-HRL-1/", ENTREPRENEUR, token)
    put(api, "/api/v1/jobseekers/HRL-001/", JOBSEEKER, token)
    put(api, "/api/v1/placements/PL-HRL-001/", PLACEMENT, token)
    assert put(api, PERIOD_PATH, PERIOD, token).status_code == 201
    for round_number in range(3):
        amounts = [f"{1000 + 10 * round_number + n}.00" for n in range(3)]
        statuses = _race(
            [(PERIOD_PATH, {**PERIOD, "monthly_amount": amount}) for amount in amounts], token
        )
        assert statuses == [200, 200, 200]
    period = BenefitPeriod.objects.get()
    assert period.version == 1 + 9
    # Each correction starts from the value the one before it left: none was lost.
    chain = [c.changes["monthly_amount"] for c in Correction.objects.order_by("changed_at", "pk")]
    assert len(chain) == 9
    assert chain[0][0] == "1285.40"
    assert all(chain[i][1] == chain[i + 1][0] for i in range(8))
    assert chain[-1][1] == f"{period.monthly_amount:.2f}"


def test_concurrent_first_puts_of_one_key_create_it_once():
    MunicipalityFactory(code="GM0917", name="Heerlen")
    _client, token = make_client("Heerlen", "GM0917")
    api = Client()
    put(api, "/api/v1/entrepreneurs/ENT-HRL-1/", ENTREPRENEUR, token)
    put(api, "/api/v1/jobseekers/HRL-001/", JOBSEEKER, token)
    statuses = _race([("/api/v1/placements/PL-HRL-001/", PLACEMENT)] * 3, token)
    assert sorted(statuses) == [200, 200, 201]
    placement = Placement.objects.get()
    assert (placement.version, placement.state_changes.count()) == (1, 1)
