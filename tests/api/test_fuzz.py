"""schemathesis over every operation of the OpenAPI description, against a live server, with a
token of each kind (one municipality; pilot-wide): no server errors, every answer as the
description says (status, content type, body), and no answer to Heerlen's client that carries
a row of another municipality.

Bounded for CI: ``FUZZ_EXAMPLES`` cases per operation and token (25 by default; about a
minute on two cores), derandomised so that a run is repeatable.
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from coaching.models import Entrepreneur
from placements.imports import import_folder
from placements.models import Jobseeker, Placement

from .helpers import PILOT_SMALL, make_client

pytestmark = pytest.mark.django_db(transaction=True)

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "25"))
REF_KEYS = ("ref", "jobseeker_ref", "entrepreneur_ref")
CODE_KEYS = ("municipality_code", "code")


def rows_in(data) -> tuple[set[str], set[str]]:
    """Every ref and every municipality code an answer carries, at any depth."""
    refs: set[str] = set()
    codes: set[str] = set()
    if isinstance(data, dict):
        refs |= {data[k] for k in REF_KEYS if isinstance(data.get(k), str)}
        codes |= {data[k] for k in CODE_KEYS if isinstance(data.get(k), str)}
        values = data.values()
    elif isinstance(data, list):
        values = data
    else:
        values = ()
    for value in values:
        more_refs, more_codes = rows_in(value)
        refs |= more_refs
        codes |= more_codes
    return refs, codes


def only_municipalities(codes: frozenset[str]):
    """A check: the answer carries no row of a municipality outside ``codes``."""

    def no_other_municipality(ctx, response, case):
        if response.status_code >= 300 or not response.content:
            return None
        refs, seen_codes = rows_in(response.json())
        others = set()
        for model in (Entrepreneur, Jobseeker, Placement):
            others |= set(
                model.objects.filter(ref__in=refs)
                .exclude(municipality__code__in=codes)
                .values_list("ref", flat=True)
            )
        if others or seen_codes - codes:
            raise AssertionError(
                f"{case.method} {case.path} answered rows of another municipality: "
                f"{sorted(others)} {sorted(seen_codes - codes)}"
            )
        return True

    return no_other_municipality


def fuzz(live_server, token: str, extra_checks: list) -> list[str]:
    headers = {"Authorization": f"Bearer {token}"}
    schema = schemathesis.openapi.from_url(
        f"{live_server.url}/api/schema/?format=json", headers=headers
    )
    checks = [
        not_a_server_error,
        status_code_conformance,
        content_type_conformance,
        response_schema_conformance,
        *extra_checks,
    ]
    tested = []
    for result in schema.get_all_operations():
        operation = result.ok()

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def run(case):
            case.call_and_validate(base_url=live_server.url, headers=headers, checks=checks)

        run()
        tested.append(f"{operation.method.upper()} {operation.path}")
    return tested


@pytest.fixture
def pilot_small(transactional_db, settings):
    # The fuzzer's requests are far more than a system sends; the limit has its own test.
    settings.API_CLIENT_RATE_LIMIT = (100_000, 60)
    assert import_folder(PILOT_SMALL).problems == []


def test_fuzz_with_a_municipality_token(live_server, pilot_small):
    _client, token = make_client("Heerlen benefits", "GM0917")
    tested = fuzz(live_server, token, [only_municipalities(frozenset({"GM0917"}))])
    assert "PUT /api/v1/jobseekers/{ref}/benefit-periods/{benefit_type}/{start_date}/" in tested
    assert len(tested) == 14


def test_fuzz_with_a_pilot_wide_token(live_server, pilot_small):
    _client, token = make_client("IMK lists", pilot_wide=True)
    assert len(fuzz(live_server, token, [])) == 14
