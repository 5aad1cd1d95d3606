"""The leak matrix: every route of the URL resolver × every method × every kind of actor ×
objects of municipality A and B, with the exact status expected and no write landing where
the actor may not write. Expectations: tests/security/expectations.py."""

import os

import pytest

from .expectations import EXPECTATIONS, expectation_for
from .leak_matrix import (
    ACTORS,
    TENANTS,
    build_world,
    clients,
    methods_for,
    routes,
    run_case,
)

pytestmark = pytest.mark.django_db


def test_every_route_has_an_expectation():
    known = [route for route, _pattern in routes()]
    missing = [route for route in known if expectation_for(route) is None]
    stale = sorted(set(EXPECTATIONS) - set(known))
    missing = [route for route in missing if not os.environ.get("LEAK_MATRIX_OBSERVE")]
    assert missing == [], f"routes without a row in tests/security/expectations.py: {missing}"
    assert stale == [], f"rows for routes that no longer exist: {stale}"


def test_leak_matrix(settings):
    world = build_world()
    by_actor = clients(world)
    cases = []
    observe = os.environ.get("LEAK_MATRIX_OBSERVE")
    for route, pattern in routes():
        row = expectation_for(route)
        if row is None:
            continue  # reported by test_every_route_has_an_expectation
        tenants = TENANTS if row.obj else (None,)
        for method in methods_for(route):
            if method == "PUT" and row.PUT is not None:
                spec = row.PUT
            elif method in {"PUT", "PATCH", "DELETE"}:
                spec = row.writes
            else:
                spec = getattr(row, method)
            for actor in ACTORS:
                for tenant in tenants:
                    expected = spec.status(actor, tenant) if spec is not None else None
                    cases.append(
                        run_case(
                            world, by_actor[actor], actor, route, pattern, method, tenant, expected
                        )
                    )
    if observe:
        for case in cases:
            print("OBSERVED", case.route, case.method, case.actor, case.tenant, case.status)
    wrong = [
        f"{c.method} {c.path} as {c.actor}: {c.status}, expected {c.expected}"
        for c in cases
        if c.status != c.expected
    ]
    leaks = [
        f"{c.method} {c.path} as {c.actor} changed rows of {', '.join(c.leaked_into)}"
        for c in cases
        if c.leaked_into
    ]
    route_count = len({c.route for c in cases})
    print(f"leak matrix: {route_count} routes, {len(cases)} cases")
    print("\n".join(leaks + wrong))
    assert leaks == []
    assert wrong == []
    assert route_count == len(list(routes()))
