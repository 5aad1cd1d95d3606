"""Every read of a person's data is in the processing log, exactly once per request: driven by
the leak matrix's world and route list, so a new page is covered the day it gets its row.

For every route, method and actor that answers 200: the people a response shows are found by
their names (given or family name) and by their keys (the jobseeker's reference, a reference of
one of their placements). A response that shows anyone by name has exactly one new entry, by that
actor, whose people are at least those shown by name and at most those shown at all; a response
that shows nobody has no entry. A PDF (the access request) is not searched: it must have one entry
about the person its URL names.
"""

from http.cookies import SimpleCookie

import pytest
from django.db import transaction

from placements.models import Placement
from privacy.models import ProcessingEntry
from tests.security.expectations import expectation_for
from tests.security.leak_matrix import (
    ACTORS,
    RESTRICTED_NAMES,
    TENANTS,
    WORLD_NAMES,
    build_world,
    clients,
    routes,
    url_kwargs,
    url_path,
)

pytestmark = pytest.mark.django_db


def _people_in(text: str, world) -> tuple[set[int], set[int]]:
    """(shown by name, shown at all) among the world's two jobseekers."""
    by_name, by_any = set(), set()
    people = [(world.objects[tenant]["jobseeker"], WORLD_NAMES[tenant]) for tenant in TENANTS]
    people.append((world.objects["a"]["restricted_person"], RESTRICTED_NAMES))
    for jobseeker, (given, family) in people:
        keys = [
            jobseeker.ref,
            *Placement.objects.filter(jobseeker=jobseeker).values_list("ref", flat=True),
        ]
        if given in text or family in text:
            by_name.add(jobseeker.pk)
            by_any.add(jobseeker.pk)
        elif any(key in text for key in keys):
            by_any.add(jobseeker.pk)
    return by_name, by_any


def _request(client, method: str, path: str):
    """The response and the log entries it wrote, rolled back afterwards (the cookies too: a
    sign-out page must not sign the next case out)."""
    cookies = client.cookies
    client.cookies = SimpleCookie(cookies.output(header="", sep=";"))
    with transaction.atomic():
        last = ProcessingEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        response = getattr(client, method.lower())(path)
        entries = [
            (entry, set(entry.subjects.values_list("jobseeker_id", flat=True)))
            for entry in ProcessingEntry.objects.filter(pk__gt=last).order_by("pk")
        ]
        content = b"".join(response) if response.streaming else response.content
        transaction.set_rollback(True)
    client.cookies = cookies
    return response, content, entries


def test_every_route_logs_each_person_it_shows_once():
    world = build_world()
    by_actor = clients(world)
    problems: list[str] = []
    checked = logged = 0
    for route, pattern in routes():
        row = expectation_for(route)
        if row is None:
            continue
        tenants = TENANTS if row.obj else (None,)
        for method in ("GET", "POST"):
            spec = getattr(row, method)
            for actor in ACTORS:
                for tenant in tenants:
                    if spec.status(actor, tenant) != 200:
                        continue
                    path = url_path(route, url_kwargs(world, route, pattern, tenant))
                    response, content, entries = _request(by_actor[actor], method, path)
                    if response.status_code != 200:
                        problems.append(f"{method} {path} as {actor}: {response.status_code}")
                        continue
                    checked += 1
                    logged += bool(entries)
                    where = f"{method} {path} as {actor}"
                    user = world.users[actor]
                    if response["Content-Type"].startswith("application/pdf"):
                        person = world.objects[tenant]["jobseeker"].pk
                        if [subjects for _e, subjects in entries] != [{person}]:
                            problems.append(f"{where}: PDF logged as {entries}")
                        continue
                    by_name, by_any = _people_in(content.decode(errors="replace"), world)
                    if not by_any:
                        if entries:
                            problems.append(f"{where}: shows nobody, logged {entries}")
                        continue
                    if len(entries) > 1 or (by_name and not entries):
                        problems.append(f"{where}: shows {by_any}, {len(entries)} entries")
                        continue
                    if not entries:
                        continue  # a reference without a name (an admin's history, say)
                    entry, subjects = entries[0]
                    if not (by_name <= subjects <= by_any):
                        problems.append(
                            f"{where}: shows {by_name} by name ({by_any} at all), logged {subjects}"
                        )
                    action_ok = entry.action in {"read", "export"} and entry.route
                    if entry.actor_id != user.pk or not action_ok:
                        problems.append(f"{where}: entry {entry.actor_id} {entry.action}")
    print(f"{checked} answers checked, {logged} logged")
    print("\n".join(problems))
    assert problems == []
    assert logged >= 30  # the check above found people on the pages it should
